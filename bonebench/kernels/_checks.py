"""Argument checks shared by the public kernel wrappers: specific errors, contiguous arrays."""

from __future__ import annotations

import numpy as np


class KernelInputError(ValueError):
    """An array handed to a kernel has the wrong shape, dtype or content."""


def as_mask(array, name: str, ndims: tuple[int, ...]) -> np.ndarray:
    """A C-contiguous uint8 view/copy of a boolean or integer mask (nonzero = inside)."""
    a = np.asarray(array)
    if a.ndim not in ndims:
        raise KernelInputError(f"{name} must have {' or '.join(map(str, ndims))} dimensions, got shape {a.shape}")
    if a.dtype == np.bool_:
        return np.ascontiguousarray(a).view(np.uint8)
    if not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        raise KernelInputError(f"{name} must be boolean or numeric, got {a.dtype}")
    return np.ascontiguousarray(a != 0).view(np.uint8)


def as_spacing(spacing, ndim: int) -> np.ndarray:
    """Spacing per axis (z, y, x order, like the array) as float64 of length 3."""
    if spacing is None:
        values = np.ones(ndim)
    else:
        values = np.broadcast_to(np.asarray(spacing, dtype=np.float64), (ndim,)).copy()
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise KernelInputError(f"spacing must be positive and finite, got {spacing}")
    return np.concatenate([np.ones(3 - ndim), values])


def same_shape(a: np.ndarray, b: np.ndarray, names: str) -> None:
    if a.shape != b.shape:
        raise KernelInputError(f"{names} must have the same shape, got {a.shape} and {b.shape}")
