"""Distillation (`bb-train ... --teacher MODEL`): a trained model's probabilities on each minibatch replace
the labels as the targets (Hinton et al. 2015, at temperature 1 on a per-pixel sigmoid).

Why: a narrower model cut from a wide one (train.shrink) should do what the wide one does, including
where the labels would teach it something else: the walk's check was chosen by how the wide click model
answers the walk's seeds (docs/results/one-click/), and v7 trained on with the labels alone (click v10,
validation Dice 0.914 against v7's 0.925) moved the tuning hips 0.899 -> 0.881 as the check.
"""

from __future__ import annotations

import torch

from bonebench.errors import InputError
from bonebench.train.checkpoint import load_checkpoint, require_settings
from bonebench.train.config import TrainConfig
from bonebench.train.groups import GROUPS, ModelGroup, build_model
from bonebench.train.precision import Compute

# the settings a teacher must share with the run it teaches: what its inputs mean
SHARED_INPUTS = ("pixel_mm", "click_sigma")


def load_teacher(path: str, group: ModelGroup, config: TrainConfig, compute: Compute) -> torch.nn.Module:
    """The teacher network, frozen, on the run's device: a trained model (checkpoint or exported .onnx) of
    the same inputs as `group` at the same pixel size and click width; InputError otherwise."""
    payload = load_checkpoint(path)
    source = GROUPS.get(payload.get("group"))
    if source is None or source.kind != group.kind \
            or (source.prev_mask, source.neighbour_mask) != (group.prev_mask, group.neighbour_mask):
        raise InputError(f"{path}: --teacher for {group.display} needs a trained {group.display} model "
                         f"(the same inputs), got group {payload.get('group')!r}")
    saved = TrainConfig.from_dict(payload["config"])
    require_settings(path, saved, config, SHARED_INPUTS, "the teacher")
    teacher = build_model(source, saved.base_width)
    try:
        teacher.load_state_dict(payload["model"])
    except RuntimeError:
        raise InputError(f"{path}: its weights do not fit a {source.display} network of width "
                         f"{saved.base_width}") from None
    teacher.requires_grad_(False)
    return compute.prepare(teacher).eval()


def teacher_targets(teacher: torch.nn.Module, x: torch.Tensor, compute: Compute) -> torch.Tensor:
    """The teacher's probabilities (N, 1, H, W, float32) for the minibatch's network inputs."""
    with torch.no_grad(), compute.autocast():
        return torch.sigmoid(teacher(x).float())
