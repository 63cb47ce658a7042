"""The study's iteration-based training loop, with validation-based model selection and resume;
the same loop for every model group (the task decides batches, loss and validation).

A run folder holds: config.json, split.json, metrics.jsonl (one line per validation), last.pt
(model, optimiser, sampler and RNG state: everything to resume bit for bit) and best.pt (the
model with the best validation score, with its config, group and split).
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
from bonebench.train.checkpoint import load_checkpoint, save_checkpoint
from bonebench.train.config import TrainConfig
from bonebench.train.groups import RESTORATION, ModelGroup, build_model, get_group, model_name
from bonebench.train.tasks import make_task


@dataclass(frozen=True)
class TrainResult:
    name: str
    best_score: float
    best_value: float  # the logged metric at the best iteration (Dice, or L1 for restoration)
    best_iteration: int
    iterations: int
    run_dir: Path


def pick_device(choice: str) -> torch.device:
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if choice == "cuda" and not torch.cuda.is_available():
        raise InputError("--device cuda asked for, but torch sees no CUDA device")
    if choice not in ("cpu", "cuda"):
        raise InputError(f"unknown device {choice!r}; valid devices: auto, cpu, cuda")
    return torch.device(choice)


def _load_or_make_split(run_dir: Path, dataset: Dataset, seed: int, split_file: Path | None) -> Split:
    saved = run_dir / "split.json"
    if saved.is_file():
        return Split.load(saved)
    split = Split.load(split_file) if split_file else make_split(dataset.case_ids, seed)
    missing = [c for c in split.train + split.val if c not in dataset.case_ids]
    if missing:
        raise InputError(f"split names cases the dataset does not have: {', '.join(missing[:5])}")
    return split


def _check_resumable(run_dir: Path, config: TrainConfig, resume: bool) -> dict | None:
    last = run_dir / "last.pt"
    if not last.is_file():
        if resume:
            raise InputError(f"--resume: {run_dir} holds no training run to resume (no last.pt); "
                             "leave out --resume to start a new run there")
        return None
    if not resume:
        raise InputError(f"{run_dir} already holds a training run; pass --resume or choose another --out")
    state = load_checkpoint(last)
    saved = TrainConfig.from_dict(state["config"])
    if saved != config:
        diff = [k for k, v in config.to_dict().items() if saved.to_dict().get(k) != v]
        raise InputError(f"{run_dir}: cannot resume with different settings ({', '.join(diff)})")
    return state


def _truncate_metrics(path: Path, iteration: int) -> None:
    """Drop log lines written after the checkpoint we resume from."""
    if not path.is_file():
        return
    kept = [line for line in path.read_text().splitlines() if line and json.loads(line)["iteration"] <= iteration]
    write_text_atomic(path, "".join(line + "\n" for line in kept))


def load_restoration_weights(model: torch.nn.Module, path: str) -> None:
    """Start from a restoration checkpoint; extra input channels (clicks, previous mask) start at 0."""
    payload = load_checkpoint(path)
    if payload.get("group") != RESTORATION:
        raise InputError(f"{path}: --init needs a restoration checkpoint (bb-train pretrain), "
                         f"got group {payload.get('group')!r}")
    weights = dict(payload["model"])
    own = model.state_dict()
    for key, value in weights.items():
        if key not in own:
            raise InputError(f"{path}: restoration weights do not fit this network ({key})")
        if own[key].shape != value.shape:
            if own[key].dim() == 4 and own[key].shape[1] > value.shape[1] and own[key].shape[0] == value.shape[0]:
                grown = torch.zeros_like(own[key])
                grown[:, :value.shape[1]] = value
                weights[key] = grown
            else:
                raise InputError(f"{path}: restoration weights do not fit this network "
                                 f"({key}: {tuple(value.shape)} vs {tuple(own[key].shape)}; check --base-width)")
    model.load_state_dict(weights)


def _check_group_settings(group: ModelGroup, config: TrainConfig) -> None:
    if group.pretrained and not config.init:
        raise InputError(f"group {group.key} starts from restoration weights: pass --init RESTORATION_CHECKPOINT")
    if not group.pretrained and config.init:
        raise InputError(f"group {group.key} trains from scratch; --init is for the pretrained groups")
    if group.kind != RESTORATION and not config.label:
        raise InputError("--label is required for segmentation groups")


def train_step(model: torch.nn.Module, optimizer: torch.optim.Optimizer, task, device: torch.device) -> float:
    """One iteration: the task's minibatch, forward (bf16 autocast on CUDA), loss, backward, step."""
    inputs, targets = task.batch(model, device)
    x = torch.from_numpy(inputs).to(device, non_blocking=True)
    y = torch.from_numpy(targets).to(device, non_blocking=True)
    cuda = device.type == "cuda"
    if cuda:
        x = x.contiguous(memory_format=torch.channels_last)
    with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cuda):
        logits = model(x)
    loss = task.loss(logits, y)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return float(loss.detach())


def train(config: TrainConfig, run_dir: str | Path, *, resume: bool = False, split_file: Path | None = None,
          show_progress: bool = True, interrupt_at: int | None = None) -> TrainResult:
    """Train one model; `interrupt_at` raises KeyboardInterrupt after that iteration (tests a kill)."""
    run_dir = Path(run_dir)
    group = get_group(config.group)
    _check_group_settings(group, config)
    device = pick_device(config.device)
    dataset = Dataset(config.data)
    for label in filter(None, [config.label, *config.labels.split(",")]):
        dataset.label_value(label.strip())
    state = _check_resumable(run_dir, config, resume)
    split = _load_or_make_split(run_dir, dataset, config.split_seed, split_file)
    task = make_task(group, config, dataset, split)

    torch.manual_seed(config.seed)
    model = build_model(group, config.base_width)
    if group.pretrained and state is None:
        load_restoration_weights(model, config.init)
    model = model.to(device)
    cuda = device.type == "cuda"
    if cuda:
        model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr, fused=cuda)
    split.save(run_dir / "split.json")  # only now: bad input leaves no run folder behind
    config.save(run_dir / "config.json")

    start, best_score, best_value, best_iteration = 0, -np.inf, float("nan"), 0
    if state is not None:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        task.load_state_dict(state["task"])
        start, best_score, best_value, best_iteration = (state["iteration"], state["best_score"],
                                                         state["best_value"], state["best_iteration"])
    _truncate_metrics(run_dir / "metrics.jsonl", start)

    name = model_name(group, config.patients) if group.kind != RESTORATION else "Restoration"
    common = {"config": config.to_dict(), "group": group.key, "group_settings": group.to_dict(), "name": name,
              "split": asdict(split), "metric": task.metric,
              "train_patients": list(split.train if group.kind == RESTORATION
                                     else split.training_subset(config.patients)),
              "label_name": ",".join(config.target_labels) if config.label else "",
              "bonebench_version": bonebench.__version__}
    running_loss, running_n, t0 = 0.0, 0, time.perf_counter()

    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = [TextColumn(name), BarColumn(), TextColumn("{task.completed}/{task.total}"),
               TextColumn("{task.fields[status]}"), TimeRemainingColumn()]
    with Progress(*columns, disable=not show_progress) as progress:
        bar = progress.add_task("train", total=config.iterations, completed=start, status="")
        for iteration in range(start + 1, config.iterations + 1):
            running_loss += train_step(model, optimizer, task, device)
            running_n += 1
            progress.advance(bar)
            if interrupt_at is not None and iteration == interrupt_at:
                raise KeyboardInterrupt
            if iteration % config.val_every and iteration != config.iterations:
                continue
            score, value = task.validate(model, device)
            if score > best_score:
                best_score, best_value, best_iteration = score, value, iteration
                save_checkpoint(run_dir / "best.pt", {**common, "model": model.state_dict(),
                                                      "iteration": iteration, task.metric: value})
            record = {"iteration": iteration, "train_loss": running_loss / max(running_n, 1), task.metric: value,
                      "best_" + task.metric.removeprefix("val_"): best_value,
                      "seconds": round(time.perf_counter() - t0, 3)}
            with open(run_dir / "metrics.jsonl", "a") as log:
                log.write(json.dumps(record) + "\n")
            save_checkpoint(run_dir / "last.pt", {
                **common, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "task": task.state_dict(), "iteration": iteration, "best_score": best_score,
                "best_value": best_value, "best_iteration": best_iteration})
            running_loss, running_n = 0.0, 0
            progress.update(bar, status=f"{task.metric} {value:.3f} (best {best_value:.3f})")

    result = TrainResult(name, best_score, best_value, best_iteration, config.iterations, run_dir)
    write_text_atomic(run_dir / "result.json", json.dumps(
        {"name": name, "group": group.key, "metric": task.metric, "best": best_value,
         "best_iteration": best_iteration, "iterations": config.iterations}, indent=1) + "\n")
    return result
