"""Overlap metrics for 2D or 3D masks or probabilities: the study's Dice (Eq. 1) and IoU.

One fused pass (Numba) instead of numpy's three temporaries: on a 512x512x200 volume this is the
difference between reading the data once and allocating three float64 copies of it.
"""

from __future__ import annotations

import numpy as np

from bonebench.kernels import _kernels
from bonebench.kernels._checks import KernelInputError


def _flat(array, name: str) -> np.ndarray:
    a = np.asarray(array)
    if a.dtype == np.bool_:
        a = a.view(np.uint8)
    elif not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        raise KernelInputError(f"{name} must be boolean or numeric, got {a.dtype}")
    return np.ascontiguousarray(a).ravel()


def _sums(truth, prediction) -> tuple[float, float, float]:
    t, p = _flat(truth, "truth"), _flat(prediction, "prediction")
    if np.shape(truth) != np.shape(prediction):
        raise KernelInputError(f"truth {np.shape(truth)} and prediction {np.shape(prediction)} differ in shape")
    return _kernels.overlap_sums(t, p)


def dice(truth, prediction, *, empty: float = 1.0) -> float:
    """Eq. 1: 2·Σ(gt·p) / (Σgt² + Σp²); `empty` when both are empty."""
    inter, sg, sp = _sums(truth, prediction)
    denom = sg + sp
    return empty if denom == 0.0 else 2.0 * inter / denom


def iou(truth, prediction, *, empty: float = 1.0) -> float:
    """Σ(gt·p) / (Σgt² + Σp² − Σ(gt·p)): the Jaccard index for binary masks."""
    inter, sg, sp = _sums(truth, prediction)
    union = sg + sp - inter
    return empty if union == 0.0 else inter / union
