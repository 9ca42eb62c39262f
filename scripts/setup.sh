#!/usr/bin/env bash
# Installs what the project needs on this machine: Node 22 (when the running Node is older), the
# workspace dependencies from the committed lockfile, with --browser Debian's Chromium for the
# end-to-end tests, and with --postgres (implied by --browser) Debian's PostgreSQL server, which the
# multi-replica tests start on a loopback port. Safe to run again; it only does what is missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/toolchain.sh"
cd "$ZT_ROOT"

want_browser=false
want_postgres=false
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=true want_postgres=true ;;
    --postgres) want_postgres=true ;;
    *) zt_log "unknown option: $arg"; exit 2 ;;
  esac
done

install_dependencies() {
  local stamp=node_modules/.zt-install-stamp
  local want
  want="$(cat yarn.lock package.json packages/*/package.json plugins/*/package.json | sha256sum | cut -c1-16)-$(node --version)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  zt_log "installing workspace dependencies (yarn $(zt_yarn --version))"
  # In CI the lockfile must already be complete; locally it may be updated.
  if [ "${CI:-}" = true ]; then
    zt_yarn install --immutable
  else
    zt_yarn install
  fi
  echo "$want" >"$stamp"
}

apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

install_browser() {
  if [ -x /usr/bin/chromium ]; then
    return 0
  fi
  zt_log "installing Debian's Chromium for end-to-end tests"
  apt_install chromium fonts-liberation
}

# The tests run initdb and postgres themselves (src/__testUtils__/postgres.ts); Debian's package
# puts them in /usr/lib/postgresql/<version>/bin and creates the unprivileged postgres user.
install_postgres() {
  if compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
    return 0
  fi
  zt_log "installing Debian's PostgreSQL for the multi-replica tests"
  apt_install postgresql
}

# Two agents (or a user in two terminals) must not run yarn in the same tree at once.
exec 9>"${TMPDIR:-/tmp}/zero-trust-backstage-setup.lock"
flock 9
install_dependencies
if $want_browser; then
  install_browser
fi
if $want_postgres; then
  install_postgres
fi
