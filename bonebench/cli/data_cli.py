"""bb-data: make CT phantoms (legs, joints, thorax), make and show patient splits."""

from __future__ import annotations

from pathlib import Path

import typer

from bonebench.cli.common import user_errors
from bonebench.data.phantoms.registry import REGIONS

app = typer.Typer(help="Datasets: CT phantoms of bones and joints, and patient splits.", no_args_is_help=True,
                  pretty_exceptions_enable=False)


@app.command()
def phantoms(out: Path = typer.Argument(..., help="dataset folder to write (nnU-Net raw layout)"),
             cases: int = typer.Option(10, "--cases", min=1, help="number of patients"),
             seed: int = typer.Option(0, "--seed", help="dataset seed; same seed, same volumes"),
             size: int = typer.Option(256, "--size", min=32, help="in-plane voxels (square)"),
             slices: int = typer.Option(100, "--slices", min=2, help="axial slices"),
             region: str = typer.Option("legs", "--region",
                                        help="body region: " + ", ".join(REGIONS) + " (legs: the historical "
                                             "lower-leg phantoms; mixed: a random region per case)")) -> None:
    """Write procedural CT phantoms of one body region as an nnU-Net raw dataset (bone names and
    values in dataset.json)."""
    with user_errors():
        from bonebench.data.phantoms import PhantomShape, write_region_dataset

        ids = write_region_dataset(out, region, cases, seed, PhantomShape(size_xy=size, slices=slices))
        typer.echo(f"wrote {len(ids)} {region} phantom cases to {out}")


@app.command()
def split(data: Path = typer.Argument(..., help="dataset folder"),
          out: Path = typer.Option(..., "-o", "--out", help="split JSON to write"),
          seed: int = typer.Option(0, "--seed")) -> None:
    """Make the deterministic patient split (train order / val / test) and save it as JSON."""
    with user_errors():
        from bonebench.data.dataset import Dataset
        from bonebench.data.splits import make_split

        s = make_split(Dataset(data).case_ids, seed)
        s.save(out)
        typer.echo(f"train {len(s.train)} / val {len(s.val)} / test {len(s.test)} -> {out}")


@app.command()
def info(data: Path = typer.Argument(..., help="dataset folder")) -> None:
    """List a dataset's cases and labels."""
    with user_errors():
        from bonebench.data.dataset import Dataset

        ds = Dataset(data)
        labels = ", ".join(f"{k}={v}" for k, v in ds.labels.items())
        typer.echo(f"{ds.root}: {len(ds.cases)} cases; labels: {labels}")


def main() -> None:
    app()
