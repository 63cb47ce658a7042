"""Export a training checkpoint to ONNX: dynamic batch, height and width; a sigmoid inside, so the
output is a probability; the model's description (ModelInfo) in the metadata; onnx.checker run on
the result; an fp16 variant for GPUs (fp32 in and out, fp16 inside). A walk model can carry a click
model as its check (`check`): one graph, the walk's probability and the click model's (from the same
input less the carried mask) as its two output channels (runtime.walk_check), so the runtime calls one
network per walked slice.

Uses torch's TorchScript-based exporter (dynamo=False): it handles the U-Net's dynamic spatial
sizes without extra dependencies (the dynamo exporter needs onnxscript).
"""

from __future__ import annotations

import warnings
from dataclasses import replace
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


class _WithCheck(torch.nn.Module):
    """The walk model's probability and its check's (a click model fed the input less the carried
    mask, the last channel) as two output channels."""

    def __init__(self, walk: torch.nn.Module, check: torch.nn.Module, check_channels: int):
        super().__init__()
        self.walk, self.check, self.check_channels = walk, check, check_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.walk(x), self.check(x[:, :self.check_channels])], dim=1)


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


def _check_differences(info: ModelInfo, check: ModelInfo) -> list[str]:
    """What keeps `check` from checking the walk `info`: each difference as 'what, the check's, the walk's'."""
    if not (check.interactive and not check.neighbour_mask and not check.prev_mask
            and check.in_channels == info.in_channels - 1):
        return [f"not a click model: {check.in_channels} input channels, neighbour mask {check.neighbour_mask}, "
                f"previous mask {check.prev_mask}"]
    pairs = {"pixel (mm)": (check.pixel_mm, info.pixel_mm), "HU window": (check.hu_window, info.hu_window),
             "click sigma": (check.click_sigma, info.click_sigma)}
    return [f"{what} {mine} against the walk's {walk}" for what, (mine, walk) in pairs.items() if mine != walk]


def _checked(info: ModelInfo, check: ModelInfo, walk_path, check_path) -> ModelInfo:
    """The walk's ModelInfo naming its check, once the check is a click model that reads the walk's
    input less the carried mask at the same pixel size; else one clear refusal."""
    if not info.neighbour_mask:
        raise InputError(f"{walk_path}: only a walk model (SegInterWalk, bb-train inter --neighbour-mask) "
                         f"takes a --check; this is {info.name} ({info.group})")
    differences = _check_differences(info, check)
    if differences:
        raise InputError(f"{check_path}: a check must be a click model (SegInter) at the walk's pixel size, "
                         f"HU window and click sigma; this is {check.name} ({check.group}): "
                         + "; ".join(differences))
    return replace(info, check=check.name)


def _network(checkpoint, fp16: bool) -> tuple[torch.nn.Module, ModelInfo]:
    payload = load_checkpoint(checkpoint)
    if get_group(payload.get("group", "")).kind == RESTORATION:
        raise InputError(f"{checkpoint}: a restoration checkpoint segments nothing; export a segmentation model")
    return _Probability(load_network(payload), fp16).eval(), model_info(payload, fp16)


def export_checkpoint(checkpoint: str | Path, out: str | Path, *, fp16: bool = False,
                      opset: int = DEFAULT_OPSET, check: str | Path | None = None) -> ModelInfo:
    """Write `out` (atomically) from a best.pt, with `check` (a click model's checkpoint) as a walk
    model's check; returns the metadata it carries."""
    check_opset(opset)
    wrapper, info = _network(checkpoint, fp16)
    if check is not None:
        check_net, check_info = _network(check, fp16)
        info = _checked(info, check_info, checkpoint, check)
        wrapper = _WithCheck(wrapper, check_net, check_info.in_channels).eval()
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

