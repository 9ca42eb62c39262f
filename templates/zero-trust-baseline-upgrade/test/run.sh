#!/usr/bin/env bash
# Tests the zero-trust-baseline-upgrade template: static checks and a dry-run through the
# scaffolder's dry-run API on a real backend (test/dryRun.cjs), plus hostile parameter values.
#
# Usage: templates/zero-trust-baseline-upgrade/test/run.sh
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/../../scripts/lib/toolchain.sh"

if (cd "$ZT_ROOT" && node --require @backstage/cli/config/nodeTransform.cjs \
  "$here/test/dryRun.cjs"); then
  echo "zero-trust-baseline-upgrade: all checks passed"
else
  echo "FAIL template dry-run"
  echo "zero-trust-baseline-upgrade: 1 check(s) failed"
  exit 1
fi
