"""bb-eval scores a model with a pixel size as it runs: clicks and NoC on the case resampled to that
pixel size, every Dice on the volume's own grid (the annotation as drawn)."""

import numpy as np

from bonebench.runtime.session import Model
from bonebench.kernels import dice
from bonebench.study.metrics import at_model_pixels, on_volume_grid, score_case
from tests.conftest import V1_MODEL


def test_finer_scan_scored_at_the_models_pixel_size(fine_leg, pixel_model):
    _, hu, truth, geometry, _ = fine_leg
    model = Model(pixel_model, device="cpu", threads=1)
    slice_hu, slice_truth = at_model_pixels(model, hu, truth, geometry.spacing)
    assert slice_hu.shape[0] == hu.shape[0] and abs(slice_hu.shape[1] - hu.shape[1] / 2) <= 1
    assert slice_truth.dtype == bool and abs(slice_truth.sum() * 4 / truth.sum() - 1) < 0.1
    scores = score_case(model, hu[4:12], truth[4:12], noc_every=4, spacing=geometry.spacing)
    assert scores.dice > 0.85 and scores.dice_propagated > 0.9 and 1 <= scores.noc90 <= 20
    same = at_model_pixels(Model(V1_MODEL, device="cpu", threads=1), hu, truth, geometry.spacing)
    assert same[0] is hu and np.array_equal(same[1], truth)  # a model without a pixel size: as it is


def test_a_mask_at_the_models_pixels_is_scored_on_the_volumes_grid(fine_leg, pixel_model):
    _, hu, truth, geometry, _ = fine_leg
    _, slice_truth = at_model_pixels(Model(pixel_model, device="cpu", threads=1), hu, truth, geometry.spacing)
    back = on_volume_grid(slice_truth.astype(np.uint8), truth.shape)
    assert back.shape == truth.shape and dice(truth, back) > 0.95  # the truth survives the round trip
    assert slice_truth.shape != truth.shape  # (scoring at the model's pixels would count other voxels)
    same = truth.astype(np.uint8)
    assert on_volume_grid(same, truth.shape) is same
