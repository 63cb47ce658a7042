"""One click per bone per volume: the click lands inside the scored bone, a perfect mask scores 1,
and the shipped model on a leg phantom reaches the fibula with little leak."""

import numpy as np

from bonebench.data.phantoms import FIBULA, TIBIA
from bonebench.runtime.interactive import AIR_HU
from bonebench.runtime.session import Model
from bonebench.study.one_click import (INNERMOST, ON_LARGEST, ON_RANDOM_SLICE, RANDOM_ON_LARGEST, SECOND,
                                       SECOND_KINDS, clicked_bone, corrective_click, random_clicks, score_bone,
                                       score_volume, summary_table)


def test_the_click_is_inside_the_largest_component():
    bone = np.zeros((10, 30, 30), bool)
    bone[2:9, 5:15, 5:15] = True  # big
    bone[4:6, 20:23, 20:23] = True  # small, elsewhere
    target, (x, y, z) = clicked_bone(bone)
    assert target.sum() == 7 * 100 and target[z, y, x] and 2 <= z <= 8
    assert (y, x) in {(9, 9), (9, 10), (10, 9), (10, 10)}


def test_the_click_avoids_pixels_the_runtime_refuses():
    """A streak darker than AIR_HU across the bone's centre (a metal artefact): the click is the
    innermost of the pixels a person would click, and a bone that is all streak keeps its centre."""
    bone = np.zeros((6, 30, 30), bool)
    bone[1:5, 5:16, 5:16] = True
    hu = np.full(bone.shape, 40.0, np.float32)
    hu[bone] = 700.0
    hu[:, 8:13, 8:13] = -600.0  # the centre of the bone
    _, (x, y, z) = clicked_bone(bone)
    assert hu[z, y, x] < AIR_HU  # without the HU: the centre, which the runtime refuses
    _, (x, y, z) = clicked_bone(bone, hu)
    assert bone[z, y, x] and hu[z, y, x] >= AIR_HU
    depth_to_edge = min(y - 5, 15 - y, x - 5, 15 - x)
    assert depth_to_edge == 2  # the deepest bony pixels lie between the streak and the bone's edge
    hu[bone] = -600.0
    assert clicked_bone(bone, hu)[1] == clicked_bone(bone)[1]
    hu[bone] = 700.0
    hu[:, 8:13, 8:13] = -600.0
    clicks = random_clicks(bone, np.random.default_rng(0), 5, hu)
    assert all(bone[z, y, x] and hu[z, y, x] >= AIR_HU for _, (x, y, z) in clicks)


def test_shipped_model_on_a_leg_phantom(leg_volume):
    _, hu, labels, _, _ = leg_volume
    model = Model(device="cpu", threads=1)
    [score] = score_bone(model, hu, labels, FIBULA, "leg", "fibula")
    assert score.dice > 0.9 and score.leak < 0.02 and score.seconds > 0
    scores = score_volume(model, hu[25:35], labels[25:35], {FIBULA: "fibula", TIBIA: "tibia"}, "leg")
    assert {s.bone for s in scores} == {"fibula", "tibia"}
    table = summary_table(scores, lambda case: "legs")
    assert "| legs | fibula | 1 |" in table and "| legs | tibia | 1 |" in table
    assert table.splitlines()[2].endswith("| 0 | - | - |")  # no random clicks asked for


def test_random_clicks_land_inside_the_bone_and_are_seeded(rng):
    bone = np.zeros((12, 40, 40), bool)
    bone[1:11, 10:30, 12:20] = True
    bone[5, 10:30, 12:14] = False  # a notch: the clicks are on the bone's own pixels
    clicks = random_clicks(bone, np.random.default_rng(5))
    assert [k for k, _ in clicks] == [ON_LARGEST] * RANDOM_ON_LARGEST + [ON_RANDOM_SLICE]
    assert all(bone[z, y, x] for _, (x, y, z) in clicks)
    on_largest = {c for k, c in clicks if k == ON_LARGEST}
    assert len(on_largest) == RANDOM_ON_LARGEST and len({z for _, _, z in on_largest}) == 1
    assert clicks == random_clicks(bone, np.random.default_rng(5))
    assert clicks != random_clicks(bone, np.random.default_rng(6))


def test_random_clicks_on_the_leg_score_near_the_innermost_click(leg_volume):
    """The shipped model follows a click anywhere on the fibula: mean and worst stay near the innermost."""
    _, hu, labels, geometry, _ = leg_volume
    model = Model(device="cpu", threads=1)
    scores = score_bone(model, hu[22:38], labels[22:38], FIBULA, "leg", "fibula", spacing=geometry.spacing,
                        random=2, seed=1)
    assert [s.kind for s in scores] == [INNERMOST, ON_LARGEST, ON_LARGEST, ON_RANDOM_SLICE]
    assert all(labels[22:38][z, y, x] == FIBULA for x, y, z in (s.click for s in scores))
    inner = scores[0].dice
    assert inner > 0.9 and min(s.dice for s in scores[1:]) > inner - 0.1
    row = summary_table(scores, lambda case: "legs").splitlines()[2]
    assert row.startswith("| legs | fibula | 1 |") and "| 3 |" in row


def test_the_corrective_click_goes_to_the_biggest_error_of_the_worst_slice():
    """Missed bone gets a click on the bone, a mask outside it a background click, in the middle of the
    biggest wrong area of the slice with the most wrong pixels; pixels the runtime refuses are never
    clicked, and a mask without error gets no click."""
    target = np.zeros((6, 40, 40), bool)
    target[:, 5:25, 5:25] = True
    hu = np.where(target, 700.0, 40.0).astype(np.float32)
    assert corrective_click(target, target.copy(), hu) is None
    mask = target.copy()
    mask[3, 5:25, 15:25] = False  # slice 3 misses a 20 x 10 block
    mask[1, 27:33, 5:11] = True  # slice 1 leaks a 6 x 6 block
    positive, (x, y, z) = corrective_click(target, mask, hu)
    assert positive and z == 3 and 18 <= x <= 21 and 9 <= y <= 20 and target[z, y, x] and not mask[z, y, x]
    mask[3] = target[3]
    positive, (x, y, z) = corrective_click(target, mask, hu)
    assert not positive and z == 1 and mask[z, y, x] and not target[z, y, x]
    mask[3, 5:25, 15:25] = False
    hu[3, :, 16:24] = -600.0  # a streak over the missed block's middle
    positive, (x, y, z) = corrective_click(target, mask, hu)
    assert positive and z == 3 and hu[z, y, x] >= AIR_HU and not mask[z, y, x]


def test_a_second_click_on_the_leg_keeps_the_fibula(leg_volume):
    """The shipped model on a leg phantom: the corrective click after the innermost one is scored in the
    same session, next to the innermost score, and the table gets the second click's column."""
    _, hu, labels, geometry, _ = leg_volume
    model = Model(device="cpu", threads=1)
    scores = score_bone(model, hu[22:38], labels[22:38], FIBULA, "leg", "fibula", spacing=geometry.spacing,
                        second=True)
    first, second = scores
    assert first.kind == INNERMOST and second.kind in SECOND_KINDS
    x, y, z = second.click
    assert (labels[22:38][z, y, x] == FIBULA) == (second.kind == SECOND)
    assert first.dice > 0.9 and second.dice > first.dice - 0.02
    header, _, row = summary_table(scores, lambda case: "legs").splitlines()
    assert header.endswith("| 2nd click Dice mean | 2nd click Dice min |")
    assert row.endswith(f"| {second.dice:.3f} | {second.dice:.3f} |") and "| 0 | - | - |" in row
