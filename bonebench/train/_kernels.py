"""Private Numba kernels of the training side (restoration distortions)."""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

_MASK = 0xFFFFFFFFFFFFFFFF


@njit(cache=True, nogil=True)
def _next(state):
    """splitmix64 step: a fast, well-mixed generator; the caller seeds it from a numpy Generator."""
    state[0] = (state[0] + uint64(0x9E3779B97F4A7C15)) & uint64(_MASK)
    z = state[0]
    z = ((z ^ (z >> uint64(30))) * uint64(0xBF58476D1CE4E5B9)) & uint64(_MASK)
    z = ((z ^ (z >> uint64(27))) * uint64(0x94D049BB133111EB)) & uint64(_MASK)
    return z ^ (z >> uint64(31))


@njit(cache=True, nogil=True)
def _below(state, n):
    """Uniform integer in [0, n)."""
    return np.int64(_next(state) % uint64(n))


@njit(cache=True, nogil=True)
def shuffle_local_pixels(patch, seed, n_blocks, max_side):
    """Models Genesis local pixel shuffling on a 2D patch: n_blocks small blocks (side 1..max_side)
    taken from the original, their pixels permuted, written into a copy."""
    state = np.empty(1, np.uint64)
    state[0] = uint64(seed)
    h, w = patch.shape
    out = patch.copy()
    buf = np.empty(max_side * max_side, patch.dtype)
    for _ in range(n_blocks):
        bh = 1 + _below(state, max_side)
        bw = 1 + _below(state, max_side)
        y0 = _below(state, h - bh + 1)
        x0 = _below(state, w - bw + 1)
        n = 0
        for y in range(y0, y0 + bh):
            for x in range(x0, x0 + bw):
                buf[n] = patch[y, x]
                n += 1
        for i in range(n - 1, 0, -1):  # Fisher-Yates
            j = _below(state, i + 1)
            buf[i], buf[j] = buf[j], buf[i]
        n = 0
        for y in range(y0, y0 + bh):
            for x in range(x0, x0 + bw):
                out[y, x] = buf[n]
                n += 1
    return out
