#!/usr/bin/env bash
# Tests the zero-trust-service template end to end:
#
#  1. static checks of template.yaml and a dry-run of the template through the scaffolder's
#     dry-run API on a real backend (test/dryRun.cjs), for Go and Node with gRPC and HTTP, plus
#     hostile parameter values that the parameter schemas must refuse; actionlint on the
#     rendered CI workflows;
#  2. the rendered Go services: gofmt, go build, go vet, go test;
#  3. the rendered Node services: npm ci (lockfile only, no install scripts), npm test, build;
#  4. each built service as a process: started as UID 65532, listening, SIGTERM -> clean exit;
#     started as root -> refused.
#
# Usage: templates/zero-trust-service/test/run.sh [output-dir]   (default: a temp dir)
# Needs Node 22 (scripts/lib/toolchain.sh provides it), Go >= 1.26 (PATH or /usr/local/go/bin),
# and the npm registry and Go module proxy.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/../../scripts/lib/toolchain.sh"
export PATH="$PATH:/usr/local/go/bin"

out="${1:-}"
if [ -z "$out" ]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
chmod 755 "$out" # the smoke test runs the services as UID 65532

failed=0
fail() {
  echo "FAIL $*"
  failed=$((failed + 1))
}
ok() { echo "ok   $*"; }

# 1. Template checks and the dry-run.
(cd "$ZT_ROOT" && node --require @backstage/cli/config/nodeTransform.cjs \
  "$here/test/dryRun.cjs" "$out") || fail "template dry-run"

# 1b. The rendered CI workflows, checked by actionlint (syntax, expressions, contexts, action
# inputs). Installed once from the Go module proxy, pinned.
actionlint="$ZT_CACHE_DIR/bin/actionlint-v1.7.12"
if [ ! -x "$actionlint" ]; then
  mkdir -p "$ZT_CACHE_DIR/bin"
  gobin="$(mktemp -d)"
  GOBIN="$gobin" go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 &&
    mv "$gobin/actionlint" "$actionlint"
  rm -rf "$gobin"
fi
for c in go-grpc go-http node-grpc node-http; do
  workflow="$out/$c/service/.github/workflows/ci.yaml"
  [ -f "$workflow" ] || continue
  if "$actionlint" -no-color "$workflow"; then
    ok "$c: actionlint .github/workflows/ci.yaml"
  else
    fail "$c: actionlint"
  fi
done

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# Starts "$@" as UID 65532 with PORT set, waits for "listening", sends SIGTERM, expects exit 0.
smoke() {
  local name="$1"
  shift
  local port log pid i status
  port="$(free_port)"
  log="$(mktemp)"
  chmod 644 "$log"
  if [ "$(id -u)" = 0 ]; then
    if PORT="$port" "$@" >"$log" 2>&1; then
      fail "$name: started as root"
    elif grep -q 'refusing to run as root' "$log"; then
      ok "$name: refuses to run as root"
    else
      fail "$name: as root: $(cat "$log")"
    fi
    PORT="$port" setpriv --reuid=65532 --regid=65532 --clear-groups "$@" >"$log" 2>&1 &
  else
    PORT="$port" "$@" >"$log" 2>&1 &
  fi
  pid=$!
  for i in $(seq 1 100); do
    grep -q '"listening"' "$log" && break
    sleep 0.1
  done
  if ! grep -q '"listening"' "$log"; then
    fail "$name: never listened: $(cat "$log")"
    kill "$pid" 2>/dev/null
    return
  fi
  kill -TERM "$pid"
  wait "$pid"
  status=$?
  if [ "$status" = 0 ] && grep -q '"shutting down"' "$log"; then
    ok "$name: listens on :$port as UID 65532, exits 0 after SIGTERM"
  else
    fail "$name: exit $status after SIGTERM: $(cat "$log")"
  fi
  rm -f "$log"
}

# 2. Go services.
for c in go-grpc go-http; do
  dir="$out/$c/service"
  [ -d "$dir" ] || { fail "$c: not rendered"; continue; }
  (
    cd "$dir" || exit 1
    unformatted="$(gofmt -l .)"
    [ -z "$unformatted" ] || { echo "gofmt: $unformatted"; exit 1; }
    go build ./... && go vet ./... && go test -count=1 ./... && go build -o server .
  ) && ok "$c: gofmt, go build, go vet, go test" || fail "$c: go checks"
  [ -x "$dir/server" ] && smoke "$c" "$dir/server"
done

# 3. Node services.
for c in node-grpc node-http; do
  dir="$out/$c/service"
  [ -d "$dir" ] || { fail "$c: not rendered"; continue; }
  (
    cd "$dir" || exit 1
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && npm test && npm run build
  ) && ok "$c: npm ci, npm test, npm run build" || fail "$c: node checks"
  [ -f "$dir/dist/main.js" ] && smoke "$c" node "$dir/dist/main.js"
done

if [ "$failed" -gt 0 ]; then
  echo "zero-trust-service: $failed check(s) failed"
  exit 1
fi
echo "zero-trust-service: all checks passed"
