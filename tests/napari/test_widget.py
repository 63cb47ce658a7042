"""The dock widget on napari's ViewerModel with pytest-qt (Qt's offscreen platform, no display):
mouse clicks through napari's own callback machinery, propagation in the worker thread, undo,
background clicks, new bone, save, and opening a volume with the reader."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

pytest.importorskip("napari", reason="napari is not installed (pip install 'bonebench[napari]')")
pytest.importorskip("pytestqt", reason="pytest-qt is not installed (pip install 'bonebench[napari]')")

from napari.components import ViewerModel  # noqa: E402
from napari.utils._proxies import ReadOnlyWrapper  # noqa: E402
from napari.utils.interactions import (mouse_move_callbacks, mouse_press_callbacks,  # noqa: E402
                                       mouse_release_callbacks)

from bonebench.data.volume_io import read_volume  # noqa: E402
from bonebench.kernels import dice  # noqa: E402
from bonebench.napari.widget import BACKGROUND, FOREGROUND, LABELS_NAME, POINTS_NAME, BonebenchWidget  # noqa: E402
from tests.napari.conftest import MIN_DICE  # noqa: E402

PROPAGATE_TIMEOUT_MS = 120_000


@dataclass
class MouseEvent:
    """The fields of a napari mouse event that layer callbacks read."""

    type: str
    position: tuple
    modifiers: list = field(default_factory=list)
    dims_displayed: list = field(default_factory=lambda: [1, 2])
    is_dragging: bool = False
    view_direction: tuple | None = None
    pos: tuple = (0, 0)


def mouse_click(layer, position, modifiers=(), drag_to=None):
    """Press and release on a layer as napari's canvas does (optionally moving in between)."""
    event = ReadOnlyWrapper(MouseEvent("mouse_press", tuple(position), list(modifiers)), exceptions=("handled",))
    mouse_press_callbacks(layer, event)
    if drag_to is not None:
        mouse_move_callbacks(layer, ReadOnlyWrapper(MouseEvent("mouse_move", tuple(drag_to), is_dragging=True),
                                                    exceptions=("handled",)))
    mouse_release_callbacks(layer, ReadOnlyWrapper(MouseEvent("mouse_release", tuple(drag_to or position)),
                                                   exceptions=("handled",)))


@pytest.fixture
def viewer_widget(qtbot, leg, model):
    """A ViewerModel with the phantom opened through the widget (bonebench's reader)."""
    viewer = ViewerModel()
    widget = BonebenchWidget(viewer, model=model)
    qtbot.addWidget(widget)
    image = widget.open_path(leg.path)
    assert image is not None and widget.controller is not None
    return viewer, widget, image


def world(image, x, y, z):
    return image.data_to_world((z, y, x))


def wait_propagated(qtbot, widget):
    widget.propagate()
    assert widget.busy and not widget.progress.isHidden()  # the worker runs; the bar shows
    assert not widget.buttons["Undo"].isEnabled()
    qtbot.waitUntil(lambda: not widget.busy, timeout=PROPAGATE_TIMEOUT_MS)
    assert widget.progress.isHidden() and widget.buttons["Undo"].isEnabled()


def test_opening_a_volume_makes_the_layers_on_its_grid(viewer_widget, leg):
    viewer, widget, image = viewer_widget
    assert [layer.name for layer in viewer.layers] == ["leg", LABELS_NAME, POINTS_NAME]
    for layer in (image, widget.labels_layer, widget.points_layer):
        np.testing.assert_allclose(layer.scale, leg.geometry.spacing[::-1])
        np.testing.assert_allclose(layer.translate, leg.geometry.origin[::-1])
    assert widget.controller.geometry == leg.geometry  # the direction too, for saving
    assert viewer.layers.selection.active is widget.points_layer
    assert "SegInter" in widget.model_label.text() and "default.onnx" in widget.model_label.text()


def test_mouse_click_segments_the_fibula_slice(viewer_widget, leg):
    _, widget, image = viewer_widget
    x, y, z = leg.click
    mouse_click(widget.points_layer, world(image, x, y, z))
    labels = widget.labels_layer.data
    assert dice(leg.fibula[z], labels[z] == 1) >= MIN_DICE
    assert not labels[:z].any() and not labels[z + 1:].any()
    np.testing.assert_allclose(widget.points_layer.data, [[z, y, x]])
    assert "click" in widget.status.text() and "ms" in widget.status.text()


def test_a_drag_is_not_a_click(viewer_widget, leg):
    _, widget, image = viewer_widget
    x, y, z = leg.click
    mouse_click(widget.points_layer, world(image, x, y, z), drag_to=world(image, x + 30, y, z))
    assert not widget.labels_layer.data.any() and len(widget.points_layer.data) == 0


def test_propagate_in_the_worker_then_undo(qtbot, viewer_widget, leg):
    _, widget, image = viewer_widget
    x, y, z = leg.click
    mouse_click(widget.points_layer, world(image, x, y, z))
    after_click = widget.labels_layer.data.copy()
    wait_propagated(qtbot, widget)
    assert dice(leg.fibula, widget.labels_layer.data == 1) >= MIN_DICE
    assert "propagated through slices" in widget.status.text()
    widget.buttons["Undo"].click()
    np.testing.assert_array_equal(widget.labels_layer.data, after_click)
    widget.buttons["Undo"].click()
    assert not widget.labels_layer.data.any() and len(widget.points_layer.data) == 0


def test_shift_click_is_a_background_click(viewer_widget, leg):
    _, widget, image = viewer_widget
    x, y, z = leg.click
    mouse_click(widget.points_layer, world(image, x, y, z))
    before = widget.labels_layer.data[z] == 1
    edge_x = int(np.flatnonzero(before[y]).min())
    mouse_click(widget.points_layer, world(image, edge_x, y, z), modifiers=["Shift"])
    after = widget.labels_layer.data[z] == 1
    assert not after[y, edge_x] and after[y, x] and after.sum() < before.sum()
    assert [c.positive for c in widget.controller.clicks()] == [True, False]
    colors = widget.points_layer.face_color
    np.testing.assert_allclose(colors[0][:3], np.array([int(FOREGROUND[i:i + 2], 16) for i in (1, 3, 5)]) / 255)
    np.testing.assert_allclose(colors[1][:3], np.array([int(BACKGROUND[i:i + 2], 16) for i in (1, 3, 5)]) / 255)


def test_background_toggle_and_a_click_on_air(viewer_widget, leg):
    _, widget, image = viewer_widget
    x, y, z = leg.click
    mouse_click(widget.points_layer, world(image, 0, 0, z))  # air: refused, said in the status
    assert widget.status.text().startswith("⚠") and "air" in widget.status.text()
    assert not widget.labels_layer.data.any()
    widget.background_check.setChecked(True)
    mouse_click(widget.points_layer, world(image, x, y, z))
    assert [c.positive for c in widget.controller.clicks()] == [False]
    assert not widget.labels_layer.data[z].any()  # only a background click: nothing is the bone


def test_new_bone_clear_and_save(qtbot, viewer_widget, leg, tmp_path):
    _, widget, image = viewer_widget
    x, y, z = leg.click
    mouse_click(widget.points_layer, world(image, x, y, z))
    widget.buttons["New bone"].click()
    ty, tx = np.argwhere(leg.tibia[z])[len(np.argwhere(leg.tibia[z])) // 2]
    mouse_click(widget.points_layer, world(image, tx, ty, z))
    assert set(np.unique(widget.labels_layer.data)) == {0, 1, 2}
    written = widget.save_to(tmp_path / "bones.nii.gz")
    mask, geometry = read_volume(written)
    assert geometry == leg.geometry
    np.testing.assert_array_equal(mask, widget.labels_layer.data)
    widget.buttons["Clear bone"].click()
    assert set(np.unique(widget.labels_layer.data)) == {0, 1}
    assert len(widget.points_layer.data) == 1


def test_an_image_layer_already_open_is_used(qtbot, leg, model):
    viewer = ViewerModel()
    viewer.add_image(leg.hu, name="ct", scale=(3.0, 0.8, 0.8), translate=(5.0, -1.0, 2.0))
    widget = BonebenchWidget(viewer, model=model)
    qtbot.addWidget(widget)
    assert widget.image_combo.currentText() == "ct"
    assert widget.controller.geometry.spacing == (0.8, 0.8, 3.0)
    assert widget.controller.geometry.origin == (2.0, -1.0, 5.0)
    qtbot.waitUntil(lambda: viewer.layers.selection.active is widget.points_layer)  # after napari's own pick
    x, y, z = leg.click
    mouse_click(widget.points_layer, viewer.layers["ct"].data_to_world((z, y, x)))
    assert dice(leg.fibula[z], widget.labels_layer.data[z] == 1) >= MIN_DICE


# ---------------------------------------------------------------- bb-segment's refusals, in the widget
def bb_segment_refusal(args) -> str:
    """bb-segment's one error line for these arguments, without 'error: ' and the option name."""
    from typer.testing import CliRunner

    from bonebench.cli.segment_cli import app
    from tests.conftest import one_line_error

    line = one_line_error(CliRunner().invoke(app, [str(a) for a in args] + ["--device", "cpu"]))
    return line.removeprefix("error: ").removeprefix("-o ")


def widget_error(widget) -> str:
    text = widget.status.text()
    assert text.startswith("⚠ ") and "\n" not in text and "Traceback" not in text, text
    return text.removeprefix("⚠ ")


def test_save_onto_its_own_input_is_refused_and_the_input_stays(qtbot, viewer_widget, leg):
    from tests.hostile.conftest import digest

    _, widget, image = viewer_widget
    x, y, z = leg.click
    mouse_click(widget.points_layer, world(image, x, y, z))
    before = digest(leg.path)
    assert widget.save_to(leg.path) is None
    assert "is the input" in widget_error(widget)
    assert digest(leg.path) == before


@pytest.mark.parametrize("name", ["mask.png", "mask.txt", "mask", "folder"])
def test_saving_where_no_mask_can_go_gives_bb_segments_line(qtbot, viewer_widget, leg, tmp_path, name):
    """x.png would be one 2D slice and .txt, no extension or a folder an ITK crash: refused instead,
    with the line bb-segment prints for the same -o, and nothing written."""
    _, widget, image = viewer_widget
    x, y, z = leg.click
    mouse_click(widget.points_layer, world(image, x, y, z))
    target = tmp_path / name
    if name == "folder":
        target.mkdir()
    assert widget.save_to(target) is None
    assert widget_error(widget) == bb_segment_refusal([leg.path, "--click", f"{x},{y},{z}", "-o", target])
    assert sorted(p.name for p in tmp_path.iterdir()) == (["folder"] if name == "folder" else [])


def test_a_volume_not_in_hu_is_refused_with_bb_segments_line(qtbot, leg, model, tmp_path):
    import SimpleITK as sitk

    image = sitk.GetImageFromArray((leg.hu.astype(np.int32) + 1024).clip(0, 4095).astype(np.uint16))
    path = tmp_path / "plus1024.nii.gz"
    sitk.WriteImage(image, str(path))
    viewer = ViewerModel()
    widget = BonebenchWidget(viewer, model=model)
    qtbot.addWidget(widget)
    assert widget.open_path(path) is None and widget.controller is None and len(viewer.layers) == 0
    x, y, z = leg.click
    expected = bb_segment_refusal([path, "--click", f"{x},{y},{z}", "-o", tmp_path / "m.nii.gz"])
    assert widget_error(widget) == expected and "Hounsfield" in expected


def test_propagate_before_any_click_says_so(qtbot, viewer_widget, capfd):
    _, widget, _ = viewer_widget
    widget.buttons["Propagate"].click()
    assert not widget.busy  # refused at once: no worker, so no traceback toast from one
    assert "nothing to propagate" in widget_error(widget)
    assert "Traceback" not in capfd.readouterr().err
