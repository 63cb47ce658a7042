"""Export a training checkpoint to ONNX: dynamic batch, height and width; a sigmoid inside, so the
output is a probability; the model's description (ModelInfo) in the metadata; onnx.checker run on
the result; an fp16 variant for GPUs (fp32 in and out, fp16 inside).

Uses torch's TorchScript-based exporter (dynamo=False): it handles the U-Net's dynamic spatial
sizes without extra dependencies (the dynamo exporter needs onnxscript).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import onnx
import torch

import bonebench
from bonebench.data.atomic import atomic_path
from bonebench.data.intensity import HU_MAX, HU_MIN
from bonebench.errors import InputError
from bonebench.export.opsets import DEFAULT_OPSET, check_opset
from bonebench.protocol.kinds import RESTORATION
from bonebench.protocol.model_info import METADATA_KEY, ModelInfo
from bonebench.protocol.network import DEFAULT_CLICK_SIGMA
from bonebench.train.checkpoint import load_checkpoint
from bonebench.train.groups import build_model, get_group

INPUT, OUTPUT = "input", "probability"


class _Probability(torch.nn.Module):
    """The U-Net with its sigmoid; optionally fp16 inside with fp32 at the boundary."""

    def __init__(self, net: torch.nn.Module, fp16: bool):
        super().__init__()
        self.net = net.half() if fp16 else net
        self.fp16 = fp16

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.fp16:
            return torch.sigmoid(self.net(x.half())).float()
        return torch.sigmoid(self.net(x))


def model_info(payload: dict, fp16: bool) -> ModelInfo:
    """The ModelInfo of a checkpoint (its group, config and training patients) for the ONNX metadata."""
    group = get_group(payload["group"])
    config = payload["config"]
    return ModelInfo(group=group.key, kind=group.kind, name=payload["name"], in_channels=group.in_channels,
                     prev_mask=group.prev_mask, click_sigma=float(config.get("click_sigma", DEFAULT_CLICK_SIGMA)),
                     hu_window=(HU_MIN, HU_MAX), base_width=int(config["base_width"]),
                     patch_size=int(config["patch_size"]), label=payload.get("label_name", ""),
                     training_patients=tuple(payload.get("train_patients", ())),
                     bonebench_version=bonebench.__version__, fp16=fp16,
                     pixel_mm=float(config["pixel_mm"]) if config.get("pixel_mm") else None,
                     neighbour_mask=group.neighbour_mask, walk_arms=float(config.get("walk_arms") or 0) or None)


def load_network(payload: dict) -> torch.nn.Module:
    model = build_model(get_group(payload["group"]), payload["config"]["base_width"])
    model.load_state_dict(payload["model"])
    return model.eval()


def export_checkpoint(checkpoint: str | Path, out: str | Path, *, fp16: bool = False,
                      opset: int = DEFAULT_OPSET) -> ModelInfo:
    """Write `out` (atomically) from a best.pt; returns the metadata it carries."""
    check_opset(opset)
    payload = load_checkpoint(checkpoint)
    if get_group(payload.get("group", "")).kind == RESTORATION:
        raise InputError(f"{checkpoint}: a restoration checkpoint segments nothing; export a segmentation model")
    info = model_info(payload, fp16)
    wrapper = _Probability(load_network(payload), fp16).eval()
    size = info.patch_size
    example = torch.zeros(1, info.in_channels, size, size)
    dims = {0: "batch", 2: "height", 3: "width"}
    with atomic_path(out) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(wrapper, (example,), str(tmp), input_names=[INPUT], output_names=[OUTPUT],
                          dynamic_axes={INPUT: dims, OUTPUT: dims}, opset_version=opset, dynamo=False)
        proto = onnx.load(str(tmp))
        entry = proto.metadata_props.add()
        entry.key, entry.value = METADATA_KEY, info.to_json()
        proto.doc_string = f"bonebench {info.name} ({info.group}), label {info.label or '-'}"
        onnx.checker.check_model(proto)
        onnx.save(proto, str(tmp))
    return info

