"""Compare one-click tables (tools/one_click_eval.py OUT folders) scored on the same cases: per bone the
innermost click's mean Dice (mean leak), per region the mean of its bones, and for every table after
the first its paired difference from the first with a standard error over the region's cases (each
case's bones averaged, the difference taken case by case). Why the error: with 6 phantoms per region
and 10 patients a region mean moves a few hundredths between near-identical models (one walk that
crosses a joint or stops at a split), and a model is replaced only where it is better on every
region, so a reader needs to see which differences stand out of that noise. Last, each table against
issue 17's must-shows: bones whose innermost-click Dice is at least MUST_DICE, whose leak is at most
MUST_LEAK, and whose random clicks' mean lies within MUST_SPREAD of it.

    python tools/one_click_compare.py BASELINE_OUT OTHER_OUT [...] [--kind innermost|all|second]

--kind all pools the innermost and the random clicks; --kind second compares the scores after the second,
corrective click (tables made with --second-click 1) instead of the innermost click's.
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

import numpy as np

from bonebench.study.one_click import INNERMOST, RANDOM_KINDS, SECOND_KINDS


MUST_DICE, MUST_LEAK, MUST_SPREAD = 0.90, 0.02, 0.05  # issue 17: per bone, held-out phantoms
KINDS = {"innermost": (INNERMOST,), "random": RANDOM_KINDS, "all": (INNERMOST, *RANDOM_KINDS),
         "second": SECOND_KINDS}  # --kind (and "random", the must-shows' spread): the rows pooled


def _scores(folder: Path, kind: str) -> dict[tuple[str, str, str], list[tuple[float, float]]]:
    """(region, case, bone) -> [(Dice, leak)] of the chosen clicks (KINDS)."""
    found: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    with open(folder / "scores.csv", newline="") as table:
        for row in csv.DictReader(table):
            if row["kind"] in KINDS[kind]:
                found[(row["case"].split("_")[0], row["case"], row["bone"])].append(
                    (float(row["dice"]), float(row["leak"])))
    return found


def _bone_means(run: dict) -> dict[tuple[str, str], tuple[float, float]]:
    """(region, bone) -> mean Dice and mean leak over its cases and clicks."""
    pooled: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for (region, _, bone), values in run.items():
        pooled[(region, bone)] += values
    return {key: (float(np.mean([d for d, _ in v])), float(np.mean([lk for _, lk in v]))) for key, v in pooled.items()}


def _bone_rows(means: list[dict], names: list[str]) -> list[str]:
    rows = ["| region | bone | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for region, bone in sorted(means[0]):
        cells = [f"{m[(region, bone)][0]:.3f} ({100 * m[(region, bone)][1]:.0f} %)" for m in means]
        rows.append(f"| {region} | {bone} | " + " | ".join(cells) + " |")
    return rows


def _per_case(run: dict, region: str) -> dict[str, float]:
    """Each case of a region: the mean Dice of its bones."""
    cases: dict[str, list[float]] = defaultdict(list)
    for (r, case, _), values in run.items():
        if r == region:
            cases[case].append(float(np.mean([d for d, _ in values])))
    return {case: float(np.mean(v)) for case, v in cases.items()}


def _region_rows(runs: list[dict], means: list[dict], names: list[str]) -> list[str]:
    head = " | ".join(names + [f"{n} - {names[0]}" for n in names[1:]])
    rows = [f"| region (mean of its bones) | {head} |", "|---|" + "---|" * (2 * len(names) - 1)]
    for region in sorted({r for r, _ in means[0]}):
        bones = [key for key in means[0] if key[0] == region]
        region_means = [np.mean([m[key][0] for key in bones]) for m in means]
        base = _per_case(runs[0], region)
        diffs = []
        for run in runs[1:]:
            other = _per_case(run, region)
            paired = np.array([other[c] - base[c] for c in base if c in other])
            error = paired.std(ddof=1) / np.sqrt(len(paired)) if len(paired) > 1 else float("nan")
            diffs.append(f"{paired.mean():+.3f} ± {error:.3f}")
        rows.append(f"| {region} | " + " | ".join([f"{m:.3f}" for m in region_means] + diffs) + " |")
    return rows


def _must_rows(folders: list[Path], names: list[str]) -> list[str]:
    """Per table, how many bones meet each must-show (a table without random clicks meets the last)."""
    rows = ["| must-show | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    counts = {"Dice >= 0.90": [], "leak <= 2 %": [], "random clicks within 0.05": []}
    for folder in folders:
        inner, random = _bone_means(_scores(folder, "innermost")), _bone_means(_scores(folder, "random"))
        spread = {key: abs(random.get(key, inner[key])[0] - inner[key][0]) for key in inner}
        checks = ([d >= MUST_DICE for d, _ in inner.values()], [lk <= MUST_LEAK for _, lk in inner.values()],
                  [spread[key] <= MUST_SPREAD for key in inner])
        for (name, column), passed in zip(counts.items(), checks):
            column.append(f"{sum(passed)} of {len(passed)}")
    return rows + [f"| {name} | " + " | ".join(column) + " |" for name, column in counts.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", type=Path, nargs="+", help="one_click_eval.py OUT folders, baseline first")
    parser.add_argument("--kind", choices=("innermost", "all", "second"), default="innermost",
                        help="score the innermost clicks, the innermost and random ones, or the second clicks")
    args = parser.parse_args()
    if len(args.folders) < 2:
        raise SystemExit("name a baseline and at least one other folder")
    missing = [str(f) for f in args.folders if not (f / "scores.csv").is_file()]
    if missing:
        raise SystemExit(f"no scores.csv in {', '.join(missing)}")
    runs = [_scores(f, args.kind) for f in args.folders]
    means = [_bone_means(run) for run in runs]
    names = [f.name for f in args.folders]
    print("\n".join(_bone_rows(means, names)) + "\n\n" + "\n".join(_region_rows(runs, means, names))
          + "\n\n" + "\n".join(_must_rows(args.folders, names)))


if __name__ == "__main__":
    main()
