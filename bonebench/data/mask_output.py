"""Where a mask goes: a SimpleITK volume file (NIfTI, NRRD, MHA, ...) or a DICOM-SEG of the source
series. The one place that decides the format, so bb-segment and the napari widget agree."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from bonebench.data.dicom_series import DicomSource
from bonebench.data.geometry import VolumeGeometry
from bonebench.errors import InputError

DICOM_SEG, VOLUME = "dicom-seg", "volume"
MASK_FORMATS = (VOLUME, DICOM_SEG)
DICOM_SEG_SUFFIXES = (".dcm",)


def choose_mask_format(volume: str | os.PathLike, out: str | os.PathLike, requested: str | None = None) -> str:
    """The mask format: the one requested (`volume` or `dicom-seg`), else by the output's extension
    (.dcm -> DICOM-SEG). Raises InputError for a DICOM-SEG of an input that is not a DICOM series
    folder; call it before any inference so a bad request costs nothing."""
    if requested is not None and requested not in MASK_FORMATS:
        raise InputError(f"--format {requested!r}: expected one of {', '.join(MASK_FORMATS)}")
    fmt = requested or (DICOM_SEG if Path(out).suffix.lower() in DICOM_SEG_SUFFIXES else VOLUME)
    if fmt == DICOM_SEG and not Path(volume).is_dir():
        raise InputError(f"{out}: DICOM-SEG output needs a DICOM series folder as input, and {volume} is not "
                         "one; write .nii.gz, .nrrd or .mha instead")
    return fmt


def save_mask(out: str | os.PathLike, fmt: str, mask: np.ndarray, geometry: VolumeGeometry,
              source: DicomSource | None, *, bone: str, algorithm) -> None:
    """Write the mask in the chosen format, atomically. `bone` and `algorithm` (a SegAlgorithm) only
    matter for DICOM-SEG, which also needs the input's DicomSource."""
    if fmt == VOLUME:
        from bonebench.data.volume_io import write_mask

        write_mask(out, mask, geometry)
        return
    if source is None:
        raise InputError(f"{out}: DICOM-SEG output needs a DICOM series folder as input")
    from bonebench.data.dicom_seg import write_dicom_seg

    write_dicom_seg(out, mask, geometry, source, bone=bone, algorithm=algorithm)
