"""One click per bone per volume: the click lands inside the scored bone, a perfect mask scores 1,
and the shipped model on a leg phantom reaches the fibula with little leak."""

import numpy as np

from bonebench.data.phantoms import FIBULA, TIBIA
from bonebench.runtime.session import Model
from bonebench.study.one_click import clicked_bone, score_bone, score_volume, summary_table


def test_the_click_is_inside_the_largest_component():
    bone = np.zeros((10, 30, 30), bool)
    bone[2:9, 5:15, 5:15] = True  # big
    bone[4:6, 20:23, 20:23] = True  # small, elsewhere
    target, (x, y, z) = clicked_bone(bone)
    assert target.sum() == 7 * 100 and target[z, y, x] and 2 <= z <= 8
    assert (y, x) in {(9, 9), (9, 10), (10, 9), (10, 10)}


def test_shipped_model_on_a_leg_phantom(leg_volume):
    _, hu, labels, _, _ = leg_volume
    model = Model(device="cpu", threads=1)
    score = score_bone(model, hu, labels, FIBULA, "leg", "fibula")
    assert score.dice > 0.9 and score.leak < 0.02 and score.seconds > 0
    scores = score_volume(model, hu[25:35], labels[25:35], {FIBULA: "fibula", TIBIA: "tibia"}, "leg")
    assert {s.bone for s in scores} == {"fibula", "tibia"}
    table = summary_table(scores, lambda case: "legs")
    assert "| legs | fibula | 1 |" in table and "| legs | tibia | 1 |" in table
