#!/usr/bin/env bash
# Proves the DuckDB SQL against the worked examples of SPEC.md: runs
# run_duckdb.py for the three option sets of examples/README.md, the four
# of tiny-insights/README.md (insights and segments, SPEC 7 and 8) and the two
# of tiny-fasts/README.md without pseudonyms (fasts and app usage, SPEC 11),
# and compares each consolidated report with its expected JSON.
#
#   bench/duckdb/test_examples.sh [EXAMPLE_DIR [INSIGHTS_DIR [FASTS_DIR]]]
#
# EXAMPLE_DIR holds csv/, dump.json and expected_*.json; default
# tests/fixtures/tiny (repo root), else ../shared/examples/tiny.
# INSIGHTS_DIR (csv/ and expected_*.json) defaults to the folder tiny-insights
# next to EXAMPLE_DIR.  Its expected files carry two keys that are not output:
# summary_facts (summary.md is not reproduced here) is ignored, and
# staff_users_excluded is checked against run_duckdb.py's notice; it predates
# SPEC 11, whose data sets are left out of its comparison.  FASTS_DIR defaults
# to tiny-fasts next to EXAMPLE_DIR (skipped with a notice when absent); its
# summary_facts and fasts_app_facts (summary.md's figures) are ignored.
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
FAS="${3:-$(dirname "$EX")/tiny-fasts}"
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
      --ignore insights.daily_activity --ignore insights.app_usage --ignore insights.fast_calendar \
      --ignore insights.fast_daily --ignore insights.fast_editions \
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

# run_fasts name timezone start end
run_fasts() {
  local name="$1" tz="$2" start="$3" end="$4"
  echo "== fasts $name"
  if "$PY" "$HERE/run_duckdb.py" --input "$FAS/csv" --start "$start" --end "$end" --timezone "$tz" \
       --insights --output-dir "$TMP/fas_$name" --json "$TMP/fas_$name.json"; then
    "$PY" "$HERE/compare.py" --ignore summary_facts --ignore fasts_app_facts \
        "$TMP/fas_$name.json" "$FAS/expected_${name}.json" || status=1
  else
    status=1
  fi
}

if [[ -d "$FAS" ]]; then
  run_fasts UTC_2025-01-01_2025-01-31                 UTC                 2025-01-01 2025-01-31
  run_fasts America-Los_Angeles_2024-10-20_2024-11-16 America/Los_Angeles 2024-10-20 2024-11-16
else
  echo "notice: no fasts example folder at $FAS: SPEC 11 not checked" >&2
fi

if [[ $status -eq 0 ]]; then echo "all examples pass"; else echo "FAILED" >&2; fi
exit $status
