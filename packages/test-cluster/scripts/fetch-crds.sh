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

# CRDs that only the producers need (a third column "producers" in sources.txt) go to a sibling
# folder, installed only when those producers run: they are many and large, and every test
# cluster would wait for them.
producers_out="$root/crds/generated-producers"
mkdir -p "$out" "$producers_out"
declare -A dirs
expected=()
put() { # put SRC NAME [DIR]: atomic copy into DIR (default $out)
  local dir="${3:-$out}"
  cp "$1" "$dir/.$2.$$"
  chmod u+w "$dir/.$2.$$"
  mv -f "$dir/.$2.$$" "$dir/$2"
  expected+=("$dir/$2")
}
while read -r module path set; do
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
  put "$src" "$(echo "${module%@*}" | tr '/.' '__')-$(basename "$path")" "$([ "${set:-}" = producers ] && echo "$producers_out" || echo "$out")"
done <"$root/crds/sources.txt"
for f in "$root"/crds/local/*.yaml; do put "$f" "$(basename "$f")"; done

# Drop files a former sources.txt named (not other runs' temporary files).
for f in "$out"/*.yaml "$producers_out"/*.yaml; do
  [[ " ${expected[*]} " == *" $f "* ]] || rm -f "$f"
done
echo "$out"
