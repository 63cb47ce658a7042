"""The study's benchmark: every model group on every training-set size, one split for all, the
restoration pretraining once, and nothing trained twice. A killed sweep resumes where it stopped.

The sweep folder's layout is protocol.run_folders.SweepLayout: the plan, the one patient split of
the whole sweep, the restoration run (when a pretrained group is asked for) and one training run per
model (Seg1, SegPretrained10, SegInter70, ...).

Executors: `local` trains the models here, one after the other or `workers` processes at once
(spawned, sharing the GPUs round robin and the CPU cores: study.packing); `ray` sends each model to
a Ray cluster as a task with a share of a GPU (`address` joins a running cluster; otherwise a local
instance). Both start the restoration first and its dependants (the pretrained groups) once it is
finished; the other models do not wait for it.
"""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bonebench.data.atomic import write_text_atomic
from bonebench.data.dataset import Dataset
from bonebench.data.splits import Split, make_split
from bonebench.errors import InputError
from bonebench.protocol.kinds import INTERACTIVE, RESTORATION, SEGMENTATION
from bonebench.protocol.run_folders import RunLayout, SweepLayout
from bonebench.study import packing
from bonebench.train.config import PRESETS, make_config
from bonebench.train.groups import RESTORATION_KEY, get_group, model_name

EXECUTORS = ("local", "ray")
# the order in which a pool starts jobs, by kind: the restoration first (others wait for it), then the
# slowest (interactive: ~3x a Seg iteration), so the last jobs to finish are the short ones
START_ORDER = {RESTORATION: 0, INTERACTIVE: 1, SEGMENTATION: 2}


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


def run_job(job: Job, split_path: str, threads: int | None = None) -> dict:
    """Train one job on `threads` CPU threads (resuming it if it was interrupted); returns its result.json."""
    from bonebench.train.config import TrainConfig
    from bonebench.train.loop import train

    if not job.done:
        resume = job.layout.last.is_file()
        train(TrainConfig.from_dict(job.config), job.layout.root, resume=resume, split_file=Path(split_path),
              show_progress=False, threads=threads)
    return job.result()


def _after_restoration(jobs: list[Job]) -> tuple[list[Job], list[Job]]:
    """(jobs that may start now, jobs that wait for the restoration: the pretrained groups)."""
    if not any(get_group(j.group).kind == RESTORATION and not j.done for j in jobs):
        return list(jobs), []
    waiting = [j for j in jobs if get_group(j.group).pretrained]
    return [j for j in jobs if j not in waiting], waiting


def run_local(jobs: list[Job], split_path: str, report=print, workers: int = 1,
              threads: int | None = None) -> list[dict]:
    """Train the jobs here: one after the other (workers=1, in this process) or in `workers` spawned
    processes at once, `threads` CPU threads in all (None: every core) shared out among the workers;
    returns their results in the jobs' order."""
    if workers <= 1:
        results = []
        for job in jobs:
            report(f"{job.name}: {'done already' if job.done else 'training'}")
            results.append(run_job(job, split_path, threads))
        return results
    for job in jobs:
        report(f"{job.name}: {'done already' if job.done else 'training'}")
    _run_pool([j for j in jobs if not j.done], split_path, workers, report, threads)
    return [j.result() for j in jobs]


def _run_pool(jobs: list[Job], split_path: str, workers: int, report, threads: int | None) -> None:
    """Train in a pool of spawned processes; the restoration's dependants are sent once it is done."""
    if not jobs:
        return
    now, waiting = _after_restoration(sorted(jobs, key=lambda j: START_ORDER[get_group(j.group).kind]))
    context = multiprocessing.get_context("spawn")  # never fork a process that may hold CUDA or threads
    gpus = len(packing.gpu_memory_gib())
    each = packing.threads_per_worker(workers, threads)
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context,
                             initializer=packing.init_worker,
                             initargs=(context.Value("i", 0), gpus)) as pool:
        pending: dict[Future, Job] = {pool.submit(run_job, j, split_path, each): j for j in now}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                future.result()  # a failed job stops the sweep with its error
                report(f"{job.name}: finished")
                if get_group(job.group).kind == RESTORATION:
                    pending.update({pool.submit(run_job, j, split_path, each): j for j in waiting})


def _ray_job(job: Job, split_path: str, threads: int, *after) -> dict:
    """A Ray task: train one job on `threads` CPU threads (`after`: results it waited for)."""
    return run_job(job, split_path, threads)


def run_ray(jobs: list[Job], split_path: str, address: str | None = None, report=print,
            workers: int | None = None) -> list[dict]:
    """Every model as a Ray task, `workers` at once: with GPUs each task asks for GPUs / workers of
    one (Ray packs them), without, for CPUs / workers cores; torch threads = CPUs / workers. The
    pretrained models wait for the restoration's result, the others start at once."""
    try:
        import ray
    except ImportError:
        raise InputError("the ray executor needs Ray: pip install 'bonebench[ray]'") from None

    ray.init(address=address, ignore_reinit_error=True, log_to_driver=False, include_dashboard=False)
    resources = ray.cluster_resources()
    gpus, cpus = resources.get("GPU", 0), int(resources.get("CPU", 1))
    # default: this machine's packing of one GPU, on every GPU of the cluster (one task at a time without GPUs)
    workers = workers or max(1, int(gpus)) * packing.default_workers(packing.gpu_memory_gib()[:1])
    threads = packing.threads_per_worker(workers, cpus)
    remote = ray.remote(num_gpus=gpus / workers if gpus else 0, num_cpus=1 if gpus else threads,
                        max_retries=2)(_ray_job)
    for j in jobs:
        report(f"{j.name}: {'done already' if j.done else 'sent to ray'}")
    now, waiting = _after_restoration([j for j in jobs if not j.done])
    refs = {j.name: remote.remote(j, split_path, threads) for j in now}
    restoration = [refs[j.name] for j in now if get_group(j.group).kind == RESTORATION]
    refs.update({j.name: remote.remote(j, split_path, threads, *restoration) for j in waiting})
    ray.get(list(refs.values()))
    return [j.result() for j in jobs]


def run_sweep(plan: SweepPlan, run: Path, *, executor: str = "local", address: str | None = None,
              report=print, workers: int | None = 1, threads: int | None = None) -> list[Job]:
    """Prepare the sweep folder and train every job not finished yet with the chosen executor;
    `workers`: training processes at once (None: from the GPUs, study.packing); `threads`: CPU
    threads of the local executor in all (None: every core), shared out among its workers."""
    if executor not in EXECUTORS:
        raise InputError(f"unknown executor {executor!r}; valid executors: {', '.join(EXECUTORS)}")
    _, jobs = prepare(plan, run)
    split_path = str(SweepLayout(run).split)
    if workers is not None and workers < 1:
        raise InputError(f"--workers must be at least 1, got {workers}")
    if executor == "ray":
        run_ray(jobs, split_path, address, report, workers)
    else:
        workers = workers or packing.default_workers(packing.gpu_memory_gib())
        run_local(jobs, split_path, report, workers, threads)
    return jobs
