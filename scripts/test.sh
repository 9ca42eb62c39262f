#!/usr/bin/env bash
# README command 2: installs what is missing, then runs every check of the project —
# type check, lint, formatting, unit and integration tests (with the real kube-apiserver harness),
# and the end-to-end tests in Debian's Chromium against a running app.
#
# Every step runs even when an earlier one failed, so one run shows every problem; the script
# exits non-zero if any step failed. Nothing is skipped: a missing tool fails its step.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/toolchain.sh"
cd "$ZT_ROOT"

passed=0
failed=0
failures=()
timings=()

step() {
  local name="$1"
  shift
  zt_log "── $name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    timings+=("$(printf '%-28s ok    %4ss' "$name" $((SECONDS - start)))")
  else
    failed=$((failed + 1))
    failures+=("$name")
    timings+=("$(printf '%-28s FAIL  %4ss' "$name" $((SECONDS - start)))")
  fi
}

yarn_run() { zt_yarn "$@"; }

# Setup has to succeed for anything else to mean something.
"$ZT_ROOT/scripts/setup.sh" --browser || { zt_log "setup failed"; exit 1; }

step "build kube-apiserver harness" packages/test-cluster/scripts/build.sh
step "fetch upstream CRDs" packages/test-cluster/scripts/fetch-crds.sh
step "build Go tools (kustomize, KWOK, Kyverno, Argo Rollouts, kube-score)" scripts/go-tools.sh
step "type check (tsc)" yarn_run tsc
step "lint" yarn_run backstage-cli repo lint
step "formatting (prettier)" yarn_run prettier --check .
step "software templates (scaffolder dry-run)" templates/test.sh
step "unit + integration tests" env CI=true node "$ZT_ROOT"/.yarn/releases/yarn-*.cjs backstage-cli repo test --ci
step "end-to-end (Chromium)" "$ZT_ROOT/scripts/e2e.sh"
step "adoption test (README in a stock app)" "$ZT_ROOT/scripts/adoption-test.sh"

echo
printf '%s\n' "${timings[@]}"
if [ "$failed" -gt 0 ]; then
  printf 'failed steps: %s\n' "${failures[*]}"
fi
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
