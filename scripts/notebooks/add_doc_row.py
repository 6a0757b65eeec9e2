"""Inserts (or replaces) one notebook's row in docs/notebooks.md's table, touching nothing else."""
import os
import sys

name, reproduces, asserts = sys.argv[1], sys.argv[2], sys.argv[3]
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "notebooks.md")
lines = open(path, encoding="utf-8").read().split("\n")
row = f"| `{name}` | {reproduces} | {asserts} |"
existing = [i for i, l in enumerate(lines) if l.startswith(f"| `{name}` ")]
if existing:
    lines[existing[0]] = row
else:
    start = next(i for i, l in enumerate(lines) if l.startswith("| notebook "))
    end = start
    while end + 1 < len(lines) and lines[end + 1].startswith("|"):
        end += 1
    lines.insert(end + 1, row)
open(path, "w", encoding="utf-8").write("\n".join(lines))
