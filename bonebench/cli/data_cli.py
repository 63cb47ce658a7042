"""bb-data: make CT phantoms (legs, joints, thorax), make and show patient splits."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bonebench.cli.common import APP, OneLineCommand, OneLineGroup, user_errors
from bonebench.data.phantoms.registry import REGIONS

app = typer.Typer(help="Datasets: CT phantoms of bones and joints, and patient splits.", no_args_is_help=True,
                  cls=OneLineGroup, **APP)
DATASET = typer.Argument(..., metavar="FOLDER", show_default=False,
                         help="dataset folder (nnU-Net raw layout: dataset.json, imagesTr, labelsTr)")


def check_phantom_folder(out: Path) -> None:
    """The phantoms go to a new or empty folder, or over earlier phantoms (dataset.json named
    bonebench-<region>-phantoms); never over other data."""
    import json

    from bonebench.data.dataset_layout import DatasetLayout
    from bonebench.errors import InputError

    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: is a file; the dataset must go to a folder")
    if not out.is_dir() or not any(out.iterdir()):
        return
    try:
        name = str(json.loads(DatasetLayout(out).meta.read_text()).get("name"))
    except (OSError, ValueError, AttributeError):
        name = ""
    if not (name.startswith("bonebench-") and name.endswith("-phantoms")):
        raise InputError(f"{out}: folder holds other files (not earlier phantoms); choose a new or empty folder")


@app.command(cls=OneLineCommand)
def phantoms(out: Path = typer.Argument(..., metavar="FOLDER", show_default=False,
                                        help="dataset folder to write (nnU-Net raw layout)"),
             cases: int = typer.Option(10, "--cases", min=1, metavar="N", help="number of patients"),
             seed: int = typer.Option(0, "--seed", metavar="N", help="dataset seed; same seed, same volumes"),
             size: int = typer.Option(256, "--size", min=32, max=2048, metavar="N",
                                      help="in-plane voxels (square)"),
             slices: int = typer.Option(100, "--slices", min=2, max=2048, metavar="N", help="axial slices"),
             region: str = typer.Option("legs", "--region", metavar="REGION",
                                        help="body region: " + ", ".join(REGIONS) + " (legs: the historical "
                                             "lower-leg phantoms; mixed: a random region per case)"),
             pixel_mm: Optional[float] = typer.Option(None, "--pixel-mm", min=0.05, max=20.0, metavar="MM",
                                            show_default="drawn: 0.5-1.5 mm, 15 % at 3 mm",
                                            help="in-plane pixel size of every case (not for legs)"),
             slice_mm: Optional[float] = typer.Option(None, "--slice-mm", min=0.05, max=50.0, metavar="MM",
                                            show_default="drawn: 0.6-5 mm",
                                            help="slice spacing of every case (not for legs)")) -> None:
    """Write procedural CT phantoms of one body region as an nnU-Net raw dataset (bone names and
    values in dataset.json)."""
    with user_errors():
        from bonebench.data.checks import check_writable_folder
        from bonebench.data.dataset_layout import DatasetLayout
        from bonebench.data.phantoms import PhantomShape, write_region_dataset

        check_phantom_folder(out)
        check_writable_folder(DatasetLayout(out).meta, "FOLDER")

        shape = PhantomShape(size_xy=size, slices=slices, pixel_mm=pixel_mm, slice_mm=slice_mm)
        ids = write_region_dataset(out, region, cases, seed, shape)
        typer.echo(f"wrote {len(ids)} {region} phantom cases to {out}")


@app.command(cls=OneLineCommand)
def split(data: Path = DATASET,
          out: Path = typer.Option(..., "-o", "--out", metavar="FILE.json", show_default=False,
                                   help="split JSON to write"),
          seed: int = typer.Option(0, "--seed", metavar="N", help="split seed; same seed, same split")) -> None:
    """Make the deterministic patient split (train order / val / test) and save it as JSON."""
    with user_errors():
        from bonebench.data.checks import check_output_path

        check_output_path(out, "split", [data], "-o")
        from bonebench.data.dataset import Dataset
        from bonebench.data.splits import make_split

        s = make_split(Dataset(data).case_ids, seed)
        s.save(out)
        typer.echo(f"train {len(s.train)} / val {len(s.val)} / test {len(s.test)} -> {out}")


@app.command(cls=OneLineCommand)
def info(data: Path = DATASET) -> None:
    """List a dataset's cases and labels."""
    with user_errors():
        from bonebench.data.dataset import Dataset

        ds = Dataset(data)
        labels = ", ".join(f"{k}={v}" for k, v in ds.labels.items())
        typer.echo(f"{ds.root}: {len(ds.cases)} cases; labels: {labels}")


def main() -> None:
    app()
