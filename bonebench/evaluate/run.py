"""bb-eval's work: export each finished model of a sweep, score it on the test patients through the
runtime, write the reports."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np

from bonebench.data.dataset import Dataset
from bonebench.data.splits import Split
from bonebench.errors import InputError
from bonebench.evaluate import reports
from bonebench.evaluate.metrics import one_click_per_slice, score_case
from bonebench.runtime.automatic import segment_volume
from bonebench.runtime.session import Model
from bonebench.train.groups import get_group, model_name
from bonebench.train.sweep import SweepPlan


def exported(run_dir: Path, checkpoint: Path | None = None) -> Path:
    """The ONNX file of a checkpoint (default the run's best.pt: model.onnx; another .pt: <name>.onnx
    beside it), exported once and again whenever the checkpoint is newer."""
    from bonebench.export.onnx_export import export_checkpoint

    best = checkpoint if checkpoint is not None else run_dir / "best.pt"
    onnx_path = run_dir / ("model.onnx" if best.name == "best.pt" else best.with_suffix(".onnx").name)
    if not best.is_file():
        raise InputError(f"{best}: no such checkpoint")
    if not onnx_path.is_file() or onnx_path.stat().st_mtime < best.stat().st_mtime:
        export_checkpoint(best, onnx_path)
    return onnx_path


def finished_models(run: Path, plan: SweepPlan) -> list[tuple[str, str, int, Path]]:
    """(group key, display name, patients, run dir) of every finished model, in the plan's order."""
    found = []
    for key in plan.groups:
        group = get_group(key)
        for n in plan.patients:
            run_dir = run / "models" / model_name(group, n)
            if (run_dir / "result.json").is_file():
                found.append((key, group.display, n, run_dir))
    return found


def evaluate_sweep(run: str | Path, *, device: str = "cpu", noc_every: int = 1, paper: bool = False,
                   report=print) -> list[dict]:
    run = Path(run)
    if not (run / "sweep.json").is_file():
        raise InputError(f"{run}: not a sweep folder (no sweep.json); run bb-train sweep first")
    plan = SweepPlan.load(run / "sweep.json")
    split = Split.load(run / "split.json")
    dataset = Dataset(plan.data)
    tests = [dataset.load(c, plan.label) for c in split.test]
    models = finished_models(run, plan)
    if not models:
        raise InputError(f"{run}: no finished models to evaluate")
    rows = []
    for key, display, n, run_dir in models:
        model = Model(exported(run_dir), device=device)
        for case in tests:
            scores = score_case(model, case.hu, case.target, noc_every=noc_every)
            rows.append({"model": f"{display}{n}", "group": key, "display": display, "patients": n,
                         "case": case.case_id, **asdict(scores)})
        mean = np.mean([r["dice"] for r in rows if r["model"] == f"{display}{n}"])
        report(f"{display}{n}: test Dice {mean:.3f}")
    reports.write_results_csv(rows, run / "results.csv")
    groups = list(dict.fromkeys((k, d) for k, d, _, _ in models))
    sizes = sorted({n for _, _, n, _ in models})
    from bonebench.data.atomic import write_text_atomic

    write_text_atomic(run / "table.md", reports.table_markdown(rows, groups, sizes, paper=paper))
    reports.plot_curves(models, run / "curves.png")
    _examples(run, models, tests[0], device)
    return rows


def _examples(run: Path, models, case, device: str) -> None:
    """Figure 6: the test slice where the bone is largest, from the smallest Seg and SegInter models."""
    z = int(np.argmax(case.target.sum(axis=(1, 2))))
    predictions = []
    for wanted in ("seg", "inter"):
        candidates = [m for m in models if m[0] == wanted]
        if not candidates:
            continue
        key, display, n, run_dir = min(candidates, key=lambda m: m[2])
        model = Model(exported(run_dir), device=device)
        if model.info.interactive:
            mask = one_click_per_slice(model, case.hu[z:z + 1], case.target[z:z + 1].astype(bool))[0]
        else:
            mask = segment_volume(model, case.hu[z:z + 1])[0]
        predictions.append((f"{display}{n}", mask))
    reports.plot_examples(case.hu[z], case.target[z], predictions, run / "examples.png")


def evaluate_model(model_path: str | Path, data: str | Path, label: str, *, device: str = "cpu",
                   noc_every: int = 1, split_path: str | Path | None = None) -> list[dict]:
    """One model (best.pt or .onnx) on the test patients of its run's split (or of split_path)."""
    model_path = Path(model_path)
    if model_path.suffix == ".pt":
        split_path = split_path or model_path.parent / "split.json"
        model_path = exported(model_path.parent, model_path)  # this checkpoint, never another
    if split_path is None or not Path(split_path).is_file():
        raise InputError("which patients are the test set? pass --split SPLIT.json (the run's split.json)")
    split = Split.load(split_path)
    dataset = Dataset(data)
    model = Model(model_path, device=device)
    rows = []
    for case_id in split.test:
        case = dataset.load(case_id, label)
        rows.append({"model": model.info.name, "case": case_id,
                     **asdict(score_case(model, case.hu, case.target, noc_every=noc_every))})
    return rows
