"""Read a DICOM series folder with SimpleITK and keep what a DICOM-SEG needs to point back at it.

SimpleITK's ImageSeriesReader sorts the series' files along the slice normal (GDCM's sorter) and
stacks them, so array slice z comes from file z of that sorted list, whatever the file names or
the acquisition order. `DicomSource` keeps that list with each file's SOP Instance UID and
Image Position (Patient), so a mask computed on the array can be written back as frames of the
right source instances. Only SimpleITK is needed here; pydicom and highdicom stay in the writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import SimpleITK as sitk

from bonebench.data.geometry import VolumeGeometry
from bonebench.errors import InputError

_SERIES_UID, _SOP_UID, _POSITION = "0020|000e", "0008|0018", "0020|0032"


@dataclass(frozen=True)
class DicomSource:
    """The source series of a volume read from a DICOM folder, in the array's slice order:
    files[z], sop_instance_uids[z] and positions[z] (LPS mm) belong to array slice z."""

    folder: Path
    series_instance_uid: str
    files: tuple[Path, ...]
    sop_instance_uids: tuple[str, ...]
    positions: tuple[tuple[float, float, float], ...]

    def check_matches(self, geometry: VolumeGeometry) -> None:
        """Raise InputError unless slice z's file lies where the geometry puts array slice z
        (within half a slice), so z -> source instance is right even if the list was reordered."""
        if len(self.files) != geometry.size[2]:
            raise InputError(f"{self.folder}: {len(self.files)} DICOM files for {geometry.size[2]} slices")
        direction = np.asarray(geometry.direction, dtype=np.float64).reshape(3, 3)
        k = np.arange(geometry.size[2], dtype=np.float64)
        expected = np.asarray(geometry.origin) + np.outer(k * geometry.spacing[2], direction[:, 2])
        error = np.linalg.norm(np.asarray(self.positions) - expected, axis=1)
        if error.max() > 0.5 * geometry.spacing[2]:
            z = int(np.argmax(error))
            raise InputError(f"{self.folder}: slice {z} ({self.files[z].name}) lies {error[z]:.2f} mm away from "
                             "where the volume's geometry puts it (irregular or tilted series)")


def series_file_names(folder: Path) -> list[str]:
    """The files of the one DICOM series in a folder, sorted as SimpleITK stacks them."""
    series_ids = sitk.ImageSeriesReader.GetGDCMSeriesIDs(str(folder))
    if not series_ids:
        raise InputError(f"{folder}: folder holds no DICOM series")
    if len(series_ids) > 1:
        raise InputError(f"{folder}: folder holds {len(series_ids)} DICOM series; point at one series")
    return list(sitk.ImageSeriesReader.GetGDCMSeriesFileNames(str(folder), series_ids[0]))


SLICE_GAP_RTOL = 0.1  # slice distances within 10 % of the usual one are even (positions are rounded in files)


def check_even_slices(files: list[str], positions: list[tuple[float, float, float]], normal: np.ndarray) -> None:
    """Refuse a series whose slices are not evenly spaced along the slice normal, naming the largest
    departure: the files on either side and their distance against the usual one. A volume has one
    slice spacing, so ITK would stack a series with a missing slice on a stretched grid (it only warns,
    and the warning never reaches the user) and every mask on it would be on the wrong grid."""
    if len(positions) < 3:
        return
    along = np.asarray(positions, dtype=np.float64) @ np.asarray(normal, dtype=np.float64)
    steps = np.diff(along)
    usual = float(np.median(steps))
    departure = np.abs(steps - usual)
    k = int(np.argmax(departure))
    if departure[k] > SLICE_GAP_RTOL * abs(usual) or usual == 0:
        missing = f", about {round(steps[k] / usual) - 1} slice(s) missing" if usual and steps[k] / usual > 1.5 else ""
        raise InputError(f"{Path(files[k]).parent}: uneven DICOM series: {Path(files[k]).name} and "
                         f"{Path(files[k + 1]).name} are {abs(steps[k]):.3g} mm apart, the other slices "
                         f"{abs(usual):.3g} mm{missing}; refusing rather than stacking them on a wrong grid")


def read_dicom_series(folder: Path) -> tuple[sitk.Image, DicomSource]:
    """Read a DICOM series folder as one image, with its source files in the image's slice order."""
    files = series_file_names(folder)
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(files)
    reader.MetaDataDictionaryArrayUpdateOn()
    image = reader.Execute()
    positions, uids = [], []
    for z in range(len(files)):
        if not (reader.HasMetaDataKey(z, _SOP_UID) and reader.HasMetaDataKey(z, _POSITION)):
            raise InputError(f"{files[z]}: DICOM file without SOP Instance UID or Image Position (Patient)")
        uids.append(reader.GetMetaData(z, _SOP_UID).strip().rstrip("\x00"))
        positions.append(tuple(float(v) for v in reader.GetMetaData(z, _POSITION).split("\\")))
    check_even_slices(files, positions, np.asarray(image.GetDirection(), dtype=np.float64).reshape(3, 3)[:, 2])
    series_uid = reader.GetMetaData(0, _SERIES_UID).strip().rstrip("\x00") if reader.HasMetaDataKey(0, _SERIES_UID) else ""
    source = DicomSource(folder=Path(folder), series_instance_uid=series_uid, files=tuple(Path(f) for f in files),
                         sop_instance_uids=tuple(uids), positions=tuple(positions))
    return image, source
