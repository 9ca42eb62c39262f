#!/usr/bin/env bash
# Installs the pinned Go tools the tests use into a cache outside the clone and prints that bin
# directory on stdout (logs go to stderr), so every clone and CI run on this machine reuses them:
#   kustomize      `go install sigs.k8s.io/kustomize/kustomize/v5@<pinned>`
#   kwok           `go install sigs.k8s.io/kwok/cmd/kwok@<pinned>`, plus kwok-stages.yaml: the
#                  Stage objects of KWOK's "fast" node and pod lifecycle, copied from its module
#   kyverno        the Kyverno CLI, and kyverno-controllers: Kyverno's admission and reports
#                  controllers (kyverno-controllers/{kyverno,reports-controller}), all built from
#                  tools/kyverno, a wrapper module: Kyverno's own go.mod has replace lines, which
#                  `go install <module>@<version>` refuses, so the wrapper repeats them
#   argo-rollouts  the Argo Rollouts controller, from tools/argo-rollouts (a wrapper module too)
#   kube-score     `go install github.com/zegl/kube-score/cmd/kube-score@<pinned>`: an outside judge of
#                  the generated overlays (PDB, topology spread, probes, ephemeral storage)
#   oci-fixture    tools/oci-fixture: a local OCI registry (go-containerregistry's pkg/registry) on
#                  127.0.0.1 holding an image signed and attested with cosign's Go module, for the
#                  image provenance integration test; its go.mod pins cosign and go-containerregistry
#                  to the versions tools/kyverno resolves, so it reuses Kyverno's caches
# A wrapper module's binaries are rebuilt only when its go.mod/go.sum change (a stamp holds their
# hash). ZT_GO_TOOLS="kustomize kwok" limits the set. ZT_GO_TOOLS_CHECK=1 builds nothing: it exits
# 3 if a tool is missing or not at the pinned version (tests use it to find the tools without
# starting a long build). Every binary is linked with -ldflags="-s -w": without a symbol table and
# DWARF the links of these large binaries are faster, and nothing here debugs them.
#
# Usage: scripts/go-tools.sh            → prints e.g. ~/.cache/zero-trust-backstage/go-bin
#        PATH="$(scripts/go-tools.sh):$PATH" kustomize build overlays/dev
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

KUSTOMIZE_VERSION="v5.8.1"
KWOK_VERSION="v0.8.0"
KUBE_SCORE_VERSION="v1.20.0"
tools="${ZT_GO_TOOLS:-kustomize kwok kyverno kyverno-controllers argo-rollouts kube-score oci-fixture}"
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
  (cd "${TMPDIR:-/tmp}" && "$go_bin" install -ldflags="-s -w" "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION")
}

install_kube_score() {
  # kube-score prints no module version, so a stamp records which one was installed.
  local stamp="$bin_dir/.kube-score.stamp"
  if [ -x "$bin_dir/kube-score" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$KUBE_SCORE_VERSION" ]; then
    return 0
  fi
  if [ -n "$check_only" ]; then stale="$stale kube-score"; return 0; fi
  log "installing kube-score $KUBE_SCORE_VERSION into $bin_dir"
  (cd "${TMPDIR:-/tmp}" && "$go_bin" install -ldflags="-s -w" "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION")
  echo "$KUBE_SCORE_VERSION" >"$stamp"
}

install_kwok() {
  local stamp="$bin_dir/.kwok.stamp"
  if [ -x "$bin_dir/kwok" ] && [ -f "$bin_dir/kwok-stages.yaml" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$KWOK_VERSION" ]; then
    return 0
  fi
  if [ -n "$check_only" ]; then stale="$stale kwok"; return 0; fi
  log "installing kwok $KWOK_VERSION into $bin_dir"
  (cd "${TMPDIR:-/tmp}" && "$go_bin" install -ldflags="-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION")
  # The kwok binary has no built-in stages (only kwokctl embeds them): take the "fast" ones from
  # its module, as kwokctl does (kustomize/stage/fast: node-initialize, pod-ready, pod-complete,
  # pod-delete — without pod-delete a deleted pod on a fake node would never go away).
  local dir
  dir="$(cd "${TMPDIR:-/tmp}" && GOFLAGS=-mod=mod "$go_bin" mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  {
    echo "# Copied by scripts/go-tools.sh from sigs.k8s.io/kwok@$KWOK_VERSION kustomize/stage/{node,pod}/fast."
    for f in node/fast/node-initialize.yaml pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
      echo "---"
      cat "$dir/kustomize/stage/$f"
    done
  } >"$bin_dir/kwok-stages.yaml"
  echo "$KWOK_VERSION" >"$stamp"
}

# build_wrapper NAME MODULE_DIR OUTPUT PACKAGE…: builds main packages of a wrapper module; its
# go.mod and go.sum pin the versions, so their hash says whether the binaries are current.
build_wrapper() {
  local name="$1" module="$root/$2" out="$bin_dir/$3"
  shift 3
  local key stamp="$bin_dir/.$name.stamp"
  key="$(cat "$module/go.mod" "$module/go.sum" | sha256sum | cut -c1-16)"
  if [ -e "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$key" ]; then
    return 0
  fi
  if [ -n "$check_only" ]; then stale="$stale $name"; return 0; fi
  log "building $name from ${module#"$root"/} into $bin_dir (a first build takes 5-20 minutes on 2 cores)"
  local tmp="$out.tmp"
  rm -rf "$tmp"
  if [ $# -gt 1 ]; then
    mkdir -p "$tmp"
    (cd "$module" && "$go_bin" build -trimpath -ldflags="-s -w" -o "$tmp/" "$@")
  else
    (cd "$module" && "$go_bin" build -trimpath -ldflags="-s -w" -o "$tmp" "$1")
  fi
  rm -rf "$out"
  mv "$tmp" "$out"
  echo "$key" >"$stamp"
}

for tool in $tools; do
  case "$tool" in
    kustomize) install_kustomize ;;
    kwok) install_kwok ;;
    kyverno) build_wrapper kyverno tools/kyverno kyverno github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno ;;
    kyverno-controllers)
      build_wrapper kyverno-controllers tools/kyverno kyverno-controllers \
        github.com/kyverno/kyverno/cmd/kyverno github.com/kyverno/kyverno/cmd/reports-controller
      ;;
    argo-rollouts) build_wrapper argo-rollouts tools/argo-rollouts rollouts-controller github.com/argoproj/argo-rollouts/cmd/rollouts-controller ;;
    kube-score) install_kube_score ;;
    oci-fixture) build_wrapper oci-fixture tools/oci-fixture oci-fixture . ;;
    *) log "unknown tool '$tool' in ZT_GO_TOOLS (known: kustomize kwok kyverno kyverno-controllers argo-rollouts kube-score oci-fixture)"; exit 2 ;;
  esac
done
if [ -n "$stale" ]; then
  log "not built or not at the pinned version in $bin_dir:$stale"
  log "run: ZT_GO_TOOLS=\"${stale# }\" scripts/go-tools.sh"
  exit 3
fi
echo "$bin_dir"
