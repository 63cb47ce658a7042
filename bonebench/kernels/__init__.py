"""Numba click tooling and metrics, shared by training (click simulation) and the runtime; no torch.

Importing this package is cheap: numba loads (and cached kernels compile or load from the cache)
only when a function is first used.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "click_maps": "clicks", "click_maps_batch": "clicks", "gaussian_weights": "clicks",
    "label_components": "components",
    "distance_transform": "distance", "innermost_point": "distance", "innermost_points": "distance",
    "next_click": "clicker", "next_click_batch": "clicker", "Click": "clicker",
    "dice": "metrics", "iou": "metrics",
    "resize_linear": "resample", "resize_nearest": "resample", "resize_labels": "resample",
    "KernelInputError": "_checks",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'bonebench.kernels' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"bonebench.kernels.{module}"), name)
    globals()[name] = value
    return value
