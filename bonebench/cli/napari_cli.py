"""bb-napari: open napari with a CT volume and the bonebench widget docked."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from bonebench.cli.common import APP, OneLineCommand, user_errors
from bonebench.errors import InputError

app = typer.Typer(**APP)


def check_display() -> None:
    """Refuse, before Qt starts, a Linux session without a display: Qt would abort (exit 134) with a
    screenful of its own text. A chosen Qt platform (QT_QPA_PLATFORM, e.g. offscreen) counts as one."""
    if not sys.platform.startswith("linux"):
        return
    if not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        raise InputError("bb-napari needs a display, and this session has none (DISPLAY and WAYLAND_DISPLAY "
                         "are unset): run it on a desktop, over ssh -X, or under xvfb-run")


@app.command(cls=OneLineCommand)
def napari_app(volume: Optional[Path] = typer.Argument(None, metavar="VOLUME", show_default="none",
                                                      help="CT volume in HU: a NIfTI, NRRD or MHA file, or a DICOM "
                                                           "series folder"),
               model_path: Optional[Path] = typer.Option(None, "--model", metavar="FILE",
                                                         show_default="the shipped model",
                                                         help="ONNX model made by bb-export")) -> None:
    """Open napari with VOLUME and the bonebench widget: click a bone, propagate, save the mask."""
    with user_errors():
        check_display()
        viewer, widget = open_viewer(volume, model_path)
        import napari

        napari.run()


def open_viewer(volume: Path | None, model_path: Path | None, show: bool = True):
    """A napari Viewer with the volume opened as bb-segment opens it (checked, in HU) and the widget docked."""
    try:
        import napari
    except ImportError:
        raise InputError("the napari plugin needs napari: pip install 'bonebench[napari]'") from None
    from bonebench.napari.reader import image_layer
    from bonebench.napari.widget import BonebenchWidget
    from bonebench.runtime.session import Model
    from bonebench.runtime.volume_input import open_ct

    model = Model(model_path, device="auto")
    ct = open_ct(volume) if volume is not None else None  # bad input fails before a window opens
    viewer = napari.Viewer(title="bonebench", show=show)
    widget = BonebenchWidget(viewer, model=model)
    viewer.window.add_dock_widget(widget, name="bonebench", area="right")
    if ct is not None:
        data, kwargs, _ = image_layer(ct.hu, ct.geometry, ct.path)
        viewer.add_image(data, **kwargs)
    if widget.points_layer is not None:
        viewer.layers.selection.active = widget.points_layer
    return viewer, widget


def main() -> None:
    app()
