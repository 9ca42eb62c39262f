#!/usr/bin/env bash
# Tests the software templates (see templates/README.md). Exits non-zero if any fails.
set -uo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
status=0
"$dir/zero-trust-service/test/run.sh" || status=1
"$dir/zero-trust-platform/test/run.sh" || status=1
"$dir/zero-trust-baseline-upgrade/test/run.sh" || status=1
exit "$status"
