import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bonebench.kernels import KernelInputError, dice, iou
from tests.kernels.conftest import masks


@settings(max_examples=100, deadline=None)
@given(a=masks(ndim=3, max_side=10), seed=st.integers(0, 1000))
def test_dice_and_iou_match_their_formulas(a, seed):
    b = np.random.default_rng(seed).random(a.shape) < 0.5
    g, p = a.astype(float), b.astype(float)
    denom = (g * g).sum() + (p * p).sum()
    inter = (g * p).sum()
    assert dice(a, b) == pytest.approx(1.0 if denom == 0 else 2 * inter / denom)
    assert iou(a, b) == pytest.approx(1.0 if denom == 0 else inter / (denom - inter))
    if denom:
        assert dice(a, b) == pytest.approx(2 * iou(a, b) / (1 + iou(a, b)))


def test_soft_dice_is_equation_1():
    gt = np.array([[1.0, 1.0, 0.0]])
    p = np.array([[0.5, 1.0, 0.5]])
    assert dice(gt, p) == pytest.approx(2 * 1.5 / (2 + 1.5))


def test_edge_cases():
    empty = np.zeros((4, 5), bool)
    full = np.ones((4, 5), bool)
    assert dice(empty, empty) == 1.0 and dice(empty, empty, empty=0.0) == 0.0
    assert dice(full, empty) == 0.0 and iou(full, full) == 1.0
    with pytest.raises(KernelInputError, match="differ in shape"):
        dice(empty, np.zeros((5, 4)))
