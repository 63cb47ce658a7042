"""The study's test metrics through the runtime, with the shipped model on a leg phantom (no torch)."""

import numpy as np
import pytest

from bonebench.runtime.session import Model
from bonebench.study.metrics import noc_slice, one_click_per_slice, propagated_dice, score_case
from tests.conftest import right_fibula


@pytest.fixture(scope="module")
def model():
    return Model(device="cpu", threads=1)


def test_one_click_per_slice_finds_both_fibulae(leg_volume, model):
    _, hu, labels, _, (x, y, z) = leg_volume
    truth = labels == 1
    pred = one_click_per_slice(model, hu[z - 1:z + 2], truth[z - 1:z + 2])
    inter = (pred.astype(bool) & truth[z - 1:z + 2]).sum()
    assert 2 * inter / (pred.sum() + truth[z - 1:z + 2].sum()) > 0.85


def test_propagated_dice_is_against_the_clicked_bone(leg_volume, model):
    _, hu, labels, _, _ = leg_volume
    right = right_fibula(labels)
    assert propagated_dice(model, hu, right) > 0.9


def test_noc_reaches_iou_targets_on_an_easy_slice(leg_volume, model):
    _, hu, labels, _, (x, y, z) = leg_volume
    noc85, noc90 = noc_slice(model, hu[z], right_fibula(labels)[z])
    assert 1 <= noc85 <= noc90 <= 20 and noc85 <= 3


def test_score_case_fields(leg_volume, model):
    _, hu, labels, _, _ = leg_volume
    scores = score_case(model, hu[20:40], right_fibula(labels)[20:40], noc_every=5)
    assert 0.8 < scores.dice <= 1 and 0.8 < scores.dice_propagated <= 1
    assert np.isfinite(scores.noc85) and scores.noc85 <= scores.noc90
