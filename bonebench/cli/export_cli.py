"""bb-export: a training checkpoint to an ONNX model that describes itself."""

from __future__ import annotations

from pathlib import Path

import typer

from bonebench.cli.common import user_errors

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def export(checkpoint: Path = typer.Argument(..., help="best.pt of a training run"),
           out: Path = typer.Option(..., "-o", "--out", help="ONNX file to write"),
           fp16: bool = typer.Option(False, "--fp16", help="fp16 inside (for GPUs); fp32 in and out"),
           opset: int = typer.Option(17, "--opset", min=13, help="ONNX opset")) -> None:
    """Export a checkpoint to ONNX (dynamic batch, height and width; metadata inside)."""
    with user_errors():
        from bonebench.export.onnx_export import export_checkpoint

        info = export_checkpoint(checkpoint, out, fp16=fp16, opset=opset)
        size = out.stat().st_size / 1e6
        typer.echo(f"{info.name} ({info.group}, {info.in_channels} input channels, label {info.label}) "
                   f"-> {out} ({size:.1f} MB{', fp16' if fp16 else ''})")


def main() -> None:
    app()
