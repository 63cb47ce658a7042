"""The nnU-Net / Medical Segmentation Decathlon raw layout of a dataset folder, the one place its
names are spelled (the reader, the phantom writers and tools/ all ask it):

    DATASET/dataset.json
    DATASET/imagesTr/<case>_0000.nii.gz    (_0000: the first and only channel, CT)
    DATASET/labelsTr/<case>.nii.gz
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from bonebench.data.atomic import write_text_atomic
from bonebench.data.formats import NIFTI_GZ
from bonebench.data.geometry import VolumeGeometry
from bonebench.data.volume_io import write_volume

CHANNEL = "_0000"


class DatasetLayout:
    """Paths of a raw dataset folder; `file_ending` is dataset.json's (default .nii.gz)."""

    def __init__(self, root: str | os.PathLike, file_ending: str = NIFTI_GZ):
        self.root = Path(root)
        self.file_ending = file_ending

    meta = property(lambda self: self.root / "dataset.json")
    images = property(lambda self: self.root / "imagesTr")
    labels = property(lambda self: self.root / "labelsTr")

    def image_name(self, case_id: str) -> str:
        return f"{case_id}{CHANNEL}{self.file_ending}"

    def image(self, case_id: str) -> Path:
        return self.images / self.image_name(case_id)

    def label(self, case_id: str) -> Path:
        return self.labels / f"{case_id}{self.file_ending}"

    def case_id(self, label: Path) -> str:
        """The case a label file belongs to: its name without the file ending."""
        name = label.name
        return name[: -len(self.file_ending)] if name.endswith(self.file_ending) else label.stem

    def write_case(self, case_id: str, hu: np.ndarray, labels: np.ndarray, geometry: VolumeGeometry) -> None:
        """One case's image and labels (uint8), atomically each."""
        write_volume(self.image(case_id), hu, geometry)
        write_volume(self.label(case_id), labels.astype(np.uint8, copy=False), geometry)

    def write_meta(self, meta: dict) -> None:
        """dataset.json, with this layout's file ending."""
        write_text_atomic(self.meta, json.dumps({**meta, "file_ending": self.file_ending}, indent=1) + "\n")
