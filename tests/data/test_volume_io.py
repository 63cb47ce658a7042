import numpy as np
import pytest
import SimpleITK as sitk

from bonebench.data.geometry import VolumeGeometry
from bonebench.data.volume_io import read_volume, write_mask, write_volume
from bonebench.errors import InputError

FLIPPED = (-1.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 1.0)


def _geometry(shape_zyx, direction=FLIPPED):
    z, y, x = shape_zyx
    return VolumeGeometry(size=(x, y, z), spacing=(0.7, 0.8, 2.5), origin=(120.5, -33.25, 14.0),
                          direction=direction)


@pytest.mark.parametrize("suffix", [".nii.gz", ".nrrd", ".mha"])
def test_round_trip_keeps_geometry_for_flipped_direction(tmp_path, rng, suffix):
    hu = rng.integers(-1024, 2000, size=(7, 11, 13)).astype(np.int16)
    geometry = _geometry(hu.shape)
    path = tmp_path / f"ct{suffix}"
    write_volume(path, hu, geometry)
    back, geometry_back = read_volume(path)
    np.testing.assert_array_equal(back, hu)
    assert geometry_back.size == geometry.size
    np.testing.assert_allclose(geometry_back.spacing, geometry.spacing, atol=1e-5)
    np.testing.assert_allclose(geometry_back.origin, geometry.origin, atol=1e-4)
    np.testing.assert_allclose(geometry_back.direction, geometry.direction, atol=1e-6)


def test_mask_lands_on_the_same_physical_points(tmp_path, rng):
    hu = rng.integers(-1024, 2000, size=(5, 6, 7)).astype(np.int16)
    geometry = _geometry(hu.shape)
    write_volume(tmp_path / "ct.nii.gz", hu, geometry)
    mask = np.zeros(hu.shape, np.uint8)
    mask[2, 3, 4] = 1
    write_mask(tmp_path / "mask.nii.gz", mask, geometry)
    ct, m = sitk.ReadImage(str(tmp_path / "ct.nii.gz")), sitk.ReadImage(str(tmp_path / "mask.nii.gz"))
    point = ct.TransformIndexToPhysicalPoint((4, 3, 2))
    assert m.TransformPhysicalPointToIndex(point) == (4, 3, 2)
    assert m.GetPixel(4, 3, 2) == 1
    # diag(-1,-1,1): a larger x index is further to the right (smaller physical x)
    assert ct.TransformIndexToPhysicalPoint((5, 3, 2))[0] < point[0]


def _write_dicom_series(folder, hu, geometry):
    """A CT series, one file per slice, tagged as a scanner would (position, orientation, spacing)."""
    folder.mkdir()
    image = geometry.apply_to(sitk.GetImageFromArray(hu))
    writer = sitk.ImageFileWriter()
    writer.KeepOriginalImageUIDOn()
    d = geometry.direction
    orientation = "\\".join(f"{v:.6f}" for v in (d[0], d[3], d[6], d[1], d[4], d[7]))
    for k in range(image.GetDepth()):
        sl = image[:, :, k]
        pos = image.TransformIndexToPhysicalPoint((0, 0, k))
        for tag, value in [("0008|0060", "CT"), ("0020|000e", "1.2.826.0.1.3680043.2.1125.1.1"),
                           ("0020|000d", "1.2.826.0.1.3680043.2.1125.1.2"),
                           ("0020|0037", orientation), ("0020|0032", "\\".join(f"{v:.6f}" for v in pos)),
                           ("0020|0013", str(k + 1)), ("0018|0050", f"{geometry.spacing[2]:.6f}"),
                           ("0028|0030", f"{geometry.spacing[1]:.6f}\\{geometry.spacing[0]:.6f}")]:
            sl.SetMetaData(tag, value)
        writer.SetFileName(str(folder / f"slice{k:03d}.dcm"))
        writer.Execute(sl)


def test_dicom_series_folder(tmp_path, rng):
    hu = rng.integers(-1000, 1500, size=(6, 9, 10)).astype(np.int16)
    geometry = _geometry(hu.shape, direction=(1.0, 0, 0, 0, 1.0, 0, 0, 0, 1.0))
    _write_dicom_series(tmp_path / "series", hu, geometry)
    back, geometry_back = read_volume(tmp_path / "series")
    np.testing.assert_array_equal(back, hu)
    np.testing.assert_allclose(geometry_back.spacing, geometry.spacing, atol=1e-4)
    np.testing.assert_allclose(geometry_back.origin, geometry.origin, atol=1e-4)
    # and a mask written for it keeps that geometry
    write_mask(tmp_path / "mask.nrrd", back > 0, geometry_back)
    assert read_volume(tmp_path / "mask.nrrd")[1] == geometry_back


def test_empty_folder_is_not_a_series(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no DICOM series"):
        read_volume(tmp_path / "empty")


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_volume(tmp_path / "nope.nii.gz")


def test_corrupt_file(tmp_path):
    bad = tmp_path / "bad.nii.gz"
    bad.write_bytes(b"\x1f\x8b not really gzip" * 10)
    with pytest.raises(InputError, match="cannot read"):
        read_volume(bad)


@pytest.mark.parametrize("shape", [(9, 8), (2, 3, 4, 5)])
def test_wrong_dimension(tmp_path, shape):
    path = tmp_path / "v.nii.gz"
    sitk.WriteImage(sitk.GetImageFromArray(np.zeros(shape, np.int16), isVector=False), str(path))
    with pytest.raises(InputError, match="expected a 3D volume"):
        read_volume(path)


def test_vector_volume(tmp_path):
    path = tmp_path / "rgb.nrrd"
    sitk.WriteImage(sitk.GetImageFromArray(np.zeros((3, 4, 5, 3), np.uint8), isVector=True), str(path))
    with pytest.raises(InputError, match="one value per voxel"):
        read_volume(path)


def test_nan_volume(tmp_path):
    data = np.zeros((3, 4, 5), np.float32)
    data[1, 2, 3] = np.nan
    path = tmp_path / "nan.nrrd"  # SimpleITK's NIfTI reader turns NaN into 0; NRRD keeps it
    sitk.WriteImage(sitk.GetImageFromArray(data), str(path))
    with pytest.raises(InputError, match="NaN"):
        read_volume(path)


def test_failed_write_leaves_nothing(tmp_path):
    geometry = _geometry((3, 4, 5))
    with pytest.raises(InputError):
        write_mask(tmp_path / "m.nii.gz", np.zeros((3, 4, 6), np.uint8), geometry)
    with pytest.raises(RuntimeError):  # SimpleITK knows no writer for this suffix
        write_mask(tmp_path / "m.unknownformat", np.zeros((3, 4, 5), np.uint8), geometry)
    assert list(tmp_path.iterdir()) == []
