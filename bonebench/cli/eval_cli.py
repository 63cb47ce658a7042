"""bb-eval: test-set evaluation of a sweep (or one model) through the exported ONNX models."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bonebench.cli.common import APP, OneLineCommand, user_errors
from bonebench.errors import InputError

app = typer.Typer(**APP)
MODEL_SUFFIXES = (".pt", ".onnx")


def check_eval_request(target: Path, data: Optional[Path], label: Optional[str], split: Optional[Path]) -> None:
    """Name the missing piece before any work: the target, the model's dataset, label or split."""
    from bonebench.data.checks import check_input_path
    from bonebench.protocol.run_folders import RunLayout, SweepLayout

    check_input_path(target)
    if target.is_dir():
        if not SweepLayout(target).is_sweep:
            raise InputError(f"{target}: not a sweep folder ({SweepLayout(target).plan} is missing); "
                             "run bb-train sweep first, or pass a model file (.pt or .onnx)")
        return
    if target.suffix not in MODEL_SUFFIXES:
        raise InputError(f"{target}: expected a sweep folder, a checkpoint (.pt) or an ONNX model (.onnx)")
    missing = [option for option, value in (("--data", data), ("--label", label)) if value is None]
    if missing:
        raise InputError(f"evaluating the single model {target} needs {' and '.join(missing)}")
    check_input_path(data)
    split = split or (RunLayout(target.parent).split if target.suffix == ".pt" else None)
    if split is None:
        raise InputError("which patients are the test set? pass --split SPLIT.json (the run's split.json)")
    if not split.is_file():
        raise InputError(f"{split}: no such split file; pass --split SPLIT.json (the run's split.json)")


@app.command(cls=OneLineCommand)
def evaluate(target: Path = typer.Argument(..., metavar="RUN|MODEL", show_default=False,
                                           help="a sweep folder (RUN), or a model: a .pt checkpoint or .onnx"),
             data: Optional[Path] = typer.Option(None, "--data", metavar="FOLDER", show_default="none",
                                                 help="dataset (for a single model)"),
             label: Optional[str] = typer.Option(None, "--label", metavar="NAME", show_default="none",
                                                 help="target label (for a single model)"),
             split: Optional[Path] = typer.Option(None, "--split", metavar="FILE",
                                                  show_default="split.json beside a .pt",
                                                  help="split JSON naming the test patients"),
             paper: bool = typer.Option(False, "--paper", show_default="off",
                                        help="add the study's Table 1 beside ours"),
             noc_every: int = typer.Option(1, "--noc-every", min=1, metavar="K",
                                           help="NoC on every K-th slice (speed)"),
             device: str = typer.Option("auto", "--device", metavar="auto|cuda|cpu",
                                        help="where to run the models (auto: the GPU if any)"),
             jobs: int = typer.Option(1, "--jobs", min=1, metavar="N",
                                      help="models scored at once, in processes sharing the CPU cores")) -> None:
    """Score on the test patients: Dice per patient; for interactive models also NoC@85/90 and one
    click per volume with propagation. For a sweep, write results.csv, table.md, curves.png, examples.png."""
    with user_errors():
        from bonebench.protocol.run_folders import SweepLayout

        check_eval_request(target, data, label, split)
        sweep = SweepLayout(target)
        if target.is_dir():
            from bonebench.study.evaluation import evaluate_sweep

            evaluate_sweep(target, device=device, noc_every=noc_every, paper=paper, report=typer.echo, jobs=jobs,
                           show_progress=True)
            typer.echo(f"wrote {sweep.results_csv}, {sweep.table.name}, {sweep.curves.name}, {sweep.examples.name}")
            return
        from bonebench.study.evaluation import evaluate_model
        from bonebench.study.reports import score_lines

        for line in score_lines(evaluate_model(target, data, label, device=device, noc_every=noc_every,
                                               split_path=split)):
            typer.echo(line)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
