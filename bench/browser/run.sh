#!/usr/bin/env bash
# Browser benchmark of issue 4: our page (dist/) against DuckDB-WASM running
# the same report SQL, each in a fresh headless Chromium, each given the nine
# CSV files of the same bundle through a file input. See BENCHMARKS.md.
#
#   bench/browser/run.sh [S|M|L|XL ...]   # default: S M
#
# Uses the bundles of bench/run.sh (bench/data/<size>/csv), generating any
# that is missing with the release CLI. Builds the page
# (`trunk build --release --offline`) unless SKIP_BUILD=1, and installs the
# benchmark's npm packages (`npm ci`, DuckDB-WASM and playwright-core) once.
# Per size: the files are read once untimed (page cache), then RUNS runs of
# ours.mjs, then of run.mjs (DuckDB-WASM); L and XL default
# to RUNS_L=1 run each (about 1 min for ours, much longer for DuckDB-WASM).
# Each harness's SUMMARY line goes to bench/data/<size>/browser-*.json, and
# the table at the end comes from bench/browser/summarize.py.
#
# Then, once, demo.mjs: the page's own large demo, click to first chart and
# a sort of the user activity timeline (RUNS_L runs; SKIP_DEMO=1 leaves it
# out), its SUMMARY line in bench/data/browser-demo.json.
#
# Environment: RUNS (3), RUNS_L (1), START (2025-06-01), END (2025-06-30),
# SKIP_BUILD=1, SKIP_DUCKDB=1 (only our page), SKIP_DEMO=1 (no demo.mjs),
# XL_USERS (bench/bundles.sh).
# XL (about 9 GiB of CSV at its default size) is the largest bundle a 4 GiB
# tab holds: it runs our page only (DuckDB-WASM runs out of memory far
# earlier), and ours.mjs reports an out-of-memory run as a failed run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
DATA=$ROOT/bench/data
RUNS=${RUNS:-3}
RUNS_L=${RUNS_L:-1}
START=${START:-2025-06-01}
END=${END:-2025-06-30}
BIN=$ROOT/target/release/engagement-report

SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(S M)
die() { echo "bench/browser: $*" >&2; exit 2; }
# shellcheck source=bench/bundles.sh
. "$ROOT/bench/bundles.sh"
for s in "${SIZES[@]}"; do users_of "$s" >/dev/null; done

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "bench/browser: trunk build --release --offline; cargo build --release (CLI, for data)" >&2
  trunk build --release --offline >/dev/null 2>&1 || die "trunk build failed (run scripts/setup.sh web first)"
  cargo build --release --bin engagement-report --quiet || die "CLI build failed"
fi
[ -f dist/index.html ] || die "dist/ is missing: trunk build --release --offline"
if [ ! -d bench/browser/node_modules/@duckdb/duckdb-wasm ]; then
  echo "bench/browser: npm ci in bench/browser" >&2
  (cd bench/browser && npm ci --no-audit --no-fund --silent) || die "npm ci failed"
fi

for size in "${SIZES[@]}"; do
  csv=$DATA/$size/csv
  ensure_bundle "$BIN" "$size" "$csv"
  runs=$RUNS
  [ "$size" = L ] || [ "$size" = XL ] && runs=$RUNS_L
  # Untimed: read the files once so that both sides find them in the page
  # cache (bench/run.sh's cross-check does the same natively); otherwise the
  # first side to run at L pays for reading 5 GB from disk.
  cat "$csv"/*.csv > /dev/null
  echo "bench/browser: $size, our page, $runs run(s); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  log=$DATA/$size/browser-ours.log
  if node bench/browser/ours.mjs --input "$csv" --runs "$runs" | tee "$log" >&2; then
    sed -n 's/^SUMMARY //p' "$log" > "$DATA/$size/browser-ours.json"
  else
    echo "{\"failed\": $(tail -n 3 "$log" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')}" > "$DATA/$size/browser-ours.json"
  fi
  if [ "${SKIP_DUCKDB:-0}" != 1 ] && [ "$size" != XL ]; then
    cat "$csv"/*.csv > /dev/null
    echo "bench/browser: $size, DuckDB-WASM, $runs run(s); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    log=$DATA/$size/browser-duckdb.log
    if node bench/browser/run.mjs --input "$csv" --start "$START" --end "$END" --runs "$runs" | tee "$log" >&2; then
      sed -n 's/^SUMMARY //p' "$log" > "$DATA/$size/browser-duckdb.json"
    else
      echo "{\"failed\": $(tail -n 3 "$log" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')}" > "$DATA/$size/browser-duckdb.json"
    fi
  fi
done

if [ "${SKIP_DEMO:-0}" != 1 ]; then
  echo "bench/browser: the page's large demo, $RUNS_L run(s); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  mkdir -p "$DATA"
  log=$DATA/browser-demo.log
  node bench/browser/demo.mjs --runs "$RUNS_L" | tee "$log" >&2 || die "demo.mjs failed"
  sed -n 's/^SUMMARY //p' "$log" > "$DATA/browser-demo.json"
fi

python3 bench/browser/summarize.py "${SIZES[@]/#/$DATA/}"
