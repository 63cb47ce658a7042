"""Automatic segmentation with Seg / SegPretrained models: every axial slice, batched, padded to a
multiple of 16 and cropped back."""

from __future__ import annotations

import numpy as np

from bonebench.data.intensity import window_hu
from bonebench.runtime.session import Model

THRESHOLD = 0.5


def pad_slices(x: np.ndarray, multiple: int = 16) -> np.ndarray:
    """Zero-pad (N, C, H, W) at the bottom and right to multiples of `multiple` (0 = air after windowing)."""
    h, w = x.shape[2:]
    ph, pw = -h % multiple, -w % multiple
    if ph == 0 and pw == 0:
        return np.ascontiguousarray(x)
    return np.pad(x, ((0, 0), (0, 0), (0, ph), (0, pw)))


def predict(model: Model, x: np.ndarray) -> np.ndarray:
    """Probabilities (N, H, W) for network inputs of any H, W."""
    h, w = x.shape[2:]
    return model(pad_slices(x))[:, :h, :w]


def segment_volume(model: Model, hu: np.ndarray, *, batch_slices: int = 8) -> np.ndarray:
    """uint8 mask (z, y, x) of an image-only model over all axial slices of a HU volume."""
    if model.info.interactive:
        raise ValueError("interactive models need clicks: use InteractiveSession")
    mask = np.zeros(hu.shape, np.uint8)
    for z0 in range(0, hu.shape[0], batch_slices):
        images = window_hu(hu[z0:z0 + batch_slices])[:, None]
        mask[z0:z0 + batch_slices] = predict(model, images) > THRESHOLD
    return mask
