"""Exact Euclidean distance transform (Felzenszwalb-Huttenlocher, separable lower envelopes of
parabolas), with anisotropic spacing, and the innermost point of a mask.

Matches scipy.ndimage.distance_transform_edt; hand-written so the runtime needs no scipy and the
next-click kernel can run it on just the bounding box of one region.
"""

from __future__ import annotations

import numpy as np

from bonebench.kernels import _kernels
from bonebench.kernels._checks import KernelInputError, as_mask, as_spacing


def distance_transform(mask, spacing=None, *, border_is_background: bool = False) -> np.ndarray:
    """float64 distance of each nonzero pixel/voxel to the nearest zero one (0 on background).

    spacing: one value or one per axis, in the array's (z,) y, x order. With border_is_background
    the outside of the array counts as background (RITM's padding); otherwise, like scipy, it does
    not, and a mask with no background at all gives infinite distances."""
    m = as_mask(mask, "mask", (2, 3))
    sp = as_spacing(spacing, m.ndim)
    volume = m[None] if m.ndim == 2 else m
    dist = _kernels.edt_3d(volume, sp, border_is_background)
    dist[dist >= np.sqrt(_kernels.INF) * 0.999] = np.inf
    return dist[0] if m.ndim == 2 else dist


def innermost_point(mask, spacing=None) -> tuple[int, ...] | None:
    """Index of the pixel/voxel deepest inside the mask (the array border counts as the mask's border);
    ties go to the first in raster order. None for an empty mask."""
    m = as_mask(mask, "mask", (2, 3))
    volume = m[None] if m.ndim == 2 else m
    z, y, x = _kernels.innermost_3d(volume, as_spacing(spacing, m.ndim))
    if z < 0:
        return None
    return (int(y), int(x)) if m.ndim == 2 else (int(z), int(y), int(x))


def innermost_points(mask, connectivity: int = 8) -> np.ndarray:
    """(k, 2) int64: the innermost pixel of each connected component of a 2D mask (one simulated
    click per object), in scipy.ndimage.label's order of the components."""
    from bonebench.kernels.components import backward_offsets

    m = as_mask(mask, "mask", (2,))
    if connectivity not in (4, 8):
        raise KernelInputError(f"connectivity must be 4 or 8, got {connectivity}")
    return _kernels.innermost_per_component(m, backward_offsets(2, connectivity))
