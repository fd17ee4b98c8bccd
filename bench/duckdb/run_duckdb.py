#!/usr/bin/env python3
"""Run the DuckDB implementation of the engagement report (SPEC.md section 4).

    python3 bench/duckdb/run_duckdb.py --input DIR --start YYYY-MM-DD --end YYYY-MM-DD \
        [--timezone TZ] [--insights] [--exclude-staff] [--church ID] \
        --output-dir OUT [--json FILE]

Writes the six tabular data sets as CSV (SPEC 5 names) and other_metrics.json
into OUT; with --json also the consolidated JSON report of SPEC 5.  With
--insights also the insight data sets of SPEC 7 (CSV, and under "insights" in
the consolidated JSON; no summary.md).  --exclude-staff / --church select the
segment of SPEC 8.  Prints nothing but errors, and with --exclude-staff one
notice line on stderr: "run_duckdb: notice: N staff users excluded".
"""
import argparse
import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
import zoneinfo

import duckdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

HERE = os.path.dirname(os.path.abspath(__file__))
TABLES = [
    "auth_user", "hub_church", "hub_fast", "hub_profile", "hub_profile_fasts",
    "events_eventtype", "events_event", "events_useractivityfeed", "django_content_type",
]
DATA_SETS = [
    "new_users_over_time", "fasts", "user_activity", "user_activity_timeline",
    "user_fast_participation", "retention_cohorts",
]
# SPEC 7 insight data sets that are lists (period_comparison is one object).
INSIGHT_LISTS = ["retention_matrix", "activity_heatmap", "user_engagement", "fast_retention"]
# SPEC 11 data sets that are lists (app_usage is one object), after it.
FASTS_LISTS = ["fast_calendar", "fast_daily", "fast_editions"]


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def parse_date(s):
    try:
        return dt.date.fromisoformat(s) if len(s) == 10 else None
    except ValueError:
        return None


def fail(msg):
    print(f"run_duckdb: {msg}", file=sys.stderr)
    sys.exit(2)


def csv_columns(con, path):
    """Header of a CSV table as report.sql reads it."""
    rel = con.execute(f"SELECT * FROM read_csv({sql_str(path)}, header = true, delim = ',', quote = '\"', "
                      f"escape = '\"', all_varchar = true) LIMIT 0")
    return [d[0] for d in rel.description]


def require_columns(con, input_dir, table, columns, option):
    path = os.path.join(input_dir, table + ".csv")
    have = csv_columns(con, path)
    missing = [c for c in columns if c not in have]
    if missing:
        fail(f"{path}: no column {', '.join(missing)}, which {option} needs; "
             f"export {table} with all its columns (found: {', '.join(have)})")


def read_sql(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return f.read()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--input", required=True,
                   help="folder with the nine PostgreSQL CSV tables, or a dumpdata .json file "
                        "(converted to CSV first by dump_to_csv.py; not meant for timing)")
    p.add_argument("--start", help="YYYY-MM-DD (default: end - 30 days)")
    p.add_argument("--end", help="YYYY-MM-DD (default: today in the time zone)")
    p.add_argument("--timezone", default="UTC", help="IANA time zone (default UTC)")
    p.add_argument("--output-dir", required=True)
    p.add_argument("--json", help="also write the consolidated JSON report here")
    p.add_argument("--insights", action="store_true",
                   help="also compute the insight data sets of SPEC 7 (without summary.md)")
    p.add_argument("--exclude-staff", action="store_true",
                   help="segment: leave out users with is_staff or is_superuser (SPEC 8)")
    p.add_argument("--church", metavar="ID",
                   help="segment: only the users and fasts of this hub_church id (SPEC 8)")
    a = p.parse_args()

    try:
        zoneinfo.ZoneInfo(a.timezone)
    except Exception:
        fail(f"unknown time zone {a.timezone!r}; expected an IANA name such as Europe/Paris")
    end = parse_date(a.end) if a.end else dt.datetime.now(zoneinfo.ZoneInfo(a.timezone)).date()
    if end is None:
        fail(f"malformed --end {a.end!r}; expected YYYY-MM-DD")
    start = parse_date(a.start) if a.start else end - dt.timedelta(days=30)
    if start is None:
        fail(f"malformed --start {a.start!r}; expected YYYY-MM-DD")
    if start > end:
        fail(f"--start {start} is after --end {end}")
    church = None
    if a.church is not None:
        if not re.fullmatch(r"[+-]?[0-9]{1,18}", a.church):
            fail(f"malformed --church {a.church!r}; expected the id (a whole number) of a hub_church row")
        church = int(a.church)
    if os.path.isfile(a.input) and a.input.endswith(".json"):
        import dump_to_csv
        tmp = tempfile.TemporaryDirectory()
        dump_to_csv.convert([a.input], tmp.name)
        a.input = tmp.name
    missing = [t for t in TABLES if not os.path.isfile(os.path.join(a.input, t + ".csv"))]
    if missing:
        fail(f"{a.input}: missing " + ", ".join(t + ".csv" for t in missing))
    out = os.path.abspath(a.output_dir)
    if "'" in out:
        fail("--output-dir must not contain a single quote")
    os.makedirs(out, exist_ok=True)

    con = duckdb.connect()
    con.execute(f"SET VARIABLE input_dir = {sql_str(os.path.abspath(a.input))}")
    con.execute(f"SET VARIABLE start_date = DATE '{start.isoformat()}'")
    con.execute(f"SET VARIABLE end_date = DATE '{end.isoformat()}'")
    con.execute(f"SET VARIABLE tz = {sql_str(a.timezone)}")
    con.execute(f"SET VARIABLE church_id = {'NULL' if church is None else church}::BIGINT")
    # Segment (SPEC 8): the columns it needs are checked here so that the
    # error names the file; the SQL fills segment_removed_user.
    if a.exclude_staff:
        require_columns(con, a.input, "auth_user", ["is_staff", "is_superuser"], "--exclude-staff")
        con.execute(read_sql("segment_staff.sql"))
    if church is not None:
        require_columns(con, a.input, "hub_profile", ["church_id"], "--church")
        con.execute(read_sql("segment_church.sql"))
    con.execute(read_sql("report.sql"))
    con.execute(read_sql("export_csv.sql").replace("__OUT__", out))
    if a.insights:
        con.execute(read_sql("insights.sql"))
        # SPEC 2a: hub_day.csv is optional; without it no fast has days.
        days = os.path.join(a.input, "hub_day.csv")
        if os.path.isfile(days):
            con.execute(f"CREATE OR REPLACE TABLE day_raw AS SELECT id, CAST(date AS DATE) AS date, fast_id "
                        f"FROM read_csv({sql_str(os.path.abspath(days))}, header = true, delim = ',', quote = '\"', "
                        f"escape = '\"', nullstr = '', allow_quoted_nulls = false, all_varchar = true, "
                        f"types = {{'id': 'BIGINT', 'fast_id': 'BIGINT'}})")
        else:
            con.execute("CREATE OR REPLACE TABLE day_raw (id BIGINT, date DATE, fast_id BIGINT)")
        con.execute(read_sql("fasts.sql"))
        con.execute(read_sql("export_insights_csv.sql").replace("__OUT__", out))
        usage = json.loads(con.execute("SELECT app_usage FROM app_usage").fetchone()[0])
        with open(os.path.join(out, "app_usage.json"), "w", encoding="utf-8") as f:
            json.dump(usage, f, indent=2, ensure_ascii=False)
            f.write("\n")
    if a.exclude_staff:
        n = con.execute("SELECT count(*) FROM segment_staff_user").fetchone()[0]
        print(f"run_duckdb: notice: {n} staff users excluded", file=sys.stderr)

    other = json.loads(con.execute("SELECT other_metrics FROM other_metrics").fetchone()[0])
    with open(os.path.join(out, "other_metrics.json"), "w", encoding="utf-8") as f:
        json.dump(other, f, indent=2, ensure_ascii=False)
        f.write("\n")

    if a.json:
        rng = {"start": start.isoformat(), "end": end.isoformat(), "timezone": a.timezone}
        if a.exclude_staff or church is not None:
            rng["segment"] = {"exclude_staff": a.exclude_staff, "church_id": church}
        write_consolidated(con, a.json, rng, other, a.insights)


def copy_json_array(con, tmp, name, f):
    """Append view `name` as a JSON array written by DuckDB (COPY ... FORMAT
    JSON, ARRAY), spliced in as text, never parsed in Python."""
    part = os.path.join(tmp, name + ".json")
    con.execute(f"COPY (SELECT * FROM {name}) TO {sql_str(part)} (FORMAT JSON, ARRAY true)")
    with open(part, encoding="utf-8") as p:
        shutil.copyfileobj(p, f)


def write_consolidated(con, path, rng, other, insights):
    """SPEC 5 consolidated object, plus "insights" (SPEC 7, without
    summary_md) when asked."""
    with tempfile.TemporaryDirectory() as tmp:
        with open(path, "w", encoding="utf-8") as f:
            f.write('{"range": ' + json.dumps(rng))
            for name in DATA_SETS:
                f.write(f',\n"{name}": ')
                copy_json_array(con, tmp, name, f)
            f.write(',\n"other_metrics": ' + json.dumps(other, ensure_ascii=False))
            if insights:
                f.write(',\n"insights": {')
                for name in INSIGHT_LISTS:
                    f.write(f'\n"{name}": ')
                    copy_json_array(con, tmp, name, f)
                    f.write(",")
                comparison = con.execute("SELECT period_comparison FROM period_comparison").fetchone()[0]
                f.write('\n"period_comparison": ' + comparison + ",")
                f.write('\n"daily_activity": ')
                copy_json_array(con, tmp, "daily_activity", f)
                usage = con.execute("SELECT app_usage FROM app_usage").fetchone()[0]
                f.write(',\n"app_usage": ' + usage)
                for name in FASTS_LISTS:
                    f.write(f',\n"{name}": ')
                    copy_json_array(con, tmp, name, f)
                f.write("}")
            f.write("}\n")


if __name__ == "__main__":
    try:
        main()
    except duckdb.Error as e:
        fail(str(e))
