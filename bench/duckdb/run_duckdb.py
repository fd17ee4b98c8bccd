#!/usr/bin/env python3
"""Run the DuckDB implementation of the engagement report (SPEC.md section 4).

    python3 bench/duckdb/run_duckdb.py --input DIR --start YYYY-MM-DD --end YYYY-MM-DD \
        [--timezone TZ] --output-dir OUT [--json FILE]

Writes the six tabular data sets as CSV (SPEC 5 names) and other_metrics.json
into OUT; with --json also the consolidated JSON report of SPEC 5.
Prints nothing but errors.
"""
import argparse
import datetime as dt
import json
import os
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
    con.execute(read_sql("report.sql"))
    con.execute(read_sql("export_csv.sql").replace("__OUT__", out))

    other = json.loads(con.execute("SELECT other_metrics FROM other_metrics").fetchone()[0])
    with open(os.path.join(out, "other_metrics.json"), "w", encoding="utf-8") as f:
        json.dump(other, f, indent=2, ensure_ascii=False)
        f.write("\n")

    if a.json:
        write_consolidated(con, a.json, start, end, a.timezone, other)


def write_consolidated(con, path, start, end, tz, other):
    """SPEC 5 consolidated object; the lists are written by DuckDB (COPY ...
    FORMAT JSON, ARRAY) and spliced in as text, never parsed in Python."""
    with tempfile.TemporaryDirectory() as tmp:
        with open(path, "w", encoding="utf-8") as f:
            rng = {"start": start.isoformat(), "end": end.isoformat(), "timezone": tz}
            f.write('{"range": ' + json.dumps(rng))
            for name in DATA_SETS:
                part = os.path.join(tmp, name + ".json")
                con.execute(f"COPY (SELECT * FROM {name}) TO {sql_str(part)} (FORMAT JSON, ARRAY true)")
                f.write(f',\n"{name}": ')
                with open(part, encoding="utf-8") as p:
                    shutil.copyfileobj(p, f)
            f.write(',\n"other_metrics": ' + json.dumps(other, ensure_ascii=False) + "}\n")


if __name__ == "__main__":
    try:
        main()
    except duckdb.Error as e:
        fail(str(e))
