#!/usr/bin/env bash
# The whole test flow of the browser app, in one command:
#   1. the web package's native unit tests (protocol, tables, charts);
#   2. wasm-bindgen-test component tests in headless Chromium;
#   3. end-to-end tests of the built page (trunk build --release --offline)
#      in headless Chromium via WebDriver, against the release CLI and a
#      loopback S3 server (moto); a screenshot goes to
#      target/web-e2e-report.png (the large demo's timings are a benchmark:
#      bench/browser/demo.mjs);
#   4. the charts' tooltips and downloads, the zip with report.html,
#      report.xlsx and the CSV byte-order mark, and report.html opened from
#      disk and printed to PDF (screenshots: target/web-charts.png,
#      target/report-print-1.png and -2.png).
# Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh web-test
export PATH="$HOME/.cargo/bin:$PATH"

export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"

echo "== building the CLI and the page"
cargo build --release --bin engagement-report
trunk build --release --offline

echo "== native unit tests of the web package"
cargo test -p engagement-report-web --lib

echo "== component tests (wasm-bindgen-test, headless Chromium)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test --target wasm32-unknown-unknown -p engagement-report-web --lib

echo "== end-to-end tests (headless Chromium, WebDriver, moto S3)"
cargo test -p engagement-report-web --test web_e2e -- --ignored --test-threads=1 --nocapture

echo "== charts, readable report and workbook (headless Chromium, WebDriver, pdfinfo)"
cargo test -p engagement-report-web --test web_readable -- --ignored --test-threads=1 --nocapture

echo "== page size"
for f in dist/*.wasm; do
    printf '%s: %s bytes raw, %s bytes gzip\n' "$f" "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)"
done
