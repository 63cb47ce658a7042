"""Reports of a sweep, written atomically into its folder: results.csv, table.md (the study's
Table 1 layout), curves.png (its Figure 4) and examples.png (its Figure 6)."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np

from bonebench.data.atomic import atomic_path, write_text_atomic
from bonebench.train.groups import get_group, model_name

# The study's Table 1 (test Dice), for --paper.
PAPER_TABLE = {
    1: (0.348, 0.392, 0.588), 2: (0.749, 0.830, 0.929), 3: (0.795, 0.855, 0.949), 5: (0.819, 0.858, 0.943),
    10: (0.831, 0.904, 0.948), 30: (0.974, 0.977, 0.977), 70: (0.981, 0.984, 0.983),
}
COLUMNS = ["model", "group", "display", "patients", "case", "dice", "dice_propagated", "noc85", "noc90"]


def write_results_csv(rows: list[dict], path: Path) -> None:
    """One row per (model, test patient), atomically."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (f"{row[k]:.4f}" if isinstance(row[k], float) else row[k]) for k in COLUMNS})
    write_text_atomic(path, buffer.getvalue())


NOT_APPLICABLE = "-"  # a score that does not apply to the model (NaN in the rows), never printed as nan


def _value_text(value) -> str:
    if isinstance(value, float):
        return NOT_APPLICABLE if math.isnan(value) else f"{value:.4f}"
    return str(value)


def score_lines(rows: list[dict]) -> list[str]:
    """bb-eval's lines for one model: `key=value, ...` per test patient, "-" where a score does not
    apply, and a note naming those columns and why (they score clicks; an automatic model takes none)."""
    lines = [", ".join(f"{k}={_value_text(v)}" for k, v in row.items()) for row in rows]
    empty = [k for k in (rows[0] if rows else {}) if all(isinstance(r[k], float) and math.isnan(r[k]) for r in rows)]
    if empty:
        lines.append(f"note: {NOT_APPLICABLE} = does not apply: {', '.join(empty)} score clicks (one per volume, "
                     "or clicks per slice to a target IoU), and an automatic model takes none")
    return lines


def mean_std(values: list[float], digits: int = 3) -> str:
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return "–"
    return f"{np.mean(values):.{digits}f} ± {np.std(values):.{digits}f}"


def table_markdown(rows: list[dict], groups: list[tuple[str, str]], sizes: list[int], *, paper: bool = False) -> str:
    """Patients x groups, mean ± std over test patients; interactive extras in a second table."""
    def values(group, n, column):
        return [r[column] for r in rows if r["group"] == group and r["patients"] == n]

    head = ["patients"] + [display for _, display in groups]
    if paper:
        head += ["Seg (study)", "SegPretrained (study)", "SegInter (study)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n in sizes:
        cells = [str(n)] + [mean_std(values(key, n, "dice")) for key, _ in groups]
        if paper:
            cells += [f"{v:.3f}" for v in PAPER_TABLE[n]] if n in PAPER_TABLE else ["–"] * 3
        lines.append("| " + " | ".join(cells) + " |")
    text = "Test Dice (Eq. 1, whole volumes), mean ± std over test patients; interactive groups with one " \
           "click per bone per slice.\n\n" + "\n".join(lines) + "\n"
    interactive = [(k, d) for k, d in groups if any(not math.isnan(r["noc85"]) for r in rows if r["group"] == k)]
    if interactive:
        extra = ["| patients | model | one click per volume, propagated (Dice vs clicked bone) | NoC@85 | NoC@90 |",
                 "|---|---|---|---|---|"]
        for n in sizes:
            for key, _ in interactive:
                extra.append(f"| {n} | {model_name(get_group(key), n)} | {mean_std(values(key, n, 'dice_propagated'))} | "
                             f"{mean_std(values(key, n, 'noc85'), 2)} | {mean_std(values(key, n, 'noc90'), 2)} |")
        text += "\nInteractive models beyond the study (RITM clicker, capped at 20 clicks per slice):\n\n" + \
                "\n".join(extra) + "\n"
    return text


def _savefig(fig, path: Path) -> None:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=80, format="png")


def plot_curves(model_dirs: list[tuple], path: Path) -> None:
    """Best validation Dice against iteration, one panel per group, one line per training-set size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(dict.fromkeys(display for _, display, _, _ in model_dirs))
    fig, axes = plt.subplots(1, len(groups), figsize=(4.5 * len(groups), 3.6), squeeze=False, sharey=True)
    for ax, display in zip(axes[0], groups):
        for _, d, n, run in model_dirs:
            if d != display or not run.metrics.is_file():
                continue
            lines = [json.loads(line) for line in run.metrics.read_text().splitlines() if line]
            ax.plot([m["iteration"] for m in lines], [m["best_dice"] for m in lines], label=f"{n}")
        ax.set_title(display)
        ax.set_xlabel("iteration")
        ax.grid(alpha=0.3)
        ax.legend(title="patients", fontsize=7)
    axes[0, 0].set_ylabel("best validation Dice")
    fig.tight_layout()
    _savefig(fig, path)
    plt.close(fig)


def plot_examples(hu_slice: np.ndarray, truth: np.ndarray, predictions: list[tuple[str, np.ndarray]],
                  path: Path) -> None:
    """The same test slice: truth, then each model's prediction, over the CT."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [("truth", truth)] + predictions
    fig, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 4.2), squeeze=False)
    for ax, (title, mask) in zip(axes[0], panels):
        ax.imshow(hu_slice, cmap="gray", vmin=-400, vmax=1200)
        if mask.any():
            ax.contour(mask, levels=[0.5], colors="red", linewidths=0.8)
        ax.set_title(title)
        ax.axis("off")
    fig.tight_layout()
    _savefig(fig, path)
    plt.close(fig)
