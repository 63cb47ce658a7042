"""Issue 18's report: a sweep's Table 1 (from its results.csv, written by `bb-eval RUN`) beside models
trained outside it on the same split (SegPretrained with the restoration head reset, the shipped click
model fine-tuned on the same patients) and models scored as they are (the shipped click model), with the
minutes each took to train and their validation curves.

    python tools/cpu_study_report.py docs/results/openkbp-mandible-cpu --sweep runs/study-cpu \\
        --extra "SegPretrained, head reset=runs/pretrain-reset/SegPretrained{n}" \\
        --extra "v2 fine-tuned=runs/finetune/v2ft{n}" \\
        --as-is "v2 as shipped=bonebench/runtime/models/click_v2.onnx" --noc-every 4

`{n}` stands for the training-set size (the sweep's, or --sizes 1,2,5,10,20 for rows it does not
have); sizes whose run is unfinished are left out. Writes
OUT/table.md, OUT/results.csv (every scored row), OUT/curves.png and OUT/minutes.json; a rerun takes
the extra models' scores from OUT/results.csv where that is newer than the model. Without --sweep
(its runs gone, e.g. on a new machine), the table is rebuilt from OUT's own rows, plan and split, the
models named now are added (or rescored), and curves.png is left as it is.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from bonebench.data.atomic import write_text_atomic
from bonebench.protocol.run_folders import RunLayout, SweepLayout
from bonebench.study.evaluation import evaluate_model, finished_models
from bonebench.study.reports import PAPER_TABLE, mean_std, plot_curves, write_results_csv
from bonebench.study.sweep import SweepPlan


def training_minutes(run: RunLayout) -> float:
    """Wall minutes of training and validation, summed over the run's sessions (a resumed run's
    `seconds` start again from 0)."""
    total = previous = 0.0
    for line in run.metrics.read_text().splitlines():
        seconds = json.loads(line)["seconds"]
        if seconds < previous:
            total += previous
        previous = seconds
    return (total + previous) / 60


def _named(text: str) -> tuple[str, str]:
    name, _, path = text.partition("=")
    if not name or not path:
        raise SystemExit(f"error: expected NAME=PATH, got {text!r}")
    return name, path


def _read_rows(path: Path) -> list[dict]:
    """Scored rows from a results.csv (bb-eval's or this report's), numbers as numbers."""
    with path.open() as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["patients"] = int(row["patients"])
        for key in ("dice", "dice_propagated", "noc85", "noc90"):
            row[key] = float(row[key])
    return rows


class _Scorer:
    """Scores a model on the test patients, or takes its rows from the report's last results.csv
    when that is newer than the model file (a report rerun after one more model scores only that one)."""

    def __init__(self, plan: SweepPlan, split: Path, noc_every: int, previous: Path):
        self.plan, self.split, self.noc_every = plan, split, noc_every
        self.previous, self.rows = previous, _read_rows(previous) if previous.is_file() else []

    def __call__(self, model: Path, display: str, n: int) -> list[dict]:
        kept = [r for r in self.rows if r["display"] == display and r["patients"] == n]
        if kept and self.previous.stat().st_mtime > model.stat().st_mtime:
            print(f"{display} ({n}): scores kept from {self.previous}")
            return kept
        rows = evaluate_model(model, self.plan.data, self.plan.label, noc_every=self.noc_every,
                              split_path=self.split)
        return [{**row, "group": display, "display": display, "patients": n} for row in rows]


def _table(rows: list[dict], columns: list[str], sizes: list[int], as_is: list[str], minutes: dict) -> str:
    def values(display, n):
        return [r["dice"] for r in rows if r["display"] == display and r["patients"] == n]

    head = ["patients", *columns, "Seg (study)", "SegPretrained (study)", "SegInter (study)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n in sizes:
        study = [f"{v:.3f}" for v in PAPER_TABLE[n]] if n in PAPER_TABLE else ["–"] * 3
        lines.append("| " + " | ".join([str(n), *(mean_std(values(c, n)) for c in columns), *study]) + " |")
    if as_is:
        lines += ["", "Scored as they are (no training on these patients):", "", "| model | test Dice |", "|---|---|"]
        lines += [f"| {display} | {mean_std(values(display, 0))} |" for display in as_is]
    lines += ["", "| model | training minutes (wall, this machine) |", "|---|---|"]
    lines += [f"| {name} | {m:.1f} |" for name, m in minutes.items()]
    return "\n".join(lines) + "\n"


def _previous(out: Path, names: set[str]) -> tuple[list[dict], dict]:
    """Without --sweep: the report's own rows (but those of the models named again now) and minutes;
    the report folder holds the sweep's plan and split under the names a sweep folder uses."""
    rows = [r for r in _read_rows(out / "results.csv") if r["display"] not in names]
    minutes_file = out / "minutes.json"
    minutes = json.loads(minutes_file.read_text()) if minutes_file.is_file() else {}
    return rows, {k: v for k, v in minutes.items() if k.rsplit(" (", 1)[0] not in names}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--sweep", type=Path, help="the sweep folder; without it, the report's own rows")
    parser.add_argument("--extra", action="append", default=[], metavar="NAME=RUN{n}")
    parser.add_argument("--as-is", action="append", default=[], metavar="NAME=MODEL")
    parser.add_argument("--noc-every", type=int, default=4)
    parser.add_argument("--sizes", default="", metavar="N,N",
                        help="training-set sizes of the table's rows (default: the sweep's)")
    args = parser.parse_args()
    extras, as_is_models = list(map(_named, args.extra)), list(map(_named, args.as_is))
    sweep = SweepLayout(args.sweep or args.out)
    plan = SweepPlan.load(sweep.plan)
    if args.sweep:
        rows, minutes, models = _read_rows(sweep.results_csv), {}, finished_models(sweep, plan)
    else:
        rows, minutes = _previous(args.out, {name for name, _ in extras + as_is_models})
        models = []
    scored = _Scorer(plan, sweep.split, args.noc_every, args.out / "results.csv")
    sizes = [int(n) for n in args.sizes.split(",")] if args.sizes else list(plan.patients)
    columns = list(dict.fromkeys(r["display"] for r in rows if r["patients"] > 0))
    as_is = list(dict.fromkeys(r["display"] for r in rows if r["patients"] == 0))
    for name, pattern in extras:
        columns.append(name)
        for n in sizes:
            run = RunLayout(Path(pattern.format(n=n)))
            if run.finished:
                rows += scored(run.best, name, n)
                models.append((name, name, n, run))
    for name, model in as_is_models:
        as_is.append(name)
        rows += scored(Path(model), name, 0)
    args.out.mkdir(parents=True, exist_ok=True)
    write_results_csv(rows, args.out / "results.csv")
    minutes.update({f"{d} ({n})": round(training_minutes(run), 1) for _, d, n, run in models})
    write_text_atomic(args.out / "minutes.json", json.dumps(minutes, indent=1) + "\n")
    write_text_atomic(args.out / "table.md", _table(rows, columns, sizes, as_is, minutes))
    if args.sweep:
        plot_curves(models, args.out / "curves.png")
    print((args.out / "table.md").read_text())


if __name__ == "__main__":
    main()
