#!/usr/bin/env bash
# Builds the test-cluster binary (kube-apiserver + embedded etcd) once per source version and
# prints its path. The binary is cached outside the clone, keyed by go.mod, go.sum and the Go
# sources, so every clone and CI run on this machine reuses it; Go's own module and build caches
# (GOMODCACHE, GOCACHE: Go's defaults) make a rebuild after a change of our Go files take well
# under a minute. A cold build on 2 cores takes about 15-20 minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
go_bin="${ZT_GO:-$(command -v go || echo /usr/local/go/bin/go)}"
if [ ! -x "$go_bin" ]; then
  echo "test-cluster: Go 1.26+ is needed to build the kube-apiserver harness, and no 'go' was found (ZT_GO=${ZT_GO:-}, PATH, /usr/local/go/bin)" >&2
  exit 1
fi
key="$(cat "$root"/harness/go.mod "$root"/harness/go.sum "$root"/harness/*.go | sha256sum | cut -c1-16)"
cache="${ZT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/zero-trust-backstage}/test-cluster/$key"
bin="$cache/test-cluster"
if [ ! -x "$bin" ]; then
  mkdir -p "$cache"
  # One build at a time (parallel Jest workers may all ask); the others wait and reuse it.
  exec 9>"$cache/.lock"
  flock 9
  if [ ! -x "$bin" ]; then
    echo "test-cluster: building the harness into $cache (a cold build takes 15-20 minutes)" >&2
    start=$SECONDS
    (cd "$root/harness" && "$go_bin" build -ldflags="-s -w" -o "$bin.tmp" .)
    mv "$bin.tmp" "$bin"
    echo "test-cluster: built in $((SECONDS - start))s" >&2
  fi
fi
echo "$bin"
