"""bb-eval's work: export each finished model of a sweep, score it on the test patients through the
runtime, write the reports."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

import numpy as np

from bonebench.data.atomic import write_text_atomic
from bonebench.data.checks import check_model_file
from bonebench.data.dataset import Dataset
from bonebench.data.splits import Split
from bonebench.errors import InputError
from bonebench.kernels import resize_labels
from bonebench.protocol.run_folders import RunLayout, SweepLayout
from bonebench.runtime.automatic import segment_volume
from bonebench.runtime.session import Model
from bonebench.study import reports
from bonebench.study.metrics import at_model_pixels, one_click_per_slice, score_case
from bonebench.study.sweep import SweepPlan
from bonebench.train.groups import get_group, model_name


def exported(run: RunLayout) -> Path:
    """The model's ONNX file, exported once from its best checkpoint (torch is needed only then)."""
    onnx_path, best = run.onnx, run.best
    if not best.is_file():
        raise InputError(f"{best}: no such checkpoint (the run has not validated yet)")
    if not onnx_path.is_file() or onnx_path.stat().st_mtime < best.stat().st_mtime:
        from bonebench.export.onnx_export import export_checkpoint

        export_checkpoint(best, onnx_path)
    return onnx_path


def finished_models(sweep: SweepLayout, plan: SweepPlan) -> list[tuple[str, str, int, RunLayout]]:
    """(group key, display name, patients, run folder) of every finished model, in the plan's order."""
    found = []
    for key in plan.groups:
        group = get_group(key)
        for n in plan.patients:
            run = sweep.model(model_name(group, n))
            if run.finished:
                found.append((key, group.display, n, run))
    return found


@lru_cache(maxsize=None)
def _test_case(data: str, label: str, case_id: str):
    """A test patient, loaded once per process (every model of the sweep is scored on it)."""
    return Dataset(data).load(case_id, label)


def _score_model(onnx: str, display: str, key: str, n: int, data: str, label: str, test_ids: tuple,
                 device: str, noc_every: int, threads: int | None) -> list[dict]:
    """One model's rows (one per test patient); runs here or in a worker process."""
    model = Model(onnx, device=device, threads=threads)
    rows = []
    for case_id in test_ids:
        case = _test_case(data, label, case_id)
        scores = score_case(model, case.hu, case.target, noc_every=noc_every, spacing=case.geometry.spacing)
        rows.append({"model": model_name(get_group(key), n), "group": key, "display": display, "patients": n,
                     "case": case_id, **asdict(scores)})
    return rows


def _score_all(calls: list[tuple], jobs: int, report, show_progress: bool) -> list[dict]:
    """Score every model, `jobs` processes at once (each onnxruntime session on cores // jobs threads,
    spinning off), one progress bar; the rows come back in the models' order."""
    from rich.progress import Progress

    from bonebench.study.packing import threads_per_worker

    threads = threads_per_worker(jobs) if jobs > 1 else None
    results: dict[int, list[dict]] = {}
    pool = (ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) if jobs > 1
            else nullcontext())
    with pool, Progress(disable=not show_progress, transient=True) as progress:
        bar = progress.add_task("evaluating", total=len(calls))
        if jobs > 1:
            futures = {pool.submit(_score_model, *call, threads): i for i, call in enumerate(calls)}
            done = ((futures[f], f.result()) for f in as_completed(futures))
        else:
            done = ((i, _score_model(*call, threads)) for i, call in enumerate(calls))
        for i, rows in done:
            results[i] = rows
            progress.advance(bar)
            report(f"{rows[0]['model']}: test Dice {np.mean([r['dice'] for r in rows]):.3f}")
    return [row for i in range(len(calls)) for row in results[i]]


def evaluate_sweep(run: str | Path, *, device: str = "cpu", noc_every: int = 1, paper: bool = False,
                   report=print, jobs: int = 1, show_progress: bool = False) -> list[dict]:
    """Score every finished model of a sweep on its test patients (`jobs` processes at once); write
    the reports into the sweep."""
    sweep = SweepLayout(run)
    if not sweep.is_sweep:
        raise InputError(f"{sweep.root}: not a sweep folder (no {sweep.plan.name}); run bb-train sweep first")
    if jobs < 1:
        raise InputError(f"--jobs must be at least 1, got {jobs}")
    plan = SweepPlan.load(sweep.plan)
    split = Split.load(sweep.split)
    models = finished_models(sweep, plan)
    if not models:
        raise InputError(f"{sweep.root}: no finished models to evaluate")
    calls = [(str(exported(run)), display, key, n, plan.data, plan.label, tuple(split.test), device, noc_every)
             for key, display, n, run in models]  # exported here, once: the workers need no torch
    rows = _score_all(calls, jobs, report, show_progress)
    reports.write_results_csv(rows, sweep.results_csv)
    groups = list(dict.fromkeys((k, d) for k, d, _, _ in models))
    sizes = sorted({n for _, _, n, _ in models})
    write_text_atomic(sweep.table, reports.table_markdown(rows, groups, sizes, paper=paper))
    reports.plot_curves(models, sweep.curves)
    _examples(sweep, models, _test_case(plan.data, plan.label, split.test[0]), device)
    return rows


def _examples(sweep: SweepLayout, models, case, device: str) -> None:
    """Figure 6: the test slice where the bone is largest, from the smallest Seg and SegInter models."""
    z = int(np.argmax(case.target.sum(axis=(1, 2))))
    predictions = []
    for wanted in ("seg", "inter"):
        candidates = [m for m in models if m[0] == wanted]
        if not candidates:
            continue
        key, _, n, run = min(candidates, key=lambda m: m[2])
        model = Model(exported(run), device=device)
        if model.info.interactive:
            hu, truth = at_model_pixels(model, case.hu[z:z + 1], case.target[z:z + 1], case.geometry.spacing)
            mask = resize_labels(one_click_per_slice(model, hu, truth)[0], case.hu.shape[1:])  # back on the slice
        else:
            mask = segment_volume(model, case.hu[z:z + 1], spacing=case.geometry.spacing)[0]
        predictions.append((model_name(get_group(key), n), mask))
    reports.plot_examples(case.hu[z], case.target[z], predictions, sweep.examples)


def evaluate_model(model_path: str | Path, data: str | Path, label: str, *, device: str = "cpu",
                   noc_every: int = 1, split_path: str | Path | None = None) -> list[dict]:
    """One model (best.pt or .onnx) on the test patients of its run's split (or of split_path)."""
    model_path = Path(model_path)
    check_model_file(model_path, "best.pt or an .onnx file")
    if model_path.suffix == ".pt":
        run = RunLayout(model_path.parent)
        if model_path.resolve() != run.best.resolve():
            raise InputError(f"{model_path}: bb-eval scores a run's {run.best.name}; export other checkpoints "
                             "with bb-export and pass the .onnx")
        split_path = split_path or run.split
        model_path = exported(run)
    if split_path is None or not Path(split_path).is_file():
        raise InputError("which patients are the test set? pass --split SPLIT.json (the run's split.json)")
    split = Split.load(split_path)
    dataset = Dataset(data)
    model = Model(model_path, device=device)
    rows = []
    for case_id in split.test:
        case = dataset.load(case_id, label)
        rows.append({"model": model.info.name, "case": case_id,
                     **asdict(score_case(model, case.hu, case.target, noc_every=noc_every,
                                         spacing=case.geometry.spacing))})
    return rows
