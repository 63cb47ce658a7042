"""Checkpoints written atomically: `last.pt` (everything needed to resume) and `best.pt` (the model)."""

from __future__ import annotations

from pathlib import Path

import torch

from bonebench.data.atomic import atomic_path
from bonebench.errors import InputError
from bonebench.train.config import TrainConfig
from bonebench.train.groups import RESTORATION_KEY


def save_checkpoint(path: str | Path, payload: dict) -> None:
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)


def load_checkpoint(path: str | Path) -> dict:
    """A checkpoint dict on the CPU, or InputError for a missing, corrupt or foreign file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such checkpoint")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as exc:  # torch raises many types for a corrupt or foreign file
        raise InputError(f"{path}: not a bonebench checkpoint ({type(exc).__name__})") from None
    if not isinstance(payload, dict) or "model" not in payload or "config" not in payload:
        raise InputError(f"{path}: not a bonebench checkpoint (no model or config inside)")
    return payload


# the network settings a fine-tune must repeat from the model it starts from (config field names)
FINE_TUNE_SETTINGS = ("base_width", "pixel_mm")


def init_source(path: str | Path) -> tuple[str, dict]:
    """What --init names: the checkpoint's group key, and the network settings a fine-tune from it must
    repeat (width, pixel size; none for a restoration checkpoint, which seeds the pretrained groups)."""
    payload = load_checkpoint(path)
    group, config = payload.get("group", ""), payload["config"]
    if group == RESTORATION_KEY:
        return group, {}
    saved = TrainConfig.from_dict(config)
    return group, {name: getattr(saved, name) for name in FINE_TUNE_SETTINGS}
