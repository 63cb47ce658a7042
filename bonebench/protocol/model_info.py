"""What an exported model says about itself: the ONNX metadata schema shared by exporter and runtime."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from bonebench.errors import InputError
from bonebench.protocol.kinds import INTERACTIVE
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
        return InputSpec(self.interactive, self.prev_mask, self.click_sigma, self.hu_window)
