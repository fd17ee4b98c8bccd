#!/usr/bin/env bash
# Builds the page (installing the tools it needs) and serves it on loopback:
#   scripts/web-serve.sh            -> http://127.0.0.1:8080/?demo=small
#   PORT=9000 scripts/web-serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh web
export PATH="$HOME/.cargo/bin:$PATH"
trunk build --release --offline
port="${PORT:-8080}"
echo "Serving the page on http://127.0.0.1:$port/?demo=small (Ctrl-C to stop)"
cd dist && exec python3 -m http.server "$port" --bind 127.0.0.1
