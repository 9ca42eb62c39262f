#!/usr/bin/env bash
# Fails when the REST API's one source, plugins/zero-trust-backend/src/schema/openapi.yaml, and the
# code generated from it have drifted apart: the spec must be valid OpenAPI, and regenerating the
# router types (backend) and the client (common package) must reproduce the committed files
# byte for byte. The check leaves the tree as it found it; on a drift it prints the difference
# and the command that brings the generated code up to date.
#
# Needs Java (the OpenAPI generator is a Java program; @openapitools/openapi-generator-cli
# fetches its jar from Maven Central on first use).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/toolchain.sh"
cd "$ZT_ROOT"

backend=plugins/zero-trust-backend
generated=("$backend/src/schema/openapi" plugins/zero-trust-common/src/schema/openapi)
regenerate="yarn workspace @zero-trust-k8s/plugin-zero-trust-backend openapi:generate"

command -v java >/dev/null || {
  zt_log "openapi-verify: java is needed to run the OpenAPI generator (Debian: apt-get install openjdk-17-jre-headless)"
  exit 1
}

# The spec is valid, and the spec embedded in the generated router is the YAML's. (The command
# imports the generated router.ts, hence Backstage's TypeScript transform.)
node --require @backstage/cli/config/nodeTransform.cjs \
  node_modules/@backstage/repo-tools/bin/backstage-repo-tools repo schema openapi validate "$backend"

committed="$(mktemp -d)"
restore() {
  for dir in "${generated[@]}"; do
    rm -rf "$dir"
    cp -a "$committed/$dir" "$dir"
  done
  rm -rf "$committed"
}
for dir in "${generated[@]}"; do
  mkdir -p "$committed/$(dirname "$dir")"
  cp -a "$dir" "$committed/$dir"
done
trap restore EXIT

# The generator reports its own failures but exits 0, so its success lines are checked.
log="$(zt_yarn workspace @zero-trust-k8s/plugin-zero-trust-backend openapi:generate 2>&1)" || {
  printf '%s\n' "$log" >&2
  exit 1
}
if ! grep -q 'Generated server files' <<<"$log" || ! grep -q 'Generated client in' <<<"$log"; then
  printf '%s\n' "$log" | grep -v ' INFO ' >&2
  zt_log "openapi-verify: the generator failed"
  exit 1
fi

drift=0
for dir in "${generated[@]}"; do
  diff -ru "$committed/$dir" "$dir" || drift=1
done
if [ "$drift" -ne 0 ]; then
  zt_log "openapi-verify: the generated code does not match $backend/src/schema/openapi.yaml; run: $regenerate"
  exit 1
fi
zt_log "openapi-verify: the generated router types and client match the spec"
