"""Training configuration (a typed dataclass saved beside every checkpoint) and its presets."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from bonebench.data.atomic import write_text_atomic
from bonebench.data.resample import check_pixel_mm
from bonebench.errors import InputError
from bonebench.protocol.network import DEFAULT_CLICK_SIGMA
from bonebench.train.schedules import DEFAULT_LR_SCHEDULE, LR_SCHEDULES

LOSSES = ("ce", "dice", "ce+dice")
# what a pretrained group takes of the restoration network's output layer: "keep" it (the study), or
# "reset" it (start it afresh): restoration's head outputs intensities in 0..1, which as logits call
# nearly every pixel foreground at the first step (docs/results/openkbp-mandible-cpu/ measures both)
INIT_HEADS = ("keep", "reset")
# what a fine-tune trains: every layer, or the decoder only (the U-Net's `down` and `bottom` blocks frozen,
# train.unet's attribute names), so one or two patients cannot rewrite the features the model starts from
TRAIN_LAYERS = {"all": (), "decoder": ("down", "bottom")}


@dataclass(frozen=True)
class TrainConfig:
    data: str
    patients: int
    label: str = ""  # target label (segmentation groups); empty for restoration
    group: str = "seg"
    preset: str = "paper"
    iterations: int = 65_000
    batch_size: int = 32
    lr: float = 1e-5
    lr_schedule: str = DEFAULT_LR_SCHEDULE  # LR_SCHEDULES (train.schedules): constant (the study) or cosine
    patch_size: int = 96
    base_width: int = 64
    val_every: int = 500
    seed: int = 0
    split_seed: int = 0
    device: str = "auto"
    precision: str = "fp32"  # fp32 | bf16, resolved from --precision auto|fp32|bf16 (train.precision)
    loss: str = "ce"
    init: str = ""  # restoration checkpoint (pretrained groups) or trained model (fine-tune) to start from
    init_head: str = "keep"  # INIT_HEADS: keep or reset the restoration output layer
    train_layers: str = "all"  # TRAIN_LAYERS: all, or the decoder only (fine-tunes)
    click_sigma: float = DEFAULT_CLICK_SIGMA
    max_interactions: int = 5
    background_rate: float = 0.1  # share of targets turned all-background, with background clicks only
    random_click_rate: float = 0.0  # share of slices whose first clicks fall anywhere on the bone, not innermost
    one_piece_rate: float = 0.0  # share of multi-piece targets whose first click marks one big piece only
    flip_rate: float = 0.0  # share of interactive training patches mirrored left-right (few-patient fine-tunes)
    bone_end_rate: float = 0.0  # SegInterWalk: share of patches with a bone ending there that train its end
    # SegInterWalk: walked slices (training and validation) clicked at the runtime's seeds, arms at this
    # reach (model px); 0: each piece's innermost point
    walk_arms: float = 0.0
    labels: str = ""  # comma list for multi-bone interactive training, e.g. "fibula,tibia"
    pixel_mm: float = 0.0  # in-plane pixel size (mm) datasets are resampled to when loaded; 0: as stored
    # a trained model of the same inputs whose probabilities replace the labels as targets (distillation,
    # train.teacher); empty: the labels
    teacher: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})

    def save(self, path: str | Path) -> None:
        write_text_atomic(path, json.dumps(self.to_dict(), indent=1) + "\n")

    @property
    def target_labels(self) -> list[str]:
        """The labels an interactive model is trained to follow (one unless --labels is given)."""
        return [s.strip() for s in self.labels.split(",") if s.strip()] or [self.label]


# paper: the study. fast: a reduced run that still learns on a GPU in minutes (a 10x larger learning
# rate makes up for 16x fewer iterations). tiny: seconds on a CPU, for tests and demos.
# cpu: the smallest budget at which the real OpenKBP mandible is learned on the 2-core Xeon
# (`bb-train seg --data ../shared/data/openkbp-mandible --label mandible --patients 10 --preset cpu`,
# docs/benchmarks.md): base 16 and batch 16 (a step is 253 ms on 2 threads in fp32; base 32 would be
# 4x that), the study's 96x96 patch (the mandible needs the context), lr 1e-3 (Adam: at 1e-4 the 2,000
# steps a CPU affords barely leave the all-background start; validation Dice 0 at 400 iterations even
# at 1e-3), 1,600 iterations (validation Dice 0.00 / 0.59 / 0.75 / 0.81 / 0.81 at 400 / 800 / 1,200 /
# 1,600 / 2,000: the curve has flattened; 1,600 take about 8 minutes, 2,000 took 9:59), validation every
# 400 (a pass over 9 OpenKBP volumes takes 11-13 s: about 10 % of the run).
PRESETS: dict[str, dict] = {
    "paper": dict(iterations=65_000, batch_size=32, lr=1e-5, patch_size=96, base_width=64, val_every=500),
    "fast": dict(iterations=4_000, batch_size=32, lr=1e-4, patch_size=96, base_width=32, val_every=200),
    "cpu": dict(iterations=1_600, batch_size=16, lr=1e-3, patch_size=96, base_width=16, val_every=400),
    "tiny": dict(iterations=400, batch_size=8, lr=3e-3, patch_size=64, base_width=8, val_every=50),
}


def make_config(preset: str, **overrides) -> TrainConfig:
    """A config from a preset, with explicit settings (those not None) winning; `precision` auto
    (the default) is resolved here for the config's device, so the config says what ran."""
    if preset not in PRESETS:
        raise InputError(f"unknown preset {preset!r}; valid presets: {', '.join(PRESETS)}")
    settings = dict(PRESETS[preset], preset=preset)
    settings.update({k: v for k, v in overrides.items() if v is not None})
    settings["precision"] = _resolved_precision(settings.get("precision", "auto"), settings.get("device", "auto"))
    config = TrainConfig(**settings)
    for name in ("patients", "iterations", "batch_size", "patch_size", "base_width", "val_every",
                 "max_interactions"):
        if getattr(config, name) < 1:
            raise InputError(f"{name.replace('_', '-')} must be at least 1, got {getattr(config, name)}")
    if config.patch_size % 16:
        raise InputError(f"patch-size must be a multiple of 16 (4 poolings), got {config.patch_size}")
    if config.loss not in LOSSES:
        raise InputError(f"unknown loss {config.loss!r}; valid losses: {', '.join(LOSSES)}")
    if config.init_head not in INIT_HEADS:
        raise InputError(f"unknown init-head {config.init_head!r}; valid: {', '.join(INIT_HEADS)}")
    if config.train_layers not in TRAIN_LAYERS:
        raise InputError(f"unknown train-layers {config.train_layers!r}; valid: {', '.join(TRAIN_LAYERS)}")
    if TRAIN_LAYERS[config.train_layers] and not config.init:
        raise InputError(f"train-layers {config.train_layers} freezes layers a model must have learnt: add --init")
    if config.lr_schedule not in LR_SCHEDULES:
        raise InputError(f"unknown lr-schedule {config.lr_schedule!r}; valid: {', '.join(LR_SCHEDULES)}")
    if not (math.isfinite(config.lr) and config.lr > 0):
        raise InputError(f"lr must be a number above 0, got {config.lr}")
    for name in ("background_rate", "random_click_rate", "one_piece_rate", "flip_rate", "bone_end_rate"):
        if not 0.0 <= getattr(config, name) <= 1.0:
            raise InputError(f"{name.replace('_', '-')} must be in [0, 1], got {getattr(config, name)}")
    if not config.click_sigma > 0:
        raise InputError(f"click-sigma must be positive, got {config.click_sigma}")
    if not (math.isfinite(config.walk_arms) and config.walk_arms >= 0):
        raise InputError(f"walk-arms must be a reach in model pixels, at least 0, got {config.walk_arms}")
    check_pixel_mm(config.pixel_mm, "pixel-mm")
    return config


def _resolved_precision(choice: str, device: str) -> str:
    from bonebench.train.precision import pick_device, resolve_precision

    return resolve_precision(choice, pick_device(device))
