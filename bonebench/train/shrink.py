"""A narrower U-Net from a trained one (`bb-train shrink`): every layer keeps the output channels whose
filters have the largest L1 norms (Li et al. 2017, "Pruning filters for efficient ConvNets") and the
next layer the matching input channels, skips and upsampling included.

Why: the runtime's cost is the network's (a base-12 U-Net is two thirds of a base-16's arithmetic),
and a narrower network trained from scratch behaves differently from the wide one where the walk
relies on it (a base-8 check from scratch lost whole pieces of pelves, docs/results/one-click/). Cut
from the wide one and fine-tuned towards it (`bb-train inter --teacher`), it starts where the wide one is.
"""

from __future__ import annotations

from pathlib import Path

import torch

from bonebench.errors import InputError
from bonebench.train.checkpoint import described_model, load_checkpoint
from bonebench.train.config import TrainConfig
from bonebench.train.unet import DEPTH, OUTPUT_LAYER


def _strongest(norms: torch.Tensor, count: int) -> torch.Tensor:
    """Indices of the `count` largest norms, in their original order (ties: the first)."""
    return torch.sort(torch.topk(norms, count, sorted=False).indices).values


class _Cutter:
    """Walks a U-Net state dict layer by layer, writing each layer's kept channels into `out`."""

    def __init__(self, state: dict[str, torch.Tensor]):
        self.state, self.out = state, {}

    def conv(self, name: str, inputs: torch.Tensor, count: int) -> torch.Tensor:
        weight = self.state[name + ".weight"]  # (out, in, kh, kw)
        keep = _strongest(weight.abs().sum(dim=(1, 2, 3)), count)
        self.out[name + ".weight"] = weight[keep][:, inputs].clone()
        self.out[name + ".bias"] = self.state[name + ".bias"][keep].clone()
        return keep

    def block(self, name: str, inputs: torch.Tensor, count: int) -> torch.Tensor:
        """A double convolution (train.unet._double_conv: convolutions at 0 and 2)."""
        return self.conv(f"{name}.2", self.conv(f"{name}.0", inputs, count), count)

    def upsample(self, name: str, inputs: torch.Tensor, count: int) -> torch.Tensor:
        weight = self.state[name + ".weight"]  # transposed convolution: (in, out, kh, kw)
        keep = _strongest(weight.abs().sum(dim=(0, 2, 3)), count)
        self.out[name + ".weight"] = weight[inputs][:, keep].clone()
        self.out[name + ".bias"] = self.state[name + ".bias"][keep].clone()
        return keep


def shrunk_state(state: dict[str, torch.Tensor], in_channels: int, base_width: int) -> dict[str, torch.Tensor]:
    """The weights of a train.unet.UNet of `base_width` cut from `state`, a wider one's."""
    old_base = state["down.0.0.weight"].shape[0]
    if not 1 <= base_width <= old_base:
        raise InputError(f"--base-width must be 1..{old_base} (the network's own width), got {base_width}")
    old = [old_base * 2 ** i for i in range(DEPTH + 1)]
    new = [base_width * 2 ** i for i in range(DEPTH + 1)]
    cut = _Cutter(state)
    kept, skips = torch.arange(in_channels), []
    for i in range(DEPTH):
        kept = cut.block(f"down.{i}", kept, new[i])
        skips.append(kept)
    kept = cut.block("bottom", kept, new[-1])
    for j, i in enumerate(reversed(range(DEPTH))):
        up = cut.upsample(f"up.{j}", kept, new[i])
        kept = cut.block(f"merge.{j}", torch.cat([up, skips[i] + old[i]]), new[i])  # cat([up(x), skip])
    head = state[OUTPUT_LAYER + ".weight"]
    cut.out[OUTPUT_LAYER + ".weight"] = head[:, kept].clone()
    cut.out[OUTPUT_LAYER + ".bias"] = state[OUTPUT_LAYER + ".bias"].clone()
    return cut.out


def shrink_checkpoint(path: str | Path, base_width: int) -> dict:
    """A checkpoint (or exported model) cut to `base_width`: a start for `bb-train ... --init`, whose
    config names the new width; no optimiser or run state (it is no run to resume)."""
    payload = load_checkpoint(path)
    state = payload["model"]
    if "down.0.0.weight" not in state or OUTPUT_LAYER + ".weight" not in state:
        raise InputError(f"{path}: not a U-Net checkpoint (no {OUTPUT_LAYER} or first convolution)")
    in_channels = state["down.0.0.weight"].shape[1]
    config = TrainConfig.from_dict(payload["config"]).to_dict() | {"base_width": base_width}
    return {**described_model(payload), "model": shrunk_state(state, in_channels, base_width), "config": config,
            "shrink": {"source": str(path), "base_width": base_width}}
