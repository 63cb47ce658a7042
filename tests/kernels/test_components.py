import numpy as np
import pytest
from hypothesis import given, settings
from scipy import ndimage

from bonebench.kernels import KernelInputError, label_components
from tests.kernels.conftest import EDGE_CASES_2D, masks

STRUCTURES = {4: ndimage.generate_binary_structure(2, 1), 8: ndimage.generate_binary_structure(2, 2),
              6: ndimage.generate_binary_structure(3, 1), 26: ndimage.generate_binary_structure(3, 3)}


def _assert_same_as_scipy(mask, connectivity):
    ours, n = label_components(mask, connectivity)
    ref, n_ref = ndimage.label(mask, structure=STRUCTURES[connectivity])
    assert n == n_ref
    np.testing.assert_array_equal(ours, ref)  # same partition and the same numbering


@settings(max_examples=150, deadline=None)
@given(mask=masks(ndim=2, max_side=40))
def test_2d_matches_scipy(mask):
    for connectivity in (4, 8):
        _assert_same_as_scipy(mask, connectivity)


@settings(max_examples=80, deadline=None)
@given(mask=masks(ndim=3, max_side=12))
def test_3d_matches_scipy(mask):
    for connectivity in (6, 26):
        _assert_same_as_scipy(mask, connectivity)


@pytest.mark.parametrize("name", sorted(EDGE_CASES_2D))
@pytest.mark.parametrize("connectivity", [4, 8])
def test_edge_cases(name, connectivity):
    _assert_same_as_scipy(EDGE_CASES_2D[name], connectivity)


def test_diagonal_pixels_join_only_with_8_connectivity():
    diagonal = np.eye(5, dtype=bool)
    assert label_components(diagonal, 4)[1] == 5
    assert label_components(diagonal, 8)[1] == 1


def test_bad_arguments():
    with pytest.raises(KernelInputError, match="connectivity"):
        label_components(np.zeros((3, 3), bool), 6)
    with pytest.raises(KernelInputError, match="dimensions"):
        label_components(np.zeros(5, bool))
    with pytest.raises(KernelInputError, match="boolean or numeric"):
        label_components(np.array([["a"]]))


def test_non_contiguous_and_integer_input():
    mask = np.random.default_rng(0).random((30, 40)) < 0.5
    view = np.asfortranarray(mask.astype(np.int16))[::2, ::3]
    _assert_same_as_scipy(view != 0, 4)
    np.testing.assert_array_equal(label_components(view)[0], ndimage.label(view)[0])
