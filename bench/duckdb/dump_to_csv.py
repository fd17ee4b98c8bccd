#!/usr/bin/env python3
"""Convert Django dumpdata JSON (SPEC 2b) into the nine PostgreSQL-style CSV
tables of SPEC 2a, so that report.sql can run on a dump too.

    python3 bench/duckdb/dump_to_csv.py DUMP.json [DUMP2.json ...] OUT_DIR

Only used to check the SQL against dump-based expectations; the benchmark
itself runs DuckDB on CSV.  Handles plain and --natural-foreign dumps
(content types as ["app", "model"], users as ["username"]).  The columns the
segments of SPEC 8 need (auth_user is_staff/is_superuser, hub_profile
church_id) are written when the dump has those fields, so that a missing
field still gives run_duckdb.py's "no column" error.
"""
import json
import os
import sys

COLUMNS = {
    "auth_user": ["id", "username", "email", "date_joined"],
    "hub_church": ["id", "name"],
    "hub_fast": ["id", "name", "church_id", "year"],
    "hub_profile": ["id", "user_id"],
    "hub_profile_fasts": ["id", "profile_id", "fast_id"],
    "events_eventtype": ["id", "code"],
    "events_event": ["id", "event_type_id", "user_id", "content_type_id", "object_id", "data", "timestamp"],
    "events_useractivityfeed": ["id", "user_id", "activity_type", "content_type_id", "object_id",
                                "title", "description", "created_at"],
    "django_content_type": ["id", "app_label", "model"],
}


def pg_field(v):
    """PostgreSQL CSV: NULL is an unquoted empty field, text is quoted."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, (int, float)):
        return str(v)
    return '"' + str(v).replace('"', '""') + '"'


def convert(dump_paths, out_dir):
    objs = []
    for p in dump_paths:
        with open(p, encoding="utf-8-sig") as f:
            objs.extend(json.load(f))
    by_model = {}
    for o in objs:
        by_model.setdefault(o.get("model"), []).append(o)

    users = by_model.get("auth.user", [])
    if any("pk" not in u for u in users):
        sys.exit("dump_to_csv: auth.user objects without pk (dumped with --natural-primary); "
                 "export without --natural-primary")
    user_pk = {u["fields"].get("username"): u["pk"] for u in users}
    cts = by_model.get("contenttypes.contenttype", [])
    ct_pk = {(c["fields"]["app_label"], c["fields"]["model"]): c["pk"] for c in cts if "pk" in c}
    next_ct = max([0] + list(ct_pk.values())) + 1
    ct_rows = [[c["pk"], c["fields"]["app_label"], c["fields"]["model"]] for c in cts if "pk" in c]

    def ct_ref(v):
        nonlocal next_ct
        if isinstance(v, list):
            key = tuple(v)
            if key not in ct_pk:
                ct_pk[key] = next_ct
                ct_rows.append([next_ct, key[0], key[1]])
                next_ct += 1
            return ct_pk[key]
        return v

    def user_ref(v):
        if isinstance(v, list):
            return user_pk.get(v[0], -1)     # unknown username: an id no user has
        return v

    columns = {t: list(c) for t, c in COLUMNS.items()}
    staff_fields = [k for k in ("is_staff", "is_superuser") if any(k in u["fields"] for u in users)]
    columns["auth_user"] += staff_fields
    profiles = by_model.get("hub.profile", [])
    profile_church = any("church" in o["fields"] for o in profiles)
    if profile_church:
        columns["hub_profile"].append("church_id")

    rows = {t: [] for t in COLUMNS}
    rows["django_content_type"] = ct_rows
    for u in users:
        f = u["fields"]
        rows["auth_user"].append([u["pk"], f.get("username"), f.get("email"), f.get("date_joined")]
                                 + [f.get(k) for k in staff_fields])
    for o in by_model.get("hub.church", []):
        rows["hub_church"].append([o["pk"], o["fields"].get("name")])
    for o in by_model.get("hub.fast", []):
        f = o["fields"]
        rows["hub_fast"].append([o["pk"], f.get("name"), f.get("church"), f.get("year")])
    n = 0
    for o in profiles:
        f = o["fields"]
        rows["hub_profile"].append([o["pk"], user_ref(f.get("user"))]
                                   + ([f.get("church")] if profile_church else []))
        for fast in f.get("fasts") or []:
            n += 1
            rows["hub_profile_fasts"].append([n, o["pk"], fast])
    for o in by_model.get("events.eventtype", []):
        rows["events_eventtype"].append([o["pk"], o["fields"].get("code")])
    for o in by_model.get("events.event", []):
        f = o["fields"]
        rows["events_event"].append([
            o["pk"], f.get("event_type"), user_ref(f.get("user")), ct_ref(f.get("content_type")),
            None if f.get("object_id") is None else str(f.get("object_id")),
            json.dumps(f.get("data"), ensure_ascii=False), f.get("timestamp")])
    for o in by_model.get("events.useractivityfeed", []):
        f = o["fields"]
        rows["events_useractivityfeed"].append([
            o["pk"], user_ref(f.get("user")), f.get("activity_type"), ct_ref(f.get("content_type")),
            None if f.get("object_id") is None else str(f.get("object_id")),
            f.get("title"), f.get("description"), f.get("created_at")])

    os.makedirs(out_dir, exist_ok=True)
    for table, cols in columns.items():
        with open(os.path.join(out_dir, table + ".csv"), "w", encoding="utf-8", newline="") as f:
            f.write(",".join(cols) + "\n")
            for r in rows[table]:
                f.write(",".join(pg_field(v) for v in r) + "\n")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    convert(sys.argv[1:-1], sys.argv[-1])
