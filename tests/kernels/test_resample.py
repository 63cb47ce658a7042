"""In-plane resampling against scipy.ndimage.zoom (grid_mode=True: pixel centres, the extent kept)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from bonebench.kernels import KernelInputError, resize_labels, resize_linear, resize_nearest
from tests.kernels.conftest import EDGE_CASES_2D, masks

sides = st.integers(1, 40)


def _zoom(array, shape, order):
    factors = [o / i for o, i in zip(shape, array.shape[-2:])]
    if array.ndim == 3:
        factors = [1.0] + factors
    out = ndimage.zoom(array, factors, order=order, grid_mode=True, mode="nearest")
    assert out.shape[-2:] == tuple(shape)
    return out


@settings(max_examples=150, deadline=None)
@given(h=sides, w=sides, out_h=sides, out_w=sides, seed=st.integers(0, 2 ** 31 - 1))
def test_linear_matches_scipy_zoom(h, w, out_h, out_w, seed):
    image = np.random.default_rng(seed).normal(0, 500, (h, w)).astype(np.float32)
    np.testing.assert_allclose(resize_linear(image, (out_h, out_w)), _zoom(image, (out_h, out_w), 1),
                               atol=1e-3, rtol=1e-5)


@settings(max_examples=150, deadline=None)
@given(mask=masks(ndim=2, max_side=40), out_h=sides, out_w=sides)
def test_nearest_matches_scipy_zoom(mask, out_h, out_w):
    labels = mask.astype(np.uint8) * 3
    np.testing.assert_array_equal(resize_nearest(labels, (out_h, out_w)), _zoom(labels, (out_h, out_w), 0))


@pytest.mark.parametrize("name", sorted(EDGE_CASES_2D))
@pytest.mark.parametrize("shape", [(1, 1), (3, 17), (14, 18), (7, 9)])
def test_edge_cases(name, shape):
    mask = EDGE_CASES_2D[name].astype(np.uint8)
    np.testing.assert_array_equal(resize_nearest(mask, shape), _zoom(mask, shape, 0))
    np.testing.assert_allclose(resize_linear(mask, shape), _zoom(mask.astype(np.float32), shape, 1), atol=1e-6)


def test_stack_resizes_each_slice_alike(rng):
    stack = rng.normal(0, 300, (4, 50, 30)).astype(np.float32)
    out = resize_linear(stack, (75, 20))
    assert out.shape == (4, 75, 20) and out.dtype == np.float32
    np.testing.assert_allclose(out, _zoom(stack, (75, 20), 1), atol=1e-3)
    np.testing.assert_array_equal(resize_linear(stack, (50, 30)), stack)  # same size: the identity


def test_label_wise_linear_keeps_values_and_thin_bone(rng):
    """A 2-pixel cortex ring at 0.5 mm, halved to 1 mm: label-wise linear keeps it closed, values stay
    the input's, and the same grid back gives the original label map almost everywhere."""
    yy, xx = np.mgrid[:80, :80]
    r = np.hypot(yy - 40, xx - 40)
    labels = np.where((r > 20) & (r <= 22), 7, 0).astype(np.uint8)
    labels[r <= 8] = 2
    half = resize_labels(labels, (40, 40))
    assert set(np.unique(half)) == {0, 2, 7}
    ring = (half == 7).astype(np.uint8)
    from bonebench.kernels import label_components

    assert label_components(ring, 8)[1] == 1  # one closed ring
    back = resize_labels(half, (80, 80))
    assert np.mean(back == labels) > 0.97
    assert resize_labels(np.ones((5, 6), np.uint8), (3, 3)).tolist() == [[1] * 3] * 3


def test_bad_inputs():
    with pytest.raises(KernelInputError, match="2D slice or 3D stack"):
        resize_linear(np.zeros(5), (2, 2))
    with pytest.raises(KernelInputError, match="2D slice or 3D stack"):
        resize_linear(np.zeros((0, 4)), (2, 2))
    with pytest.raises(KernelInputError, match="at least 1x1"):
        resize_nearest(np.zeros((4, 4), np.uint8), (0, 3))
    with pytest.raises(KernelInputError, match="0..255"):
        resize_labels(np.full((4, 4), 300), (2, 2))
