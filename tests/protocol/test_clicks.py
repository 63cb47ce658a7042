import numpy as np

from bonebench.kernels import label_components
from bonebench.protocol.clicks import (BACKGROUND, BIG_PIECE, FOREGROUND, UNUSED, ClickSet, corrective_clicks,
                                      first_clicks, random_points)


def _disc(shape, cy, cx, r):
    yy, xx = np.mgrid[:shape[0], :shape[1]]
    return np.hypot(yy - cy, xx - cx) <= r


def test_first_click_is_inside_the_object_at_its_innermost_point():
    targets = np.stack([_disc((64, 64), 30, 20, 9), _disc((64, 64), 10, 50, 4) | _disc((64, 64), 45, 40, 7),
                        np.zeros((64, 64), bool)])
    clicks = first_clicks(targets)
    assert list(clicks.count) == [1, 2, 0]
    assert tuple(clicks.coords[0, 0]) == (30, 20) and clicks.kinds[0, 0] == FOREGROUND
    # one click per bone instance, each at its own innermost point (raster order of the instances)
    assert [tuple(c) for c in clicks.coords[1, :2]] == [(10, 50), (45, 40)]
    assert np.all(clicks.kinds[1, :2] == FOREGROUND) and clicks.kinds[2, 0] == UNUSED
    maps = clicks.maps(sigma=2.0)
    assert maps[0, 0, 30, 20] == 1.0 and maps[0, 1].max() == 0.0 and not maps[2].any()


def test_hidden_object_gets_a_background_click_and_later_only_background_clicks():
    obj = _disc((48, 48), 24, 24, 8)
    targets = np.zeros((1, 48, 48), bool)  # the target was turned all-background
    clicks = first_clicks(targets, hidden=obj[None], spare=3)
    assert clicks.kinds[0, 0] == BACKGROUND and tuple(clicks.coords[0, 0]) == (24, 24)
    prediction = (obj | _disc((48, 48), 5, 5, 3))[None]  # the model still segments things
    for _ in range(3):
        corrective_clicks(clicks, [0], prediction, targets)
    used = clicks.kinds[0, :clicks.count[0]]
    assert len(used) == 4 and np.all(used == BACKGROUND)


def test_corrective_click_lands_in_the_largest_error():
    truth = _disc((64, 64), 32, 32, 12)
    pred = truth.copy()
    pred[32:, :] = False  # a big false negative: the lower half of the disc
    pred |= _disc((64, 64), 5, 5, 3)  # a small false positive
    clicks = first_clicks(truth[None], spare=2)
    assert corrective_clicks(clicks, [0], pred[None], truth[None]) == 1
    y, x = clicks.coords[0, 1]
    errors = truth & ~pred
    labels, _ = label_components(errors)
    sizes = np.bincount(labels.ravel())[1:]
    assert labels[y, x] == np.argmax(sizes) + 1 and clicks.kinds[0, 1] == FOREGROUND


def test_only_the_given_slices_get_a_click():
    truth = np.ones((3, 16, 16), bool)
    clicks = ClickSet(3, (16, 16), capacity=2)
    assert corrective_clicks(clicks, [2], np.zeros_like(truth[:1]), truth) == 1  # the predictions of row 2 only
    assert list(clicks.count) == [0, 0, 1]
    assert corrective_clicks(clicks, np.array([], np.int64), truth[:0], truth) == 0


def test_random_first_clicks_fall_on_each_instance_anywhere():
    rng = np.random.default_rng(0)
    targets = np.zeros((40, 32, 32), bool)
    targets[:, 2:12, 3:20] = True  # two bones per slice
    targets[:, 20:30, 18:28] = True
    clicks = first_clicks(targets, rng=rng, random_rate=1.0)
    assert (clicks.count == 2).all()
    seen = set()
    for b in range(40):
        for (y, x), kind in zip(clicks.coords[b, :2], clicks.kinds[b, :2]):
            assert targets[b, y, x] and kind == FOREGROUND
            seen.add((int(y), int(x)))
    assert len(seen) > 40  # spread over the bones, not one innermost point each
    top, bottom = random_points(targets[0], rng)
    assert top[0] < 12 <= 20 <= bottom[0]  # innermost_points' order of the components


def test_random_rate_zero_keeps_the_innermost_protocol_and_draws_nothing():
    rng = np.random.default_rng(5)
    state = rng.bit_generator.state
    targets = np.zeros((3, 24, 24), bool)
    targets[:, 4:15, 6:17] = True
    clicks = first_clicks(targets, rng=rng, random_rate=0.0)
    assert rng.bit_generator.state == state
    assert (clicks.coords[:, 0] == first_clicks(targets).coords[:, 0]).all()


def test_one_piece_clicks_mark_one_big_piece_of_a_bone_cut_in_several():
    """--one-piece-rate 1: a bone in three pieces gets one click, on one of its two big pieces (each
    in turn), never on the sliver under BIG_PIECE of its area; a bone in one piece keeps its click."""
    rng = np.random.default_rng(1)
    targets = np.zeros((40, 32, 32), bool)
    targets[:, 2:12, 3:20] = True  # big piece
    targets[:, 20:30, 18:28] = True  # big piece
    targets[:, 28:30, 2:4] = True  # sliver: 4 of 274 pixels
    assert 4 / targets[0].sum() < BIG_PIECE
    targets[-1] = False
    targets[-1, 5:15, 5:15] = True  # one piece
    clicks = first_clicks(targets, rng=rng, one_piece_rate=1.0, spare=2)
    assert (clicks.count[:-1] == 1).all() and clicks.count[-1] == 1
    rows = {int(y) for y, _ in clicks.coords[:-1, 0]}
    assert rows & set(range(2, 12)) and rows & set(range(20, 30))  # both big pieces were drawn
    assert all(targets[b, y, x] and not (y >= 28 and x < 4) for b, (y, x) in enumerate(clicks.coords[:, 0]))
    assert (clicks.kinds[:, 0] == FOREGROUND).all()
    state = rng.bit_generator.state
    every_piece = first_clicks(targets, rng=rng, one_piece_rate=0.0)
    assert rng.bit_generator.state == state and (every_piece.count[:-1] == 3).all()


def test_walk_inputs_carry_the_slice_below_and_click_its_pieces():
    """SegInterWalk's validation view: each slice sees the true mask of the slice below in its last
    channel and a click on each of that mask's pieces; the bone's first slice, with nothing below,
    is clicked on its own pieces."""
    from bonebench.protocol.clicks import walk_inputs
    from bonebench.protocol.network import FOREGROUND_MAP, InputSpec

    target = np.zeros((4, 40, 40), bool)
    target[1] = _disc((40, 40), 20, 20, 6)
    target[2] = _disc((40, 40), 20, 20, 6) | _disc((40, 40), 8, 30, 3)  # a second piece appears
    target[3] = _disc((40, 40), 10, 10, 4)  # the bone moved away from the pieces below it
    spec = InputSpec(True, neighbour_mask=True)
    x = walk_inputs(np.zeros(target.shape, np.float32), target, spec)
    np.testing.assert_array_equal(x[1:, spec.neighbour_channel], target[:-1])
    assert not x[:, spec.neighbour_channel][0].any() and not x[0, FOREGROUND_MAP].any()
    peaks = [np.argwhere(x[z, FOREGROUND_MAP] == 1) for z in range(4)]
    assert len(peaks[1]) == 1 and target[1][tuple(peaks[1][0])]  # the bone starts: its own click
    assert len(peaks[2]) == 1 and target[1][tuple(peaks[2][0])]  # clicked where the slice below shows it
    assert len(peaks[3]) == 2 and all(target[2][tuple(p)] for p in peaks[3])  # both pieces below, one off the bone
    assert not all(target[3][tuple(p)] for p in peaks[3])


def test_walk_inputs_with_walk_arms_click_where_the_walk_clicks():
    """With `walk_arms` (runs trained with `--walk-arms`) the walk view clicks each carried slice at the
    walk's seeds on the slice below (spread along the glenoid, one on the blade), not its innermost
    point only; the neighbour channel and the bone's first slice are as without."""
    from bonebench.protocol.clicks import walk_inputs
    from bonebench.protocol.network import FOREGROUND_MAP, InputSpec
    from bonebench.protocol.walk_seeds import SEED_GAP, arm_seeds, piece_seeds

    yy, xx = np.mgrid[0:80, 0:120]
    shoulder = np.hypot(yy - 40, xx - 20) < 10  # a glenoid with a thin blade leaving it
    shoulder[39:42, 20:110] = True
    target = np.stack([shoulder, shoulder, np.zeros_like(shoulder)])
    spec = InputSpec(True, neighbour_mask=True)
    plain, seeded = (walk_inputs(np.zeros(target.shape, np.float32), target, spec, reach) for reach in (0.0, 24.0))
    assert np.array_equal(plain[:, spec.neighbour_channel], seeded[:, spec.neighbour_channel])
    assert np.array_equal(plain[0], seeded[0])
    gap = (SEED_GAP, SEED_GAP)
    seeds = piece_seeds(shoulder, gap)
    expected = sorted(map(tuple, seeds + arm_seeds(shoulder, gap, seeds, 24.0)))
    for z in (1, 2):  # the slice past the bone's end is still clicked where the walk would click it
        assert len(np.argwhere(plain[z, FOREGROUND_MAP] == 1)) == 1
        assert sorted(map(tuple, np.argwhere(seeded[z, FOREGROUND_MAP] == 1))) == expected
    assert any(x > 20 + 24 for _, x in expected)  # the blade is clicked
