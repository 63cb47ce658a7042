"""bb-train: train the study's model groups."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bonebench.cli.common import user_errors

app = typer.Typer(help="Train segmentation models on few patients.", no_args_is_help=True,
                  pretty_exceptions_enable=False)


@app.callback()
def _commands() -> None:
    """Train segmentation models on few patients."""


@app.command()
def seg(data: Path = typer.Option(..., "--data", help="dataset folder (nnU-Net raw layout)"),
        label: str = typer.Option(..., "--label", help="target label, by name or value"),
        patients: int = typer.Option(..., "--patients", help="number of training patients"),
        preset: str = typer.Option("paper", "--preset", help="paper | fast | tiny"),
        out: Optional[Path] = typer.Option(None, "--out", help="run folder (default runs/Seg<N>)"),
        iterations: Optional[int] = typer.Option(None, "--iterations"),
        batch_size: Optional[int] = typer.Option(None, "--batch-size"),
        lr: Optional[float] = typer.Option(None, "--lr"),
        base_width: Optional[int] = typer.Option(None, "--base-width"),
        patch_size: Optional[int] = typer.Option(None, "--patch-size"),
        val_every: Optional[int] = typer.Option(None, "--val-every"),
        seed: int = typer.Option(0, "--seed", help="training seed (weights, patch order)"),
        split_seed: int = typer.Option(0, "--split-seed", help="patient split seed"),
        split_file: Optional[Path] = typer.Option(None, "--split", help="use this split JSON"),
        device: str = typer.Option("auto", "--device", help="auto | cpu | cuda"),
        resume: bool = typer.Option(False, "--resume", help="continue an interrupted run in --out"),
        quiet: bool = typer.Option(False, "--quiet", help="no progress bar")) -> None:
    """Train the baseline group Seg: image in, mask out."""
    with user_errors():
        from bonebench.train.config import make_config
        from bonebench.train.groups import get_group, model_name
        from bonebench.train.loop import train

        config = make_config(preset, data=str(data), label=label, patients=patients, group="seg",
                             iterations=iterations, batch_size=batch_size, lr=lr, base_width=base_width,
                             patch_size=patch_size, val_every=val_every, seed=seed, split_seed=split_seed,
                             device=device)
        run_dir = out or Path("runs") / model_name(get_group("seg"), patients)
        result = train(config, run_dir, resume=resume, split_file=split_file, show_progress=not quiet)
        typer.echo(f"{result.name}: best validation Dice {result.best_dice:.4f} at iteration "
                   f"{result.best_iteration} -> {run_dir / 'best.pt'}")


def main() -> None:
    app()
