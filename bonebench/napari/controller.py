"""The widget's state and logic without Qt: one InteractiveSession per bone, a labels volume, save.

Each bone the user segments has a label value (1, 2, ...) and its own InteractiveSession, so clicks,
undo and propagation of one bone never touch another. The labels volume is composed from the
sessions' masks; where two bones claim a voxel the earlier bone (lower label) keeps it, so
segmenting the tibia after the fibula cannot eat the fibula. The volume must be CT in HU (the rule
bb-segment applies), and the labels are saved as bb-segment saves a mask (runtime.segment_file), so
the widget refuses what bb-segment refuses, with the same one line. Everything here is plain numpy
and onnxruntime, so the tests drive it without a display, and the widget only forwards events.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bonebench.data.formats import DICOM_SEG
from bonebench.data.geometry import VolumeGeometry
from bonebench.errors import InputError
from bonebench.runtime.interactive import InteractiveSession
from bonebench.runtime.plausibility import plausibility_warning
from bonebench.runtime.segment_file import save_labels
from bonebench.runtime.session import Model
from bonebench.runtime.volume_input import to_hu


@dataclass
class Click:
    """One user click in voxel indices, as the Points layer shows it."""

    label: int
    x: int
    y: int
    z: int
    positive: bool


@dataclass
class _Bone:
    """A bone being segmented: its session and what each of its actions was (for undo and the points)."""

    session: InteractiveSession
    actions: list[Click | None] = field(default_factory=list)  # None = a propagation


class Controller:
    """State of one segmentation sitting: a (z, y, x) HU volume, its geometry, the model, one
    session per label and the composed labels array (uint8, same shape as the volume). `source` is
    the file or DICOM folder the volume came from: never overwritten, referenced by a DICOM-SEG."""

    def __init__(self, hu: np.ndarray, geometry: VolumeGeometry, model: Model | None = None,
                 source: str | os.PathLike | None = None):
        hu = np.asarray(hu)
        if hu.ndim != 3:
            raise InputError(f"expected a 3D volume, got shape {hu.shape}")
        if tuple(hu.shape) != geometry.shape_zyx:
            raise InputError(f"volume shape {hu.shape} does not match its geometry {geometry.shape_zyx}")
        self.source = Path(source) if source is not None else None
        self.hu = to_hu(hu, self.source or "the volume")
        self.geometry = geometry
        self.model = model if model is not None else Model(device="auto")
        self.labels = np.zeros(hu.shape, np.uint8)
        self.bones: dict[int, _Bone] = {}
        self.label = 1
        self.timings: dict[str, float] = {}

    # ------------------------------------------------------------------ the model

    def set_model(self, path: str | os.PathLike | None) -> None:
        """Use another .onnx model (None: the shipped default) for the bones segmented from now on;
        bones already segmented keep their masks."""
        model = Model(path, device="auto")
        if not model.info.interactive:
            raise InputError(f"{model.path}: model {model.info.name} ({model.info.group}) takes no clicks; "
                             "choose an interactive (SegInter) model")
        self.model = model
        for label, bone in list(self.bones.items()):
            if not bone.actions:
                del self.bones[label]

    def model_text(self) -> str:
        """One line naming the model in use, its file and where it runs."""
        info = self.model.info
        where = self.model.providers[0].replace("ExecutionProvider", "")
        bones = info.label.replace(",", ", ")
        return f"{info.name} ({info.group}, trained on {bones}) on {where}: {self.model.path.name}"

    # ------------------------------------------------------------------ user actions

    def click(self, x: int, y: int, z: int, positive: bool = True) -> None:
        """A click at voxel (x, y, z) on the current bone: re-segments that slice at once (and clears
        the walk beyond it where propagation had filled it: InteractiveSession.changed)."""
        t0 = time.perf_counter()
        bone = self._bone()
        bone.session.click(x, y, z, positive)
        bone.actions.append(Click(self.label, x, y, z, positive))
        changed = bone.session.changed
        self._compose(slice(changed[0], changed[-1] + 1))
        self.timings = {"click": time.perf_counter() - t0}

    def check_propagate(self) -> None:
        """Refuse (InputError) a propagation with nothing to start from, before any work is started."""
        self._bone().session.check_propagate()

    def propagate(self, progress=None) -> tuple[int, int]:
        """Carry the current bone through the volume from its clicked slices; returns the first and
        last slice; `progress(done, total)` after each slice. Seconds on a CPU: the widget calls it
        in a worker thread."""
        t0 = time.perf_counter()
        bone = self._bone()
        first, last = bone.session.propagate(progress)
        bone.actions.append(None)
        self._compose()
        self.timings = {"propagate": time.perf_counter() - t0}
        return first, last

    def undo(self) -> bool:
        """Take back the current bone's last click or propagation; False when there was none."""
        bone = self.bones.get(self.label)
        if bone is None or not bone.actions:
            return False
        bone.session.undo()
        bone.actions.pop()
        self._compose()
        return True

    def clear(self) -> None:
        """Forget the current bone (its clicks and mask); the other bones stay."""
        self.bones.pop(self.label, None)
        self._compose()

    def new_bone(self) -> int:
        """Start the next bone with the next free label value; returns it. A current bone without
        clicks is reused, so pressing twice does not skip labels."""
        current = self.bones.get(self.label)
        if current is None or not current.actions:
            return self.label
        if max(self.bones) >= np.iinfo(self.labels.dtype).max:
            raise InputError(f"at most {np.iinfo(self.labels.dtype).max} bones per volume")
        self.label = max(self.bones) + 1
        return self.label

    def clicks(self) -> list[Click]:
        """Every bone's clicks, in order, for the Points layer."""
        return [a for bone in self.bones.values() for a in bone.actions if a is not None]

    def status_text(self) -> str:
        """What the current bone is, and how long the last action took; on a second line the
        plausibility warning when its mask is unlikely to be the clicked bone (as bb-segment warns)."""
        bone = self.bones.get(self.label)
        slices = int(bone.session.mask.any(axis=(1, 2)).sum()) if bone is not None else 0
        timing = ", ".join(f"{k} {v * 1000:.0f} ms" if v < 1 else f"{k} {v:.2f} s" for k, v in self.timings.items())
        text = f"bone {self.label}: {slices} slices" + (f"; {timing}" if timing else "")
        doubt = None if bone is None else plausibility_warning(
            self.hu, bone.session.mask, self.geometry.voxel_volume_ml, self.model.info.label)
        return text if doubt is None else f"{text}\n{doubt}"

    # ------------------------------------------------------------------ saving

    def save(self, path: str | os.PathLike) -> tuple[Path, str]:
        """Write the labels with the input's geometry, as bb-segment writes a mask (the same checks and
        refusals; never onto the input); returns (the first file written, a message). `.dcm` asks for
        a DICOM-SEG (of a DICOM input), one file per bone."""
        t0 = time.perf_counter()
        fmt, written = save_labels(path, self.labels, self.geometry, volume=self.source, model=self.model)
        self.timings = {"save": time.perf_counter() - t0}
        if fmt == DICOM_SEG:
            return written[0], f"saved DICOM-SEG: {', '.join(p.name for p in written)}"
        return written[0], f"saved {written[0].name} ({len(self.bones)} bone(s), input geometry)"

    # ------------------------------------------------------------------ internals

    def _bone(self) -> _Bone:
        bone = self.bones.get(self.label)
        if bone is None:
            bone = self.bones[self.label] = _Bone(InteractiveSession(self.hu, self.model, self.geometry.spacing))
        return bone

    def _compose(self, where: slice = slice(None)) -> None:
        """Rebuild the labels in `where` (slices of z) from the bones; the lowest label wins."""
        out = self.labels[where]
        out[...] = 0
        for label in sorted(self.bones, reverse=True):
            out[self.bones[label].session.mask[where] > 0] = label

