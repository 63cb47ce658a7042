"""Automatic segmentation with Seg / SegPretrained models: every axial slice, batched (Model.predict
pads each batch by the protocol's pad rule and crops it back)."""

from __future__ import annotations

import numpy as np

from bonebench.errors import InputError
from bonebench.protocol.network import THRESHOLD, network_input
from bonebench.runtime.session import Model


def segment_volume(model: Model, hu: np.ndarray, *, batch_slices: int = 8) -> np.ndarray:
    """uint8 mask (z, y, x) of an image-only model over all axial slices of a HU volume."""
    if model.info.interactive:
        raise InputError(f"{model.path}: model {model.info.name} is interactive and needs clicks (--click)")
    mask = np.zeros(hu.shape, np.uint8)
    for z0 in range(0, hu.shape[0], batch_slices):
        inputs = network_input(hu[z0:z0 + batch_slices], model.info.inputs)
        mask[z0:z0 + batch_slices] = model.predict(inputs) > THRESHOLD
    return mask
