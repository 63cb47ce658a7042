"""bb-eval: test-set evaluation of a sweep (or one model) through the exported ONNX models."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bonebench.cli.common import user_errors

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def evaluate(target: Path = typer.Argument(..., help="a sweep folder (RUN), or a model: best.pt or .onnx"),
             data: Optional[Path] = typer.Option(None, "--data", help="dataset (for a single model)"),
             label: Optional[str] = typer.Option(None, "--label", help="target label (for a single model)"),
             split: Optional[Path] = typer.Option(None, "--split", help="split JSON naming the test patients"),
             paper: bool = typer.Option(False, "--paper", help="add the study's Table 1 beside ours"),
             noc_every: int = typer.Option(1, "--noc-every", min=1, help="NoC on every k-th slice (speed)"),
             device: str = typer.Option("auto", "--device", help="auto | cuda | cpu"),
             jobs: int = typer.Option(1, "--jobs", min=1,
                                      help="models scored at once, in processes sharing the cores")) -> None:
    """Score on the test patients: Dice per patient; for interactive models also NoC@85/90 and one
    click per volume with propagation. For a sweep, write results.csv, table.md, curves.png, examples.png."""
    with user_errors():
        from bonebench.errors import InputError
        from bonebench.protocol.run_folders import SweepLayout

        sweep = SweepLayout(target)
        if not target.exists():
            raise InputError(f"{target}: no such sweep folder or model file")
        if target.is_dir():
            from bonebench.study.evaluation import evaluate_sweep

            evaluate_sweep(target, device=device, noc_every=noc_every, paper=paper, report=typer.echo, jobs=jobs,
                           show_progress=True)
            typer.echo(f"wrote {sweep.results_csv}, {sweep.table.name}, {sweep.curves.name}, {sweep.examples.name}")
            return
        from bonebench.study.evaluation import evaluate_model

        if data is None or label is None:
            raise InputError("evaluating one model needs --data and --label")
        for row in evaluate_model(target, data, label, device=device, noc_every=noc_every, split_path=split):
            typer.echo(", ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
