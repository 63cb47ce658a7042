"""Connected components of boolean masks in 2D (4/8) and 3D (6/26): the same labels, in the same
order, as scipy.ndimage.label with the matching structure. Union-find over one raster scan;
hand-written so the runtime needs no scipy, and so the next-click kernel can fuse it."""

from __future__ import annotations

import itertools

import numpy as np

from bonebench.kernels import _kernels
from bonebench.kernels._checks import KernelInputError, as_mask

_VALID = {2: (4, 8), 3: (6, 26)}


def backward_offsets(ndim: int, connectivity: int) -> np.ndarray:
    """Neighbour offsets that come earlier in raster order, as (dz, dy, dx)."""
    full = connectivity in (8, 26)
    offs = []
    for d in itertools.product((-1, 0, 1), repeat=3):
        if d >= (0, 0, 0):
            continue
        if ndim == 2 and d[0] != 0:
            continue
        if not full and sum(map(abs, d)) != 1:
            continue
        offs.append(d)
    return np.array(offs, dtype=np.int64)


def label_components(mask, connectivity: int | None = None) -> tuple[np.ndarray, int]:
    """(labels int32, count): components of a 2D or 3D mask; default connectivity 4 (2D) or 6 (3D)."""
    m = as_mask(mask, "mask", (2, 3))
    connectivity = connectivity or _VALID[m.ndim][0]
    if connectivity not in _VALID[m.ndim]:
        raise KernelInputError(f"connectivity for a {m.ndim}D mask must be one of {_VALID[m.ndim]}, got {connectivity}")
    volume = m[None] if m.ndim == 2 else m
    labels = np.empty(volume.shape, np.int32)
    count = _kernels.label_volume(volume, backward_offsets(m.ndim, connectivity), labels)
    return (labels[0] if m.ndim == 2 else labels), int(count)
