"""The study's iteration-based training loop, with validation-Dice model selection and resume.

A run folder holds: config.json, split.json, metrics.jsonl (one line per validation), last.pt
(model, optimiser, sampler and RNG state: everything to resume bit for bit) and best.pt (the
model with the best validation Dice, with its config and split).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

import bonebench
from bonebench.data.atomic import write_text_atomic
from bonebench.data.dataset import Dataset
from bonebench.data.sampling import SliceSampler
from bonebench.data.splits import Split, make_split
from bonebench.errors import InputError
from bonebench.train.checkpoint import load_checkpoint, save_checkpoint
from bonebench.train.config import TrainConfig
from bonebench.train.groups import build_model, get_group, model_name
from bonebench.train.validation import validation_dice


@dataclass(frozen=True)
class TrainResult:
    name: str
    best_dice: float
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


def _loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(logits.float(), target)


def train(config: TrainConfig, run_dir: str | Path, *, resume: bool = False, split_file: Path | None = None,
          show_progress: bool = True, interrupt_at: int | None = None) -> TrainResult:
    """Train one model; `interrupt_at` raises KeyboardInterrupt after that iteration (tests a kill)."""
    run_dir = Path(run_dir)
    group = get_group(config.group)
    device = pick_device(config.device)
    dataset = Dataset(config.data)
    dataset.label_value(config.label)
    state = _check_resumable(run_dir, config, resume)
    split = _load_or_make_split(run_dir, dataset, config.split_seed, split_file)
    train_ids = split.training_subset(config.patients)
    train_cases = [dataset.load(c, config.label) for c in train_ids]
    val_cases = [dataset.load(c, config.label) for c in split.val]
    split.save(run_dir / "split.json")  # only now: bad input leaves no run folder behind
    config.save(run_dir / "config.json")

    sampler = SliceSampler([c.hu for c in train_cases], [c.target for c in train_cases],
                           patch_size=config.patch_size, batch_size=config.batch_size, seed=config.seed)
    torch.manual_seed(config.seed)
    model = build_model(group, config.base_width).to(device)
    cuda = device.type == "cuda"
    if cuda:
        model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr, fused=cuda)

    start, best_dice, best_iteration = 0, -1.0, 0
    if state is not None:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        sampler.load_state_dict(state["sampler"])
        start, best_dice, best_iteration = state["iteration"], state["best_dice"], state["best_iteration"]
    _truncate_metrics(run_dir / "metrics.jsonl", start)

    name = model_name(group, config.patients)
    common = {"config": config.to_dict(), "group": group.key, "name": name, "split": asdict(split),
              "train_patients": list(train_ids), "label_name": dataset.label_name(dataset.label_value(config.label)),
              "bonebench_version": bonebench.__version__}
    running_loss, running_n, t0 = 0.0, 0, time.perf_counter()

    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = [TextColumn(f"{name}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
               TextColumn("{task.fields[status]}"), TimeRemainingColumn()]
    with Progress(*columns, disable=not show_progress, transient=False) as progress:
        task = progress.add_task("train", total=config.iterations, completed=start,
                                 status=f"best Dice {max(best_dice, 0):.3f}")
        for iteration in range(start + 1, config.iterations + 1):
            images, targets, _ = sampler.next_batch()
            x = torch.from_numpy(images).to(device, non_blocking=True)
            y = torch.from_numpy(targets).to(device, non_blocking=True)
            if cuda:
                x = x.contiguous(memory_format=torch.channels_last)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cuda):
                logits = model(x)
            loss = _loss(logits, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            running_loss += float(loss.detach())
            running_n += 1
            progress.advance(task)
            if interrupt_at is not None and iteration == interrupt_at:
                raise KeyboardInterrupt
            if iteration % config.val_every and iteration != config.iterations:
                continue
            val = validation_dice(model, val_cases, device)
            if val > best_dice:
                best_dice, best_iteration = val, iteration
                save_checkpoint(run_dir / "best.pt", {**common, "model": model.state_dict(),
                                                      "iteration": iteration, "val_dice": val})
            record = {"iteration": iteration, "train_loss": running_loss / max(running_n, 1), "val_dice": val,
                      "best_dice": best_dice, "seconds": round(time.perf_counter() - t0, 3)}
            with open(run_dir / "metrics.jsonl", "a") as log:
                log.write(json.dumps(record) + "\n")
            save_checkpoint(run_dir / "last.pt", {
                **common, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "sampler": sampler.state_dict(), "iteration": iteration, "best_dice": best_dice,
                "best_iteration": best_iteration, "torch_rng": torch.get_rng_state(),
                "numpy_rng": np.random.get_state()})
            running_loss, running_n = 0.0, 0
            progress.update(task, status=f"val Dice {val:.3f} best {best_dice:.3f}")

    result = TrainResult(name, best_dice, best_iteration, config.iterations, run_dir)
    write_text_atomic(run_dir / "result.json", json.dumps(
        {"name": name, "best_dice": best_dice, "best_iteration": best_iteration,
         "iterations": config.iterations}, indent=1) + "\n")
    return result
