#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, then
#   1. formatting and lints,
#   2. every Rust test of the workspace (engine unit tests, the SPEC's worked
#      examples, CLI end-to-end tests against real S3-compatible servers),
#   3. the engine builds for wasm32-unknown-unknown,
#   4. the DuckDB second implementation reproduces the worked examples,
#   5. the browser tests (headless Chromium) when the web app is present.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh

step() { printf '\n== test: %s\n' "$*" >&2; }

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test"
cargo test --workspace
# The engine alone is built without the CLI's `parallel` feature, as in the
# browser's worker: the examples must come out the same one data set at a time.
step "cargo test -p engagement-engine (no threads, as in the browser)"
cargo test -p engagement-engine --test examples

step "engine builds for wasm32"
cargo build -p engagement-engine --target wasm32-unknown-unknown

step "DuckDB SQL reproduces the worked examples"
bash bench/duckdb/test_examples.sh tests/fixtures/tiny

if [ -x scripts/web-test.sh ] || [ -f scripts/web-test.sh ]; then
  step "browser tests"
  bash scripts/web-test.sh
fi
