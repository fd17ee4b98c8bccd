#!/usr/bin/env bash
# Proves the DuckDB SQL against the worked example of SPEC.md: runs
# run_duckdb.py for the three option sets of examples/README.md and compares
# each consolidated report with its expected JSON.
#
#   bench/duckdb/test_examples.sh [EXAMPLE_DIR]
#
# EXAMPLE_DIR holds csv/, dump.json and expected_*.json; default
# tests/fixtures/tiny (repo root), else ../shared/examples/tiny.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
if [[ $# -ge 1 ]]; then
  EX="$1"
elif [[ -d "$ROOT/tests/fixtures/tiny" ]]; then
  EX="$ROOT/tests/fixtures/tiny"
else
  EX="$ROOT/../shared/examples/tiny"
fi
[[ -d "$EX" ]] || { echo "example folder not found: $EX" >&2; exit 2; }
PY="${PYTHON:-python3}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

status=0
run() {  # name input start end timezone
  local name="$1" input="$2" start="$3" end="$4" tz="$5"
  local expected="$EX/expected_${name}.json"
  echo "== $name"
  if "$PY" "$HERE/run_duckdb.py" --input "$input" --start "$start" --end "$end" --timezone "$tz" \
       --output-dir "$TMP/$name" --json "$TMP/$name.json" \
     && "$PY" "$HERE/compare.py" "$TMP/$name.json" "$expected"; then
    :
  else
    status=1
  fi
}

run csv_UTC_2024-12-22_2025-01-20                 "$EX/csv"       2024-12-22 2025-01-20 UTC
run dump_UTC_2024-12-22_2025-01-20                "$EX/dump.json" 2024-12-22 2025-01-20 UTC
run csv_America-Los_Angeles_2024-11-01_2025-01-31 "$EX/csv"       2024-11-01 2025-01-31 America/Los_Angeles

if [[ $status -eq 0 ]]; then echo "all examples pass"; else echo "FAILED" >&2; fi
exit $status
