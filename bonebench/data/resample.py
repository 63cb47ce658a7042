"""In-plane resampling of volumes to a model's pixel size (mm), as nnU-Net resamples to a target
spacing: images linearly, label maps label-wise (each label's share linearly, the largest wins).
Slices (z) are never touched. The geometry follows: new size and spacing, same physical extent."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bonebench.data.geometry import SPACING_MM, VolumeGeometry, spacing_problem
from bonebench.errors import InputError

# Pixel sizes within this relative difference of the model's are used as they are: resampling
# 0.98 mm to 1 mm would only blur.
SAME_SPACING_RTOL = 0.02


def check_pixel_mm(pixel_mm: float | None, source: str = "pixel size") -> None:
    """A pixel size is None / 0 (no resampling) or a finite size in mm within data.geometry.SPACING_MM."""
    if pixel_mm is None or pixel_mm == 0:
        return
    if spacing_problem(pixel_mm):
        raise InputError(f"{source} must be 0 (no resampling) or between {SPACING_MM[0]:g} and {SPACING_MM[1]:g} mm, "
                         f"got {pixel_mm}")


def needs_resampling(spacing_yx: tuple[float, float], pixel_mm: float | None) -> bool:
    """Whether pixels of `spacing_yx` mm must be resampled to `pixel_mm`: not for None/0, nor within
    SAME_SPACING_RTOL on both axes."""
    return bool(pixel_mm) and any(abs(s - pixel_mm) > SAME_SPACING_RTOL * pixel_mm for s in spacing_yx)


def inplane_shape(shape_yx: tuple[int, int], spacing_yx: tuple[float, float], pixel_mm: float | None
                  ) -> tuple[int, int]:
    """Rows and columns of a slice at `pixel_mm` (the same extent); unchanged where no resampling is needed."""
    if not needs_resampling(spacing_yx, pixel_mm):
        return int(shape_yx[0]), int(shape_yx[1])
    return tuple(max(1, int(round(n * s / pixel_mm))) for n, s in zip(shape_yx, spacing_yx))


def resampled_geometry(geometry: VolumeGeometry, shape_yx: tuple[int, int]) -> VolumeGeometry:
    """The geometry of the volume resampled in-plane to `shape_yx`: spacing scaled by old/new size,
    origin moved so that the grid covers the same extent (pixel centres, as the kernels map them)."""
    nx, ny, nz = geometry.size
    sx, sy, sz = geometry.spacing
    new_x, new_y = shape_yx[1], shape_yx[0]
    spacing = (sx * nx / new_x, sy * ny / new_y, sz)
    shift = np.array([(spacing[0] - sx) / 2, (spacing[1] - sy) / 2, 0.0])  # index offsets in mm, ITK axes
    direction = np.asarray(geometry.direction, dtype=np.float64).reshape(3, 3)
    origin = tuple(float(v) for v in np.asarray(geometry.origin) + direction @ shift)
    return replace(geometry, size=(int(new_x), int(new_y), int(nz)), spacing=spacing, origin=origin)


def resample_inplane(hu: np.ndarray, target: np.ndarray | None, geometry: VolumeGeometry,
                     pixel_mm: float | None) -> tuple[np.ndarray, np.ndarray | None, VolumeGeometry]:
    """A (z, y, x) volume (and its label map) at `pixel_mm` in-plane; as it is when no resampling
    is needed. The image keeps its dtype (rounded for integers), the label map stays uint8."""
    from bonebench.kernels import resize_labels, resize_linear  # numba loads only when resampling

    shape = inplane_shape(hu.shape[1:], (geometry.spacing[1], geometry.spacing[0]), pixel_mm)
    if shape == hu.shape[1:]:
        return hu, target, geometry
    image = resize_linear(hu, shape)
    if np.issubdtype(hu.dtype, np.integer):
        image = np.rint(image)
    labels = None if target is None else resize_labels(target, shape)
    return image.astype(hu.dtype), labels, resampled_geometry(geometry, shape)
