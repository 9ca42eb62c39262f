#!/usr/bin/env bash
# README command 1: installs what is missing, then starts the app on its embedded defaults —
# frontend on http://localhost:3000, backend on http://localhost:7007, in-memory SQLite, guest
# sign-in, the Online Boutique catalog and demo cluster evidence.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/toolchain.sh"
"$ZT_ROOT/scripts/setup.sh"
cd "$ZT_ROOT"
exec node "$ZT_ROOT"/.yarn/releases/yarn-*.cjs start "$@"
