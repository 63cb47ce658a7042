"""Clicks as a user types them, 'x,y,z': voxel indices in the file's own index order (ITK's i, j, k),
or LPS millimetres. Parsed (syntax) before any heavy work, placed in the volume (inside it) once its
geometry is read. Each refusal names the option the click came from (--click, --bg-click), so the
message points at what to fix.
"""

from __future__ import annotations

import math

import numpy as np

from bonebench.errors import InputError


def parse_triple(text: str, option: str) -> tuple[float, float, float]:
    """Three finite numbers 'x,y,z'."""
    parts = text.split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 3:
        raise InputError(f"{option} {text!r}: expected three numbers x,y,z")
    if not all(math.isfinite(v) for v in values):
        raise InputError(f"{option} {text!r}: coordinates must be finite numbers")
    return values


def parse_click(text: str, option: str, in_mm: bool) -> tuple[float, float, float]:
    """A click's numbers: finite; whole numbers when they are voxel indices."""
    values = parse_triple(text, option)
    if not in_mm and any(v != round(v) for v in values):
        raise InputError(f"{option} {text!r}: voxel indices must be whole numbers (use --click-mm for millimetres)")
    return values


def click_voxel(text: str, option: str, geometry, in_mm: bool) -> tuple[int, int, int]:
    """The voxel index (x, y, z) of a click, inside the volume, or a refusal naming `option`."""
    values = parse_click(text, option, in_mm)
    if in_mm:
        continuous = geometry.physical_to_continuous_index(values)
        if not all(math.isfinite(v) for v in continuous):
            raise InputError(f"{option} {text!r}: millimetres too far from the volume")
        values = tuple(round(v) for v in continuous)
    index = tuple(int(v) for v in values)
    size = tuple(geometry.size)
    if not all(0 <= i < n for i, n in zip(index, size)):
        where = f"voxel {index[0]},{index[1]},{index[2]}" + (" (from millimetres)" if in_mm else "")
        raise InputError(f"{option} {text!r}: {where} is outside the volume, whose indices run from 0,0,0 to "
                         f"{size[0] - 1},{size[1] - 1},{size[2] - 1}")
    return index


def place_clicks(clicks, bg_clicks, geometry, in_mm: bool, values: np.ndarray | None = None
                 ) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    """The voxels (x, y, z) of the --click and --bg-click texts, refusing a voxel given as both (it
    cannot be bone and not bone) and, with the volume's `values` (z, y, x), a click on a NaN or
    infinite voxel (named as such: the model sees no intensity there)."""
    fg = [click_voxel(text, "--click", geometry, in_mm) for text in clicks]
    bg = [click_voxel(text, "--bg-click", geometry, in_mm) for text in bg_clicks]
    for text, voxel in zip(bg_clicks, bg):
        if voxel in fg:
            raise InputError(f"--bg-click {text!r}: voxel {voxel[0]},{voxel[1]},{voxel[2]} is also a --click; a "
                             "voxel cannot be both the bone and not the bone")
    if values is not None:
        for option, texts, voxels in (("--click", clicks, fg), ("--bg-click", bg_clicks, bg)):
            for text, (x, y, z) in zip(texts, voxels):
                value = float(values[z, y, x])
                if not math.isfinite(value):
                    raise InputError(f"{option} {text!r}: voxel {x},{y},{z} is {value} in the volume, not a "
                                     "CT value; click on the bone")
    return fg, bg
