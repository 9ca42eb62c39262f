#!/usr/bin/env bash
# Regenerates skeleton/node/package-lock.json after a dependency in skeleton/node/package.json
# changed. The skeleton's lockfile holds one lockfile per protocol (gRPC needs @grpc/grpc-js and
# grpc-health-check, HTTP needs none) behind a template condition, with the package name
# templated. It is written without `resolved` URLs (--omit-lockfile-registry-resolved), so it
# names no registry: `npm ci` fetches the exact versions from whatever registry is configured and
# checks them against the recorded integrity hashes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib/toolchain.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

placeholder=zt-skeleton-placeholder
for protocol in grpc http; do
  mkdir -p "$work/$protocol"
  node -e '
    const { createTemplateRenderer } = require("nunjitsu");
    const fs = require("node:fs");
    const [src, dst, name, protocol] = process.argv.slice(1);
    const out = createTemplateRenderer().render(fs.readFileSync(src, "utf8"), {
      values: { name, protocol, description: "placeholder" },
    });
    fs.writeFileSync(dst, out);
  ' "$here/skeleton/node/package.json" "$work/$protocol/package.json" "$placeholder" "$protocol"
  (cd "$work/$protocol" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund \
    --omit-lockfile-registry-resolved >/dev/null 2>&1)
  if grep -q '"resolved"' "$work/$protocol/package-lock.json"; then
    echo "lockfile for $protocol still has resolved URLs" >&2
    exit 1
  fi
done

{
  printf '%s\n' "{% if values.protocol == 'grpc' -%}"
  sed "s/$placeholder/\${{ values.name }}/g" "$work/grpc/package-lock.json"
  printf '%s\n' "{%- else -%}"
  sed "s/$placeholder/\${{ values.name }}/g" "$work/http/package-lock.json"
  printf '%s\n' "{%- endif %}"
} >"$here/skeleton/node/package-lock.json"
echo "wrote $here/skeleton/node/package-lock.json"
