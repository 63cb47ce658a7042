"""The one owner of every file name in a training run folder and in a sweep folder.

Training (train.loop) writes a run folder, the sweep and the evaluation (study) read it, the CLIs
print its paths: all of them ask these classes, so a name is spelled once. It lives in the protocol
layer, not in study, because train writes it and train never imports study.

RUN/ (one model)             config.json, split.json, metrics.jsonl, last.pt, best.pt, result.json,
                             model.onnx (bb-eval's export of best.pt)
SWEEP/                       sweep.json (the plan), split.json, Restoration/ (a RUN), models/<Name>/ (RUNs),
                             results.csv, table.md, curves.png, examples.png (bb-eval's reports)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

RESTORATION_NAME = "Restoration"
RUNS = Path("runs")  # where bb-train puts a run folder named after its model when no --out is given


@dataclass(frozen=True)
class _Folder:
    """A folder's root, given as any path-like."""

    root: Path

    def __init__(self, root: str | os.PathLike):
        object.__setattr__(self, "root", Path(root))


class RunLayout(_Folder):
    """Paths of one training run folder."""

    config = property(lambda self: self.root / "config.json")
    split = property(lambda self: self.root / "split.json")
    metrics = property(lambda self: self.root / "metrics.jsonl")
    last = property(lambda self: self.root / "last.pt")
    best = property(lambda self: self.root / "best.pt")
    result = property(lambda self: self.root / "result.json")
    onnx = property(lambda self: self.root / "model.onnx")

    @property
    def finished(self) -> bool:
        return self.result.is_file()

    @classmethod
    def default(cls, model_name: str) -> "RunLayout":
        """The run folder of a model trained without --out: runs/<model name>."""
        return cls(RUNS / model_name)


class SweepLayout(_Folder):
    """Paths of a sweep folder: the plan, the shared split, the restoration run and one run per model."""

    plan = property(lambda self: self.root / "sweep.json")
    split = property(lambda self: self.root / "split.json")
    results_csv = property(lambda self: self.root / "results.csv")
    table = property(lambda self: self.root / "table.md")
    curves = property(lambda self: self.root / "curves.png")
    examples = property(lambda self: self.root / "examples.png")

    @property
    def restoration(self) -> RunLayout:
        return RunLayout(self.root / RESTORATION_NAME)

    def model(self, name: str) -> RunLayout:
        return RunLayout(self.root / "models" / name)

    @property
    def is_sweep(self) -> bool:
        return self.plan.is_file()
