#!/usr/bin/env bash
# Native benchmark of the engagement report: our release CLI against DuckDB
# (PyPI duckdb, SQL in bench/duckdb/) on the same generated bundles, plus a
# correctness cross-check of both reports. See BENCHMARKS.md.
#
#   bench/run.sh [S|M|L ...]          # default: S M
#
# Sizes: S = 1,000 users, M = 100,000, L = 1,000,000 (~20 events and ~10 feed
# items per user). Bundles are generated once into bench/data/<size>/{csv,json}
# (git-ignored) and reused. For each size:
#   1. cross-check (untimed, also warms the page cache): ours --stdout from the
#      CSV tables and from the dumpdata JSON vs run_duckdb.py --json, compared
#      with bench/duckdb/compare.py; with INSIGHTS=1 both sides also compute
#      the insights of SPEC 7 (--insights; summary_md, which DuckDB does not
#      write, is left out of the comparison);
#   2. RUNS rounds (default 3), each timing with /usr/bin/time -v, as whole
#      processes: ours on CSV, ours on JSON, DuckDB on CSV (--format csv
#      --output-dir to a fresh folder);
#   3. a table of medians (best in brackets), from bench/summarize.py.
# The binary is copied to a private folder first, so a rebuild of
# target/release during the run does not change what is measured.
# Exit status: 0 when every cross-check matched, 1 on a mismatch (the
# differences are printed; the timings are still taken and printed), 2 on a
# failing command.
#
# Environment: RUNS (3), START (2025-06-01), END (2025-06-30), TIMEZONE (UTC),
# BIN (target/release/engagement-report; built with cargo unless SKIP_BUILD=1),
# PYTHON (python3), INSIGHTS (0; 1 = cross-check the insights too, needs a
# CLI with --insights; the timings stay those of the seven data sets).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DATA=$ROOT/bench/data
RUNS=${RUNS:-3}
START=${START:-2025-06-01}
END=${END:-2025-06-30}
TIMEZONE=${TIMEZONE:-UTC}
BIN=${BIN:-$ROOT/target/release/engagement-report}
PYTHON=${PYTHON:-python3}
TIME=/usr/bin/time
INSIGHTS=${INSIGHTS:-0}
COMMIT=$(git describe --always --dirty 2>/dev/null || echo unknown)   # read-only

SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(S M)

die() { echo "bench: $*" >&2; exit 2; }

# shellcheck source=bench/bundles.sh
. "$ROOT/bench/bundles.sh"
for s in "${SIZES[@]}"; do
  users_of "$s" >/dev/null
  [ "$s" = XL ] && die "XL is a browser-only size: bench/browser/run.sh XL"
done

[ -x "$TIME" ] || die "$TIME not found (Debian package 'time')"

# --- tools ---------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "bench: cargo build --release --bin engagement-report" >&2
  cargo build --release --bin engagement-report --quiet || die "build failed"
fi
[ -x "$BIN" ] || die "$BIN not found"
case "$INSIGHTS" in
  0) ;;
  1) help=$("$BIN" --help 2>&1 || true)   # not a pipe: grep -q would end it early (pipefail)
     grep -q -- '--insights' <<<"$help" \
       || die "INSIGHTS=1 but $BIN has no --insights option; build a CLI that has it, or run without INSIGHTS" ;;
  *) die "INSIGHTS must be 0 or 1 (found '$INSIGHTS')" ;;
esac

want=$(sed -n 's/^duckdb==//p' bench/duckdb/requirements.txt)
have=$("$PYTHON" -c 'import duckdb; print(duckdb.__version__)' 2>/dev/null || true)
if [ "$have" != "$want" ]; then
  echo "bench: installing duckdb==$want (found '${have:-none}')" >&2
  "$PYTHON" -m pip install --quiet -r bench/duckdb/requirements.txt || die "pip install failed"
fi

# --- helpers -------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/engagement-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# Private copy of the binary: a rebuild of target/release during the run
# (other people work in this tree) must not change what is measured.
cp "$BIN" "$WORK/engagement-report"
BIN_SHA=$(sha256sum "$BIN" | cut -c1-12)
BIN=$WORK/engagement-report

# timed SIZE IMPL RUN CMD...: run CMD as a whole process under /usr/bin/time -v,
# append "size impl run wall_s user_s sys_s maxrss_kb" to $RESULTS.
timed() {
  local size=$1 impl=$2 run=$3; shift 3
  local tv=$WORK/time.txt err=$WORK/stderr.txt t0 t1
  t0=$(date +%s%N)
  if ! "$TIME" -v -o "$tv" "$@" >/dev/null 2>"$err"; then
    cat "$err" "$tv" >&2
    die "$impl failed on $size: $*"
  fi
  t1=$(date +%s%N)
  awk -v size="$size" -v impl="$impl" -v run="$run" -v ns=$((t1 - t0)) -F': ' '
    /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {m=$2}
    END {printf "%s\t%s\t%s\t%.3f\t%s\t%s\t%s\n", size, impl, run, ns/1e9, u, s, m}' \
    "$tv" >> "$RESULTS"
}

fresh() { rm -rf "$WORK/out"; mkdir -p "$WORK/out"; echo "$WORK/out"; }

CHECK_FAILED=0
PERIOD=(--start "$START" --end "$END")
OURS_TZ=(--timezone "$TIMEZONE")
# Cross-check only: the options both sides get for INSIGHTS=1, and what
# compare.py leaves out (the CLI's summary.md text has no DuckDB counterpart).
CHECK_OPTS=()
COMPARE_OPTS=()
if [ "$INSIGHTS" = 1 ]; then
  CHECK_OPTS=(--insights)
  COMPARE_OPTS=(--ignore insights.summary_md)
fi

for size in "${SIZES[@]}"; do
  users=$(users_of "$size")
  dir=$DATA/$size
  csv=$dir/csv
  json=$dir/json

  # --- data (generated once) --------------------------------------------
  ensure_bundle "$BIN" "$size" "$csv"
  ensure_bundle "$BIN" "$size" "$json" --dump

  RESULTS=$dir/results.tsv
  {
    printf '# size=%s users=%s period=%s..%s tz=%s runs=%s date=%s commit=%s bin=%s load=%s\n' \
      "$size" "$users" "$START" "$END" "$TIMEZONE" "$RUNS" "$(date -u +%FT%TZ)" "$COMMIT" "$BIN_SHA" \
      "$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ',')"
    printf 'size\timpl\trun\twall_s\tuser_s\tsys_s\tmaxrss_kb\n'
  } > "$RESULTS"
  # input sizes and event count (the generator writes no newline inside an
  # events_event row, so lines - 1 = events)
  csv_bytes=$(cat "$csv"/*.csv | wc -c)
  json_bytes=$(cat "$json"/*.json | wc -c)
  events=$(( $(wc -l < "$csv/events_event.csv") - 1 ))
  printf '# csv_bytes=%s json_bytes=%s events=%s\n' "$csv_bytes" "$json_bytes" "$events" >> "$RESULTS"

  # --- correctness cross-check (untimed) ---------------------------------
  echo "bench: $size cross-check (ours --stdout vs run_duckdb.py --json${CHECK_OPTS[*]:+, ${CHECK_OPTS[*]}})" >&2
  "$BIN" "$csv" "${PERIOD[@]}" "${OURS_TZ[@]}" "${CHECK_OPTS[@]}" --stdout --quiet > "$WORK/ours-csv.json" \
    || die "ours failed on $csv"
  "$BIN" "$json" "${PERIOD[@]}" "${OURS_TZ[@]}" "${CHECK_OPTS[@]}" --stdout --quiet > "$WORK/ours-json.json" \
    || die "ours failed on $json"
  "$PYTHON" bench/duckdb/run_duckdb.py --input "$csv" "${PERIOD[@]}" --timezone "$TIMEZONE" \
    "${CHECK_OPTS[@]}" --output-dir "$(fresh)" --json "$WORK/duckdb.json" || die "run_duckdb.py failed on $csv"
  for src in csv json; do
    if out=$("$PYTHON" bench/duckdb/compare.py "${COMPARE_OPTS[@]}" "$WORK/ours-$src.json" "$WORK/duckdb.json"); then
      echo "bench: $size ours($src) vs DuckDB: $out" >&2
      printf '# check ours(%s) vs duckdb: %s\n' "$src" "$out" >> "$RESULTS"
    else
      CHECK_FAILED=1
      echo "bench: $size MISMATCH ours($src) (A) vs DuckDB (B):" >&2
      echo "$out" >&2
      printf '# check ours(%s) vs duckdb: MISMATCH\n' "$src" >> "$RESULTS"
    fi
  done
  rm -f "$WORK"/*.json

  # --- timings -----------------------------------------------------------
  for run in $(seq 1 "$RUNS"); do
    echo "bench: $size round $run/$RUNS" >&2
    timed "$size" ours-csv "$run" "$BIN" "$csv" "${PERIOD[@]}" "${OURS_TZ[@]}" \
      --format csv --output-dir "$(fresh)" --quiet
    timed "$size" ours-json "$run" "$BIN" "$json" "${PERIOD[@]}" "${OURS_TZ[@]}" \
      --format csv --output-dir "$(fresh)" --quiet
    timed "$size" duckdb "$run" "$PYTHON" bench/duckdb/run_duckdb.py --input "$csv" \
      "${PERIOD[@]}" --timezone "$TIMEZONE" --output-dir "$(fresh)"
  done
  rm -rf "$WORK/out"
done

"$PYTHON" bench/summarize.py "${SIZES[@]/#/$DATA/}"

if [ "$CHECK_FAILED" != 0 ]; then
  echo "bench: CROSS-CHECK FAILED: ours and DuckDB disagree (differences above)" >&2
  exit 1
fi
