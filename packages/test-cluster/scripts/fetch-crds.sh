#!/usr/bin/env bash
# Copies the pinned upstream CRDs listed in crds/sources.txt from the Go module cache
# (downloading the modules through the Go module proxy when missing) into crds/generated/,
# plus our own crds/local/. Prints the folder. Safe to run again: only missing modules download.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/crds/generated"
go_bin="$(command -v go || echo /usr/local/go/bin/go)"
[ -x "$go_bin" ] || { echo "test-cluster: Go is needed to fetch the upstream CRDs (install Go 1.26+)" >&2; exit 1; }

mkdir -p "$out"
declare -A dirs
while read -r module path; do
  case "$module" in ''|'#'*) continue ;; esac
  if [ -z "${dirs[$module]:-}" ]; then
    dirs[$module]="$(cd "$root" && GOFLAGS=-mod=mod "$go_bin" mod download -json "$module" |
      sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
    [ -n "${dirs[$module]}" ] || { echo "test-cluster: could not download $module" >&2; exit 1; }
  fi
  src="${dirs[$module]}/$path"
  [ -f "$src" ] || { echo "test-cluster: $module has no $path" >&2; exit 1; }
  # One file per source, named after the module so the origin of each CRD stays visible.
  name="$(echo "${module%@*}" | tr '/.' '__')-$(basename "$path")"
  cp "$src" "$out/$name"
  chmod u+w "$out/$name"
done <"$root/crds/sources.txt"
cp "$root"/crds/local/*.yaml "$out/"
echo "$out"
