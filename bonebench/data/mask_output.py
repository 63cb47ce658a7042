"""Where a mask goes: a SimpleITK volume file (NIfTI, NRRD, MHA, ...) or a DICOM-SEG of the source
series. The one place that checks a mask's path, decides its format and writes it, so bb-segment and
the napari widget agree.

A labels volume of several bones (the widget's: 1, 2, ... per bone) is one volume file, or one
single-segment DICOM-SEG per bone: NAME_bone<label>.dcm beside the NAME.dcm asked for.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from bonebench.data.atomic import atomic_paths, file_suffix
from bonebench.data.checks import check_output_path
from bonebench.data.dicom_seg import SegAlgorithm, default_bone_name, write_dicom_seg
from bonebench.data.dicom_series import DicomSource
from bonebench.data.formats import DICOM_SEG, DICOM_SEG_SUFFIXES, MASK_FORMATS, VOLUME, VOLUME_MASK_SUFFIXES, listed
from bonebench.data.geometry import VolumeGeometry
from bonebench.data.volume_io import read_volume_with_source, write_mask
from bonebench.errors import InputError

Extra = tuple[Path, Callable[[Path], None]]  # another file committed with the mask: (path, write(tmp))


def choose_mask_format(volume: str | os.PathLike | None, out: str | os.PathLike, requested: str | None = None) -> str:
    """The mask format: the one requested (`volume` or `dicom-seg`), else by the output's extension
    (.dcm -> DICOM-SEG). Raises InputError for a DICOM-SEG of an input that is not a DICOM series
    folder; call it before any inference so a bad request costs nothing."""
    if requested is not None and requested not in MASK_FORMATS:
        raise InputError(f"--format {requested!r}: expected one of {', '.join(MASK_FORMATS)}")
    fmt = requested or (DICOM_SEG if file_suffix(Path(out)).lower() in DICOM_SEG_SUFFIXES else VOLUME)
    if fmt == DICOM_SEG and (volume is None or not Path(volume).is_dir()):
        which = f"{volume} is not one" if volume is not None else "this volume was not read from one"
        raise InputError(f"{out}: DICOM-SEG output needs a DICOM series folder as input, and {which}; "
                         f"write {listed(VOLUME_MASK_SUFFIXES)} instead")
    return fmt


@dataclass(frozen=True)
class MaskTarget:
    """A checked place for a mask: the path, the format, the input volume (which a DICOM-SEG
    references) and every input the mask must never overwrite."""

    path: Path
    format: str
    volume: Path | None
    inputs: tuple[Path, ...]

    @classmethod
    def check(cls, path: str | os.PathLike, volume: str | os.PathLike | None, *,
              others: Iterable[str | os.PathLike | None] = (), requested: str | None = None,
              option: str = "-o") -> "MaskTarget":
        """Refuse, before any work, a path no mask can go to (its extension, a folder, an input by path
        or inode, an unwritable folder) and a DICOM-SEG of an input that is not a DICOM series.
        Messages start with `option` (none: the path alone)."""
        inputs = tuple(Path(p) for p in (volume, *others) if p is not None)
        path = check_output_path(path, "mask", inputs, option, any_suffix=requested == DICOM_SEG)
        volume = Path(volume) if volume is not None else None
        return cls(path, choose_mask_format(volume, path, requested), volume, inputs)

    def files(self, labels: np.ndarray) -> dict[int, Path]:
        """label value -> the file it goes to: all to `path`, except a DICOM-SEG of several bones."""
        values = [int(v) for v in np.unique(labels) if v]
        if self.format == VOLUME or len(values) <= 1:
            return {values[0] if values else 1: self.path}
        suffix = file_suffix(self.path)
        stem = self.path.name[: len(self.path.name) - len(suffix)]
        files = {v: self.path.with_name(f"{stem}_bone{v}{suffix}") for v in values}
        for file in files.values():
            check_output_path(file, "mask", self.inputs, "", any_suffix=True)
        return files

    def save(self, labels: np.ndarray, geometry: VolumeGeometry, info, *, bone: str | None = None,
             source: DicomSource | None = None, extra: Sequence[Extra] = ()) -> list[Path]:
        """Write the labels with the input's geometry, atomically, together with `extra` (all or
        none). `info` is the model's ModelInfo (a DICOM-SEG credits it and names the bone after its
        label unless `bone` is given); `source` is read from the volume when a DICOM-SEG needs it."""
        if self.format == DICOM_SEG and not np.any(labels):
            raise InputError(f"{self.path}: the mask is empty; no DICOM-SEG written")
        files = self.files(labels)
        if self.format == DICOM_SEG and source is None:
            source = read_volume_with_source(self.volume)[2]
        with atomic_paths(*files.values(), *(path for path, _ in extra)) as temporaries:
            for (value, _), tmp in zip(files.items(), temporaries):
                if self.format == VOLUME:
                    write_mask(tmp, labels, geometry)
                else:
                    write_dicom_seg(tmp, labels == value, geometry, source, algorithm=SegAlgorithm.of_model(info),
                                    bone=bone or default_bone_name(info.label))
            for (_, write), tmp in zip(extra, temporaries[len(files):]):
                write(tmp)
        return list(files.values())
