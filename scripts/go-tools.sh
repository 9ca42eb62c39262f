#!/usr/bin/env bash
# Installs the pinned Go tools the manifest tests use into a cache outside the clone and prints
# that bin directory on stdout (logs go to stderr), so every clone and CI run on this machine
# reuses them:
#   kustomize    `go install sigs.k8s.io/kustomize/kustomize/v5@<pinned>`
#   kyverno      built from tools/kyverno-cli, a wrapper module: Kyverno's own go.mod has replace
#                lines, which `go install <module>@<version>` refuses, so the wrapper repeats them.
# Tools already at the pinned version are not rebuilt. ZT_GO_TOOLS="kustomize" limits the set.
# ZT_GO_TOOLS_CHECK=1 builds nothing: it exits 3 if a tool is missing or not at the pinned version
# (the tests use it to find the tools without starting a long build).
#
# Usage: scripts/go-tools.sh            → prints e.g. ~/.cache/zero-trust-backstage/go-bin
#        PATH="$(scripts/go-tools.sh):$PATH" kustomize build overlays/dev
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

KUSTOMIZE_VERSION="v5.8.1"
tools="${ZT_GO_TOOLS:-kustomize kyverno}"
check_only="${ZT_GO_TOOLS_CHECK:-}"
stale=""

log() { printf '[go-tools] %s\n' "$*" >&2; }

go_bin="$(command -v go || true)"
if [ -z "$go_bin" ] && [ -x /usr/local/go/bin/go ]; then
  go_bin=/usr/local/go/bin/go
fi
if [ -z "$go_bin" ]; then
  log "Go 1.24+ is needed to install kustomize and build the Kyverno CLI, and 'go' was not found on PATH."
  log "Install Go (https://go.dev/doc/install) and run scripts/go-tools.sh again."
  exit 1
fi

bin_dir="${ZT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/zero-trust-backstage}/go-bin"
mkdir -p "$bin_dir"
export GOBIN="$bin_dir"
# Builds must not pick up a go.work or module of the current directory.
export GOWORK=off

install_kustomize() {
  if [ -x "$bin_dir/kustomize" ] && [ "$("$bin_dir/kustomize" version 2>/dev/null)" = "$KUSTOMIZE_VERSION" ]; then
    return 0
  fi
  if [ -n "$check_only" ]; then stale="$stale kustomize"; return 0; fi
  log "installing kustomize $KUSTOMIZE_VERSION into $bin_dir"
  (cd "${TMPDIR:-/tmp}" && "$go_bin" install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION")
}

# The wrapper's go.mod and go.sum pin the version, so their hash says whether the binary is current.
install_kyverno() {
  local module="$root/tools/kyverno-cli"
  if [ ! -f "$module/go.mod" ]; then
    log "tools/kyverno-cli/go.mod not found; skipping the Kyverno CLI"
    if [ -n "$check_only" ]; then stale="$stale kyverno"; fi
    return 0
  fi
  local key stamp="$bin_dir/.kyverno.stamp"
  key="$(cat "$module/go.mod" "$module/go.sum" 2>/dev/null | sha256sum | cut -c1-16)"
  if [ -x "$bin_dir/kyverno" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
    return 0
  fi
  if [ -n "$check_only" ]; then stale="$stale kyverno"; return 0; fi
  log "building the Kyverno CLI from tools/kyverno-cli into $bin_dir (first build: 5-30 minutes on 2 cores)"
  (cd "$module" && "$go_bin" build -trimpath -o "$bin_dir/kyverno.tmp" github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno)
  mv "$bin_dir/kyverno.tmp" "$bin_dir/kyverno"
  echo "$key" >"$stamp"
}

for tool in $tools; do
  case "$tool" in
    kustomize) install_kustomize ;;
    kyverno) install_kyverno ;;
    *) log "unknown tool '$tool' in ZT_GO_TOOLS (known: kustomize kyverno)"; exit 2 ;;
  esac
done
if [ -n "$stale" ]; then
  log "not built or not at the pinned version in $bin_dir:$stale"
  log "run: ZT_GO_TOOLS=\"${stale# }\" scripts/go-tools.sh"
  exit 3
fi
echo "$bin_dir"
