"""The study's only intensity normalisation: HU clipped to [-1024, 3000], scaled to [0, 1]."""

from __future__ import annotations

import numpy as np

HU_MIN = -1024.0
HU_MAX = 3000.0


def window_hu(hu: np.ndarray, lo: float = HU_MIN, hi: float = HU_MAX) -> np.ndarray:
    """Clip HU to [lo, hi] and scale linearly to float32 [0, 1]."""
    out = np.clip(np.asarray(hu, dtype=np.float32), lo, hi)
    out -= lo
    out *= 1.0 / (hi - lo)
    return out


def clip_hu_int16(hu: np.ndarray, lo: float = HU_MIN, hi: float = HU_MAX) -> np.ndarray:
    """Clip HU into the window and store as int16: exact, and half the memory of float32."""
    return np.clip(np.rint(hu), lo, hi).astype(np.int16)
