import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from bonebench.runtime.walk_check import CHECK_GROW, added, kept, near
from tests.kernels.conftest import EDGE_CASES_2D, masks


def _scipy_near(mask, pixels):
    return ndimage.binary_dilation(mask, iterations=pixels) if pixels else mask.astype(bool)


@settings(max_examples=150, deadline=None)
@given(mask=masks(ndim=2, max_side=40), pixels=st.integers(0, 4))
def test_near_is_scipy_s_dilation_with_its_default_cross(mask, pixels):
    np.testing.assert_array_equal(near(mask.astype(bool), pixels), _scipy_near(mask, pixels))


@pytest.mark.parametrize("name", sorted(EDGE_CASES_2D))
def test_near_on_edge_cases(name):
    mask = EDGE_CASES_2D[name].astype(bool)
    np.testing.assert_array_equal(near(mask), _scipy_near(mask, CHECK_GROW))


def test_the_walk_keeps_what_the_check_sees_and_the_check_adds_only_its_rim():
    """A walk that slid into a neighbour (columns 20-29) beside a bone the check sees (columns 5-14):
    the walk keeps the bone and two pixels of the slide; the check's boundary pixel that the walk
    missed is added, its own far piece (the neighbour's other end) is not."""
    walked = np.zeros((20, 40), bool)
    walked[5:15, 6:30] = True
    check = np.zeros_like(walked)
    check[5:15, 5:15] = True
    check[5:15, 36:40] = True
    mask = kept(walked, check)
    assert mask[:, 6:17].sum() == 10 * 11 and not mask[:, 17:].any()
    extra = added(check, mask)
    assert extra[5:15, 5].all() and extra.sum() == 10
