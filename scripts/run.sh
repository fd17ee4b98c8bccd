#!/usr/bin/env bash
# Sets up, builds and serves the browser app on the built-in demo data:
#   http://127.0.0.1:8080/?demo=small
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
exec bash scripts/web-serve.sh "$@"
