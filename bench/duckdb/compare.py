#!/usr/bin/env python3
"""Compare two consolidated engagement reports (SPEC 5) by value.

    python3 bench/duckdb/compare.py [--ignore KEY.PATH ...] A.json B.json

Rules (shared/examples/README.md): numbers as numbers (1 == 1.0), rates and
averages may differ by 0.01, timestamps compared as instants, lists in order,
object keys as sets.  --ignore leaves out a key given by its dotted path from
the root (e.g. summary_facts, insights.summary_md) in both reports, whether
present or not.  Prints each difference with its JSON path (at most 20, then
a count) and exits 1; else prints one OK line with row counts.
"""
import argparse
import datetime as dt
import json
import re
import sys

MAX_SHOWN = 20
# Keys whose values are rounded rates or averages (SPEC 4 and 7).
TOLERANT_KEYS = {"retention_rate", "avg_activities_per_user", "avg_per_user",
                 "avg_days_between_uses", "avg_activities_users_with_fast",
                 "avg_activities_users_without_fast",
                 "rate", "avg_gap_days", "median_days_to_leave", "change_pct",
                 "sessions_per_user", "mean", "median"}
TOLERANCE = 0.01 + 1e-9
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?$")
LISTS = ["new_users_over_time", "fasts", "user_activity", "user_activity_timeline",
         "user_fast_participation", "retention_cohorts"]
INSIGHT_LISTS = ["retention_matrix", "activity_heatmap", "user_engagement", "fast_retention",
                 "daily_activity", "fast_calendar", "fast_daily", "fast_editions"]


def instant(s):
    """Timestamp text -> aware datetime (UTC when no offset), or None."""
    if not isinstance(s, str) or not TS_RE.match(s):
        return None
    t = s.replace(" ", "T")
    if t.endswith("Z"):
        t = t[:-1] + "+00:00"
    m = re.search(r"([+-]\d{2})(:?(\d{2}))?$", t[19:])
    if m and not m.group(2):                       # "+05" -> "+05:00"
        t = t + ":00"
    m = re.match(r"^(.{19})\.(\d+)(.*)$", t)        # fraction to 6 digits
    if m:
        t = f"{m.group(1)}.{(m.group(2) + '000000')[:6]}{m.group(3)}"
    try:
        d = dt.datetime.fromisoformat(t)
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=dt.timezone.utc)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def compare(a, b, path, key, out):
    if is_num(a) and is_num(b):
        tol = TOLERANCE if key in TOLERANT_KEYS else 0
        if abs(a - b) > tol:
            out.append(f"{path}: {a!r} != {b!r}")
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            p = f"{path}.{k}" if re.match(r"^[A-Za-z_]\w*$", k) else f"{path}[{json.dumps(k, ensure_ascii=False)}]"
            if k not in a:
                out.append(f"{p}: missing in A (B has {json.dumps(b[k], ensure_ascii=False)[:80]})")
            elif k not in b:
                out.append(f"{p}: missing in B (A has {json.dumps(a[k], ensure_ascii=False)[:80]})")
            else:
                compare(a[k], b[k], p, k, out)
        return
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: length {len(a)} != {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, f"{path}[{i}]", key, out)
        return
    if isinstance(a, str) and isinstance(b, str) and a != b:
        ia, ib = instant(a), instant(b)
        if ia is not None and ib is not None and ia == ib:
            return
    if type(a) is not type(b) or a != b:
        out.append(f"{path}: {json.dumps(a, ensure_ascii=False)[:100]} != {json.dumps(b, ensure_ascii=False)[:100]}")


def drop_path(obj, path):
    """Remove the key at dotted `path` from nested objects, if there."""
    *parents, last = path.split(".")
    for k in parents:
        if not isinstance(obj, dict) or k not in obj:
            return
        obj = obj[k]
    if isinstance(obj, dict):
        obj.pop(last, None)


def main():
    ap = argparse.ArgumentParser(usage=__doc__.split("\n\n")[1].strip())
    ap.add_argument("--ignore", action="append", default=[], metavar="KEY.PATH")
    ap.add_argument("a")
    ap.add_argument("b")
    args = ap.parse_args()
    reports = []
    for p in (args.a, args.b):
        try:
            with open(p, encoding="utf-8") as f:
                reports.append(json.load(f))
        except (OSError, ValueError) as e:
            print(f"compare: cannot read {p}: {e}", file=sys.stderr)
            sys.exit(2)
    a, b = reports
    for path in args.ignore:
        drop_path(a, path)
        drop_path(b, path)
    diffs = []
    compare(a, b, "$", None, diffs)
    if diffs:
        for d in diffs[:MAX_SHOWN]:
            print(d)
        if len(diffs) > MAX_SHOWN:
            print(f"... and {len(diffs) - MAX_SHOWN} more differences")
        print(f"{len(diffs)} differences")
        sys.exit(1)
    counts = ", ".join(f"{k}={len(a.get(k) or [])}" for k in LISTS)
    if isinstance(a.get("insights"), dict):
        counts += ", " + ", ".join(f"{k}={len(a['insights'].get(k) or [])}" for k in INSIGHT_LISTS
                                   if k in a["insights"])
    print(f"OK: reports match ({counts})")


if __name__ == "__main__":
    main()
