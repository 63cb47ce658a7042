"""In-plane resampling of slices (the model's pixel size, issue 17): bilinear for images and
probabilities, nearest or label-wise linear for label maps.

Pixel centres map as scipy.ndimage.zoom(..., grid_mode=True, mode="nearest") maps them: the grid's
extent is kept, output pixel i sits at input coordinate (i + 0.5) * n_in / n_out - 0.5 and the edge
pixels extend outwards. Numba, so the runtime needs neither scipy nor torch.
"""

from __future__ import annotations

import numpy as np

from bonebench.kernels import _kernels
from bonebench.kernels._checks import KernelInputError


def _batch(array, name: str) -> tuple[np.ndarray, bool]:
    """(N, H, W) view of a 2D or 3D array, and whether it was 2D."""
    a = np.asarray(array)
    if a.ndim not in (2, 3) or 0 in a.shape:
        raise KernelInputError(f"{name} must be a non-empty 2D slice or 3D stack of slices, got shape {a.shape}")
    return (a[None], True) if a.ndim == 2 else (a, False)


def _out_shape(shape) -> tuple[int, int]:
    h, w = (int(v) for v in shape)
    if h < 1 or w < 1:
        raise KernelInputError(f"output shape must be at least 1x1, got {tuple(shape)}")
    return h, w


def resize_linear(images, shape) -> np.ndarray:
    """float32 images (H, W) or (N, H, W) resized bilinearly to `shape` (h, w) per slice."""
    src, flat = _batch(images, "images")
    if not np.issubdtype(src.dtype, np.number) or src.dtype == np.bool_:
        src = src.astype(np.float32)
    h, w = _out_shape(shape)
    out = np.empty((src.shape[0], h, w), np.float32)
    _kernels.resize_linear_batch(np.ascontiguousarray(src, dtype=np.float32), out)
    return out[0] if flat else out


def resize_nearest(labels, shape) -> np.ndarray:
    """uint8 label map (H, W) or (N, H, W) resized to `shape` by nearest neighbour."""
    src, flat = _batch(labels, "labels")
    if src.dtype == np.bool_:
        src = src.view(np.uint8)
    if src.size and (src.min() < 0 or src.max() > 255):
        raise KernelInputError("labels must be in 0..255")
    h, w = _out_shape(shape)
    out = np.empty((src.shape[0], h, w), np.uint8)
    _kernels.resize_nearest_batch(np.ascontiguousarray(src, dtype=np.uint8), out)
    return out[0] if flat else out


def resize_labels(labels, shape) -> np.ndarray:
    """uint8 label map resized label-wise: each value's indicator linearly, then the value with the
    largest share wins, the higher value on ties (a pixel half covered by bone is bone). Smoother than
    nearest, and a 1-2 pixel cortex stays closed where nearest and a strict majority break it up."""
    src, flat = _batch(labels, "labels")
    values = [int(v) for v in np.unique(src)]
    if values[0] < 0 or values[-1] > 255:
        raise KernelInputError("labels must be in 0..255")
    h, w = _out_shape(shape)
    best = resize_linear((src == values[0]).astype(np.float32), (h, w))
    out = np.full(best.shape, values[0], np.uint8)
    for v in values[1:]:
        share = resize_linear((src == v).astype(np.float32), (h, w))
        wins = share >= best
        out[wins] = v
        best = np.maximum(best, share)
    return out[0] if flat else out
