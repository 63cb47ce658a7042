import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import ndimage

from bonebench.kernels import KernelInputError, click_maps, click_maps_batch
from bonebench.kernels._kernels import FLAT_SPAN


def reference_map(shape, clicks, sigma, truncate=4.0):
    """The definition: 1 at each click, scipy's gaussian_filter, min-max scaled to [0, 1]; flat but for
    rounding (the span under FLAT_SPAN of the peak, e.g. both pixels of a 2x1 slice clicked): zeros."""
    impulses = np.zeros(shape)
    for y, x in clicks:
        impulses[y, x] = 1.0
    smooth = ndimage.gaussian_filter(impulses, sigma, truncate=truncate)
    if not clicks:
        return smooth
    lo, hi = smooth.min(), smooth.max()
    return (smooth - lo) / (hi - lo) if hi - lo > FLAT_SPAN * hi else np.zeros(shape)


@st.composite
def click_sets(draw):
    h, w = draw(st.integers(1, 60)), draw(st.integers(1, 60))
    point = st.tuples(st.integers(0, h - 1), st.integers(0, w - 1))
    fg = draw(st.lists(point, max_size=5))
    bg = draw(st.lists(point, max_size=5))
    sigma = draw(st.sampled_from([0.7, 1.0, 2.0, 3.0, 5.5]))
    return (h, w), fg, bg, sigma


@settings(max_examples=200, deadline=None)
@given(case=click_sets())
@example(case=((2, 1), [], [(0, 0), (1, 0)], 3.0))  # flat but for rounding: hypothesis found it in CI
def test_matches_gaussian_filter_definition(case):
    shape, fg, bg, sigma = case
    maps = click_maps(shape, fg, bg, sigma=sigma)
    assert maps.shape == (2,) + shape and maps.dtype == np.float32
    np.testing.assert_allclose(maps[0], reference_map(shape, fg, sigma), atol=1e-5)
    np.testing.assert_allclose(maps[1], reference_map(shape, bg, sigma), atol=1e-5)


@pytest.mark.parametrize("shape, clicks", [
    ((512, 512), [(100, 200), (400, 7)]),  # the benchmark case
    ((1, 30), [(0, 0), (0, 29)]),  # 1xN
    ((30, 1), [(5, 0)]),
    ((5, 5), [(2, 2)]),  # window larger than the slice: reflections overlap
    ((8, 8), [(0, 0), (0, 0)]),  # a click given twice counts once
    ((40, 40), [(0, 39), (39, 0)]),  # corners
])
def test_edge_cases(shape, clicks):
    np.testing.assert_allclose(click_maps(shape, clicks, sigma=3.0)[0], reference_map(shape, clicks, 3.0), atol=1e-5)


def test_no_clicks_gives_zero_maps():
    maps = click_maps((10, 12), [], [])
    assert maps.shape == (2, 10, 12) and not maps.any()


def test_batch_equals_single_slices():
    rng = np.random.default_rng(3)
    coords = rng.integers(0, 96, size=(32, 5, 2))
    kinds = rng.integers(-1, 2, size=(32, 5))
    batch = click_maps_batch((96, 96), coords, kinds, sigma=2.0)
    for b in range(32):
        fg = [tuple(c) for c, k in zip(coords[b], kinds[b]) if k == 1]
        bg = [tuple(c) for c, k in zip(coords[b], kinds[b]) if k == 0]
        np.testing.assert_array_equal(batch[b], click_maps((96, 96), fg, bg, sigma=2.0))


def test_bad_clicks():
    with pytest.raises(KernelInputError, match="outside"):
        click_maps((10, 10), [(10, 3)])
    with pytest.raises(KernelInputError, match="outside"):
        click_maps((10, 10), [(-1, 3)])
    with pytest.raises(KernelInputError, match="integer"):
        click_maps((10, 10), [(1.5, 3)])
    with pytest.raises(KernelInputError, match="sigma"):
        click_maps((10, 10), [(1, 3)], sigma=0)
    with pytest.raises(KernelInputError, match="kinds"):
        click_maps_batch((10, 10), np.zeros((1, 1, 2), int), np.full((1, 1), 3))
    with pytest.raises(KernelInputError, match=r"\(N, K, 2\)"):
        click_maps_batch((10, 10), np.zeros((1, 2), int), np.zeros((1, 1)))
