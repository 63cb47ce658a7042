"""Datasets on disk in the nnU-Net / Medical Segmentation Decathlon raw layout (data.dataset_layout).

Both label conventions are accepted: nnU-Net v2 (`{"mandible": 1}`) and Decathlon
(`{"1": "mandible"}`); a Decathlon `training` list, when present, names the files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bonebench.data.dataset_layout import DatasetLayout
from bonebench.data.formats import NIFTI_GZ
from bonebench.data.geometry import VolumeGeometry
from bonebench.data.volume_io import read_volume
from bonebench.errors import InputError


@dataclass(frozen=True)
class Case:
    case_id: str
    image_path: Path
    label_path: Path


@dataclass(frozen=True)
class LoadedCase:
    """One patient: clipped HU (int16, z, y, x), a binary target mask (uint8) and the geometry."""

    case_id: str
    hu: np.ndarray
    target: np.ndarray
    geometry: VolumeGeometry


def _label_table(labels: dict) -> dict[str, int]:
    """Name -> value, whichever way round dataset.json writes it."""
    table: dict[str, int] = {}
    for key, value in labels.items():
        if isinstance(value, str) and str(key).lstrip("-").isdigit():  # Decathlon: "1": "fibula"
            table[value] = int(key)
        elif isinstance(value, (int, float)) or (isinstance(value, str) and value.lstrip("-").isdigit()):
            table[str(key)] = int(value)
        # lists are nnU-Net region labels: not a single bone, skipped
    return table


class Dataset:
    """A raw dataset folder: its cases and its label names."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        meta_path = DatasetLayout(self.root).meta
        if not meta_path.is_file():
            raise InputError(f"{self.root}: not a dataset folder (no dataset.json)")
        try:
            self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{meta_path}: not valid JSON ({exc})") from None
        if not isinstance(self.meta, dict) or "labels" not in self.meta:
            raise InputError(f"{meta_path}: has no 'labels' entry")
        self.labels = _label_table(self.meta["labels"])
        self.file_ending = self.meta.get("file_ending", NIFTI_GZ)
        self.layout = DatasetLayout(self.root, self.file_ending)
        self.cases = self._find_cases()
        if not self.cases:
            raise InputError(f"{self.root}: dataset has no cases in labelsTr")

    def _find_cases(self) -> list[Case]:
        if isinstance(self.meta.get("training"), list):
            cases = []
            for entry in self.meta["training"]:
                label = self.root / entry["label"]
                image = self.root / entry["image"]
                case_id = self.layout.case_id(label)
                if not image.exists():  # Decathlon lists the 4D name; nnU-Net splits off each channel
                    image = image.with_name(self.layout.image_name(case_id))
                cases.append(Case(case_id, image, label))
            return sorted(cases, key=lambda c: c.case_id)
        labels_dir = self.layout.labels
        if not labels_dir.is_dir():
            raise InputError(f"{self.root}: no {labels_dir.name} folder")
        cases = []
        for label in sorted(labels_dir.glob(f"*{self.file_ending}")):
            case_id = self.layout.case_id(label)
            cases.append(Case(case_id, self.layout.image(case_id), label))
        return cases

    @property
    def case_ids(self) -> list[str]:
        return [c.case_id for c in self.cases]

    def case(self, case_id: str) -> Case:
        for c in self.cases:
            if c.case_id == case_id:
                return c
        raise InputError(f"{self.root}: no case named {case_id!r}")

    def label_value(self, label: str | int) -> int:
        """The value of a target label given by name or number; the error lists the valid ones."""
        valid = {k: v for k, v in self.labels.items() if v != 0}
        text = str(label)
        if text in valid:
            return valid[text]
        if text.lstrip("-").isdigit() and int(text) in valid.values():
            return int(text)
        choices = ", ".join(f"{k} ({v})" for k, v in valid.items())
        raise InputError(f"{self.root}: dataset has no label {text!r}; labels: {choices}")

    def load(self, case_id: str, label: str | int, *, pixel_mm: float | None = None) -> LoadedCase:
        """Load one case: clipped int16 HU and the binary mask (0/1) of the target label."""
        return self.load_labels(case_id, [label], binary=True, pixel_mm=pixel_mm)

    def load_labels(self, case_id: str, labels: list[str | int], *, binary: bool = False,
                    pixel_mm: float | None = None) -> LoadedCase:
        """Load one case with a target map that keeps the given labels' values (others are 0), or
        their union as 0/1 when binary; resampled in-plane to `pixel_mm` when given (None/0: as stored)."""
        from bonebench.data.intensity import clip_hu_int16
        from bonebench.data.resample import resample_inplane

        case = self.case(case_id)
        values = [self.label_value(label) for label in labels]
        hu, geometry = read_volume(case.image_path)
        seg, _ = read_volume(case.label_path)
        if hu.shape != seg.shape:
            raise InputError(f"{case.case_id}: image shape {hu.shape} differs from label shape {seg.shape}")
        keep = np.isin(seg, values)
        target = keep.astype(np.uint8) if binary else np.where(keep, seg, 0).astype(np.uint8)
        return LoadedCase(case.case_id, *resample_inplane(clip_hu_int16(hu), target, geometry, pixel_mm))

    def load_image(self, case_id: str, *, pixel_mm: float | None = None) -> np.ndarray:
        """Clipped int16 HU of one case, without labels (restoration pretraining), at `pixel_mm`
        in-plane when given."""
        from bonebench.data.intensity import clip_hu_int16
        from bonebench.data.resample import resample_inplane

        hu, geometry = read_volume(self.case(case_id).image_path)
        return resample_inplane(clip_hu_int16(hu), None, geometry, pixel_mm)[0]
