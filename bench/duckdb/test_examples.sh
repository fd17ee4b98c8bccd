#!/usr/bin/env bash
# Proves the DuckDB SQL against the worked examples of SPEC.md: runs
# run_duckdb.py for the three option sets of examples/README.md and the four
# of tiny-insights/README.md (insights and segments, SPEC 7 and 8), and
# compares each consolidated report with its expected JSON.
#
#   bench/duckdb/test_examples.sh [EXAMPLE_DIR [INSIGHTS_DIR]]
#
# EXAMPLE_DIR holds csv/, dump.json and expected_*.json; default
# tests/fixtures/tiny (repo root), else ../shared/examples/tiny.
# INSIGHTS_DIR (csv/ and expected_*.json) defaults to the folder tiny-insights
# next to EXAMPLE_DIR.  Its expected files carry two keys that are not output:
# summary_facts (summary.md is not reproduced here) is ignored, and
# staff_users_excluded is checked against run_duckdb.py's notice.
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
INS="${2:-$(dirname "$EX")/tiny-insights}"
[[ -d "$INS" ]] || { echo "insights example folder not found: $INS (give it as the second argument)" >&2; exit 2; }
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

# run_insights name timezone start end [segment options...]
run_insights() {
  local name="$1" tz="$2" start="$3" end="$4"; shift 4
  local expected="$INS/expected_${name}.json" err="$TMP/ins_$name.err"
  echo "== insights $name"
  if ! "$PY" "$HERE/run_duckdb.py" --input "$INS/csv" --start "$start" --end "$end" --timezone "$tz" \
       --insights "$@" --output-dir "$TMP/ins_$name" --json "$TMP/ins_$name.json" 2>"$err"; then
    cat "$err" >&2
    status=1
    return
  fi
  "$PY" "$HERE/compare.py" --ignore summary_facts --ignore staff_users_excluded \
      "$TMP/ins_$name.json" "$expected" || status=1
  # The exclude-staff notice must report the number of staff users removed.
  local got want
  got=$(sed -n 's/^run_duckdb: notice: \([0-9]*\) staff users excluded$/\1/p' "$err")
  want=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1], encoding="utf-8"))["staff_users_excluded"])' "$expected")
  if [[ "${got:-0}" != "$want" ]]; then
    echo "staff_users_excluded: notice says ${got:-nothing}, expected $want" >&2
    status=1
  fi
}

run_insights UTC_2024-12-22_2025-01-20                               UTC                 2024-12-22 2025-01-20
run_insights America-Los_Angeles_2024-11-01_2025-01-31_exclude-staff America/Los_Angeles 2024-11-01 2025-01-31 --exclude-staff
run_insights Asia-Kolkata_2024-12-01_2025-01-31_church-2             Asia/Kolkata        2024-12-01 2025-01-31 --church 2
run_insights UTC_2025-01-06_2025-01-12_exclude-staff_church-1        UTC                 2025-01-06 2025-01-12 --exclude-staff --church 1

if [[ $status -eq 0 ]]; then echo "all examples pass"; else echo "FAILED" >&2; fi
exit $status
