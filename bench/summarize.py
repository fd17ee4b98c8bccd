#!/usr/bin/env python3
"""Print the benchmark tables (Markdown) from bench/data/<size>/results.tsv.

    python3 bench/summarize.py bench/data/S bench/data/M [bench/data/L]

Each argument is a size folder (or its results.tsv) written by bench/run.sh.
Figures: median over the runs, best wall time in brackets; CPU = user + sys;
peak = maximum resident set size. MB = 10^6 bytes.
"""
import os
import statistics
import sys

IMPLS = ("ours-csv", "ours-json", "duckdb")


def load(path):
    if os.path.isdir(path):
        path = os.path.join(path, "results.tsv")
    meta, checks, rows = {}, [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# check "):
                checks.append(line[len("# check "):])
            elif line.startswith("#"):
                for tok in line[1:].split():
                    if "=" in tok:
                        k, v = tok.split("=", 1)
                        meta[k] = v
            elif line and not line.startswith("size\t"):
                size, impl, run, wall, user, sys_, rss = line.split("\t")
                rows.append((impl, float(wall), float(user) + float(sys_), int(rss) * 1024 / 1e6))
    return meta, checks, rows


def stats(rows, impl):
    r = [x for x in rows if x[0] == impl]
    if not r:
        return None
    return {
        "n": len(r),
        "wall": statistics.median(x[1] for x in r),
        "best": min(x[1] for x in r),
        "cpu": statistics.median(x[2] for x in r),
        "peak": statistics.median(x[3] for x in r),
    }


def f(x, d=2):
    return f"{x:,.{d}f}"


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sizes = []
    for p in sys.argv[1:]:
        try:
            sizes.append(load(p))
        except OSError as e:
            print(f"summarize: {e}", file=sys.stderr)
            sys.exit(2)

    print("\nOurs vs DuckDB, same CSV bundle, full report written as CSV "
          "(median of runs; best wall in brackets; MB = 10^6 bytes)\n")
    print("| size | events | CSV MB | ours wall s | ours CPU s | ours peak MB "
          "| DuckDB wall s | DuckDB CPU s | DuckDB peak MB "
          "| ours/DuckDB wall | CPU | peak | ours wall s / M events | ours CPU s / M events "
          "| ours peak / CSV size |")
    print("|" + "---|" * 15)
    for meta, _, rows in sizes:
        o, d = stats(rows, "ours-csv"), stats(rows, "duckdb")
        if not o or not d:
            continue
        ev = int(meta["events"]) / 1e6
        csv_mb = int(meta["csv_bytes"]) / 1e6
        print(f"| {meta['size']} | {int(meta['events']):,} | {f(csv_mb, 1)} "
              f"| {f(o['wall'])} ({f(o['best'])}) | {f(o['cpu'])} | {f(o['peak'], 0)} "
              f"| {f(d['wall'])} ({f(d['best'])}) | {f(d['cpu'])} | {f(d['peak'], 0)} "
              f"| {f(o['wall'] / d['wall'])} | {f(o['cpu'] / d['cpu'])} | {f(o['peak'] / d['peak'])} "
              f"| {f(o['wall'] / ev, 3)} | {f(o['cpu'] / ev, 3)} | {f(o['peak'] / csv_mb)} |")

    print("\nOurs from the dumpdata JSON (same report, same options)\n")
    print("| size | JSON MB | wall s | CPU s | peak MB | wall s / M events | peak / JSON size |")
    print("|" + "---|" * 7)
    for meta, _, rows in sizes:
        j = stats(rows, "ours-json")
        if not j:
            continue
        ev = int(meta["events"]) / 1e6
        json_mb = int(meta["json_bytes"]) / 1e6
        print(f"| {meta['size']} | {f(json_mb, 1)} | {f(j['wall'])} ({f(j['best'])}) "
              f"| {f(j['cpu'])} | {f(j['peak'], 0)} | {f(j['wall'] / ev, 3)} "
              f"| {f(j['peak'] / json_mb)} |")

    print("\nCross-check and conditions\n")
    for meta, checks, rows in sizes:
        n = max((stats(rows, i) or {"n": 0})["n"] for i in IMPLS)
        print(f"- {meta.get('size')}: {meta.get('date')}, {n} runs, period "
              f"{meta.get('period')} {meta.get('tz')}, commit {meta.get('commit')} (binary sha256 {meta.get('bin')}), load average at start "
              f"{meta.get('load', '?')}")
        for c in checks:
            print(f"  - {c}")


if __name__ == "__main__":
    main()
