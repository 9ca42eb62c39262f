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

# The Go builds (30-40 minutes on a cold machine, nothing on a warm one) need neither Node nor
# node_modules, so they start first and run beside setup, the static checks and the browser and
# adoption tests, none of which needs a Go tool. Each writes its own log and exit code; its step
# waits for them.
go_jobs="$(mktemp -d)"
go_builds_pid=""
trap '[ -n "$go_builds_pid" ] && kill -- -"$go_builds_pid" 2>/dev/null; rm -rf "$go_jobs"' EXIT
go_job() {
  local name="$1"
  shift
  "$@" >"$go_jobs/$name.log" 2>&1
  echo $? >"$go_jobs/$name.rc"
}
set -m # the background job gets its own process group, so the trap can stop all of it
(
  go_job harness packages/test-cluster/scripts/build.sh
  go_job crds packages/test-cluster/scripts/fetch-crds.sh
  go_job tools scripts/go-tools.sh
) &
go_builds_pid=$!
set +m
await_go_job() {
  local name="$1"
  while [ ! -f "$go_jobs/$name.rc" ] && kill -0 "$go_builds_pid" 2>/dev/null; do sleep 2; done
  cat "$go_jobs/$name.log" >&2 2>/dev/null
  [ "$(cat "$go_jobs/$name.rc" 2>/dev/null)" = 0 ]
}

# Setup has to succeed for anything else to mean something.
"$ZT_ROOT/scripts/setup.sh" --browser || { zt_log "setup failed"; exit 1; }

step "type check (tsc)" yarn_run tsc
step "lint" yarn_run backstage-cli repo lint
step "OpenAPI spec = generated code" "$ZT_ROOT/scripts/openapi-verify.sh"
step "formatting (prettier)" yarn_run prettier --check .
# What needs no Go tool runs while a cold machine is still building them; the builds yield the
# CPU to it (nice 19), so the browser tests are not starved.
[ -n "$go_builds_pid" ] && renice -n 19 -g "$go_builds_pid" >/dev/null 2>&1
step "end-to-end (Chromium)" "$ZT_ROOT/scripts/e2e.sh"
step "adoption test (README in a stock app)" "$ZT_ROOT/scripts/adoption-test.sh"
step "UI benchmark smoke (bench:ui --quick)" yarn_run workspace app bench:ui --quick
step "build kube-apiserver harness" await_go_job harness
step "fetch upstream CRDs" await_go_job crds
step "build Go tools (kustomize, KWOK, Kyverno, Argo Rollouts, kube-score, OCI fixture registry)" await_go_job tools
step "software templates (scaffolder dry-run)" templates/test.sh
step "unit + integration tests" env CI=true node "$ZT_ROOT"/.yarn/releases/yarn-*.cjs backstage-cli repo test --ci
# Smoke run of the posture benchmark (1-2 minutes): it fails only if the benchmark breaks, never on times.
step "benchmark smoke (bench --quick)" yarn_run workspace @zero-trust-k8s/plugin-zero-trust-backend bench --quick

echo
printf '%s\n' "${timings[@]}"
if [ "$failed" -gt 0 ]; then
  printf 'failed steps: %s\n' "${failures[*]}"
fi
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
