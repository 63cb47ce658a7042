"""Datasets resampled in-plane to a model's pixel size when loaded: same anatomy, new grid."""

import numpy as np
import pytest

from bonebench.data.dataset import Dataset
from bonebench.data.geometry import VolumeGeometry
from bonebench.data.resample import check_pixel_mm, inplane_shape, resampled_geometry
from bonebench.errors import InputError
from tests.conftest import FLIPPED


def _centre_mm(mask: np.ndarray, geometry: VolumeGeometry) -> np.ndarray:
    """Physical centroid (LPS mm) of a (z, y, x) mask."""
    z, y, x = np.nonzero(mask)
    index = np.stack([x, y, z]).astype(float).mean(axis=1)
    direction = np.asarray(geometry.direction).reshape(3, 3)
    return np.asarray(geometry.origin) + direction @ (index * np.asarray(geometry.spacing))


@pytest.mark.parametrize("pixel_mm", [0.6, 1.0, 2.0])
def test_loaded_case_keeps_the_anatomy_on_a_new_grid(phantom_dataset, pixel_mm):
    ds = Dataset(phantom_dataset)
    native = ds.load("leg_001", "tibia")
    case = ds.load("leg_001", "tibia", pixel_mm=pixel_mm)
    sx, sy, sz = case.geometry.spacing
    assert abs(sx - pixel_mm) < 0.02 * pixel_mm and abs(sy - pixel_mm) < 0.02 * pixel_mm
    assert sz == native.geometry.spacing[2] and case.hu.shape[0] == native.hu.shape[0]
    assert case.hu.shape == case.geometry.shape_zyx == case.target.shape
    assert case.hu.dtype == np.int16 and case.target.dtype == np.uint8 and set(np.unique(case.target)) == {0, 1}
    extent = np.asarray(case.geometry.size) * case.geometry.spacing
    np.testing.assert_allclose(extent, np.asarray(native.geometry.size) * native.geometry.spacing, rtol=1e-9)
    volume = case.target.sum() * case.geometry.voxel_volume_ml
    assert volume == pytest.approx(native.target.sum() * native.geometry.voxel_volume_ml, rel=0.06)
    shift = _centre_mm(case.target, case.geometry) - _centre_mm(native.target, native.geometry)
    assert np.abs(shift).max() < 0.25 * max(pixel_mm, native.geometry.spacing[0])
    bone = native.hu[native.target > 0].mean()
    assert case.hu[case.target > 0].mean() == pytest.approx(bone, rel=0.1)
    np.testing.assert_array_equal(ds.load_image("leg_001", pixel_mm=pixel_mm), case.hu)


def test_no_pixel_size_or_a_close_one_loads_as_stored(phantom_dataset):
    ds = Dataset(phantom_dataset)
    native = ds.load_labels("leg_002", ["fibula", "tibia"])
    assert set(np.unique(native.target)) == {0, 1, 2}
    for pixel_mm in (None, 0, native.geometry.spacing[0] * 1.01):
        same = ds.load_labels("leg_002", ["fibula", "tibia"], pixel_mm=pixel_mm)
        assert same.geometry == native.geometry
        np.testing.assert_array_equal(same.target, native.target)
    coarse = ds.load_labels("leg_002", ["fibula", "tibia"], pixel_mm=2.0)
    assert set(np.unique(coarse.target)) == {0, 1, 2}  # label values survive, both bones kept


def test_geometry_of_a_flipped_volume_keeps_its_centre():
    geometry = VolumeGeometry((100, 80, 5), (0.5, 0.7, 3.0), (200.0, 150.0, -80.0), FLIPPED)
    shape = inplane_shape((80, 100), (0.7, 0.5), 1.0)
    assert shape == (56, 50)
    out = resampled_geometry(geometry, shape)
    assert out.size == (50, 56, 5) and out.direction == FLIPPED
    centre = [_centre_mm(np.ones(g.shape_zyx, bool), g) for g in (geometry, out)]
    np.testing.assert_allclose(centre[0], centre[1], atol=1e-9)


@pytest.mark.parametrize("bad", [-1.0, 0.01, 50.0, float("nan"), float("inf")])
def test_bad_pixel_sizes_are_refused_in_one_line(bad):
    with pytest.raises(InputError, match="pixel-mm must be 0 .no resampling. or between 0.05 and 20 mm"):
        check_pixel_mm(bad, "pixel-mm")
