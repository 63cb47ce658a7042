"""Test metrics of one exported model on one patient, through the runtime (what ships is what is
scored): Dice on whole volumes; for interactive models one click per bone per slice (the study's
protocol), NoC@85/90 per slice with RITM's clicker, and one click per volume with propagation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bonebench.errors import InputError
from bonebench.kernels import dice, innermost_point, iou, label_components, next_click, resize_labels
from bonebench.protocol.clicks import ClickSet, one_click_inputs
from bonebench.protocol.network import THRESHOLD, network_input
from bonebench.runtime.automatic import segment_volume
from bonebench.runtime.segment import segment
from bonebench.runtime.session import Model

NOC_CAP = 20
NOC_TARGETS = (0.85, 0.90)


@dataclass(frozen=True)
class CaseScores:
    dice: float  # automatic, or one click per bone per slice
    dice_propagated: float = float("nan")  # one click per volume, propagated (vs the clicked bone)
    noc85: float = float("nan")  # mean clicks per slice to IoU 0.85 (capped at 20)
    noc90: float = float("nan")


def one_click_per_slice(model: Model, hu: np.ndarray, truth: np.ndarray, batch: int = 8) -> np.ndarray:
    """Prediction with one click at the innermost point of each bone of each slice."""
    out = np.zeros(truth.shape, np.uint8)
    for z0 in range(0, hu.shape[0], batch):
        inputs = one_click_inputs(hu[z0:z0 + batch], truth[z0:z0 + batch], model.info.inputs)
        out[z0:z0 + batch] = model.predict(inputs) > THRESHOLD
    return out


def noc_slice(model: Model, hu_slice: np.ndarray, truth: np.ndarray) -> tuple[int, int]:
    """Clicks needed (RITM clicker) to reach IoU 0.85 and 0.90 on one slice; NOC_CAP if never."""
    prediction = np.zeros(truth.shape, bool)
    probability = np.zeros(truth.shape, np.float32)
    clicked = np.zeros(truth.shape, bool)
    fg, bg = [], []
    reached = {t: NOC_CAP for t in NOC_TARGETS}
    for n in range(1, NOC_CAP + 1):
        click = next_click(prediction, truth, clicked, mode="ritm")
        if click is None:
            break
        (fg if click.positive else bg).append((click.y, click.x))
        clicked[click.y, click.x] = True
        inputs = network_input(hu_slice[None], model.info.inputs, ClickSet.from_points(truth.shape, fg, bg),
                               probability[None])
        probability = model.predict(inputs)[0]
        prediction = probability > THRESHOLD
        score = iou(truth, prediction)
        for target in NOC_TARGETS:
            if score >= target and reached[target] == NOC_CAP:
                reached[target] = n
        if score >= max(NOC_TARGETS):
            break
    return reached[0.85], reached[0.90]


def propagated_dice(model: Model, hu: np.ndarray, truth: np.ndarray, spacing=None) -> float:
    """One click on the slice where the bone is largest, propagated; Dice against the clicked bone
    (the 3D component of the truth under the click: one leg's fibula, one side of a mandible)."""
    z = int(np.argmax(truth.sum(axis=(1, 2))))
    components, _ = label_components(truth[z], 8)
    sizes = np.bincount(components.ravel())[1:]
    y, x = innermost_point(components == int(np.argmax(sizes)) + 1)
    try:
        mask = segment(hu, model, [(int(x), int(y), z)], spacing=spacing).mask
    except InputError:  # the model finds nothing under the click: nothing to propagate
        mask = np.zeros(truth.shape, np.uint8)
    bone3d, _ = label_components(truth, 26)
    return dice(bone3d == bone3d[z, y, x], mask)


def at_model_pixels(model: Model, hu: np.ndarray, truth: np.ndarray, spacing) -> tuple[np.ndarray, np.ndarray]:
    """The case resampled in-plane to the model's pixel size (as training validates), for the
    per-slice metrics that click slices directly; as it is for models without one or no spacing."""
    from bonebench.data.geometry import VolumeGeometry
    from bonebench.data.resample import resample_inplane

    if spacing is None or not model.info.pixel_mm:
        return hu, truth
    geometry = VolumeGeometry(hu.shape[::-1], tuple(spacing), (0.0, 0.0, 0.0), (1, 0, 0, 0, 1, 0, 0, 0, 1))
    hu, labels, _ = resample_inplane(hu, truth.astype(np.uint8), geometry, model.info.pixel_mm)
    return hu, labels.astype(bool)


def on_volume_grid(mask: np.ndarray, shape: tuple) -> np.ndarray:
    """A (z, y, x) mask predicted at the model's pixel size, back on the volume's grid (as segment()
    returns masks): Dice is taken against the annotation as drawn, so models of every pixel size are
    scored on the same voxels."""
    return mask if mask.shape == tuple(shape) else resize_labels(mask, shape[1:])


def score_case(model: Model, hu: np.ndarray, truth: np.ndarray, *, noc_every: int = 1,
               spacing=None) -> CaseScores:
    """All test metrics of one model on one patient (see CaseScores). With the volume's `spacing`
    (x, y, z mm) a model with a pixel size is scored as it runs: clicks and NoC on the case resampled
    to its pixel size, every Dice on the volume's own grid."""
    truth = truth.astype(bool)
    if not model.info.interactive:
        return CaseScores(dice(truth, segment_volume(model, hu, spacing=spacing)))
    slice_hu, slice_truth = at_model_pixels(model, hu, truth, spacing)
    per_slice = dice(truth, on_volume_grid(one_click_per_slice(model, slice_hu, slice_truth), truth.shape))
    slices = [z for z in range(0, truth.shape[0], noc_every) if truth[z].any()]
    nocs = np.array([noc_slice(model, slice_hu[z], slice_truth[z]) for z in slices], dtype=float).reshape(-1, 2)
    noc85, noc90 = (nocs.mean(axis=0) if len(nocs) else (float("nan"), float("nan")))
    return CaseScores(per_slice, propagated_dice(model, hu, truth, spacing), float(noc85), float(noc90))
