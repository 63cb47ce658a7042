"""The next click, from a prediction and the ground truth, as a simulated user would place it.

`largest` (the study's protocol): split the errors into false negatives and false positives, take
the biggest connected error region, click its innermost pixel (the array border counts as region
border, as in RITM); positive for a false negative. `ritm`: RITM's evaluation clicker, the error
pixel farthest from its region's border over all errors; positive if the false-negative distance
beats the false-positive one. Neither mode clicks a pixel that was clicked before.

One fused kernel (components, sizes, bounding box, exact distance transform on that box only,
argmax) is what makes this 10x faster than the scipy pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bonebench.kernels import _kernels
from bonebench.kernels._checks import KernelInputError, as_mask, as_spacing, same_shape
from bonebench.kernels.components import backward_offsets

MODES = ("largest", "ritm")


@dataclass(frozen=True)
class Click:
    y: int
    x: int
    positive: bool


def _check(pred, truth, clicked, ndim: int, mode: str, connectivity: int):
    p = as_mask(pred, "prediction", (ndim,))
    t = as_mask(truth, "truth", (ndim,))
    same_shape(p, t, "prediction and truth")
    c = np.zeros_like(p) if clicked is None else as_mask(clicked, "clicked", (ndim,))
    same_shape(p, c, "prediction and clicked")
    if mode not in MODES:
        raise KernelInputError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if connectivity not in (4, 8):
        raise KernelInputError(f"connectivity must be 4 or 8, got {connectivity}")
    return p, t, c


def next_click(prediction, truth, clicked=None, *, mode: str = "largest", connectivity: int = 4,
               spacing=None) -> Click | None:
    """The next click on one 2D slice, or None when the prediction has no (unclicked) error.

    clicked: a mask of pixels clicked before (never chosen again). spacing: (y, x) pixel size."""
    p, t, c = _check(prediction, truth, clicked, 2, mode, connectivity)
    sp = as_spacing(spacing, 2)
    if mode == "ritm":
        y, x, pos = _kernels.next_click_ritm(p, t, c, sp[1], sp[2])
    else:
        y, x, pos = _kernels.next_click_largest(p, t, c, backward_offsets(2, connectivity), sp[1], sp[2])
    return None if y < 0 else Click(int(y), int(x), bool(pos))


def next_click_batch(prediction, truth, clicked=None, *, mode: str = "largest", connectivity: int = 4,
                     spacing=None) -> np.ndarray:
    """(N, 3) int64 rows (y, x, positive) for N slices; (-1, -1, -1) where a slice has no error."""
    p, t, c = _check(prediction, truth, clicked, 3, mode, connectivity)
    sp = as_spacing(spacing, 2)
    out = np.empty((p.shape[0], 3), np.int64)
    _kernels.next_click_batch(p, t, c, mode == "ritm", backward_offsets(2, connectivity), sp[1], sp[2], out)
    return out
