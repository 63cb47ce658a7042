"""bb-napari: open napari with a CT volume and the bonebench widget docked."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bonebench.cli.common import user_errors
from bonebench.errors import InputError

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def napari_app(volume: Optional[Path] = typer.Argument(None, help="CT volume: NIfTI, NRRD, MHA or a DICOM series folder"),
               model_path: Optional[Path] = typer.Option(None, "--model", help="ONNX model (default: the shipped one)")
               ) -> None:
    """Open napari with VOLUME and the bonebench widget: click a bone, propagate, save the mask."""
    with user_errors():
        viewer, widget = open_viewer(volume, model_path)
        import napari

        napari.run()


def open_viewer(volume: Path | None, model_path: Path | None, show: bool = True):
    """A napari Viewer with the volume opened by bonebench's reader and the widget docked."""
    try:
        import napari
    except ImportError:
        raise InputError("the napari plugin needs napari: pip install 'bonebench[napari]'") from None
    from bonebench.napari.reader import read_layers
    from bonebench.napari.widget import BonebenchWidget
    from bonebench.runtime.session import Model

    model = Model(model_path, device="auto")
    layers = read_layers(volume) if volume is not None else []  # bad input fails before a window opens
    viewer = napari.Viewer(title="bonebench", show=show)
    widget = BonebenchWidget(viewer, model=model)
    viewer.window.add_dock_widget(widget, name="bonebench", area="right")
    for data, kwargs, _ in layers:
        viewer.add_image(data, **kwargs)
    if widget.points_layer is not None:
        viewer.layers.selection.active = widget.points_layer
    return viewer, widget


def main() -> None:
    app()
