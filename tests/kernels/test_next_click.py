import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bonebench.kernels import Click, KernelInputError, next_click, next_click_batch
from tests.kernels import reference


@st.composite
def click_problems(draw):
    h, w = draw(st.integers(1, 40)), draw(st.integers(1, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 31 - 1)))
    truth = rng.random((h, w)) < draw(st.sampled_from([0.0, 0.3, 0.6, 1.0]))
    flip = rng.random((h, w)) < draw(st.sampled_from([0.0, 0.05, 0.3]))
    pred = truth ^ flip
    clicked = rng.random((h, w)) < draw(st.sampled_from([0.0, 0.02, 0.2]))
    return pred, truth, clicked


def _as_tuple(click):
    return None if click is None else (click.y, click.x, click.positive)


@settings(max_examples=200, deadline=None)
@given(problem=click_problems(), connectivity=st.sampled_from([4, 8]),
       spacing=st.sampled_from([(1.0, 1.0), (2.0, 0.5)]))
def test_largest_region_matches_scipy_pipeline(problem, connectivity, spacing):
    pred, truth, clicked = problem
    ours = next_click(pred, truth, clicked, connectivity=connectivity, spacing=spacing)
    assert _as_tuple(ours) == reference.next_click_largest(pred, truth, clicked, connectivity, spacing)
    if ours is not None:
        assert not clicked[ours.y, ours.x]
        assert ours.positive == bool(truth[ours.y, ours.x] and not pred[ours.y, ours.x])


@settings(max_examples=200, deadline=None)
@given(problem=click_problems(), spacing=st.sampled_from([(1.0, 1.0), (0.7, 1.9)]))
def test_ritm_matches_reference(problem, spacing):
    pred, truth, clicked = problem
    ours = next_click(pred, truth, clicked, mode="ritm", spacing=spacing)
    assert _as_tuple(ours) == reference.next_click_ritm(pred, truth, clicked, spacing)


def test_first_click_goes_to_the_innermost_point_of_the_object():
    truth = np.zeros((20, 30), bool)
    truth[4:15, 6:25] = True
    click = next_click(np.zeros_like(truth), truth)
    assert click == Click(9, 11, True)  # 11 rows: centre 9; distance 6 first reached at column 11


def test_false_positive_region_gets_a_negative_click():
    truth = np.zeros((20, 20), bool)
    truth[2:6, 2:6] = True
    pred = truth.copy()
    pred[10:19, 10:19] = True
    assert next_click(pred, truth) == Click(14, 14, False)


def test_largest_mode_follows_size_ritm_follows_depth():
    truth = np.zeros((30, 60), bool)
    truth[10:17, 10:17] = True  # 49 px missed: small but deep (distance 4 at its centre)
    pred = np.zeros_like(truth)
    pred[2:4, 5:55] = True  # 100 px false positive: large but 2 px thin
    largest = next_click(pred, truth)
    ritm = next_click(pred, truth, mode="ritm")
    assert not largest.positive and largest.y in (2, 3) and 5 <= largest.x < 55
    assert ritm == Click(13, 13, True)


def test_never_clicks_the_same_pixel_twice():
    truth = np.zeros((9, 9), bool)
    truth[2:7, 2:7] = True
    pred = np.zeros_like(truth)
    clicked = np.zeros_like(truth)
    seen = set()
    for _ in range(truth.sum()):
        click = next_click(pred, truth, clicked)
        assert (click.y, click.x) not in seen
        seen.add((click.y, click.x))
        clicked[click.y, click.x] = True
    assert next_click(pred, truth, clicked) is None


def test_perfect_prediction_needs_no_click():
    truth = np.random.default_rng(0).random((16, 16)) < 0.5
    assert next_click(truth, truth) is None
    assert next_click(truth, truth, mode="ritm") is None


def test_batch_equals_single_slices():
    rng = np.random.default_rng(5)
    truth = rng.random((32, 96, 96)) < 0.3
    pred = truth ^ (rng.random((32, 96, 96)) < 0.1)
    pred[3] = truth[3]
    clicked = rng.random((32, 96, 96)) < 0.01
    for mode in ("largest", "ritm"):
        rows = next_click_batch(pred, truth, clicked, mode=mode)
        for b in range(32):
            single = _as_tuple(next_click(pred[b], truth[b], clicked[b], mode=mode))
            assert (tuple(rows[b]) == (-1, -1, -1)) if single is None else tuple(rows[b]) == single
        assert tuple(rows[3]) == (-1, -1, -1)


def test_bad_arguments():
    with pytest.raises(KernelInputError, match="same shape"):
        next_click(np.zeros((3, 3)), np.zeros((3, 4)))
    with pytest.raises(KernelInputError, match="mode"):
        next_click(np.zeros((3, 3)), np.zeros((3, 3)), mode="random")
    with pytest.raises(KernelInputError, match="dimensions"):
        next_click(np.zeros((2, 3, 3)), np.zeros((2, 3, 3)))
    with pytest.raises(KernelInputError, match="connectivity"):
        next_click(np.zeros((3, 3)), np.zeros((3, 3)), connectivity=6)
