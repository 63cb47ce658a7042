"""bb-export: a training checkpoint to an ONNX model that describes itself."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bonebench.cli.common import APP, OneLineCommand, user_errors
from bonebench.export.opsets import DEFAULT_OPSET, MAX_OPSET, MIN_OPSET

app = typer.Typer(**APP)


@app.command(cls=OneLineCommand)
def export(checkpoint: Path = typer.Argument(..., metavar="CHECKPOINT", show_default=False,
                                             help="best.pt of a training run"),
           out: Path = typer.Option(..., "-o", "--out", metavar="FILE.onnx", show_default=False,
                                    help="ONNX file to write"),
           fp16: bool = typer.Option(False, "--fp16", show_default="off",
                                     help="fp16 inside (for GPUs); fp32 in and out"),
           opset: int = typer.Option(DEFAULT_OPSET, "--opset", metavar="N",
                                     help=f"ONNX opset version ({MIN_OPSET} to {MAX_OPSET})"),
           check: Optional[Path] = typer.Option(None, "--check", metavar="CLICK.pt", show_default="none",
                                      help="a click model's best.pt as a walk model's check (a second "
                                           "output)")) -> None:
    """Export a checkpoint to ONNX (dynamic batch, height and width; metadata inside)."""
    with user_errors():
        from bonebench.data.checks import check_input_path, check_output_path
        from bonebench.export.onnx_export import export_checkpoint

        check_input_path(checkpoint)
        if check is not None:
            check_input_path(check)
        check_output_path(out, "model", [checkpoint] + ([check] if check else []), "-o")
        info = export_checkpoint(checkpoint, out, fp16=fp16, opset=opset, check=check)  # opset checked first
        size = out.stat().st_size / 1e6
        checked = f", checked by {info.check}" if info.check else ""
        typer.echo(f"{info.name} ({info.group}, {info.in_channels} input channels, label {info.label}{checked}) "
                   f"-> {out} ({size:.1f} MB{', fp16' if fp16 else ''})")


def main() -> None:
    app()
