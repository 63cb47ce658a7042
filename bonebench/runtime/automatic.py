"""Automatic segmentation with Seg / SegPretrained models: every axial slice, batched (Model.predict
pads each batch by the protocol's pad rule and crops it back)."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from bonebench.errors import InputError
from bonebench.protocol.network import THRESHOLD, network_input
from bonebench.runtime.scaling import SliceScale
from bonebench.runtime.session import Model


def segment_volume(model: Model, hu: np.ndarray, *, batch_slices: int = 8,
                   spacing: Sequence[float] | None = None) -> np.ndarray:
    """uint8 mask (z, y, x) of an image-only model over all axial slices of a HU volume; slices
    resampled to the model's pixel size and back when `spacing` (x, y, z mm) differs from it."""
    if model.info.interactive:
        raise InputError(f"{model.path}: model {model.info.name} is interactive and needs clicks (--click)")
    scale = SliceScale.of(model.info.pixel_mm, spacing)
    shape = scale.model_shape(hu.shape[1:])
    mask = np.zeros(hu.shape, np.uint8)
    for z0 in range(0, hu.shape[0], batch_slices):
        image = hu[z0:z0 + batch_slices]
        if scale.active:
            image = scale.to_model(np.clip(image, *model.info.hu_window).astype(np.float32), shape)
        probability = model.predict(network_input(image, model.info.inputs))
        mask[z0:z0 + batch_slices] = scale.to_volume(probability, hu.shape[1:]) > THRESHOLD
    return mask
