"""The study's benchmark: every model group on every training-set size, one split for all, the
restoration pretraining once, and nothing trained twice. A killed sweep resumes where it stopped.

The sweep folder's layout is protocol.run_folders.SweepLayout: the plan, the one patient split of
the whole sweep, the restoration run (when a pretrained group is asked for) and one training run per
model (Seg1, SegPretrained10, SegInter70, ...).

Executors: `local` trains the models one after the other here; `ray` sends each model to a Ray
cluster as a task with one GPU (`address` joins a running cluster; otherwise a local instance).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bonebench.data.atomic import write_text_atomic
from bonebench.data.dataset import Dataset
from bonebench.data.splits import Split, make_split
from bonebench.errors import InputError
from bonebench.protocol.kinds import RESTORATION
from bonebench.protocol.run_folders import RunLayout, SweepLayout
from bonebench.train.config import PRESETS, make_config
from bonebench.train.groups import RESTORATION_KEY, get_group, model_name

EXECUTORS = ("local", "ray")


@dataclass(frozen=True)
class SweepPlan:
    data: str
    label: str
    groups: tuple[str, ...]
    patients: tuple[int, ...]
    preset: str = "fast"
    seed: int = 0
    split_seed: int = 0
    device: str = "auto"
    overrides: dict = field(default_factory=dict)  # e.g. iterations, base_width, labels

    def save(self, path: Path) -> None:
        write_text_atomic(path, json.dumps(asdict(self), indent=1) + "\n")

    @classmethod
    def load(cls, path: Path) -> "SweepPlan":
        d = json.loads(Path(path).read_text())
        return cls(**{**d, "groups": tuple(d["groups"]), "patients": tuple(d["patients"])})


@dataclass(frozen=True)
class Job:
    name: str
    group: str
    patients: int
    run_dir: str
    config: dict

    @property
    def layout(self) -> RunLayout:
        return RunLayout(self.run_dir)

    @property
    def done(self) -> bool:
        return self.layout.finished

    def result(self) -> dict:
        return json.loads(self.layout.result.read_text())


def _validate(plan: SweepPlan) -> None:
    for key in plan.groups:
        if get_group(key).kind == RESTORATION:
            raise InputError("the restoration pretraining is part of the sweep already; list model groups only")
    if plan.preset not in PRESETS:
        raise InputError(f"unknown preset {plan.preset!r}; valid presets: {', '.join(PRESETS)}")
    if not plan.groups or not plan.patients:
        raise InputError("a sweep needs at least one group and one training-set size")


def prepare(plan: SweepPlan, run: Path) -> tuple[Split, list[Job]]:
    """Write (or check) the plan and the split, and list the jobs: restoration first if needed."""
    _validate(plan)
    sweep = SweepLayout(run)
    if sweep.is_sweep and SweepPlan.load(sweep.plan) != plan:
        raise InputError(f"{sweep.root} holds a different sweep; choose another --out or repeat its settings")
    dataset = Dataset(plan.data)
    dataset.label_value(plan.label)
    split = Split.load(sweep.split) if sweep.split.is_file() else make_split(dataset.case_ids, plan.split_seed)
    split.training_subset(max(plan.patients))  # fails early, with the numbers, when the dataset is too small
    sweep.root.mkdir(parents=True, exist_ok=True)
    plan.save(sweep.plan)
    split.save(sweep.split)
    return split, _jobs(plan, sweep)


def _jobs(plan: SweepPlan, sweep: SweepLayout) -> list[Job]:
    common = dict(data=plan.data, seed=plan.seed, split_seed=plan.split_seed, device=plan.device, **plan.overrides)
    jobs = []
    if any(get_group(g).pretrained for g in plan.groups):
        restoration = get_group(RESTORATION_KEY)
        config = make_config(plan.preset, group=restoration.key, patients=1,
                             **{k: v for k, v in common.items() if k != "labels"})
        jobs.append(Job(model_name(restoration, 0), restoration.key, 0, str(sweep.restoration.root),
                        config.to_dict()))
    for key in plan.groups:
        group = get_group(key)
        for n in plan.patients:
            config = make_config(plan.preset, group=key, label=plan.label, patients=n,
                                 init=str(sweep.restoration.best) if group.pretrained else "", **common)
            name = model_name(group, n)
            jobs.append(Job(name, key, n, str(sweep.model(name).root), config.to_dict()))
    return jobs


def run_job(job: Job, split_path: str) -> dict:
    """Train one job (resuming it if it was interrupted); returns its result.json."""
    from bonebench.train.config import TrainConfig
    from bonebench.train.loop import train

    if not job.done:
        resume = job.layout.last.is_file()
        train(TrainConfig.from_dict(job.config), job.layout.root, resume=resume, split_file=Path(split_path),
              show_progress=False)
    return job.result()


def run_local(jobs: list[Job], split_path: str, report=print) -> list[dict]:
    """Train the jobs one after the other in this process; returns their results."""
    results = []
    for job in jobs:
        if job.done:
            report(f"{job.name}: done already")
        else:
            report(f"{job.name}: training")
        results.append(run_job(job, split_path))
    return results


def run_ray(jobs: list[Job], split_path: str, address: str | None = None, report=print) -> list[dict]:
    """Restoration first (the pretrained groups need it), then all other models as parallel tasks."""
    try:
        import ray
    except ImportError:
        raise InputError("the ray executor needs Ray: pip install 'bonebench[ray]'") from None
    import torch

    ray.init(address=address, ignore_reinit_error=True, log_to_driver=False, include_dashboard=False)
    gpus = 1 if torch.cuda.is_available() or (address and ray.cluster_resources().get("GPU", 0) > 0) else 0
    remote = ray.remote(num_gpus=gpus, num_cpus=1, max_retries=2)(run_job)
    first = [j for j in jobs if get_group(j.group).kind == RESTORATION]
    rest = [j for j in jobs if get_group(j.group).kind != RESTORATION]
    for batch in (first, rest):
        for j in batch:
            report(f"{j.name}: {'done already' if j.done else 'sent to ray'}")
        ray.get([remote.remote(j, split_path) for j in batch if not j.done])
    return [j.result() for j in jobs]


def run_sweep(plan: SweepPlan, run: Path, *, executor: str = "local", address: str | None = None,
              report=print) -> list[Job]:
    """Prepare the sweep folder and train every job not finished yet with the chosen executor."""
    if executor not in EXECUTORS:
        raise InputError(f"unknown executor {executor!r}; valid executors: {', '.join(EXECUTORS)}")
    _, jobs = prepare(plan, run)
    split_path = str(SweepLayout(run).split)
    if executor == "ray":
        run_ray(jobs, split_path, address, report)
    else:
        run_local(jobs, split_path, report)
    return jobs
