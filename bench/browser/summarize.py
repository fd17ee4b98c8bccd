#!/usr/bin/env python3
"""Table of the browser benchmark from bench/data/<size>/browser-{ours,duckdb}.json
(written by bench/browser/run.sh), with the native figures of bench/run.sh
(results.tsv) beside it for the per-million-events comparison.

    python3 bench/browser/summarize.py bench/data/S bench/data/M [bench/data/L]
"""
import json
import statistics
import sys
from pathlib import Path


def load(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def native_wall(size_dir):
    """Median wall time of ours on CSV in bench/run.sh's results, if any."""
    walls = []
    try:
        for line in (size_dir / "results.tsv").read_text().splitlines():
            f = line.split("\t")
            if len(f) == 7 and f[1] == "ours-csv":
                walls.append(float(f[3]))
    except OSError:
        pass
    return statistics.median(walls) if walls else None


def main(dirs):
    print("| size | events | CSV MiB | ours: files → report, s (min–max) | ours wasm heap peak MiB | ours renderer RSS MiB "
          "| DuckDB-WASM: files → 7 data sets, s | DuckDB-WASM wasm memory MiB | DuckDB-WASM renderer RSS MiB "
          "| ratio ours/DuckDB-WASM | ours browser s / M events | native s / M events | browser / native |")
    print("|" + "---|" * 13)
    for d in map(Path, dirs):
        ours, duck = load(d / "browser-ours.json"), load(d / "browser-duckdb.json")
        if ours is None:
            continue
        if "failed" in ours:
            print(f"| {d.name} | | | failed: {ours['failed'].strip()} |" + " |" * 9)
            continue
        events = ours["events"]
        row = [d.name, f"{events:,}", f"{ours['csv_bytes'] / 2**20:,.0f}",
               f"{ours['median_total_s']:.2f} ({ours['min_total_s']:.2f}–{ours['max_total_s']:.2f}, {ours['runs']} runs)",
               f"{ours['median_wasm_heap_mib']:,.0f}", f"{ours['median_renderer_rss_mib']:,.0f}"]
        if duck is None:
            row += ["not run", "", "", ""]
        elif "failed" in duck:
            row += [f"failed: {duck['failed'].strip()[:160]}", "", "", ""]
        else:
            row += [f"{duck['median_total_s']:.2f} ({duck['runs']} runs)",
                    f"{duck['median_wasm_memory_bytes'] / 2**20:,.0f}",
                    f"{duck['median_renderer_rss_peak_bytes'] / 2**20:,.0f}",
                    f"{ours['median_total_s'] / duck['median_total_s']:.2f}"]
        per_m = ours["median_total_s"] / (events / 1e6)
        native = native_wall(d)
        native_per_m = native / (events / 1e6) if native else None
        row += [f"{per_m:.2f}", f"{native_per_m:.2f}" if native_per_m else "",
                f"{per_m / native_per_m:.1f}×" if native_per_m else ""]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main(sys.argv[1:] or ["bench/data/S", "bench/data/M"])
