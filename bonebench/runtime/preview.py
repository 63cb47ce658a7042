"""An overlay picture of a segmentation a reader can check at a glance (the study's Figure 6
style): a few axial slices side by side, each at least PANEL_PX pixels and labelled with its slice
number, the CT in a bone window, the mask as a red outline over a faint fill, every click a cross
on its own slice, and a legend (the bone's colour and name, the clicks). Written with SimpleITK's
PNG writer and a built-in bitmap font, so the runtime needs no plotting library."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import SimpleITK as sitk

from bonebench.data.atomic import atomic_path
from bonebench.runtime.bitmap_font import draw_text

PANEL_PX = 256  # the smallest panel side: slices are enlarged (whole pixels) up to it
MASK_RGB, CLICK_RGB, BG_CLICK_RGB = (255, 40, 40), (255, 230, 0), (0, 200, 255)
GAP_PX, CROSS_ARM = 6, 12


def overlay(hu_slice: np.ndarray, mask_slice: np.ndarray, lo: float = -400.0, hi: float = 1200.0,
            scale: int = 1) -> np.ndarray:
    """RGB uint8 (H*scale, W*scale, 3): grey CT, the mask faintly filled and outlined in red."""
    grey = np.clip((hu_slice.astype(np.float32) - lo) / (hi - lo), 0, 1) * 255
    grey = grey.repeat(scale, axis=0).repeat(scale, axis=1)
    rgb = np.repeat(grey[..., None], 3, axis=2)
    m = (mask_slice > 0).repeat(scale, axis=0).repeat(scale, axis=1)
    rgb[m] = 0.75 * rgb[m] + 0.25 * np.array(MASK_RGB, np.float32)
    rgb[_outline(m, width=2 if scale > 1 else 1)] = MASK_RGB
    return rgb.astype(np.uint8)


def _outline(m: np.ndarray, width: int) -> np.ndarray:
    """The mask's pixels within `width` pixels of its edge (4-neighbour erosion)."""
    inner = m.copy()
    for _ in range(width):
        shrunk = inner.copy()
        shrunk[1:] &= inner[:-1]
        shrunk[:-1] &= inner[1:]
        shrunk[:, 1:] &= inner[:, :-1]
        shrunk[:, :-1] &= inner[:, 1:]
        shrunk[[0, -1], :] = False
        shrunk[:, [0, -1]] = False
        inner = shrunk
    return m & ~inner


def draw_cross(rgb: np.ndarray, row: int, col: int, colour, arm: int = CROSS_ARM, gap: int = 3) -> None:
    """A '+' centred on (row, col), open in the middle so the clicked voxel stays visible, in `colour`
    on a black border so it shows on bone and on air."""
    h, w = rgb.shape[:2]
    for half, paint in ((2, (0, 0, 0)), (1, colour)):
        ends = (gap - half + 1, arm + half)
        for sign in (-1, 1):
            r0, r1 = sorted((row + sign * ends[0], row + sign * ends[1]))
            c0, c1 = sorted((col + sign * ends[0], col + sign * ends[1]))
            rgb[max(r0, 0):max(r1, 0), max(col - half + 1, 0):max(col + half, 0)] = paint
            rgb[max(row - half + 1, 0):max(row + half, 0), max(c0, 0):max(c1, 0)] = paint


def preview_slices(mask: np.ndarray, focus: int, count: int = 5, also: Sequence[int] = ()) -> list[int]:
    """The focus slice (and the clicked ones, `also`) and others spread over the masked range."""
    keep = sorted({focus, *also})
    filled = np.flatnonzero(mask.any(axis=(1, 2)))
    if filled.size == 0 or len(keep) >= count:
        return keep[:max(count, 1)]
    spread = np.linspace(filled[0], filled[-1], count).round().astype(int).tolist()
    spread = [z for z in dict.fromkeys(spread) if z not in keep]
    return sorted(keep + spread[:count - len(keep)])


def panel(hu: np.ndarray, mask: np.ndarray, z: int, scale: int, clicks: Sequence, bg_clicks: Sequence) -> np.ndarray:
    """One slice: the overlay, its clicks as crosses and 'SLICE z' in its top-left corner."""
    rgb = overlay(hu[z], mask[z], scale=scale)
    for points, colour in ((bg_clicks, BG_CLICK_RGB), (clicks, CLICK_RGB)):
        for x, y, cz in points:
            if cz == z:
                draw_cross(rgb, y * scale + scale // 2, x * scale + scale // 2, colour)
    draw_text(rgb, f"slice {z}", 4, 4)
    return rgb


def legend(width: int, bone: str, bg_clicks: bool) -> np.ndarray:
    """A dark strip under the panels: the mask's colour with the bone's name, the click crosses."""
    strip = np.full((31, width, 3), 40, np.uint8)
    strip[8:23, 8:23] = np.array(MASK_RGB) // 3 + 60
    strip[8:23, 8:23][_outline(np.ones((15, 15), bool), 2)] = MASK_RGB
    col = 26 + draw_text(strip, f"mask: {bone}", 5, 26, box=None)[1] + 16
    for name, colour, shown in (("click", CLICK_RGB, True), ("not-bone click", BG_CLICK_RGB, bg_clicks)):
        if shown:
            draw_cross(strip, 15, col + 8, colour, arm=7)
            col += 20 + draw_text(strip, name, 5, col + 20, box=None)[1] + 16
    return strip


def write_preview(path: str | Path, hu: np.ndarray, mask: np.ndarray, focus: int, count: int = 5, *,
                  clicks: Sequence = (), bg_clicks: Sequence = (), bone: str = "bone") -> list[int]:
    """Write the labelled overlay strip with its legend to a PNG (atomically); returns the slices
    shown. `clicks`, `bg_clicks`: (x, y, z) voxels, each marked on its slice (shown)."""
    slices = preview_slices(mask, focus, count, also=[c[2] for c in clicks])
    scale = max(1, -(-PANEL_PX // min(hu.shape[1:])))
    tiles = []
    for z in slices:
        tile = panel(hu, mask, z, scale, clicks, bg_clicks)
        tiles += [tile, np.full((tile.shape[0], GAP_PX, 3), 255, np.uint8)]
    strip = np.concatenate(tiles[:-1], axis=1)
    picture = np.concatenate([strip, legend(strip.shape[1], bone, bool(bg_clicks))], axis=0)
    image = sitk.GetImageFromArray(picture, isVector=True)
    with atomic_path(path) as tmp:
        sitk.WriteImage(image, str(tmp))
    return slices
