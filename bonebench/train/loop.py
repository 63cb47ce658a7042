"""The study's iteration-based training loop, with validation-based model selection and resume;
the same loop for every model group (the group's task decides batches, loss and validation).

A run folder (protocol.run_folders.RunLayout) holds config.json, split.json, metrics.jsonl (one
line per validation), last.pt (model, optimiser, sampler and RNG state: everything to resume bit
for bit), best.pt (the model with the best validation score, with its config, group and split)
and result.json once finished.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

import bonebench
from bonebench.data.atomic import write_text_atomic
from bonebench.data.dataset import Dataset
from bonebench.data.splits import Split, make_split
from bonebench.errors import InputError
from bonebench.protocol.kinds import RESTORATION
from bonebench.protocol.run_folders import RunLayout
from bonebench.train.checkpoint import (FINE_TUNE_SETTINGS, fitted_weight, grown_input, load_checkpoint,
                                        require_settings, save_checkpoint)
from bonebench.train.config import TRAIN_LAYERS, TrainConfig
from bonebench.train.groups import GROUPS, ModelGroup, build_model, get_group, model_name
from bonebench.train.precision import Compute, denormals_flushed, pick_device
from bonebench.train.prefetch import Prefetcher
from bonebench.train.schedules import lr_factor
from bonebench.train.teacher import load_teacher, teacher_targets
from bonebench.train.unet import OUTPUT_LAYER
from bonebench.threads import prefetch_thread, using_threads


@dataclass(frozen=True)
class TrainResult:
    name: str
    best_score: float
    best_value: float  # the logged metric at the best iteration (Dice, or L1 for restoration)
    best_iteration: int
    iterations: int
    run_dir: Path


def _load_or_make_split(layout: RunLayout, dataset: Dataset, seed: int, split_file: Path | None) -> Split:
    saved = layout.split
    if saved.is_file():
        return Split.load(saved)
    split = Split.load(split_file) if split_file else make_split(dataset.case_ids, seed)
    missing = [c for c in split.train + split.val if c not in dataset.case_ids]
    if missing:
        raise InputError(f"split names cases the dataset does not have: {', '.join(missing[:5])}")
    return split


def _check_resumable(layout: RunLayout, config: TrainConfig, resume: bool) -> dict | None:
    last, run_dir = layout.last, layout.root
    if not last.is_file():
        if resume:
            raise InputError(f"--resume: {run_dir} holds no training run to resume (no last.pt); "
                             "leave out --resume to start a new run there")
        return None
    if not resume:
        raise InputError(f"{run_dir} already holds a training run; pass --resume or choose another --out")
    state = load_checkpoint(last)
    saved = TrainConfig.from_dict(state["config"]).to_dict()
    diff = [k for k, v in config.to_dict().items() if not _same_setting(k, saved.get(k), v)]
    if diff:
        raise InputError(f"{run_dir}: cannot resume with different settings ({', '.join(diff)})")
    return state


PATH_SETTINGS = ("data", "init", "teacher")  # paths: the same file or folder under another spelling is the same setting


def _same_setting(key: str, saved, given) -> bool:
    """Whether a saved setting equals the given one; paths compare resolved (relative to the working
    folder), so `--data ./legs` and `--data /abs/legs` resume the same run."""
    if saved == given:
        return True
    if key in PATH_SETTINGS and saved and given:
        return Path(saved).expanduser().resolve() == Path(given).expanduser().resolve()
    return False


def _truncate_metrics(path: Path, iteration: int) -> None:
    """Drop log lines written after the checkpoint we resume from."""
    if not path.is_file():
        return
    kept = [line for line in path.read_text().splitlines() if line and json.loads(line)["iteration"] <= iteration]
    write_text_atomic(path, "".join(line + "\n" for line in kept))


def load_restoration_weights(model: torch.nn.Module, path: str, reset_head: bool = False) -> None:
    """Start from a restoration checkpoint; extra input channels (clicks, previous mask) start at 0;
    with `reset_head` the output layer keeps the network's own fresh initialisation."""
    payload = load_checkpoint(path)
    if payload.get("group") not in GROUPS or get_group(payload["group"]).kind != RESTORATION:
        raise InputError(f"{path}: --init needs a restoration checkpoint (bb-train pretrain), "
                         f"got group {payload.get('group')!r}")
    own = model.state_dict()
    fresh = {k for k in own if reset_head and k.split(".")[0] == OUTPUT_LAYER}
    weights = {k: own[k] if k in fresh else v for k, v in payload["model"].items()}
    for key, value in weights.items():
        if key not in own:
            raise InputError(f"{path}: restoration weights do not fit this network ({key})")
        if own[key].shape != value.shape:
            grown = grown_input(own[key], value)
            if grown is None:
                raise InputError(f"{path}: restoration weights do not fit this network "
                                 f"({key}: {tuple(value.shape)} vs {tuple(own[key].shape)}; check --base-width)")
            weights[key] = grown
    model.load_state_dict(weights)


def load_finetune_weights(model: torch.nn.Module, path: str, group: ModelGroup, config: TrainConfig) -> None:
    """Start from a trained model of the same kind and inputs (a lab fine-tuning the shipped click model on
    its own few patients): every weight is taken as it is, so the width and the pixel size must match.
    SegInterWalk may start from a SegInter: its neighbour-mask channel starts at 0 (checkpoint.grown_input)."""
    payload = load_checkpoint(path)
    source = GROUPS.get(payload.get("group"))
    same = source is not None and (source.prev_mask, source.neighbour_mask) == (group.prev_mask, group.neighbour_mask)
    grows = source is not None and group.grows_from(source)
    if source is None or source.kind != group.kind or not (same or grows):
        hint = "; a walk model: add --neighbour-mask" if source is not None and source.neighbour_mask else ""
        raise InputError(f"{path}: --init for {group.display} needs a trained {group.display} model to fine-tune "
                         f"(restoration checkpoints seed the pretrained groups), got group {payload.get('group')!r}"
                         f"{hint}")
    require_settings(path, TrainConfig.from_dict(payload["config"]), config, FINE_TUNE_SETTINGS)
    weights = dict(payload["model"])
    if grows:
        own = model.state_dict()
        weights = {k: fitted_weight(own[k], v, grows) if k in own else v for k, v in weights.items()}
    try:
        model.load_state_dict(weights)
    except RuntimeError:  # missing, extra or misshapen tensors (None where a weight could not grow)
        raise InputError(f"{path}: its weights do not fit a {group.display} network") from None


def _check_group_settings(group: ModelGroup, config: TrainConfig) -> None:
    if group.pretrained and not config.init:
        raise InputError(f"group {group.key} starts from restoration weights: pass --init RESTORATION_CHECKPOINT")
    if group.kind != RESTORATION and not config.label:
        raise InputError("--label is required for segmentation groups")
    if config.bone_end_rate and not group.neighbour_mask:
        raise InputError("--bone-end-rate trains where a walk carries a bone's mask past its end: "
                         "add --neighbour-mask (SegInterWalk)")
    if config.teacher and group.kind == RESTORATION:
        raise InputError("--teacher distils a segmentation model; a restoration run has no probabilities to learn")
    if config.walk_arms and not group.neighbour_mask:
        raise InputError("--walk-arms clicks as the walk seeds a slice from the one it came from: "
                         "add --neighbour-mask (SegInterWalk)")


def set_learning_rate(optimizer: torch.optim.Optimizer, config: TrainConfig, iteration: int) -> None:
    """The configured rate times the schedule's factor at this iteration (train.schedules)."""
    rate = config.lr * lr_factor(config.lr_schedule, iteration, config.iterations)
    for param_group in optimizer.param_groups:
        param_group["lr"] = rate


def train_step(model: torch.nn.Module, optimizer: torch.optim.Optimizer, task, compute: Compute,
               teacher: torch.nn.Module | None = None) -> torch.Tensor:
    """One iteration: the task's minibatch, forward in the run's precision, loss, backward, step; with
    a teacher, its probabilities are the targets (train.teacher). Returns the loss as a detached tensor
    on the device: reading it (float) would wait for the GPU, so the loop sums it there and reads the
    sum once per validation."""
    inputs, targets = task.batch(model, compute)
    x = compute.tensor(inputs)
    if teacher is None:
        y = torch.from_numpy(targets).to(compute.device, non_blocking=True)
    else:
        y = teacher_targets(teacher, x, compute)
    with compute.autocast():
        logits = model(x)
    loss = task.loss(logits, y)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.detach()


@dataclass
class _Progress:
    """Where a run stands: the iteration done and the best validation so far."""

    iteration: int = 0
    best_score: float = -np.inf
    best_value: float = float("nan")
    best_iteration: int = 0

    def improve(self, iteration: int, score: float, value: float) -> bool:
        if score <= self.best_score:
            return False
        self.best_score, self.best_value, self.best_iteration = score, value, iteration
        return True


class _Run:
    """One training run: its folder, model, optimiser and task, and how it is checkpointed and logged."""

    def __init__(self, config: TrainConfig, layout: RunLayout, resume: bool, split_file: Path | None,
                 prefetch: bool = True):
        self.config, self.layout = config, layout
        self.group = get_group(config.group)
        _check_group_settings(self.group, config)
        self.compute = Compute(pick_device(config.device), config.precision)
        self.device = self.compute.device
        dataset = Dataset(config.data)
        for label in filter(None, [config.label, *config.labels.split(",")]):
            dataset.label_value(label.strip())
        state = _check_resumable(layout, config, resume)
        split = _load_or_make_split(layout, dataset, config.split_seed, split_file)
        self.task = Prefetcher(self.group.make_task(config, dataset, split), enabled=prefetch)
        self.model, self.optimizer = self._build(state is None)
        self.teacher = load_teacher(config.teacher, self.group, config, self.compute) if config.teacher else None
        split.save(layout.split)  # only now: bad input leaves no run folder behind
        config.save(layout.config)
        self.progress = self._restore(state)
        self.common = self._description(split)

    def _build(self, fresh: bool):
        torch.manual_seed(self.config.seed)
        model = build_model(self.group, self.config.base_width)
        if self.group.pretrained and fresh:
            load_restoration_weights(model, self.config.init, reset_head=self.config.init_head == "reset")
        elif self.config.init and fresh:
            load_finetune_weights(model, self.config.init, self.group, self.config)
        for part in TRAIN_LAYERS[self.config.train_layers]:
            getattr(model, part).requires_grad_(False)
        model = self.compute.prepare(model)
        trained = [p for p in model.parameters() if p.requires_grad]
        return model, torch.optim.Adam(trained, lr=self.config.lr, fused=self.device.type == "cuda")

    def _restore(self, state: dict | None) -> _Progress:
        progress = _Progress()
        if state is not None:
            self.model.load_state_dict(state["model"])
            self.optimizer.load_state_dict(state["optimizer"])
            self.task.load_state_dict(state["task"])
            progress = _Progress(state["iteration"], state["best_score"], state["best_value"],
                                 state["best_iteration"])
        _truncate_metrics(self.layout.metrics, progress.iteration)
        return progress

    @property
    def scores_its_start(self) -> bool:
        """A fresh fine-tune validates its source model first (iteration 0), so a run that only
        makes the model worse on these patients keeps the model it started from as best.pt."""
        fresh = self.progress.iteration == 0 and self.progress.best_score == -np.inf
        return fresh and bool(self.config.init) and not self.group.pretrained

    @property
    def name(self) -> str:
        return model_name(self.group, self.config.patients)

    def _description(self, split: Split) -> dict:
        """What every checkpoint says about the model (the exporter builds ModelInfo from it)."""
        restoration = self.group.kind == RESTORATION
        return {"config": self.config.to_dict(), "group": self.group.key, "group_settings": self.group.to_dict(),
                "name": self.name, "split": asdict(split), "metric": self.task.metric,
                "train_patients": list(split.train if restoration else split.training_subset(self.config.patients)),
                "label_name": ",".join(self.config.target_labels) if self.config.label else "",
                "bonebench_version": bonebench.__version__}

    def validate(self, iteration: int, mean_loss: float | None, seconds: float, train_seconds: float) -> str:
        """Validate, keep the best model, log a line, checkpoint; returns the status text with the
        seconds per training iteration and per validation pass (so validation's share shows)."""
        t0 = time.perf_counter()
        score, value = self.task.validate(self.model, self.compute)
        val_seconds = time.perf_counter() - t0
        p = self.progress
        if p.improve(iteration, score, value):
            save_checkpoint(self.layout.best, {**self.common, "model": self.model.state_dict(),
                                               "iteration": iteration, self.task.metric: value})
        metric = self.task.metric
        record = {"iteration": iteration, "train_loss": mean_loss, metric: value,
                  "best_" + metric.removeprefix("val_"): p.best_value, "seconds": round(seconds, 3),
                  "train_seconds": round(train_seconds, 3), "val_seconds": round(val_seconds, 3)}
        with open(self.layout.metrics, "a") as log:
            log.write(json.dumps(record) + "\n")
        save_checkpoint(self.layout.last, {
            **self.common, "model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
            "task": self.task.state_dict(), "iteration": iteration, "best_score": p.best_score,
            "best_value": p.best_value, "best_iteration": p.best_iteration})
        return f"{metric} {value:.3f} (best {p.best_value:.3f}), validation {val_seconds:.1f} s"

    def finish(self) -> TrainResult:
        """Write result.json and return the run's result."""
        p = self.progress
        write_text_atomic(self.layout.result, json.dumps(
            {"name": self.name, "group": self.group.key, "metric": self.task.metric, "best": p.best_value,
             "best_iteration": p.best_iteration, "iterations": self.config.iterations}, indent=1) + "\n")
        return TrainResult(self.name, p.best_score, p.best_value, p.best_iteration, self.config.iterations,
                           self.layout.root)


def _progress_bar(name: str, show: bool):
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = [TextColumn(name), BarColumn(), TextColumn("{task.completed}/{task.total}"),
               TextColumn("{task.fields[status]}"), TimeRemainingColumn()]
    return Progress(*columns, disable=not show)


def train(config: TrainConfig, run_dir: str | Path, *, resume: bool = False, split_file: Path | None = None,
          show_progress: bool = True, interrupt_at: int | None = None, prefetch: bool | None = None,
          threads: int | None = None, report=None) -> TrainResult:
    """Train one model into `run_dir` on `threads` CPU threads (bonebench.threads; None: every
    core); `interrupt_at` raises KeyboardInterrupt after that iteration (tests a kill); `prefetch`
    prepares the next minibatch in a background thread (None: when the threads allow it; the same
    run either way); `report` is told the precision and threads once the run is set up."""
    with using_threads(threads) as count, denormals_flushed():
        run = _Run(config, RunLayout(run_dir), resume, split_file, prefetch_thread() if prefetch is None else prefetch)
        if report is not None:
            report(f"{run.name}: precision {config.precision}, {count} CPU threads, on {run.device.type}")
        try:
            return _iterate(run, config, show_progress, interrupt_at)
        finally:
            run.task.close()


def _iterate(run: _Run, config: TrainConfig, show_progress: bool, interrupt_at: int | None) -> TrainResult:
    """The iterations from where the run stands; the training loss is summed on the device (float64)
    and read only at a validation, so no iteration waits for the GPU."""
    zero = lambda: torch.zeros((), dtype=torch.float64, device=run.device)
    running_loss, running_n, t0 = zero(), 0, time.perf_counter()
    train_seconds, since, first = 0.0, time.perf_counter(), run.progress.iteration
    with _progress_bar(run.name, show_progress) as progress:
        bar = progress.add_task("train", total=config.iterations, completed=run.progress.iteration, status="")
        if run.scores_its_start:
            progress.update(bar, status=run.validate(0, None, 0.0, 0.0))
        for iteration in range(run.progress.iteration + 1, config.iterations + 1):
            set_learning_rate(run.optimizer, config, iteration)
            running_loss += train_step(run.model, run.optimizer, run.task, run.compute, run.teacher)
            running_n += 1
            progress.advance(bar)
            if interrupt_at is not None and iteration == interrupt_at:
                raise KeyboardInterrupt
            if iteration % config.val_every and iteration != config.iterations:
                continue
            mean_loss = float(running_loss) / max(running_n, 1)
            train_seconds += time.perf_counter() - since
            status = run.validate(iteration, mean_loss, time.perf_counter() - t0, train_seconds)
            status += f", {1e3 * train_seconds / (iteration - first):.0f} ms/it"
            running_loss, running_n, since = zero(), 0, time.perf_counter()
            progress.update(bar, status=status)
    return run.finish()
