"""Overlap metrics: the study's Dice (Eq. 1) and IoU, for 2D or 3D masks or probabilities."""

from __future__ import annotations

import numpy as np


def dice(truth: np.ndarray, prediction: np.ndarray, *, empty: float = 1.0) -> float:
    """Eq. 1: 2·Σ(gt·p) / (Σgt² + Σp²); `empty` when both are empty."""
    gt = np.asarray(truth, dtype=np.float64)
    p = np.asarray(prediction, dtype=np.float64)
    if gt.shape != p.shape:
        raise ValueError(f"truth {gt.shape} and prediction {p.shape} differ in shape")
    denom = float(np.sum(gt * gt) + np.sum(p * p))
    return empty if denom == 0.0 else 2.0 * float(np.sum(gt * p)) / denom
