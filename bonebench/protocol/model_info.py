"""What an exported model says about itself: the ONNX metadata schema shared by exporter and runtime."""

from __future__ import annotations

import json
import math
import types
import typing
from dataclasses import asdict, dataclass, fields

from bonebench.errors import InputError
from bonebench.protocol.kinds import INTERACTIVE, SEGMENTATION
from bonebench.protocol.network import InputSpec

METADATA_KEY = "bonebench"


@dataclass(frozen=True)
class ModelInfo:
    group: str  # registry key: seg, pretrained, inter, inter-prev, ...
    kind: str  # segmentation | interactive
    name: str  # Seg10, SegInter1, ...
    in_channels: int
    prev_mask: bool
    click_sigma: float
    hu_window: tuple[float, float]
    base_width: int
    patch_size: int
    label: str  # target label name(s), comma separated for multi-bone models
    training_patients: tuple[str, ...]
    bonebench_version: str
    fp16: bool = False
    pixel_mm: float | None = None  # in-plane pixel size (mm) the model was trained at; None: any (old models)
    neighbour_mask: bool = False  # the neighbouring slice's mask is the last input channel (SegInterWalk)
    walk_arms: float | None = None  # SegInterWalk trained with --walk-arms: its walk's arm-seed reach (model px)
    check: str | None = None  # name of the click model whose probability is the output's second channel (the walk's check)

    @property
    def outputs(self) -> int:
        """Output channels: the mask's probability, and the check's with a check model."""
        return 2 if self.check else 1

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str, source: str = "model") -> "ModelInfo":
        """Parse the metadata JSON, ignoring unknown fields; InputError when it does not fit."""
        try:
            d = json.loads(text)
            known = {f.name for f in fields(cls)}
            d = {k: v for k, v in d.items() if k in known}
            d["hu_window"] = tuple(d["hu_window"])
            d["training_patients"] = tuple(d["training_patients"])
            return cls(**d)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:  # AttributeError: not a JSON object
            raise InputError(f"{source}: bonebench metadata is unreadable ({exc})") from None

    @property
    def interactive(self) -> bool:
        return self.kind == INTERACTIVE

    @property
    def inputs(self) -> InputSpec:
        """The input this model expects, with its own click sigma and HU window."""
        return InputSpec(self.interactive, self.prev_mask, self.click_sigma, self.hu_window, self.neighbour_mask)


def _type_ok(value, expected) -> bool:
    """isinstance for ModelInfo's annotations: str, int, float, bool, tuple[float, float], tuple[str, ...],
    and `X | None`."""
    if isinstance(expected, types.UnionType) or typing.get_origin(expected) is typing.Union:
        return any(_type_ok(value, arg) for arg in typing.get_args(expected))
    if expected is type(None):
        return value is None
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if typing.get_origin(expected) is tuple:
        args = typing.get_args(expected)
        if not isinstance(value, (list, tuple)):  # JSON has lists
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_type_ok(v, args[0]) for v in value)
        return len(value) == len(args) and all(_type_ok(v, a) for v, a in zip(value, args))
    return isinstance(value, expected)


def check_metadata(text: str, path) -> ModelInfo:
    """The metadata as ModelInfo, every field of the type ModelInfo declares (the dataclass is the one
    schema) and the values the runtime computes with sane; else one clear refusal, not a crash later."""
    try:
        raw = json.loads(text)
    except ValueError:
        raw = None
    if not isinstance(raw, dict):
        raise InputError(f"{path}: bonebench metadata is unreadable (not a JSON object)")
    hints = typing.get_type_hints(ModelInfo)
    for f in fields(ModelInfo):
        if f.name in raw and not _type_ok(raw[f.name], hints[f.name]):
            value = raw[f.name]
            raise InputError(f"{path}: bonebench metadata field '{f.name}' has the wrong type "
                             f"({type(value).__name__} {value!r:.40}); re-export the model with bb-export")
    info = ModelInfo.from_json(text, str(path))
    if (info.kind not in (INTERACTIVE, SEGMENTATION) or info.in_channels != info.inputs.channels
            or info.click_sigma <= 0):
        raise InputError(f"{path}: bonebench metadata is inconsistent (kind {info.kind!r}, "
                         f"in_channels {info.in_channels}, click_sigma {info.click_sigma})")
    if info.pixel_mm is not None and not info.pixel_mm > 0:
        raise InputError(f"{path}: bonebench metadata field 'pixel_mm' must be above 0, got {info.pixel_mm}")
    if info.walk_arms is not None and info.walk_arms < 0:  # finite already: _type_ok
        raise InputError(f"{path}: bonebench metadata field 'walk_arms' must be a reach of at least 0, "
                         f"got {info.walk_arms}")
    if info.check is not None and not info.neighbour_mask:
        raise InputError(f"{path}: bonebench metadata names a check model ({info.check!r:.40}) but the model "
                         "carries no neighbour mask; only a walk model has a check")
    return info
