"""Run from the repository root: python docs/results/one-click/eleventh-session/second_click_rows.py DIR [DIR ...]:
per bone of one_click_eval.py tables made with --second-click 1 (the same cases), the innermost click's mean Dice
(from the first DIR) and each table's mean Dice after the second click, with the count of bones the second click
left more than 0.01 below their one-click Dice."""
import csv
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from bonebench.study.one_click import INNERMOST, SECOND_KINDS


def _read(folder: Path):
    first, second = {}, {}
    with open(folder / "scores.csv", newline="") as table:
        for row in csv.DictReader(table):
            key = (row["case"], row["bone"])
            if row["kind"] == INNERMOST:
                first[key] = float(row["dice"])
            elif row["kind"] in SECOND_KINDS:
                second[key] = float(row["dice"])
    return first, second


folders = [Path(f) for f in sys.argv[1:]]
runs = [_read(f) for f in folders]
first = runs[0][0]
bones = defaultdict(list)
for case, bone in first:
    bones[(case.split("_")[0], bone)].append((case, bone))
print("| region | bone | one click | " + " | ".join(f"2nd click: {f.name}" for f in folders) + " |")
print("|---|---|---|" + "---|" * len(folders))
for region, bone in sorted(bones):
    keys = bones[(region, bone)]
    cells = [f"{np.mean([second[k] for k in keys]):.3f}" for _, second in runs]
    print(f"| {region} | {bone} | {np.mean([first[k] for k in keys]):.3f} | " + " | ".join(cells) + " |")
lower = [sum(second[k] < first[k] - 0.01 for k in first) for _, second in runs]
print(f"| bones the 2nd click left > 0.01 below one click | | of {len(first)} | "
      + " | ".join(str(n) for n in lower) + " |")
