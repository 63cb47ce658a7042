"""A real napari.Viewer that renders (OpenGL): the bb-napari window over the phantom, one click,
propagation, and a screenshot of the viewer with the dock widget. It writes into its temporary folder
only; `python tools/napari_screenshot.py` runs it with SCREENSHOT_ENV set to refresh the README's
docs/img/napari.png (tests never write into the checkout).

Needs a display: run under `xvfb-run -a -s "-screen 0 1600x1000x24" python -m pytest tests/napari -k render`
after `sudo bash ../shared/tools/headless-gui.sh` (Xvfb, Qt's X libraries, Mesa). Skips with the
reason where no display or no OpenGL context can be made.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("napari", reason="napari is not installed (pip install 'bonebench[napari]')")
pytest.importorskip("pytestqt", reason="pytest-qt is not installed (pip install 'bonebench[napari]')")

from bonebench.kernels import dice  # noqa: E402
from tests.napari.conftest import MIN_DICE  # noqa: E402

SCREENSHOT_ENV = "BONEBENCH_NAPARI_SCREENSHOT"  # where to save the window (tools/napari_screenshot.py sets it)
PROBE = "import napari; v = napari.Viewer(show=False); v.screenshot(canvas_only=True); v.close(); print('ok')"


def _why_no_viewer() -> str | None:
    """None when a napari.Viewer can render here, else the reason (probed in a child process,
    because a failing OpenGL context can abort the process instead of raising)."""
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" or not os.environ.get("DISPLAY"):
        return "no display to render on (DISPLAY unset); run under xvfb-run"
    try:
        probe = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:
        return "creating a napari.Viewer timed out"
    if probe.returncode != 0 or "ok" not in probe.stdout:
        last = (probe.stderr.strip().splitlines() or ["no message"])[-1]
        return f"napari.Viewer cannot render here (exit {probe.returncode}: {last[:200]})"
    return None


@pytest.fixture(scope="module")
def rendering():
    reason = _why_no_viewer()
    if reason:
        pytest.skip(reason)


def test_render_viewer_with_widget_and_propagated_fibula(rendering, qtbot, leg, tmp_path):
    from bonebench.cli.napari_cli import open_viewer

    viewer, widget = open_viewer(leg.path, None, show=True)
    try:
        viewer.window._qt_window.resize(1400, 900)
        image = viewer.layers["leg"]
        x, y, z = leg.click
        widget.click_world(image.data_to_world((z, y, x)))
        widget.propagate()
        qtbot.waitUntil(lambda: not widget.busy, timeout=120_000)
        assert dice(leg.fibula, widget.labels_layer.data == 1) >= MIN_DICE
        _frame_the_right_leg(viewer, image, leg, z)
        shown = viewer.screenshot(canvas_only=True, flash=False)
        widget.labels_layer.visible = False
        hidden = viewer.screenshot(canvas_only=True, flash=False)
        widget.labels_layer.visible = True
        assert (shown != hidden).any(axis=-1).sum() > 100  # the fibula's labels are drawn
        screenshot = Path(os.environ.get(SCREENSHOT_ENV) or tmp_path / "napari.png")
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        window = viewer.screenshot(path=str(screenshot), canvas_only=False, flash=False)
        assert window.shape[1] > shown.shape[1] and screenshot.is_file()  # the window: canvas and the dock
    finally:
        viewer.close()


def _frame_the_right_leg(viewer, image, leg, z: int) -> None:
    """Show the clicked slice, zoomed on the right leg so the fibula is plainly visible."""
    viewer.dims.ndisplay = 2
    viewer.dims.current_step = (z,) + tuple(viewer.dims.current_step[1:])
    ys, xs = np.nonzero(leg.fibula[z] | leg.tibia[z])
    centre = image.data_to_world((z, ys.mean(), xs.mean()))
    viewer.camera.center = tuple(centre[1:])
    canvas_h, canvas_w = viewer.screenshot(canvas_only=True, flash=False).shape[:2]
    extent_mm = 2.4 * max(np.ptp(ys) * image.scale[1], np.ptp(xs) * image.scale[2], 60.0)
    viewer.camera.zoom = min(canvas_h, canvas_w) / extent_mm
