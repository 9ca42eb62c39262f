#!/usr/bin/env bash
# Builds the test-cluster binary (kube-apiserver + embedded etcd) once per source version and
# prints its path. The binary is cached outside the clone, keyed by go.mod, go.sum and the Go
# sources, so every clone and CI run on this machine reuses it; Go's own module and build caches
# make a rebuild after a source change take seconds. A cold build on 2 cores takes several minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
go_bin="$(command -v go || echo /usr/local/go/bin/go)"
if [ ! -x "$go_bin" ]; then
  echo "test-cluster: Go 1.26+ is needed to build the kube-apiserver harness, and 'go' was not found" >&2
  exit 1
fi
key="$(cat "$root"/harness/go.mod "$root"/harness/go.sum "$root"/harness/*.go | sha256sum | cut -c1-16)"
cache="${ZT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/zero-trust-backstage}/test-cluster/$key"
bin="$cache/test-cluster"
if [ ! -x "$bin" ]; then
  echo "test-cluster: building the harness into $cache (first build: several minutes)" >&2
  mkdir -p "$cache"
  (cd "$root/harness" && "$go_bin" build -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
