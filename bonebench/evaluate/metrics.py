"""Test metrics of one exported model on one patient, through the runtime (what ships is what is
scored): Dice on whole volumes; for interactive models one click per bone per slice (the study's
protocol), NoC@85/90 per slice with RITM's clicker, and one click per volume with propagation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bonebench.data.intensity import window_hu
from bonebench.kernels import click_maps, dice, innermost_point, iou, label_components, next_click
from bonebench.runtime.automatic import THRESHOLD, predict, segment_volume
from bonebench.runtime.interactive import InteractiveSession
from bonebench.runtime.session import Model
from bonebench.train.clicksim import one_click_inputs

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
    sigma, prev_mask = model.info.click_sigma, model.info.prev_mask
    for z0 in range(0, hu.shape[0], batch):
        inputs = one_click_inputs(hu[z0:z0 + batch], truth[z0:z0 + batch], sigma, prev_mask)
        out[z0:z0 + batch] = predict(model, inputs) > THRESHOLD
    return out


def noc_slice(model: Model, hu_slice: np.ndarray, truth: np.ndarray) -> tuple[int, int]:
    """Clicks needed (RITM clicker) to reach IoU 0.85 and 0.90 on one slice; NOC_CAP if never."""
    image = window_hu(hu_slice)[None]
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
        channels = [image[:, None], click_maps(truth.shape, fg, bg, sigma=model.info.click_sigma)[None]]
        if model.info.prev_mask:
            channels.append(probability[None, None])
        probability = predict(model, np.concatenate(channels, axis=1))[0]
        prediction = probability > THRESHOLD
        score = iou(truth, prediction)
        for target in NOC_TARGETS:
            if score >= target and reached[target] == NOC_CAP:
                reached[target] = n
        if score >= max(NOC_TARGETS):
            break
    return reached[0.85], reached[0.90]


def propagated_dice(model: Model, hu: np.ndarray, truth: np.ndarray) -> float:
    """One click on the slice where the bone is largest, propagated; Dice against the clicked bone
    (the 3D component of the truth under the click: one leg's fibula, one side of a mandible)."""
    z = int(np.argmax(truth.sum(axis=(1, 2))))
    components, _ = label_components(truth[z], 8)
    sizes = np.bincount(components.ravel())[1:]
    y, x = innermost_point(components == int(np.argmax(sizes)) + 1)
    session = InteractiveSession(hu.astype(np.float32, copy=False), model)
    session.click(x, y, z)
    if session.mask.any():  # a model that finds nothing under the click has nothing to propagate
        session.propagate()
    bone3d, _ = label_components(truth, 26)
    return dice(bone3d == bone3d[z, y, x], session.mask)


def score_case(model: Model, hu: np.ndarray, truth: np.ndarray, *, noc_every: int = 1) -> CaseScores:
    truth = truth.astype(bool)
    if not model.info.interactive:
        return CaseScores(dice(truth, segment_volume(model, hu)))
    per_slice = dice(truth, one_click_per_slice(model, hu, truth))
    slices = [z for z in range(0, truth.shape[0], noc_every) if truth[z].any()]
    nocs = np.array([noc_slice(model, hu[z], truth[z]) for z in slices], dtype=float).reshape(-1, 2)
    noc85, noc90 = (nocs.mean(axis=0) if len(nocs) else (float("nan"), float("nan")))
    return CaseScores(per_slice, propagated_dice(model, hu, truth), float(noc85), float(noc90))
