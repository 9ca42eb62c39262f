#!/usr/bin/env bash
# Copies the pinned upstream CRDs listed in crds/sources.txt out of the owning projects' Go
# modules (`go mod download -json module@version`, the envtest pattern; the module cache keeps
# them, so only missing modules download) into crds/generated/, plus our own crds/local/.
# Prints the folder. Safe to run again and concurrently: every file is replaced atomically.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/crds/generated"
go_bin="${ZT_GO:-$(command -v go || echo /usr/local/go/bin/go)}"
[ -x "$go_bin" ] || { echo "test-cluster: Go 1.26+ is needed to fetch the upstream CRDs from their Go modules, and 'go' was not found" >&2; exit 1; }

mkdir -p "$out"
declare -A dirs
expected=()
put() { # put SRC NAME: atomic copy into $out
  cp "$1" "$out/.$2.$$"
  chmod u+w "$out/.$2.$$"
  mv -f "$out/.$2.$$" "$out/$2"
  expected+=("$2")
}
while read -r module path; do
  case "$module" in '' | '#'*) continue ;; esac
  if [ -z "${dirs[$module]:-}" ]; then
    json="$(cd "$root" && GOFLAGS=-mod=mod "$go_bin" mod download -json "$module")" || {
      echo "test-cluster: could not download $module: $json" >&2
      exit 1
    }
    dirs[$module]="$(sed -n 's/^\t"Dir": "\(.*\)",$/\1/p' <<<"$json")"
    [ -n "${dirs[$module]}" ] || { echo "test-cluster: could not download $module: $json" >&2; exit 1; }
  fi
  src="${dirs[$module]}/$path"
  [ -f "$src" ] || { echo "test-cluster: $module has no $path" >&2; exit 1; }
  # One file per source, named after the module so the origin of each CRD stays visible.
  put "$src" "$(echo "${module%@*}" | tr '/.' '__')-$(basename "$path")"
done <"$root/crds/sources.txt"
for f in "$root"/crds/local/*.yaml; do put "$f" "$(basename "$f")"; done

# Drop files a former sources.txt named (not other runs' temporary files).
for f in "$out"/*.yaml; do
  [[ " ${expected[*]} " == *" $(basename "$f") "* ]] || rm -f "$f"
done
echo "$out"
