"""Read any single 3D volume SimpleITK reads (NIfTI, NRRD, MHA, a DICOM series folder); write masks back.

Arrays are (z, y, x); the geometry travels separately in a VolumeGeometry so that a mask written
back lands on the same physical voxels as its input, whatever the direction matrix.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import SimpleITK as sitk

from bonebench.data.atomic import atomic_path
from bonebench.data.dicom_series import DicomSource, read_dicom_series
from bonebench.data.geometry import VolumeGeometry
from bonebench.errors import InputError


def _read(path: str | os.PathLike) -> tuple[sitk.Image, DicomSource | None]:
    """Read a 3D scalar image from a file or a DICOM series folder (with its DicomSource), or raise InputError."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    source = None
    try:
        if path.is_dir():
            image, source = read_dicom_series(path)
        else:
            image = sitk.ReadImage(str(path))
    except RuntimeError as exc:
        first_line = str(exc).strip().splitlines()[-1] if str(exc).strip() else "unreadable"
        raise InputError(f"{path}: cannot read volume ({first_line.strip()[:160]})") from None
    if image.GetDimension() != 3:
        raise InputError(f"{path}: expected a 3D volume, got {image.GetDimension()}D")
    if image.GetNumberOfComponentsPerPixel() != 1:
        raise InputError(f"{path}: expected one value per voxel, got {image.GetNumberOfComponentsPerPixel()}")
    return image, source


def read_image(path: str | os.PathLike) -> sitk.Image:
    """Read a 3D scalar image from a file or a DICOM series folder, or raise InputError."""
    return _read(path)[0]


def volume_voxels(path: str | os.PathLike) -> int | None:
    """Number of voxels, read from the file header alone (None for a DICOM folder or a header
    SimpleITK cannot read without loading), so a volume too large for memory is refused early."""
    path = Path(path)
    if not path.is_file():
        return None
    reader = sitk.ImageFileReader()
    reader.SetFileName(str(path))
    try:
        reader.ReadImageInformation()
    except RuntimeError:
        return None
    return int(np.prod(reader.GetSize(), dtype=np.float64)) * reader.GetNumberOfComponents()


def read_volume(path: str | os.PathLike, *, check_finite: bool = True) -> tuple[np.ndarray, VolumeGeometry]:
    """Read a volume as a (z, y, x) array and its geometry."""
    array, geometry, _ = read_volume_with_source(path, check_finite=check_finite)
    return array, geometry


def read_volume_with_source(path: str | os.PathLike, *, check_finite: bool = True
                            ) -> tuple[np.ndarray, VolumeGeometry, DicomSource | None]:
    """Read a volume as read_volume does, plus its DicomSource when it is a DICOM series folder
    (None otherwise), which a DICOM-SEG output needs to reference the source instances."""
    image, source = _read(path)
    array = sitk.GetArrayFromImage(image)
    if check_finite and np.issubdtype(array.dtype, np.floating) and not np.isfinite(array).all():
        raise InputError(f"{path}: volume contains NaN or infinite values")
    return array, VolumeGeometry.of_image(image), source


def write_volume(path: str | os.PathLike, array: np.ndarray, geometry: VolumeGeometry) -> None:
    """Write a (z, y, x) array with exactly the given geometry, atomically."""
    array = np.ascontiguousarray(array)
    if array.ndim != 3 or array.shape != geometry.shape_zyx:
        raise InputError(f"array shape {array.shape} does not match geometry (z, y, x) {geometry.shape_zyx}")
    image = geometry.apply_to(sitk.GetImageFromArray(array))
    with atomic_path(path) as tmp:
        sitk.WriteImage(image, str(tmp), useCompression=True)


def write_mask(path: str | os.PathLike, mask: np.ndarray, geometry: VolumeGeometry) -> None:
    """Write a label mask (uint8) with the input's geometry, atomically."""
    write_volume(path, np.asarray(mask).astype(np.uint8, copy=False), geometry)
