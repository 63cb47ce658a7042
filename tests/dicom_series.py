"""Test helper: write a (z, y, x) HU volume as a CT Image Storage series with pydicom.

The caller picks each slice's position, the in-plane orientation and the file names, so tests can
make series whose file names, acquisition order and slice normal disagree; what SimpleITK makes of
them is then checked against what was written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid


@dataclass(frozen=True)
class WrittenSlice:
    """One file of a written series: which slice of the volume it holds and where it lies."""

    index: int  # slice of the volume passed to write_ct_series
    path: Path
    sop_instance_uid: str
    position: tuple[float, float, float]


def _ct_dataset(series: dict, rows: int, columns: int) -> pydicom.Dataset:
    ds = pydicom.Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = CTImageStorage
    ds.Modality, ds.Manufacturer, ds.ImageType = "CT", "bonebench tests", ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.PatientName, ds.PatientID, ds.PatientBirthDate, ds.PatientSex = "Phantom^Leg", "PHANTOM1", "19700101", "O"
    ds.StudyDate, ds.StudyTime, ds.AccessionNumber, ds.ReferringPhysicianName, ds.StudyID = (
        "20260101", "120000", "A1", "", "1")
    ds.StudyInstanceUID, ds.SeriesInstanceUID = series["study"], series["series"]
    ds.FrameOfReferenceUID, ds.PositionReferenceIndicator = series["frame"], ""
    ds.SeriesNumber, ds.KVP = 1, 120
    ds.ImageOrientationPatient = [float(v) for v in series["orientation"]]
    ds.PixelSpacing = [float(series["spacing"][1]), float(series["spacing"][0])]  # row, column spacing
    ds.SliceThickness = float(series["spacing"][2])
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.Rows, ds.Columns = rows, columns
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = 0, 1, "HU"
    return ds


def write_ct_series(folder: Path, hu: np.ndarray, *, spacing: tuple[float, float, float],
                    positions: list[tuple[float, float, float]], orientation=(1, 0, 0, 0, 1, 0),
                    names: list[str] | None = None) -> list[WrittenSlice]:
    """Write hu[k] (int16 HU, rows = y, columns = x) to folder/names[k] at positions[k]; return the files."""
    folder.mkdir(parents=True, exist_ok=True)
    names = names or [f"slice{k:03d}.dcm" for k in range(hu.shape[0])]
    series = dict(study=generate_uid(), series=generate_uid(), frame=generate_uid(), spacing=spacing,
                  orientation=orientation)
    written = []
    for k in range(hu.shape[0]):
        ds = _ct_dataset(series, hu.shape[1], hu.shape[2])
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
        ds.InstanceNumber = k + 1
        ds.ImagePositionPatient = [float(v) for v in positions[k]]
        ds.PixelData = np.ascontiguousarray(hu[k].astype(np.int16)).tobytes()
        path = folder / names[k]
        ds.save_as(path, enforce_file_format=True)
        written.append(WrittenSlice(k, path, str(ds.SOPInstanceUID), tuple(float(v) for v in positions[k])))
    return written
