#!/usr/bin/env bash
# Runs the Playwright tests in Debian's Chromium. Uses an app that is already running on :3000 and
# :7007 (README command 1), or starts one for the run and stops it afterwards.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/toolchain.sh"
cd "$ZT_ROOT"
"$ZT_ROOT/scripts/setup.sh" --browser

frontend=http://localhost:3000
readiness=http://127.0.0.1:7007/.backstage/health/v1/readiness
app_pid=""
log="$ZT_ROOT/node_modules/.cache/e2e-app.log"

stop_app() {
  if [ -n "$app_pid" ]; then
    kill -- -"$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
  fi
}
trap stop_app EXIT

up() { curl -fsS -o /dev/null "$frontend" && curl -fsS -o /dev/null "$readiness"; }

if ! up 2>/dev/null; then
  mkdir -p "$(dirname "$log")"
  zt_log "starting the app for end-to-end tests (log: $log)"
  # Own process group, so stopping it stops the frontend and backend children too.
  setsid node "$ZT_ROOT"/.yarn/releases/yarn-*.cjs start >"$log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 300); do
    up 2>/dev/null && break
    if ! kill -0 "$app_pid" 2>/dev/null; then
      zt_log "the app exited before it was ready:"; tail -50 "$log"; exit 1
    fi
    sleep 2
  done
  up || { zt_log "the app was not ready after 10 minutes:"; tail -50 "$log"; exit 1; }
  zt_log "app ready"
fi

node "$ZT_ROOT"/.yarn/releases/yarn-*.cjs playwright test "$@"
