#!/usr/bin/env bash
# Sets up (installing what the page needs), builds and serves the browser
# app, which opens on the built-in demo data:
#   http://127.0.0.1:8080/?demo=small      (PORT=9000 to change the port)
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/web-serve.sh "$@"
