"""Validation as in the study: the network on whole axial slices, Dice (Eq. 1) per patient."""

from __future__ import annotations

import numpy as np
import torch

from bonebench.data.intensity import window_hu
from bonebench.kernels.metrics import dice


def pad_to_multiple(shape_hw: tuple[int, int], multiple: int = 16) -> tuple[int, int]:
    return tuple(-(-s // multiple) * multiple for s in shape_hw)


@torch.no_grad()
def predict_volume(model: torch.nn.Module, hu: np.ndarray, device: torch.device, *,
                   batch_slices: int = 16) -> np.ndarray:
    """Foreground probability (float32, z, y, x) for every axial slice of a clipped-HU volume."""
    model.eval()
    nz, h, w = hu.shape
    ph, pw = pad_to_multiple((h, w))
    out = np.empty((nz, h, w), dtype=np.float32)
    for z0 in range(0, nz, batch_slices):
        chunk = window_hu(hu[z0:z0 + batch_slices])
        padded = np.zeros((len(chunk), 1, ph, pw), dtype=np.float32)
        padded[:, 0, :h, :w] = chunk
        x = torch.from_numpy(padded).to(device)
        if device.type == "cuda":
            x = x.contiguous(memory_format=torch.channels_last)
            with torch.autocast("cuda", dtype=torch.bfloat16):
                logits = model(x)
        else:
            logits = model(x)
        out[z0:z0 + len(chunk)] = torch.sigmoid(logits.float())[:, 0, :h, :w].cpu().numpy()
    model.train()
    return out


def validation_dice(model: torch.nn.Module, cases, device: torch.device) -> float:
    """Mean over patients of the volume Dice of the thresholded prediction."""
    scores = [dice(c.target, predict_volume(model, c.hu, device) > 0.5) for c in cases]
    return float(np.mean(scores))
