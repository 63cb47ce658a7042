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
from bonebench.data.checks import check_nifti_length
from bonebench.data.dicom_series import DicomSource, read_dicom_series
from bonebench.data.geometry import VolumeGeometry
from bonebench.data.itk_log import quiet_itk
from bonebench.errors import InputError


# what ITK's readers say (in the exception or on stderr) when the data ends before the header's size
TRUNCATION_SIGNS = ("not read completely", "bytes but received", "fread got only", "Unexpected end of file")


def _read(path: str | os.PathLike) -> tuple[sitk.Image, DicomSource | None]:
    """Read a 3D scalar image from a file or a DICOM series folder (with its DicomSource), or raise InputError.
    ITK's messages go to the debug log; a NIfTI shorter than its header says is refused."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    check_nifti_length(path)
    source = None
    try:
        with quiet_itk() as printed:
            if path.is_dir():
                image, source = read_dicom_series(path)
            else:
                image = sitk.ReadImage(str(path))
    except RuntimeError as exc:
        if any(sign in str(exc) + printed.text for sign in TRUNCATION_SIGNS):
            raise InputError(f"{path}: cannot read volume: file is truncated (ITK read fewer bytes than its header promises)") from None
        first_line = str(exc).strip().splitlines()[-1] if str(exc).strip() else "unreadable"
        raise InputError(f"{path}: cannot read volume ({first_line.strip()[:160]})") from None
    if image.GetDimension() != 3:
        raise InputError(f"{path}: expected a 3D volume, got {image.GetDimension()}D")
    if image.GetNumberOfComponentsPerPixel() != 1:
        raise InputError(f"{path}: expected one value per voxel, got {image.GetNumberOfComponentsPerPixel()}")
    return image, source


def _header(path: Path) -> tuple[tuple[int, ...], int] | None:
    """(size (x, y, z, ...), values per voxel) from the file header alone; None for a DICOM folder or a
    header SimpleITK cannot read without loading the voxels."""
    if not path.is_file():
        return None
    reader = sitk.ImageFileReader()
    reader.SetFileName(str(path))
    try:
        with quiet_itk():
            reader.ReadImageInformation()
    except RuntimeError:
        return None
    return tuple(int(v) for v in reader.GetSize()), int(reader.GetNumberOfComponents())


def volume_size(path: str | os.PathLike) -> tuple[int, ...] | None:
    """Size (x, y, z, ...) from the file header alone (None where that cannot be read early)."""
    header = _header(Path(path))
    return None if header is None else header[0]


def volume_voxels(path: str | os.PathLike) -> int | None:
    """Number of voxels, read from the file header alone (None for a DICOM folder or a header
    SimpleITK cannot read without loading), so a volume too large for memory is refused early."""
    header = _header(Path(path))
    return None if header is None else int(np.prod(header[0], dtype=np.float64)) * header[1]


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
    with atomic_path(path) as tmp, quiet_itk():
        sitk.WriteImage(image, str(tmp), useCompression=True)


def write_mask(path: str | os.PathLike, mask: np.ndarray, geometry: VolumeGeometry) -> None:
    """Write a label mask (uint8) with the input's geometry, atomically."""
    write_volume(path, np.asarray(mask).astype(np.uint8, copy=False), geometry)
