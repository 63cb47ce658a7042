"""Models Genesis restoration distortions, reimplemented from their published description for 2D
patches (the reference code's licence is non-commercial; nothing is copied from it).

In order, each with its own probability: flip (p 0.4, up to two random axes, applied to input and
target alike); local pixel shuffling (p 0.5); a nonlinear intensity curve (p 0.9, a cubic Bezier
through (0,0), two random points and (1,1), reversed in half the cases); painting (p 0.9):
in-painting in 20 % of those (up to 5 boxes of side P/6..P/3 filled with uniform noise), otherwise
out-painting (noise everywhere, then 1 + up to 4 windows of the original revealed). Inputs and
outputs are float32 in [0, 1]. The generator is a numpy Generator, so runs resume exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bonebench.train import _kernels


@dataclass(frozen=True)
class DistortionRates:
    flip: float = 0.4
    local_shuffle: float = 0.5
    nonlinear: float = 0.9
    paint: float = 0.9
    inpaint_share: float = 0.2


def flip(patch: np.ndarray, target: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Flip input and target together along random axes, up to two times."""
    for _ in range(2):
        if rng.random() >= 0.5:
            break
        axis = int(rng.integers(0, 2))
        patch, target = np.flip(patch, axis), np.flip(target, axis)
    return np.ascontiguousarray(patch), np.ascontiguousarray(target)


def local_shuffle(patch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    side = max(1, min(patch.shape) // 10)
    n_blocks = patch.size // 10
    return _kernels.shuffle_local_pixels(np.ascontiguousarray(patch), int(rng.integers(0, 2 ** 31 - 1)),
                                         n_blocks, side)


def bezier_lookup(rng: np.random.Generator, samples: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """A monotone lookup curve: x, y of a cubic Bezier through (0,0), two random points, (1,1)."""
    p1, p2 = rng.random(2), rng.random(2)
    t = np.linspace(0.0, 1.0, samples)[:, None]
    curve = 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t ** 2 * p2 + t ** 3
    order = np.argsort(curve[:, 0], kind="stable")
    return curve[order, 0], np.sort(curve[:, 1])


LUT_SIZE = 1024


def nonlinear(patch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Apply the curve through a 1024-entry lookup table (steps of 1/1024, about 4 HU; much faster
    than interpolating every pixel)."""
    xs, ys = bezier_lookup(rng)
    if rng.random() < 0.5:
        ys = ys[::-1]  # reversed curve: bright becomes dark
    lut = np.interp(np.linspace(0.0, 1.0, LUT_SIZE), xs, ys).astype(np.float32)
    index = (patch * (LUT_SIZE - 1) + 0.5).astype(np.intp)
    np.clip(index, 0, LUT_SIZE - 1, out=index)
    return lut[index]


def _box(rng: np.random.Generator, size: int, lo: int, hi: int) -> tuple[slice, slice]:
    bh, bw = int(rng.integers(lo, hi + 1)), int(rng.integers(lo, hi + 1))
    y0, x0 = int(rng.integers(0, size - bh + 1)), int(rng.integers(0, size - bw + 1))
    return slice(y0, y0 + bh), slice(x0, x0 + bw)


def inpaint(patch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Models Genesis in-painting: up to 5 boxes (side dim/6..dim/3) filled with uniform noise."""
    out = patch.copy()
    size = min(patch.shape)
    for _ in range(5):
        box = _box(rng, size, max(size // 6, 1), max(size // 3, 1))
        out[box] = rng.random((box[0].stop - box[0].start, box[1].stop - box[1].start))
        if rng.random() >= 0.95:
            break
    return out


def outpaint(patch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Models Genesis out-painting: noise everywhere but 1 + up to 4 windows of the original."""
    size = min(patch.shape)
    out = rng.random(patch.shape).astype(np.float32)
    for _ in range(5):  # the first window always, then up to 4 more
        side_lo, side_hi = size - 4 * size // 7, size - 3 * size // 7
        box = _box(rng, size, max(side_lo, 1), max(side_hi, 1))
        out[box] = patch[box]
        if rng.random() >= 0.95:
            break
    return out


def distort(patch: np.ndarray, rng: np.random.Generator,
            rates: DistortionRates = DistortionRates()) -> tuple[np.ndarray, np.ndarray]:
    """(distorted input, restoration target) for one 2D patch in [0, 1]."""
    target = patch
    if rng.random() < rates.flip:
        patch, target = flip(patch, target, rng)
    x = patch
    if rng.random() < rates.local_shuffle:
        x = local_shuffle(x, rng)
    if rng.random() < rates.nonlinear:
        x = nonlinear(x, rng)
    if rng.random() < rates.paint:
        x = inpaint(x, rng) if rng.random() < rates.inpaint_share else outpaint(x, rng)
    return x.astype(np.float32, copy=False), np.ascontiguousarray(target, dtype=np.float32)


def distort_batch(patches: np.ndarray, rng: np.random.Generator,
                  rates: DistortionRates = DistortionRates()) -> tuple[np.ndarray, np.ndarray]:
    """Distort a (B, 1, P, P) batch; returns inputs and targets of the same shape."""
    inputs = np.empty_like(patches, dtype=np.float32)
    targets = np.empty_like(patches, dtype=np.float32)
    for b in range(patches.shape[0]):
        inputs[b, 0], targets[b, 0] = distort(patches[b, 0], rng, rates)
    return inputs, targets
