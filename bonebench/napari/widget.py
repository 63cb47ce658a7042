"""The "bonebench" dock widget: wires napari's layers, mouse and keys to a Controller.

A click on the volume (with the "bonebench clicks" Points layer selected) segments that slice at
once; Shift- or Control-click, or the "background" toggle, makes it a background click. Propagation
(button or Shift-P) runs in a worker thread with a busy progress bar, so the viewer never freezes.
All decisions live in `controller.Controller` and the runtime (a volume is opened and a mask saved
as bb-segment does it, runtime.volume_input and runtime.segment_file); this module only moves events
and shows results. Bad input is one line in the status, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from napari.layers import Image
from napari.qt.threading import create_worker
from qtpy.QtCore import QTimer
from qtpy.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QGridLayout, QLabel, QProgressBar, QPushButton,
                            QVBoxLayout, QWidget)

from bonebench.data.formats import DICOM_SEG_SUFFIXES, MASK_FILTERS, NIFTI_GZ, VOLUME_SUFFIXES
from bonebench.errors import InputError, one_line
from bonebench.napari.controller import Controller
from bonebench.napari.reader import geometry_of, image_layer, layer_transform, source_of
from bonebench.runtime.session import Model
from bonebench.runtime.volume_input import open_ct

LABELS_NAME, POINTS_NAME = "bonebench labels", "bonebench clicks"
FOREGROUND, BACKGROUND = "#19e633", "#ff3333"  # clicks: green on the bone, red on background
BACKGROUND_MODIFIERS = ("Shift", "Control")


class BonebenchWidget(QWidget):
    """Dock widget: choose a volume and a model, click bones, propagate, undo, clear, save."""

    def __init__(self, napari_viewer, model: Model | str | Path | None = None):
        super().__init__()
        self.viewer = napari_viewer
        self.controller: Controller | None = None
        self.model: Model | None = None
        self.labels_layer = self.points_layer = None
        self.worker = None
        self._build()
        self.viewer.layers.events.inserted.connect(self._list_images)
        self.viewer.layers.events.removed.connect(self._list_images)
        self.load_model(model)
        self._list_images()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        """The controls, top to bottom: volume, model, clicks, actions, progress, status."""
        self.image_combo = QComboBox()
        self.image_combo.currentIndexChanged.connect(lambda _: self._use_selected_image())
        self.model_label = QLabel("model: none")
        self.model_label.setWordWrap(True)
        self.background_check = QCheckBox("background clicks (or Shift/Control-click)")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: propagation has no per-slice count to show
        self.progress.setVisible(False)
        self.status = QLabel("open a volume, then click a bone")
        self.status.setWordWrap(True)
        self.status.setMinimumHeight(4 * self.status.fontMetrics().lineSpacing())  # room for 2-3 lines
        buttons = QGridLayout()
        self.buttons = {}
        actions = [("Open volume…", self.choose_volume), ("Model…", self.choose_model),
                   ("Propagate (Shift-P)", self.propagate), ("Undo", self.undo),
                   ("Clear bone", self.clear), ("New bone", self.new_bone), ("Save mask…", self.choose_save)]
        for i, (text, slot) in enumerate(actions):
            button = self.buttons[text.split(" (")[0].rstrip("…")] = QPushButton(text)
            button.clicked.connect(lambda _=False, s=slot: s())
            buttons.addWidget(button, i // 2, i % 2)
        layout = QVBoxLayout(self)
        for w in (QLabel("volume"), self.image_combo, self.model_label, self.background_check):
            layout.addWidget(w)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch()

    # ------------------------------------------------------------------ volume and model

    def choose_volume(self) -> None:
        """Ask for a volume file (NIfTI, NRRD, MHA) or, cancelled, a DICOM series folder."""
        volumes = " ".join(f"*{suffix}" for suffix in VOLUME_SUFFIXES)
        path, _ = QFileDialog.getOpenFileName(self, "Open CT volume", "", f"Volumes ({volumes});;All files (*)")
        path = path or QFileDialog.getExistingDirectory(self, "Open a DICOM series folder")
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> Image | None:
        """Open a volume as bb-segment does (the same checks: a complete file, CT in HU), add it as an
        image layer and segment on it."""
        try:
            ct = open_ct(path)
        except InputError as exc:
            return self._say(str(exc), error=True)
        data, kwargs, _ = image_layer(ct.hu, ct.geometry, ct.path)
        layer = self.viewer.add_image(data, **kwargs)
        self.image_combo.setCurrentIndex(self.image_combo.findText(layer.name))
        self.select_clicks_layer()
        return layer

    def choose_model(self) -> None:
        """Ask for an .onnx model (cancel keeps the current one)."""
        path, _ = QFileDialog.getOpenFileName(self, "Choose a bonebench model", "", "ONNX models (*.onnx)")
        if path:
            self.load_model(path)

    def load_model(self, path: Model | str | Path | None) -> None:
        """Load a model (None: the shipped default) for the bones segmented from now on."""
        try:
            if isinstance(path, Model):
                self.model = path
                if self.controller is not None:
                    self.controller.model = path
            elif self.controller is not None:
                self.controller.set_model(path)
                self.model = self.controller.model
            else:
                self.model = Model(path, device="auto")
        except InputError as exc:
            return self._say(str(exc), error=True)
        info = self.model.info
        where = self.model.providers[0].replace("ExecutionProvider", "")
        self.model_label.setText(f"model: {info.name} ({info.label}) on {where}, {self.model.path.name}")
        self.model_label.setToolTip(str(self.model.path))

    def _list_images(self, event=None) -> None:
        """Keep the volume list in step with the viewer's 3D image layers."""
        current = self.image_combo.currentText()
        names = [layer.name for layer in self.viewer.layers if isinstance(layer, Image) and layer.ndim == 3]
        self.image_combo.blockSignals(True)
        self.image_combo.clear()
        self.image_combo.addItems(names)
        self.image_combo.setCurrentIndex(names.index(current) if current in names else len(names) - 1)
        self.image_combo.blockSignals(False)
        if self.image_combo.currentText() != current:
            self._use_selected_image()

    def _use_selected_image(self) -> None:
        """A new volume: a fresh controller, and labels and clicks layers on the image's grid."""
        name = self.image_combo.currentText()
        if not name or self.model is None or self.busy:
            return
        image = self.viewer.layers[name]
        geometry = geometry_of(image.metadata, image.data.shape, image.scale, image.translate)
        try:
            self.controller = Controller(np.asarray(image.data), geometry, self.model, source_of(image.metadata))
        except InputError as exc:  # e.g. a layer some other reader opened that is not CT in HU
            self.controller = None
            return self._say(str(exc), error=True)
        self._make_layers(geometry)
        self._say(f"{name}: click a bone (select the '{POINTS_NAME}' layer)")

    def _make_layers(self, geometry) -> None:
        for layer in (self.labels_layer, self.points_layer):
            if layer is not None and layer in self.viewer.layers:
                self.viewer.layers.remove(layer)
        transform = layer_transform(geometry)
        self.labels_layer = self.viewer.add_labels(self.controller.labels, name=LABELS_NAME, opacity=0.6,
                                                   **transform)
        self.points_layer = self.viewer.add_points(np.empty((0, 3)), name=POINTS_NAME, size=3, border_width=0,
                                                   face_color=FOREGROUND, **transform)
        self.points_layer.mode = "pan_zoom"  # the layer shows clicks; our callback adds them
        self.points_layer.mouse_drag_callbacks.append(self._on_mouse)
        self.points_layer.bind_key("Shift-P", lambda layer: self.propagate(), overwrite=True)
        self.select_clicks_layer()
        QTimer.singleShot(0, self.select_clicks_layer)  # napari selects a just-inserted image after us

    def select_clicks_layer(self) -> None:
        """Make the clicks layer active, so that mouse clicks reach our callback."""
        if self.points_layer is not None and self.points_layer in self.viewer.layers:
            self.viewer.layers.selection.active = self.points_layer

    # ------------------------------------------------------------------ clicks

    def _on_mouse(self, layer, event):
        """A press and release without a drag is a click (a drag pans the view as usual)."""
        if event.type != "mouse_press":
            return
        position, modifiers = tuple(event.position), tuple(event.modifiers)
        in_3d = len(event.dims_displayed) == 3
        yield
        dragged = False
        while event.type == "mouse_move":
            dragged = True
            yield
        if in_3d:
            self._say("click in a 2D view (the 3D view has no single voxel under the mouse)", error=True)
        elif not dragged:
            background = self.background_check.isChecked() or any(m in modifiers for m in BACKGROUND_MODIFIERS)
            self.click_world(position, positive=not background)

    def click_world(self, position, positive: bool = True) -> None:
        """Click at a world position (the viewer's coordinates): the voxel under it, this slice."""
        if self.controller is None or self.busy:
            return
        z, y, x = (int(v) for v in np.rint(self.points_layer.world_to_data(position))[-3:])
        try:
            self.controller.click(x, y, z, positive)
        except InputError as exc:
            return self._say(str(exc), error=True)
        self._show()

    # ------------------------------------------------------------------ actions

    @property
    def busy(self) -> bool:
        """True while a propagation runs in its worker thread."""
        return self.worker is not None

    def propagate(self) -> None:
        """Propagate the current bone in a worker thread; the result is shown when it returns.
        Nothing to propagate from is said at once, without starting the worker."""
        if self.controller is None or self.busy:
            return
        try:
            self.controller.check_propagate()
        except InputError as exc:
            return self._say(str(exc), error=True)
        self.worker = create_worker(self._propagate_job, _start_thread=False)
        self.worker.returned.connect(self._propagated)
        self.worker.errored.connect(lambda exc: self._say(str(exc), error=True))
        self.worker.finished.connect(self._idle)
        self._set_enabled(False)
        self._say("propagating…")
        self.worker.start()

    def _propagate_job(self) -> tuple[int, int] | InputError:
        """In the worker: the propagation, or the bad-input error it raised, returned rather than
        raised so that napari shows no traceback for it."""
        try:
            return self.controller.propagate()
        except InputError as exc:
            return exc

    def _propagated(self, span: tuple[int, int] | InputError) -> None:
        if isinstance(span, InputError):
            return self._say(str(span), error=True)
        self._show(f"propagated through slices {span[0]}–{span[1]}")

    def _idle(self) -> None:
        self.worker = None
        self._set_enabled(True)

    def undo(self) -> None:
        if self.controller is not None and not self.busy:
            self._show() if self.controller.undo() else self._say("nothing to undo")

    def clear(self) -> None:
        if self.controller is not None and not self.busy:
            self.controller.clear()
            self._show("bone cleared")

    def new_bone(self) -> None:
        if self.controller is not None and not self.busy:
            self._show(f"new bone: label {self.controller.new_bone()}")

    def choose_save(self) -> None:
        """Ask where to save (.nii.gz, .nrrd, .mha, or .dcm for DICOM-SEG of a DICOM input)."""
        if self.controller is None:
            return
        dicom = self.controller.source is not None and self.controller.source.is_dir()
        default = "mask" + (DICOM_SEG_SUFFIXES[0] if dicom else NIFTI_GZ)
        filters = ";;".join(f"{name} (*{suffix})" for suffix, name in MASK_FILTERS.items())
        path, _ = QFileDialog.getSaveFileName(self, "Save mask", default, f"{filters};;All files (*)")
        if path:
            self.save_to(path)

    def save_to(self, path: str | Path) -> Path | None:
        """Save the labels with the input's geometry, as bb-segment saves a mask (its refusals shown
        here: never onto the input, a mask extension, not a folder); returns the file written."""
        if self.controller is None or self.busy:
            return None
        try:
            written, message = self.controller.save(path)
        except InputError as exc:
            return self._say(str(exc), error=True)
        self._say(message)
        return written

    # ------------------------------------------------------------------ display

    def _show(self, message: str = "") -> None:
        """Refresh the labels and clicks layers from the controller, and the status line."""
        self.labels_layer.refresh()
        clicks = self.controller.clicks()
        self.points_layer.data = np.array([(c.z, c.y, c.x) for c in clicks], float).reshape(-1, 3)
        if clicks:
            self.points_layer.face_color = [FOREGROUND if c.positive else BACKGROUND for c in clicks]
        self._say(self.controller.status_text() + (f"\n{message}" if message else ""))

    def _set_enabled(self, enabled: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(enabled)
        self.image_combo.setEnabled(enabled)
        self.progress.setVisible(not enabled)

    def _say(self, text: str, error: bool = False) -> None:
        """The status line; an error is one line, in red."""
        self.status.setText(("⚠ " + one_line(text)) if error else text)
        self.status.setStyleSheet("color: #ff8080" if error else "")
