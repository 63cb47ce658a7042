"""Between a volume's pixels and the model's: a model that knows its pixel size (ModelInfo.pixel_mm)
sees each slice window resampled to it, and its probability comes back onto the volume's grid
(linearly, thresholded there), as nnU-Net predicts at its target spacing. A model without a pixel
size, a volume without a spacing, or a spacing within data.resample.SAME_SPACING_RTOL of the
model's, passes through untouched: today's behaviour, bit for bit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from bonebench.data.resample import inplane_shape, needs_resampling
from bonebench.errors import InputError


def check_spacing(spacing: Sequence[float] | None) -> tuple[float, float, float] | None:
    """Voxel spacing (x, y, z) in mm, as VolumeGeometry.spacing holds it: three sizes above 0."""
    if spacing is None:
        return None
    try:
        values = tuple(float(v) for v in spacing)
    except (TypeError, ValueError):
        raise InputError(f"spacing must be three numbers (x, y, z mm), got {spacing!r:.60}") from None
    if len(values) != 3 or not all(math.isfinite(v) and v > 0 for v in values):
        raise InputError(f"spacing must be three sizes above 0 (x, y, z mm), got {spacing!r:.60}")
    return values


@dataclass(frozen=True)
class SliceScale:
    """How a slice's pixels (spacing sy, sx mm) map onto the model's (pixel_mm); `active` when they differ."""

    sy: float = 1.0
    sx: float = 1.0
    pixel_mm: float | None = None

    @classmethod
    def of(cls, model_pixel_mm: float | None, spacing: Sequence[float] | None) -> "SliceScale":
        """The scale for a model's pixel size and a volume's spacing (x, y, z); inactive where either is
        missing or they agree."""
        checked = check_spacing(spacing)
        if checked is None or not needs_resampling((checked[1], checked[0]), model_pixel_mm):
            return cls()
        return cls(checked[1], checked[0], float(model_pixel_mm))

    @property
    def active(self) -> bool:
        return self.pixel_mm is not None

    def model_shape(self, shape_yx: tuple[int, int]) -> tuple[int, int]:
        """Rows and columns of a window of `shape_yx` volume pixels at the model's pixel size."""
        return inplane_shape(shape_yx, (self.sy, self.sx), self.pixel_mm)

    def window_sides(self, side: int) -> tuple[int, int]:
        """Volume pixels (rows, columns) that hold `side` model pixels."""
        if not self.active:
            return side, side
        return max(1, round(side * self.pixel_mm / self.sy)), max(1, round(side * self.pixel_mm / self.sx))

    def to_model(self, slices: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
        """(N, h, w) float slices (HU clipped to the window, or masks) resampled to `shape`."""
        from bonebench.kernels import resize_linear

        return resize_linear(slices, shape) if self.active else slices

    def points_to_model(self, points: list[tuple[int, int]], window: tuple[int, int],
                        shape: tuple[int, int]) -> list[tuple[int, int]]:
        """Window pixel (y, x) -> the model pixel that holds its centre."""
        (h, w), (h2, w2) = window, shape
        return [(min(int((y + 0.5) * h2 / h), h2 - 1), min(int((x + 0.5) * w2 / w), w2 - 1)) for y, x in points]

    def to_volume(self, probability: np.ndarray, window: tuple[int, int]) -> np.ndarray:
        """(N, h2, w2) probabilities back onto the window's (h, w) volume pixels, linearly."""
        from bonebench.kernels import resize_linear

        return resize_linear(probability, window) if self.active else probability
