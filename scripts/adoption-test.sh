#!/usr/bin/env bash
# The adoption test (a step of scripts/test.sh): does an adopter who follows only README.md get a
# working install? It
#   1. builds and packs the five packages as a publisher does (root tsc for the declarations,
#      `backstage-cli package build`, `yarn pack` with prepack/postpack), and checks that postpack
#      restored every package.json;
#   2. creates a stock app with @backstage/create-app of our Backstage release (backstage.json) and
#      installs it, once per create-app version and set of pins, in a cache outside the clone;
#   3. serves the tarballs from a local registry for our scope only (127.0.0.1) and applies the
#      README's marked installation steps (e2e-adoption/readme-steps.cjs) to a fresh copy of that app;
#   4. starts the app (`yarn start`: backend and frontend dev server, on localhost) with a cluster
#      that does not answer, and checks in Chromium that the tab and card render, the actions are
#      listed and the templates are under Create (e2e-adoption/adoption.test.ts).
# Every step that cannot run fails the test with its reason. Usage: scripts/adoption-test.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/toolchain.sh"
cd "$ZT_ROOT"

# @backstage/create-app of the release in backstage.json (its dist/package.json.cjs.js names the
# release; the check below fails when backstage.json moves on without this line).
CREATE_APP_VERSION=0.9.2
PACKAGES=(zero-trust-common zero-trust-node zero-trust-backend scaffolder-backend-module-zero-trust zero-trust)

release="$(node -p 'require("./backstage.json").version')"
adoption="$ZT_ROOT/e2e-adoption"
work="$(mktemp -d "${TMPDIR:-/tmp}/zt-adoption.XXXXXX")"
log_dir="$ZT_ROOT/node_modules/.cache/adoption-test"
mkdir -p "$log_dir"
background=()
timings=()

packing="" # the package whose package.json prepack has rewritten, until postpack restores it
cleanup() {
  local pid
  if [ -n "$packing" ]; then
    cp "$work/package.json.before" "plugins/$packing/package.json"
    rm -f "plugins/$packing/package.json-prepack"
  fi
  for pid in "${background[@]}"; do
    kill -- -"$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM

fail() {
  zt_log "adoption test FAILED: $*"
  exit 1
}

phase_start=$SECONDS
phase() {
  timings+=("$(printf '  %-46s %4ss' "$1" $((SECONDS - phase_start)))")
  phase_start=$SECONDS
}

# A `yarn` on PATH for create-app's prerequisite check and the README's commands; inside the app
# its own committed Yarn (yarnPath) takes over.
mkdir -p "$work/bin"
printf '#!/bin/sh\nexec node %q "$@"\n' "$(ls "$ZT_ROOT"/.yarn/releases/yarn-*.cjs)" >"$work/bin/yarn"
chmod +x "$work/bin/yarn"
export PATH="$work/bin:$PATH"

# ── 1. build and pack ─────────────────────────────────────────────────────────────────────────
# The package builds bundle the declarations of the root tsc (dist-types/). test.sh's type check
# step has just run it; run it again only when a source file is newer than its build info.
sources=()
for p in "${PACKAGES[@]}"; do sources+=("plugins/$p/src"); done
if [ ! -f dist-types/tsconfig.tsbuildinfo ] ||
  [ -n "$(find "${sources[@]}" -newer dist-types/tsconfig.tsbuildinfo -print -quit)" ]; then
  zt_log "adoption: type declarations (root tsc)"
  zt_yarn tsc >"$log_dir/tsc.log" 2>&1 ||
    zt_log "adoption: tsc reported errors (the type check step shows them); packing what it emitted"
fi
for p in "${PACKAGES[@]}"; do
  [ -f "dist-types/plugins/$p/src/index.d.ts" ] || fail "tsc emitted no declarations for plugins/$p"
done
phase "type declarations"

mkdir -p "$work/tarballs"
for p in "${PACKAGES[@]}"; do
  cp "plugins/$p/package.json" "$work/package.json.before"
  (cd "plugins/$p" && zt_yarn build >"$log_dir/build-$p.log" 2>&1) ||
    { tail -30 "$log_dir/build-$p.log"; fail "backstage-cli package build failed in plugins/$p"; }
  packing="$p"
  (cd "plugins/$p" && zt_yarn pack --out "$work/tarballs/%s-%v.tgz" >"$log_dir/pack-$p.log" 2>&1) ||
    { tail -30 "$log_dir/pack-$p.log"; fail "yarn pack (prepack/postpack) failed in plugins/$p"; }
  cmp -s "$work/package.json.before" "plugins/$p/package.json" ||
    fail "postpack did not restore plugins/$p/package.json (restored from the copy taken before)"
  packing=""
done
tarballs=("$work"/tarballs/*.tgz)
[ "${#tarballs[@]}" = "${#PACKAGES[@]}" ] || fail "expected ${#PACKAGES[@]} tarballs, got: ${tarballs[*]}"
for t in "${tarballs[@]}"; do
  listing="$(tar -tzf "$t")"
  grep -q '^package/dist/' <<<"$listing" || fail "$(basename "$t") has no dist/"
  if grep -q '"\./src/\|"src/\|workspace:' <<<"$(tar -xzOf "$t" package/package.json)"; then
    fail "$(basename "$t"): package.json still points at src/ or has workspace: ranges"
  fi
done
phase "build and pack 5 packages"

# ── 2. the stock app, created and installed once per create-app version and pins ─────────────
pins_key="$(
  {
    echo "$CREATE_APP_VERSION"
    grep -A1 '^"@backstage/' yarn.lock
    node -p 'JSON.stringify(require("./package.json").resolutions)'
    cat "$adoption/stock-app.cjs"
  } | sha256sum | cut -c1-12
)"
cache="$ZT_CACHE_DIR/adoption/create-app-$CREATE_APP_VERSION-$pins_key"
app="$cache/app"
mkdir -p "$cache"
# One adoption test at a time per cached app (another clone may run one on this machine).
exec 8>"$cache/.lock"
flock 8

if [ ! -f "$cache/ready" ]; then
  zt_log "adoption: creating a stock app with @backstage/create-app@$CREATE_APP_VERSION in $app"
  rm -rf "$app"
  # create-app fetches a yarn.lock seed from GitHub, unreachable here: fail that fetch at once
  # instead of waiting for its timeout. The npm registry (npx) is used as configured.
  echo 'globalThis.fetch = async () => { throw new Error("offline"); };' >"$work/no-fetch.cjs"
  (cd "$cache" && BACKSTAGE_APP_NAME=zt-adoption NODE_OPTIONS="--require $work/no-fetch.cjs" \
    npx --yes "@backstage/create-app@$CREATE_APP_VERSION" --path "$app" --skip-install \
    </dev/null >"$log_dir/create-app.log" 2>&1) ||
    { tail -30 "$log_dir/create-app.log"; fail "create-app failed"; }
  app_release="$(node -p "require('$app/backstage.json').version")"
  [ "$app_release" = "$release" ] ||
    fail "create-app@$CREATE_APP_VERSION makes Backstage $app_release apps, backstage.json says $release: update CREATE_APP_VERSION"
  node "$adoption/stock-app.cjs" pin "$ZT_ROOT" "$app"
  zt_log "adoption: installing the stock app (log: $log_dir/stock-install.log)"
  (cd "$app" && YARN_ENABLE_IMMUTABLE_INSTALLS=false yarn install >"$log_dir/stock-install.log" 2>&1) ||
    { grep -E 'YN0001|YN0082|YN0009' "$log_dir/stock-install.log" | head -20; fail "the stock app's yarn install failed"; }
  # The baseline every run starts from (its node_modules stay, so warm runs only add ours).
  git -C "$app" init -q 2>/dev/null || true
  git -C "$app" add -A
  git -C "$app" -c user.name=adoption-test -c user.email=adoption-test@localhost \
    commit -qm "stock app, installed" --no-verify
  git -C "$app" tag -f zt-baseline >/dev/null
  echo "$CREATE_APP_VERSION $pins_key" >"$cache/ready"
  # Apps of older versions or pins (2 GB each) go, unless a run elsewhere is using one.
  for old in "$ZT_CACHE_DIR"/adoption/create-app-*; do
    [ "$old" = "$cache" ] && continue
    (flock -n 7 && rm -rf "$old") 7>"$old/.lock" 2>/dev/null || true
  done
fi
git -C "$app" reset -q --hard zt-baseline
git -C "$app" clean -fdq
# Our packages from an earlier run must not be reused: the same version may hold other code.
cache_folder="$(cd "$app" && yarn config get cacheFolder)"
rm -rf "$app"/node_modules/@zero-trust-k8s "$app"/packages/*/node_modules/@zero-trust-k8s \
  "$cache_folder"/@zero-trust-k8s-*
phase "stock app (create-app $CREATE_APP_VERSION, install)"

# ── 3. the README's installation steps, with our scope served from the tarballs ───────────────
setsid -w node "$adoption/registry.cjs" "$work/registry.port" "${tarballs[@]}" 2>"$log_dir/registry.log" &
background+=($!)
for _ in $(seq 1 50); do [ -s "$work/registry.port" ] && break; sleep 0.2; done
[ -s "$work/registry.port" ] || fail "the local registry did not start: $(cat "$log_dir/registry.log")"
cat >>"$app/.yarnrc.yml" <<EOF
# adoption test: @zero-trust-k8s/* from the packed tarballs, everything else as configured
npmScopes:
  zero-trust-k8s:
    npmRegistryServer: "http://127.0.0.1:$(cat "$work/registry.port")"
unsafeHttpWhitelist:
  - "127.0.0.1"
EOF
zt_log "adoption: applying README.md's installation steps (log: $log_dir/readme-steps.log)"
(cd "$app" && ZERO_TRUST_REPO="$ZT_ROOT" YARN_ENABLE_IMMUTABLE_INSTALLS=false \
  node "$adoption/readme-steps.cjs" "$ZT_ROOT/README.md" "$app" >"$log_dir/readme-steps.log" 2>&1) ||
  { grep -E '^adoption:|YN0001|YN0082|YN0035' "$log_dir/readme-steps.log" | tail -20; fail "a README step failed"; }
grep '^adoption:' "$log_dir/readme-steps.log" >&2
node "$adoption/stock-app.cjs" verify "$app" "${tarballs[@]}"
phase "README steps (yarn add, wiring, config)"

# ── 4. start the app on loopback ports and check it in Chromium ───────────────────────────────
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
frontend_port="$(free_port)"
backend_port="$(free_port)"
closed_port="$(free_port)" # nothing listens there: the cluster of the README's config is unreachable
cat >"$app/app-config.local.yaml" <<EOF
# adoption test: loopback only, free ports
app:
  baseUrl: http://localhost:$frontend_port
backend:
  baseUrl: http://localhost:$backend_port
  listen: { port: $backend_port, host: 127.0.0.1 }
  cors: { origin: http://localhost:$frontend_port }
EOF
frontend="http://localhost:$frontend_port"
readiness="http://127.0.0.1:$backend_port/.backstage/health/v1/readiness"
app_log="$log_dir/app.log"
zt_log "adoption: starting the app (yarn start; log: $app_log)"
(cd "$app" && PROD_URL="https://127.0.0.1:$closed_port" PROD_TOKEN=adoption-test-token BROWSER=none \
  exec setsid -w yarn start >"$app_log" 2>&1) &
app_pid=$!
background+=("$app_pid")
up() { curl -fsS -o /dev/null "$readiness" && curl -fsS -o /dev/null "$frontend"; }
for _ in $(seq 1 300); do
  up 2>/dev/null && break
  kill -0 "$app_pid" 2>/dev/null || { tail -40 "$app_log"; fail "the app exited before it was ready"; }
  if grep -q 'Backend startup failed' "$app_log"; then
    grep -A3 'Backend startup failed\|threw an error during startup' "$app_log" | head -20
    fail "the backend did not start"
  fi
  sleep 2
done
up 2>/dev/null || { tail -40 "$app_log"; fail "the app was not ready after 10 minutes"; }
phase "app start (backend + frontend build)"

zt_log "adoption: checking the app in Chromium"
ADOPTION_URL="$frontend" zt_yarn playwright test -c e2e-adoption/playwright.config.ts ||
  fail "the browser checks failed (screenshots and traces: node_modules/.cache/adoption-test-results)"
phase "browser checks (Playwright, Chromium)"

zt_log "adoption test passed"
printf '%s\n' "${timings[@]}" >&2
