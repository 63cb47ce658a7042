"""bb-segment: segment a bone in a CT volume from one click (interactive models) or with none
(automatic models), and bb-demo: the same on a leg phantom, scored against its truth."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from bonebench.cli.args import check_range
from bonebench.cli.common import APP, OneLineCommand, user_errors
from bonebench.data.formats import DICOM_SEG_SUFFIXES, MASK_FORMATS, VOLUME_MASK_SUFFIXES, listed

app = typer.Typer(**APP)
demo_app = typer.Typer(**APP)
MAX_OFFSET = 100_000  # --intensity-offset: far beyond any real storage offset (1024, 32768)


@app.command(cls=OneLineCommand)
def segment(volume: Path = typer.Argument(..., metavar="VOLUME", show_default=False,
                                          help="CT volume in HU: a NIfTI, NRRD or MHA file, or a DICOM series folder"),
            click: List[str] = typer.Option([], "--click", metavar="X,Y,Z", show_default="none",
                                            help="a point on the bone: voxel indices x,y,z (repeat for more clicks)"),
            bg_click: List[str] = typer.Option([], "--bg-click", metavar="X,Y,Z", show_default="none",
                                               help="a point that is not the bone: x,y,z (repeatable)"),
            click_mm: bool = typer.Option(False, "--click-mm", show_default="off",
                                          help="read the clicks as LPS millimetres instead of voxel indices"),
            model_path: Optional[Path] = typer.Option(None, "--model", metavar="FILE", show_default="the shipped model",
                                                      help="ONNX model made by bb-export"),
            out: Path = typer.Option(..., "-o", "--out", metavar="FILE", show_default=False,
                                     help=f"mask to write: {listed(VOLUME_MASK_SUFFIXES)} (same geometry as the input), "
                                          f"or {listed(DICOM_SEG_SUFFIXES)} for a DICOM-SEG of an input DICOM series"),
            mask_format: Optional[str] = typer.Option(None, "--format", metavar="|".join(MASK_FORMATS),
                                                      show_default="by the extension of -o",
                                                      help="dicom-seg: a DICOM Segmentation referencing the input "
                                                           "series (needs a DICOM folder)"),
            bone: Optional[str] = typer.Option(None, "--bone", metavar="NAME", show_default="the model's label",
                                               help="bone named (and coded) in a DICOM-SEG, e.g. fibula"),
            device: str = typer.Option("auto", "--device", metavar="auto|cuda|cpu",
                                       help="where to run the model (auto: the GPU if there is one)"),
            threads: Optional[int] = typer.Option(None, "--threads", min=1, max=256, metavar="N",
                                                  show_default="onnxruntime's choice", help="CPU threads"),
            no_propagate: bool = typer.Option(False, "--no-propagate", show_default="off",
                                              help="segment only the clicked slices, not the whole bone"),
            preview: Optional[Path] = typer.Option(None, "--preview", metavar="FILE.png", show_default="none",
                                                   help="PNG of five labelled slices: the mask outlined in red, the clicks as crosses"),
            intensity_offset: Optional[float] = typer.Option(
                None, "--intensity-offset", metavar="N", show_default="none",
                help="add N to every stored value to get HU, e.g. -1024 for HU stored as HU + 1024 "
                     "(without it the volume must already be in HU)")) -> None:
    """Segment the clicked bone (interactive model) or the target bone (automatic model)."""
    with user_errors():
        from bonebench.runtime.segment_file import SegmentRequest, run_segment

        check_range(intensity_offset, "--intensity-offset", -MAX_OFFSET, MAX_OFFSET)
        request = SegmentRequest(volume, out, tuple(click), tuple(bg_click), click_mm, model_path, device, threads,
                                 not no_propagate, preview, mask_format, bone, intensity_offset)
        typer.echo(run_segment(request, report=typer.echo, warn=_warn))


@demo_app.command(cls=OneLineCommand)
def demo(out: Path = typer.Option(Path("demo"), "--out", metavar="FOLDER",
                                  help="folder for the phantom, mask and preview"),
         seed: int = typer.Option(3, "--seed", metavar="N", help="phantom seed: the same seed, the same leg"),
         model_path: Optional[Path] = typer.Option(None, "--model", metavar="FILE", show_default="the shipped model",
                                                   help="ONNX model made by bb-export"),
         device: str = typer.Option("auto", "--device", metavar="auto|cuda|cpu",
                                    help="where to run the model (auto: the GPU if there is one)")) -> None:
    """Make a leg phantom, click once on the right fibula, propagate, and score against the truth."""
    with user_errors():
        from bonebench.runtime.demo import run_demo

        for line in run_demo(out, seed, model_path, device, report=typer.echo, warn=_warn):
            typer.echo(line)


def _warn(line: str) -> None:
    """A plausibility warning: one line on stderr; the exit code stays 0 (the mask was written)."""
    typer.echo(line, err=True)


def main() -> None:
    app()


def demo_main() -> None:
    demo_app()
