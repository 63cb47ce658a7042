"""The study's benchmark end to end on a tiny scale: sweep, resume, Ray, evaluation and reports."""

import csv

import pytest
import torch

from bonebench.errors import InputError
from bonebench.study.evaluation import evaluate_sweep
from bonebench.train.checkpoint import load_checkpoint
from bonebench.train.config import TrainConfig
from bonebench.train.loop import train
from bonebench.study.sweep import SweepPlan, prepare, run_sweep


def _plan(data, groups=("seg", "inter")):
    return SweepPlan(str(data), "fibula", tuple(groups), (1, 2), "tiny", device="cpu",
                     overrides={"iterations": 6, "val_every": 3})


def test_tiny_sweep_writes_reports_and_never_trains_twice(phantom_dataset, tmp_path):
    run = tmp_path / "run"
    messages = []
    run_sweep(_plan(phantom_dataset), run, report=messages.append)
    names = ["Seg1", "Seg2", "SegInter1", "SegInter2"]
    assert messages == [f"{n}: training" for n in names]
    stamps = {n: (run / "models" / n / "best.pt").stat().st_mtime_ns for n in names}
    rows = evaluate_sweep(run, device="cpu", noc_every=8, paper=True, report=lambda _: None)
    for report in ("results.csv", "table.md", "curves.png", "examples.png"):
        assert (run / report).is_file() and (run / report).stat().st_size > 0, report
    with open(run / "results.csv") as f:
        table = list(csv.DictReader(f))
    assert len(table) == len(rows) == 4  # 4 models x 1 test patient
    text = (run / "table.md").read_text(encoding="utf-8")
    assert "| patients | Seg | SegInter | Seg (study)" in text and "| 1 |" in text and "0.348" in text
    assert "NoC@85" in text
    # the second run trains nothing
    messages.clear()
    run_sweep(_plan(phantom_dataset), run, report=messages.append)
    assert messages == [f"{n}: done already" for n in names]
    assert stamps == {n: (run / "models" / n / "best.pt").stat().st_mtime_ns for n in names}
    # and one split serves the whole sweep
    splits = {(run / "models" / n / "split.json").read_text() for n in names}
    assert splits == {(run / "split.json").read_text()}


def test_killed_sweep_resumes_to_the_same_models(phantom_dataset, tmp_path):
    plan = _plan(phantom_dataset, groups=("seg",))
    run_sweep(plan, tmp_path / "whole", report=lambda _: None)
    # kill: the first model finished, the second interrupted in the middle of its training
    _, jobs = prepare(plan, tmp_path / "broken")
    run_sweep(SweepPlan(**{**plan.__dict__, "patients": (1,)}), tmp_path / "scratch", report=lambda _: None)
    train(TrainConfig.from_dict(jobs[0].config), jobs[0].run_dir, split_file=tmp_path / "broken" / "split.json",
          show_progress=False)
    with pytest.raises(KeyboardInterrupt):
        train(TrainConfig.from_dict(jobs[1].config), jobs[1].run_dir, split_file=tmp_path / "broken" / "split.json",
              show_progress=False, interrupt_at=5)
    messages = []
    run_sweep(plan, tmp_path / "broken", report=messages.append)
    assert messages == ["Seg1: done already", "Seg2: training"]
    for name in ("Seg1", "Seg2"):
        a = load_checkpoint(tmp_path / "whole" / "models" / name / "last.pt")["model"]
        b = load_checkpoint(tmp_path / "broken" / "models" / name / "last.pt")["model"]
        assert all(torch.equal(v, b[k]) for k, v in a.items()), name


def test_pretrained_group_pretrains_once(phantom_dataset, tmp_path):
    _, jobs = prepare(_plan(phantom_dataset, groups=("pretrained", "inter-pretrained")), tmp_path / "run")
    assert [j.name for j in jobs] == ["Restoration", "SegPretrained1", "SegPretrained2",
                                      "SegInterPretrained1", "SegInterPretrained2"]
    assert all(j.config["init"].endswith("Restoration/best.pt") for j in jobs[1:])


def test_bad_sweeps(phantom_dataset, tmp_path):
    with pytest.raises(InputError, match="has only 3"):
        prepare(SweepPlan(str(phantom_dataset), "fibula", ("seg",), (1, 9), "tiny"), tmp_path / "a")
    with pytest.raises(InputError, match="valid groups"):
        prepare(SweepPlan(str(phantom_dataset), "fibula", ("segg",), (1,), "tiny"), tmp_path / "b")
    prepare(_plan(phantom_dataset), tmp_path / "c")
    with pytest.raises(InputError, match="different sweep"):
        prepare(_plan(phantom_dataset, groups=("seg",)), tmp_path / "c")
    with pytest.raises(InputError, match="not a sweep folder"):
        evaluate_sweep(tmp_path / "nothing")


def test_ray_executor_runs_the_same_sweep(phantom_dataset, tmp_path):
    ray = pytest.importorskip("ray", reason="the ray extra is not installed")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    try:
        run_sweep(_plan(phantom_dataset, groups=("seg", "pretrained")), tmp_path / "ray", executor="ray",
                  report=lambda _: None)
    finally:
        ray.shutdown()
    for name in ("Restoration", "models/Seg1", "models/Seg2", "models/SegPretrained1", "models/SegPretrained2"):
        assert (tmp_path / "ray" / name / "result.json").is_file(), name
    local = tmp_path / "local"
    run_sweep(_plan(phantom_dataset, groups=("seg",)), local, report=lambda _: None)
    a = load_checkpoint(tmp_path / "ray" / "models" / "Seg2" / "last.pt")["model"]
    b = load_checkpoint(local / "models" / "Seg2" / "last.pt")["model"]
    # the same models whichever executor ran them; Ray workers run torch on one thread, which changes
    # the order of float sums, so equal up to rounding rather than bit for bit
    assert all(torch.allclose(v, b[k], rtol=1e-3, atol=1e-5) for k, v in a.items())
