"""An overlay picture of a segmentation (the study's Figure 6 style): a few axial slices side by side,
the mask in red over the CT in a bone window. Written with SimpleITK's PNG writer, so the runtime
needs no plotting library."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import SimpleITK as sitk

from bonebench.data.atomic import atomic_path


def overlay(hu_slice: np.ndarray, mask_slice: np.ndarray, lo: float = -400.0, hi: float = 1200.0) -> np.ndarray:
    """RGB uint8 (H, W, 3): grey CT with the mask blended in red."""
    grey = np.clip((hu_slice.astype(np.float32) - lo) / (hi - lo), 0, 1) * 255
    rgb = np.repeat(grey[..., None], 3, axis=2)
    m = mask_slice > 0
    rgb[m] = 0.5 * rgb[m] + 0.5 * np.array([255.0, 0.0, 0.0])
    return rgb.astype(np.uint8)


def preview_slices(mask: np.ndarray, focus: int, count: int = 5) -> list[int]:
    """The focus slice and others spread over the masked range."""
    filled = np.flatnonzero(mask.any(axis=(1, 2)))
    if filled.size == 0:
        return [focus]
    spread = np.linspace(filled[0], filled[-1], count).round().astype(int).tolist()
    return sorted(set(spread[:count - 1] + [focus]))


def write_preview(path: str | Path, hu: np.ndarray, mask: np.ndarray, focus: int, count: int = 5) -> list[int]:
    """Write the overlay strip to a PNG (atomically); returns the slices shown."""
    slices = preview_slices(mask, focus, count)
    gap = np.full((hu.shape[1], 4, 3), 255, np.uint8)
    tiles = []
    for z in slices:
        tiles += [overlay(hu[z], mask[z]), gap]
    strip = np.concatenate(tiles[:-1], axis=1)
    image = sitk.GetImageFromArray(strip, isVector=True)
    with atomic_path(path) as tmp:
        sitk.WriteImage(image, str(tmp))
    return slices
