import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from bonebench.kernels import KernelInputError, distance_transform, innermost_point, innermost_points
from tests.kernels import reference
from tests.kernels.conftest import EDGE_CASES_2D, masks


def _with_background(mask):
    """scipy's EDT is undefined without any background; keep one zero pixel."""
    mask = mask.copy()
    mask.flat[0] = False
    return mask


@settings(max_examples=150, deadline=None)
@given(mask=masks(ndim=2, max_side=40),
       spacing=st.tuples(st.floats(0.2, 5.0), st.floats(0.2, 5.0)))
def test_2d_matches_scipy_with_anisotropic_spacing(mask, spacing):
    mask = _with_background(mask)
    ours = distance_transform(mask, spacing)
    ref = ndimage.distance_transform_edt(mask, sampling=spacing)
    np.testing.assert_allclose(ours, ref, atol=1e-4, rtol=0)


@settings(max_examples=60, deadline=None)
@given(mask=masks(ndim=3, max_side=14),
       spacing=st.tuples(st.floats(0.5, 4.0), st.floats(0.3, 2.0), st.floats(0.3, 2.0)))
def test_3d_matches_scipy(mask, spacing):
    mask = _with_background(mask)
    np.testing.assert_allclose(distance_transform(mask, spacing),
                               ndimage.distance_transform_edt(mask, sampling=spacing), atol=1e-4, rtol=0)


@pytest.mark.parametrize("name", sorted(set(EDGE_CASES_2D) - {"full"}))
def test_edge_cases(name):
    mask = EDGE_CASES_2D[name]
    for spacing in (None, (2.5, 0.7)):
        np.testing.assert_allclose(distance_transform(mask, spacing),
                                   ndimage.distance_transform_edt(mask, sampling=spacing), atol=1e-4)


def test_full_mask_has_no_background():
    assert np.all(np.isinf(distance_transform(np.ones((4, 5), bool))))
    padded = distance_transform(np.ones((3, 5), bool), border_is_background=True)
    np.testing.assert_allclose(padded, ndimage.distance_transform_edt(np.pad(np.ones((3, 5)), 1))[1:-1, 1:-1])


@settings(max_examples=80, deadline=None)
@given(mask=masks(ndim=2, max_side=30))
def test_border_as_background_equals_padding(mask):
    ref = ndimage.distance_transform_edt(np.pad(mask, 1), sampling=(1.5, 1.0))[1:-1, 1:-1]
    np.testing.assert_allclose(distance_transform(mask, (1.5, 1.0), border_is_background=True), ref, atol=1e-4)


@settings(max_examples=80, deadline=None)
@given(mask=masks(ndim=2, max_side=30))
def test_innermost_point_is_the_first_argmax(mask):
    ref = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
    point = innermost_point(mask)
    if not mask.any():
        assert point is None
        return
    assert point == reference.first_argmax(ref)
    assert mask[point]


def test_innermost_point_of_a_rectangle_and_in_3d():
    mask = np.zeros((9, 12), bool)
    mask[2:7, 3:10] = True  # 5 rows: centre row 4; columns 3..9, distance 3 only at column 5..7
    assert innermost_point(mask) == (4, 5)
    cube = np.zeros((5, 7, 7), bool)
    cube[1:4, 2:5, 2:5] = True
    assert innermost_point(cube) == (2, 3, 3)
    # anisotropy changes the answer: thick slices make z the short direction
    slab = np.zeros((3, 9, 9), bool)
    slab[:, 1:8, 1:8] = True
    assert innermost_point(slab, spacing=(10.0, 1.0, 1.0))[1:] == (4, 4)


def test_bad_spacing():
    with pytest.raises(KernelInputError, match="spacing"):
        distance_transform(np.ones((3, 3)), spacing=(1.0, -1.0))
    with pytest.raises(KernelInputError, match="spacing"):
        distance_transform(np.ones((3, 3)), spacing=(1.0, np.nan))


@settings(max_examples=100, deadline=None)
@given(mask=masks(ndim=2, max_side=30), connectivity=st.sampled_from([4, 8]))
def test_innermost_points_equal_innermost_point_of_each_component(mask, connectivity):
    structure = ndimage.generate_binary_structure(2, 1 if connectivity == 4 else 2)
    labels, n = ndimage.label(mask, structure=structure)
    expected = [innermost_point(labels == k) for k in range(1, n + 1)]
    points = innermost_points(mask, connectivity)
    assert points.shape == (n, 2)
    assert [tuple(p) for p in points] == expected
