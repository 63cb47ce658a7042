"""Checkpoints written atomically: `last.pt` (everything needed to resume) and `best.pt` (the model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from bonebench.data.atomic import atomic_path
from bonebench.errors import InputError
from bonebench.train.config import TrainConfig
from bonebench.train.groups import GROUPS, RESTORATION_KEY


def save_checkpoint(path: str | Path, payload: dict) -> None:
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)


def load_checkpoint(path: str | Path) -> dict:
    """A checkpoint dict on the CPU, or InputError for a missing, corrupt or foreign file. An exported
    model (`.onnx`) reads as the checkpoint of its network (onnx_payload): a fine-tune starts from it."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such checkpoint")
    if path.suffix == ONNX_SUFFIX:
        return onnx_payload(path)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as exc:  # torch raises many types for a corrupt or foreign file
        raise InputError(f"{path}: not a bonebench checkpoint ({type(exc).__name__})") from None
    if not isinstance(payload, dict) or "model" not in payload or "config" not in payload:
        raise InputError(f"{path}: not a bonebench checkpoint (no model or config inside)")
    return payload


ONNX_SUFFIX = ".onnx"
# export.onnx_export wraps the network as the attribute `net` (its sigmoid around it), so the exported
# initialisers are the U-Net's state dict under this prefix (tests/train/test_interactive.py holds both to it)
ONNX_WEIGHT_PREFIX = "net."
# a walk model exported with its check (`bb-export --check`) holds the walk's network as `walk` and the
# click model's as `check`: a fine-tune from it starts from the walk's weights
CHECKED_WEIGHT_PREFIX = "walk." + ONNX_WEIGHT_PREFIX


def onnx_payload(path: Path) -> dict:
    """The checkpoint of an exported model, for `--init` only: its initialisers are the network's weights
    (fp16 in an `--fp16` export: widened to fp32, so the fine-tune starts from the rounded weights) and its
    metadata gives the group and the settings a fine-tune repeats and an export writes again (the walk's
    arm-seed reach among them); of a walk model with a check, the walk's network. Why: the shipped
    `default.onnx` is then its own fine-tune start, and no training checkpoint has to ship beside it."""
    import onnx
    from onnx import numpy_helper

    from bonebench.protocol.model_info import METADATA_KEY, check_metadata

    try:
        proto = onnx.load(str(path))
    except Exception as exc:  # onnx raises several types for a truncated or foreign file
        raise InputError(f"{path}: not an ONNX model ({type(exc).__name__})") from None
    meta = {p.key: p.value for p in proto.metadata_props}
    if METADATA_KEY not in meta:
        raise InputError(f"{path}: no bonebench metadata; --init takes a model made by bb-export")
    info = check_metadata(meta[METADATA_KEY], path)
    prefix = CHECKED_WEIGHT_PREFIX if info.check else ONNX_WEIGHT_PREFIX
    weights = {i.name.removeprefix(prefix): torch.from_numpy(numpy_helper.to_array(i).astype(np.float32))
               for i in proto.graph.initializer if i.name.startswith(prefix)}
    config = TrainConfig(data="", patients=0, group=info.group, base_width=info.base_width,
                         patch_size=info.patch_size, click_sigma=info.click_sigma, pixel_mm=info.pixel_mm or 0.0,
                         labels=info.label, walk_arms=info.walk_arms or 0.0)
    return {"model": weights, "config": config.to_dict(), "group": info.group, "name": info.name,
            "label_name": info.label, "train_patients": list(info.training_patients)}


# the network settings a fine-tune must repeat from the model it starts from (config field names)
FINE_TUNE_SETTINGS = ("base_width", "pixel_mm")


def require_settings(path: str | Path, saved: TrainConfig, config: TrainConfig, names: tuple[str, ...],
                     subject: str = "the model") -> None:
    """InputError at the first of `names` (config fields) where the model at `path` was trained otherwise than
    this run is configured, naming the option to pass."""
    for name in names:
        option, mine, theirs = "--" + name.replace("_", "-"), getattr(config, name), getattr(saved, name)
        if mine != theirs:
            raise InputError(f"{path}: {subject} was trained with {option} {theirs:g}, this run has {mine:g}; "
                             f"pass {option} {theirs:g}")


def init_source(path: str | Path) -> tuple[str, dict]:
    """What --init names: the checkpoint's group key, and the network settings a fine-tune from it must
    repeat (width, pixel size; none for a restoration checkpoint, which seeds the pretrained groups)."""
    payload = load_checkpoint(path)
    group, config = payload.get("group", ""), payload["config"]
    if group == RESTORATION_KEY:
        return group, {}
    saved = TrainConfig.from_dict(config)
    return group, {name: getattr(saved, name) for name in FINE_TUNE_SETTINGS}


def blend_checkpoints(tuned: str | Path, start: str | Path, share: float) -> dict:
    """A fine-tune's checkpoint with its weights averaged with those it started from: `share` of the
    fine-tuned weights, the rest of the start's (WiSE-FT, Wortsman et al. 2022, alpha = share). Why: on
    one or two patients the steps fit those patients and make the model worse on others (v7 on the
    OpenKBP mandible, docs/results/openkbp-mandible-cpu/v7/), and a lab with two annotated patients has no
    validation patients to tell; halfway between keeps what the start knew. The start may be the
    exported ONNX the fine-tune began from, and a SegInterWalk may blend with the SegInter it grew from
    (its neighbour-mask channel counted at 0, as when it started: grown_input)."""
    if not 0.0 <= share <= 1.0:
        raise InputError(f"--share must be in [0, 1], got {share}")
    end, origin = load_checkpoint(tuned), load_checkpoint(start)
    grows = end.get("group") != origin.get("group")
    if grows and not _grew_from(end.get("group"), origin.get("group")):
        raise InputError(f"{start}: a {origin.get('group')} model cannot be the start of {tuned} "
                         f"({end.get('group')}); name the model its fine-tune started from")
    first = {k: fitted_weight(v, origin["model"].get(k), grows) for k, v in end["model"].items()}
    mismatched = [k for k, v in first.items() if v is None]
    if mismatched or len(origin["model"]) != len(end["model"]):
        raise InputError(f"{start}: its weights do not fit {tuned} ({(mismatched or ['tensor count'])[0]}); "
                         "name the model its fine-tune started from")
    blended = {k: share * v.float() + (1.0 - share) * first[k].float() for k, v in end["model"].items()}
    return {**described_model(end), "model": blended, "blend": {"start": str(start), "share": share}}


def _grew_from(group: str | None, source: str | None) -> bool:
    return group in GROUPS and source in GROUPS and GROUPS[group].grows_from(GROUPS[source])


def fitted_weight(own: torch.Tensor, value: torch.Tensor | None, grows: bool) -> torch.Tensor | None:
    """A saved weight `value` for a network whose own is `own`: as it is where the shapes agree, grown
    by grown_input where the network's group grew from the saved one's (`grows`); None where it does
    not fit (a blend's start, a walk model's --init)."""
    if value is None or value.shape == own.shape:
        return value
    return grown_input(own, value) if grows else None


def grown_input(own: torch.Tensor, value: torch.Tensor) -> torch.Tensor | None:
    """A first-convolution weight with more input channels than `value`: its channels first, the new
    ones at 0 (so the network starts as the one it came from); None where the shapes differ otherwise."""
    if own.dim() != 4 or value.dim() != 4 or own.shape[1] <= value.shape[1] or own.shape[0] != value.shape[0] \
            or own.shape[2:] != value.shape[2:]:
        return None
    grown = torch.zeros_like(own, dtype=value.dtype)
    grown[:, :value.shape[1]] = value
    return grown


# what a last.pt holds beyond the model and its description (train.loop): a blend is no run to resume, and
# the fine-tune's validation score (the key its "metric" names) is not the blend's
RESUME_STATE = ("optimizer", "task", "best_score", "best_value", "best_iteration")


def described_model(payload: dict) -> dict:
    """A checkpoint without its run state and validation score: what a model made from it (a blend, a cut)
    keeps of the model it came from."""
    return {k: v for k, v in payload.items() if k not in RESUME_STATE and k != payload.get("metric")}
