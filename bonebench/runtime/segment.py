"""`segment()`: the one way to segment a volume, behind bb-segment, bb-demo, the evaluation's
propagation metric and the napari widget. Arrays in, arrays out; files stay in the callers."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from bonebench.errors import InputError
from bonebench.runtime.automatic import segment_volume
from bonebench.runtime.interactive import InteractiveSession
from bonebench.runtime.session import Model

Voxel = tuple[int, int, int]  # x, y, z voxel indices (ITK's i, j, k)


@dataclass(frozen=True)
class Segmentation:
    """The result of segment(): the mask and what it took."""

    mask: np.ndarray  # uint8 (z, y, x), 1 = the bone
    slices: tuple[int, ...]  # axial slices that hold part of the mask
    focus: int  # the slice to show first: the clicked one, or the one with most mask
    seconds: dict[str, float] = field(default_factory=dict)  # inference time by step

    @property
    def voxels(self) -> int:
        return int(self.mask.sum())


def segment(volume: np.ndarray, model: Model, clicks: Sequence[Voxel] = (), bg_clicks: Sequence[Voxel] = (), *,
            propagate: bool = True, progress: Callable[[int, int], None] | None = None,
            spacing: Sequence[float] | None = None) -> Segmentation:
    """Segment a (z, y, x) HU volume: an interactive model segments the bone under `clicks`
    (refined by `bg_clicks`) and, with `propagate`, follows it through the slices; an automatic
    model segments every slice and takes no clicks. `spacing`: the volume's voxel size (x, y, z mm,
    VolumeGeometry.spacing), so a model with a pixel size sees the bone at the size it was trained
    at (None: the volume's pixels as they are). Raises InputError for clicks that do not fit."""
    if volume.ndim != 3:
        raise InputError(f"expected a 3D volume, got shape {volume.shape}")
    hu = volume.astype(np.float32, copy=False)
    if not model.info.interactive:
        if clicks or bg_clicks:
            raise InputError(f"model {model.info.name} ({model.info.group}) is automatic and takes no clicks")
        t0 = time.perf_counter()
        mask = segment_volume(model, hu, spacing=spacing)
        return _result(mask, int(np.argmax(mask.sum(axis=(1, 2)))), {"slices": time.perf_counter() - t0})
    return _segment_interactive(hu, model, clicks, bg_clicks, propagate, progress, spacing)


def _segment_interactive(hu, model, clicks, bg_clicks, propagate, progress, spacing) -> Segmentation:
    if not clicks:
        raise InputError("an interactive model needs at least one --click on the bone")
    session = InteractiveSession(hu, model, spacing)
    t0 = time.perf_counter()
    for (x, y, z), positive in [(c, True) for c in clicks] + [(c, False) for c in bg_clicks]:
        session.click(x, y, z, positive)
    seconds = {"clicks": time.perf_counter() - t0}
    if propagate:
        t1 = time.perf_counter()
        session.propagate(progress)
        seconds["propagation"] = time.perf_counter() - t1
    return _result(session.mask, clicks[0][2], seconds)


def _result(mask: np.ndarray, focus: int, seconds: dict[str, float]) -> Segmentation:
    slices = tuple(int(z) for z in np.flatnonzero(mask.any(axis=(1, 2))))
    return Segmentation(mask, slices, focus, seconds)
