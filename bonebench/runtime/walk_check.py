"""A click model as the walk's check (issue 17): a walk model with a check (ModelInfo.check) gives, on
each walked slice, the click model's probability from the same seeds beside its own, and the walk
keeps its mask only within CHECK_GROW pixels of the check's; after the walk, the check's pixels within
CHECK_GROW of the kept mask are added to each walked slice (they are never carried to the next slice).

Why: the walk model (SegInterWalk, the carried mask as an input) follows flat bones and the mandible
much further than the click model, but it carries the previous slice's mask into a neighbouring bone
where a joint's partial volume joins them, and draws the leg's fibula a pixel or two thinner. The click
model, which sees no carried mask, stops at those joints and draws the boundary the walk misses. On the
tuning cases (walk8 checked by v7) the cut took the hips 0.877 -> 0.900; the check's pixels added after
the walk took the legs 0.9915 -> 0.9942, above the click model's own 0.9923; fed to the next slice
instead, they let a tibia creep into the femur two pixels a slice (docs/results/one-click/README.md,
"walk8" and "The click model as the walk's check").

`near` is a city-block dilation by numpy shifts inside the mask's bounding box (what
scipy.ndimage.binary_dilation does with its default cross, `iterations` times): two pixels around a
walked bone, which a whole-slice dilation would pay for on every 512x512 slice.
"""

from __future__ import annotations

import numpy as np

CHECK_GROW = 2  # pixels (volume grid): how far the walk's mask may lie from the check's, and back


def near(mask: np.ndarray, pixels: int = CHECK_GROW) -> np.ndarray:
    """The pixels within `pixels` steps (4-connected) of a 2D boolean mask."""
    out = np.zeros(mask.shape, bool)
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return out
    y0, y1 = max(rows[0] - pixels, 0), min(rows[-1] + pixels + 1, mask.shape[0])
    x0, x1 = max(cols[0] - pixels, 0), min(cols[-1] + pixels + 1, mask.shape[1])
    box = np.pad(mask[y0:y1, x0:x1], pixels)
    h, w = y1 - y0, x1 - x0
    grown = out[y0:y1, x0:x1]
    for dy in range(-pixels, pixels + 1):
        reach = pixels - abs(dy)
        for dx in range(-reach, reach + 1):
            grown |= box[pixels + dy:pixels + dy + h, pixels + dx:pixels + dx + w]
    return out


def kept(walked: np.ndarray, check: np.ndarray) -> np.ndarray:
    """The walk's mask where the check's lies within CHECK_GROW pixels."""
    return walked & near(check)


def added(check: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The check's pixels within CHECK_GROW of the walk's kept mask that it does not already hold."""
    return check & near(mask) & ~mask
