#!/usr/bin/env python3
"""Copies a CSV bundle and makes every feed item's title and description its
own text, as in exports whose feed names people and places ("Mary Smith
joined Fast of Nineveh at St Mark"): the demo's feed repeats 133 titles, so
memory figures on it say nothing of a column of all-different texts.

Usage: bench/distinct_texts.py SRC_DIR DST_DIR
Every other table is linked (or copied) unchanged; the feed's row count,
ids and every other column stay as they are, so the report's figures are
those of SRC_DIR (titles and descriptions only reach the timeline).
"""
import csv
import os
import shutil
import sys

FEED = "events_useractivityfeed.csv"


def main(src, dst):
    os.makedirs(dst, exist_ok=True)
    for name in os.listdir(src):
        if name == FEED or not name.endswith(".csv"):
            continue
        target = os.path.join(dst, name)
        if os.path.exists(target):
            os.remove(target)
        try:
            os.link(os.path.join(src, name), target)
        except OSError:
            shutil.copyfile(os.path.join(src, name), target)
    with open(os.path.join(src, FEED), newline="", encoding="utf-8") as fin, open(
        os.path.join(dst, FEED), "w", newline="", encoding="utf-8"
    ) as fout:
        reader = csv.reader(fin)
        writer = csv.writer(fout, lineterminator="\n")
        header = next(reader)
        writer.writerow(header)
        i_id, i_title, i_desc, i_user = (
            header.index(c) for c in ("id", "title", "description", "user_id")
        )
        for row in reader:
            row[i_title] = f"{row[i_title]} · member {row[i_user]} · item {row[i_id]}"
            row[i_desc] = f"Note {row[i_id]} for member {row[i_user]}: {row[i_desc]}".rstrip(": ")
            writer.writerow(row)
    with open(os.path.join(dst, ".done"), "w") as f:
        f.write("distinct\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
