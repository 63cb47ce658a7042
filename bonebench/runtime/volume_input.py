"""A CT volume a user names, checked the same way wherever it is opened (bb-segment, bb-demo, the
napari widget): the file decodes completely, its slices are large enough for the model, it fits in
memory, and its values are Hounsfield units, or become HU with an explicit intensity offset. Each
refusal is one InputError line."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bonebench.data.checks import check_volume_file
from bonebench.data.dicom_series import DicomSource
from bonebench.data.geometry import VolumeGeometry
from bonebench.data.intensity import air_shift, hu_problem
from bonebench.data.volume_io import read_volume_with_source, volume_size, volume_voxels
from bonebench.errors import InputError
from bonebench.runtime.session import check_fits

MEMORY_SHARE = 0.5  # refuse volumes whose working set would take more than this share of free memory
BYTES_PER_VOXEL = 12  # the file's voxels, a float32 copy, the mask and slack


@dataclass(frozen=True)
class CtVolume:
    """A volume read and checked: HU (float32, z, y, x), its geometry, its DICOM source (a series
    folder's, else None) and the path it came from."""

    hu: np.ndarray
    geometry: VolumeGeometry
    source: DicomSource | None
    path: Path


def _available_memory() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def check_memory(volume: str | os.PathLike) -> None:
    """Refuse a volume whose header says its working set takes more than MEMORY_SHARE of free memory."""
    voxels = volume_voxels(volume)
    available = _available_memory()
    if voxels is None or available is None:
        return
    needed = voxels * BYTES_PER_VOXEL
    if needed > MEMORY_SHARE * available:
        raise InputError(f"{volume}: too large for this machine's memory (needs about {needed / 2**30:.1f} GiB, "
                         f"{available / 2**30:.1f} GiB available)")


def check_volume_input(volume: str | os.PathLike) -> None:
    """What can be checked before reading the voxels: the file decodes completely, its size (from the
    header) fits the model and the machine's memory."""
    check_volume_file(volume)
    size = volume_size(volume)
    if size is not None and len(size) == 3:
        check_fits(size[::-1], volume)
    check_memory(volume)


def check_finite(values: np.ndarray, name: str | os.PathLike) -> None:
    """Refuse NaN or infinite voxels anywhere, naming how many and the first (x, y, z): the model would
    see them as air or bone, and every mask near them would be wrong."""
    if not np.issubdtype(values.dtype, np.floating):
        return
    bad = ~np.isfinite(values)
    if bad.any():
        z, y, x = (int(v) for v in np.argwhere(bad)[0])
        raise InputError(f"{name}: volume holds {int(bad.sum())} NaN or infinite voxel(s), the first at voxel "
                         f"{x},{y},{z} (x,y,z); refusing rather than segmenting around them")


def _offset_advice(name, intensity_offset: float | None, shift: float) -> InputError:
    after = f" after --intensity-offset {intensity_offset:g}" if intensity_offset is not None else ""
    needed = (intensity_offset or 0.0) + shift
    fix = (f"pass --intensity-offset {needed:g}" if needed else
           "run without --intensity-offset (the stored values are already HU)")
    return InputError(f"{name}: does not look like CT in Hounsfield units{after}: air would lie near "
                      f"{-1000 - shift:.0f} instead of -1000; {fix}")


def to_hu(values: np.ndarray, name: str | os.PathLike, intensity_offset: float | None = None) -> np.ndarray:
    """The volume in HU (float32, the offset added); refuses NaN or infinite voxels, and values that,
    after the offset (what the model will see), do not look like CT in HU: air away from -1000
    (data.intensity.air_shift, naming the offset it needs) or the rule of data.intensity.hu_problem.
    Also refuses a volume too small for the model. `name` heads the message."""
    check_fits(values.shape, name)
    check_finite(values, name)
    hu = values.astype(np.float32, copy=False)
    if intensity_offset:
        hu = hu + np.float32(intensity_offset)
    shift = air_shift(hu)
    if shift is not None:
        raise _offset_advice(name, intensity_offset, shift)
    problem = hu_problem(hu, confirmed=intensity_offset is not None)
    if problem is not None:
        shifted = f" after --intensity-offset {intensity_offset:g}" if intensity_offset is not None else ""
        raise InputError(f"{name}: does not look like CT in Hounsfield units{shifted}: {problem}. If the stored "
                         "values are HU plus a constant, pass --intensity-offset N (added to every value, e.g. "
                         "-1024); refusing rather than giving a wrong mask")
    return hu


def read_values(volume: str | os.PathLike) -> tuple[np.ndarray, VolumeGeometry, DicomSource | None]:
    """A volume's stored values (not yet checked as HU), its geometry (spacing checked) and DICOM source."""
    values, geometry, source = read_volume_with_source(volume, check_finite=False)
    geometry.check_spacing(volume)
    return values, geometry, source


def as_ct(volume: str | os.PathLike, values: np.ndarray, geometry: VolumeGeometry, source: DicomSource | None,
          intensity_offset: float | None = None) -> CtVolume:
    """The CtVolume of read_values' result, refusing what to_hu refuses."""
    return CtVolume(to_hu(values, volume, intensity_offset), geometry, source, Path(volume))


def read_ct(volume: str | os.PathLike, intensity_offset: float | None = None) -> CtVolume:
    """Read a volume (a file or a DICOM series folder) as HU, refusing what read_values and to_hu refuse."""
    return as_ct(volume, *read_values(volume), intensity_offset)


def open_ct(volume: str | os.PathLike, intensity_offset: float | None = None) -> CtVolume:
    """check_volume_input, then read_ct: every check a user's volume gets, in one call."""
    check_volume_input(volume)
    return read_ct(volume, intensity_offset)
