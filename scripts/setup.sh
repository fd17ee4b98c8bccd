#!/usr/bin/env bash
# Installs what building and testing need, skipping what is already there:
# the wasm32 target, Trunk 0.21.14, the wasm-bindgen-cli matching Cargo.lock,
# binaryen's wasm-opt (npm),
# Chromium + chromedriver and poppler-utils (Debian), the S3 test servers (moto from PyPI,
# s3s-fs from crates.io), the PostgreSQL server (Debian) for the database
# input's tests and DuckDB (PyPI) for the cross-check.
#
#   bash scripts/setup.sh          everything
#   bash scripts/setup.sh native   what the engine and CLI tests need
#   bash scripts/setup.sh web      what building the page needs
#   bash scripts/setup.sh web-test what building and testing the page needs
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
what="${1:-all}"

say() { printf '\n== setup: %s\n' "$*" >&2; }

need_pip() { # <command-or-module> <pip spec>
  if ! python3 -c "import importlib.util,sys; sys.exit(0 if importlib.util.find_spec('$1') else 1)" 2>/dev/null; then
    say "pip install $2"
    python3 -m pip install --quiet "$2"
  fi
}

cargo_install() { # <binary> <version> <cargo install args...>
  local bin="$1" version="$2"; shift 2
  if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -q "$version"; then
    return
  fi
  say "cargo install $* (once; several minutes)"
  cargo install "$@"
}

case "$what" in all|native|web|web-test) ;; *) echo "usage: scripts/setup.sh [all|native|web|web-test]" >&2; exit 2;; esac

if [ "$what" != web ]; then
  need_pip moto "moto[server]==5.2.1"
fi
if [ "$what" = all ] || [ "$what" = native ]; then
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    say "apt-get install postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
  fi
  need_pip duckdb "duckdb==2.0.0"
  cargo_install s3s-fs 0.14.1 s3s-fs --version 0.14.1 --features binary
fi
if [ "$what" = native ]; then exit 0; fi

rustup target list --installed | grep -qx wasm32-unknown-unknown || { say "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }

if [ "$what" != web ] && { ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; }; then
  say "apt-get install chromium chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# pdfinfo and pdftoppm (poppler-utils) count and picture the pages of the
# printed report.html in the browser tests.
if [ "$what" != web ] && ! command -v pdftoppm >/dev/null 2>&1; then
  say "apt-get install poppler-utils"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq poppler-utils >/dev/null
fi

# axe-core (npm) for the browser tests' accessibility checks.
if [ "$what" != web ] && [ ! -f tests/web/a11y/node_modules/axe-core/axe.min.js ]; then
  say "npm ci axe-core (tests/web/a11y)"
  npm ci --prefix tests/web/a11y --no-audit --no-fund --silent
fi

cargo_install trunk 0.21.14 trunk --version 0.21.14 --locked
# wasm-bindgen-cli must match the wasm-bindgen library version in Cargo.lock.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if [ -n "$wb_version" ]; then
  # Without --locked: its lock file names a crate version the registry does not serve.
  cargo_install wasm-bindgen "$wb_version" wasm-bindgen-cli --version "$wb_version"
fi
# wasm-opt for `trunk build --release`: offline, Trunk takes the one on PATH
# only if it is the version of Trunk.toml's [tools] wasm_opt. The npm package
# binaryen ships it (built to JavaScript + wasm, run by Node.js) — binaryen's
# own native releases are not on a package registry, and Debian's is too old
# (108) for the wasm features rustc emits. `npm install -g` puts it in npm's
# bin folder (/usr/bin here), on PATH for every shell.
wasm_opt_version=$(sed -n 's/^wasm_opt = "version_\([0-9]*\)"$/\1/p' Trunk.toml)
if [ -n "$wasm_opt_version" ] && ! wasm-opt --version 2>/dev/null | grep -q "(version_$wasm_opt_version)"; then
  command -v npm >/dev/null 2>&1 || { echo "setup: wasm-opt comes from npm, and npm is missing: install Node.js and npm first" >&2; exit 1; }
  say "npm install -g binaryen@$wasm_opt_version.0.0 (wasm-opt)"
  npm install -g --no-audit --no-fund --silent "binaryen@$wasm_opt_version.0.0"
fi
