"""The study's benchmark end to end on a tiny scale: sweep, resume, Ray, evaluation and reports."""

import csv
import json

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
    run_sweep(_plan(phantom_dataset, groups=("seg",)), local, report=lambda _: None, threads=2)
    a = load_checkpoint(tmp_path / "ray" / "models" / "Seg2" / "last.pt")["model"]
    b = load_checkpoint(local / "models" / "Seg2" / "last.pt")["model"]
    # the same models whichever executor ran them: a Ray task of the 2-CPU cluster trains on 2 threads
    assert all(torch.equal(v, b[k]) for k, v in a.items())


# ---------------------------------------------------------------- --workers: models trained at once
WORKERS_NAMES = ("Restoration", "models/Seg1", "models/SegPretrained1")


def _weights(run, name):
    return load_checkpoint(run / name / "last.pt")["model"]


def _same_models(a_run, b_run):
    """Bit for bit: the packed sweep's 2 workers share 2 threads (1 each) and the serial reference
    trains on 1 thread, so both sum floats in the same order on any CPU."""
    for name in WORKERS_NAMES:
        a, b = _weights(a_run, name), _weights(b_run, name)
        assert all(torch.equal(v, b[k]) for k, v in a.items()), name


@pytest.fixture(scope="module")
def serial_sweep(phantom_dataset, tmp_path_factory):
    """The reference: restoration, Seg1 and SegPretrained1 trained one after the other here, on 1 thread."""
    run = tmp_path_factory.mktemp("serial") / "run"
    run_sweep(_plan_one(phantom_dataset), run, report=lambda _: None, threads=1)
    return run


def _plan_one(data):
    return SweepPlan(str(data), "fibula", ("seg", "pretrained"), (1,), "tiny", device="cpu",
                     overrides={"iterations": 6, "val_every": 3})


def test_workers_train_at_once_and_give_the_serial_models(phantom_dataset, serial_sweep, tmp_path):
    messages = []
    run_sweep(_plan_one(phantom_dataset), tmp_path / "packed", report=messages.append, workers=2, threads=2)
    # SegPretrained1 needs the restoration's best.pt: started before it was written, it would fail
    assert messages[:3] == ["Restoration: training", "Seg1: training", "SegPretrained1: training"]
    assert sorted(messages[3:]) == ["Restoration: finished", "Seg1: finished", "SegPretrained1: finished"]
    assert messages.index("SegPretrained1: finished") > messages.index("Restoration: finished")
    _same_models(tmp_path / "packed", serial_sweep)


def test_killed_sweep_with_workers_resumes(phantom_dataset, serial_sweep, tmp_path):
    plan = _plan_one(phantom_dataset)
    run = tmp_path / "broken"
    _, jobs = prepare(plan, run)
    split = run / "split.json"
    # the state a kill leaves: the restoration finished, Seg1 stopped after iteration 5 (last.pt at 3)
    train(TrainConfig.from_dict(jobs[0].config), jobs[0].run_dir, split_file=split, show_progress=False, threads=1)
    with pytest.raises(KeyboardInterrupt):
        train(TrainConfig.from_dict(jobs[1].config), jobs[1].run_dir, split_file=split, show_progress=False,
              interrupt_at=5, threads=1)
    messages = []
    run_sweep(plan, run, report=messages.append, workers=2, threads=2)
    assert messages[:3] == ["Restoration: done already", "Seg1: training", "SegPretrained1: training"]
    assert sorted(messages[3:]) == ["Seg1: finished", "SegPretrained1: finished"]
    lines = (run / "models" / "Seg1" / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line)["iteration"] for line in lines] == [3, 6]  # resumed, not restarted twice
    _same_models(run, serial_sweep)


def test_default_workers_from_the_gpus():
    from bonebench.study.packing import default_workers, threads_per_worker, worker_gpu

    assert default_workers([]) == 1  # a CPU: one process with every core
    assert default_workers([80.0]) == 4 and default_workers([140.0, 140.0]) == 8
    assert default_workers([16.0]) == 1 and default_workers([8.0]) == 1
    assert threads_per_worker(2, cores=2) == 1 and threads_per_worker(4, cores=16) == 4
    assert threads_per_worker(8, cores=2) == 1
    assert [worker_gpu(s, 2) for s in range(4)] == [0, 1, 0, 1] and worker_gpu(3, 0) is None


def test_evaluation_with_two_jobs_gives_the_same_table(phantom_dataset, tmp_path):
    run = tmp_path / "run"
    run_sweep(SweepPlan(str(phantom_dataset), "fibula", ("seg", "inter"), (1,), "tiny", device="cpu",
                        overrides={"iterations": 6, "val_every": 3}), run, report=lambda _: None)
    one = evaluate_sweep(run, device="cpu", noc_every=8, report=lambda _: None, jobs=1)
    csv_one = (run / "results.csv").read_text()
    messages = []
    two = evaluate_sweep(run, device="cpu", noc_every=8, report=messages.append, jobs=2)
    assert sorted(messages) == sorted(f"{r['model']}: test Dice {r['dice']:.3f}" for r in one)
    assert [r["model"] for r in two] == ["Seg1", "SegInter1"]  # the plan's order, whichever finished first
    assert (run / "results.csv").read_text() == csv_one
    with pytest.raises(InputError, match="--jobs"):
        evaluate_sweep(run, jobs=0)
