"""bb-train: train the study's model groups (and restoration pretraining)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bonebench.cli.common import user_errors
from bonebench.errors import InputError
from bonebench.study import STUDY_SIZES

app = typer.Typer(help="Train segmentation models on few patients.", no_args_is_help=True,
                  pretty_exceptions_enable=False)

DATA = typer.Option(..., "--data", help="dataset folder (nnU-Net raw layout)")
PRESET = typer.Option("paper", "--preset", help="paper | fast | tiny")
OUT = typer.Option(None, "--out", help="run folder (default runs/<model name>)")
ITERATIONS = typer.Option(None, "--iterations")
BATCH = typer.Option(None, "--batch-size")
LR = typer.Option(None, "--lr")
WIDTH = typer.Option(None, "--base-width", help="U-Net width at the top level (the study: 64)")
PATCH = typer.Option(None, "--patch-size")
VAL_EVERY = typer.Option(None, "--val-every", help="validate (and checkpoint) every K iterations")
SEED = typer.Option(0, "--seed", help="training seed (weights, patch order, simulated clicks)")
SPLIT_SEED = typer.Option(0, "--split-seed", help="patient split seed")
SPLIT_FILE = typer.Option(None, "--split", help="use this split JSON")
DEVICE = typer.Option("auto", "--device", help="auto | cpu | cuda")
RESUME = typer.Option(False, "--resume", help="continue an interrupted run in --out")
QUIET = typer.Option(False, "--quiet", help="no progress bar")
LOSS = typer.Option("ce", "--loss", help="ce | dice | ce+dice")


@app.callback()
def _commands() -> None:
    """Train segmentation models on few patients."""


def _train(group_key: str, *, out: Optional[Path], resume: bool, split_file: Optional[Path], quiet: bool,
           preset: str, **settings) -> None:
    from bonebench.protocol.kinds import RESTORATION
    from bonebench.protocol.run_folders import RunLayout
    from bonebench.train.config import make_config
    from bonebench.train.groups import get_group, model_name
    from bonebench.train.loop import train

    group = get_group(group_key)
    config = make_config(preset, group=group_key, **settings)
    run = RunLayout(out or Path("runs") / model_name(group, config.patients))
    result = train(config, run.root, resume=resume, split_file=split_file, show_progress=not quiet)
    metric = "L1" if group.kind == RESTORATION else "Dice"
    typer.echo(f"{result.name}: best validation {metric} {result.best_value:.4f} at iteration "
               f"{result.best_iteration} -> {run.best}")


@app.command()
def seg(data: Path = DATA,
        label: str = typer.Option(..., "--label", help="target label, by name or value"),
        patients: int = typer.Option(..., "--patients", help="number of training patients"),
        init: Optional[Path] = typer.Option(None, "--init", help="restoration checkpoint: trains SegPretrained"),
        loss: str = LOSS, preset: str = PRESET, out: Optional[Path] = OUT,
        iterations: Optional[int] = ITERATIONS, batch_size: Optional[int] = BATCH, lr: Optional[float] = LR,
        base_width: Optional[int] = WIDTH, patch_size: Optional[int] = PATCH, val_every: Optional[int] = VAL_EVERY,
        seed: int = SEED, split_seed: int = SPLIT_SEED, split_file: Optional[Path] = SPLIT_FILE,
        device: str = DEVICE, resume: bool = RESUME, quiet: bool = QUIET) -> None:
    """Train Seg (image in, mask out), or SegPretrained with --init."""
    with user_errors():
        _train("pretrained" if init else "seg", out=out, resume=resume, split_file=split_file, quiet=quiet,
               preset=preset, data=str(data), label=label, patients=patients, init=str(init or ""), loss=loss,
               iterations=iterations, batch_size=batch_size, lr=lr, base_width=base_width,
               patch_size=patch_size, val_every=val_every, seed=seed, split_seed=split_seed, device=device)


@app.command()
def pretrain(data: Path = DATA,
             patients: Optional[int] = typer.Option(None, "--patients",
                                                    help="training patients of the split (default: all)"),
             preset: str = PRESET, out: Optional[Path] = OUT, iterations: Optional[int] = ITERATIONS,
             batch_size: Optional[int] = BATCH, lr: Optional[float] = LR, base_width: Optional[int] = WIDTH,
             patch_size: Optional[int] = PATCH, val_every: Optional[int] = VAL_EVERY, seed: int = SEED,
             split_seed: int = SPLIT_SEED, split_file: Optional[Path] = SPLIT_FILE, device: str = DEVICE,
             resume: bool = RESUME, quiet: bool = QUIET) -> None:
    """Restoration pretraining (Models Genesis distortions, L1) on all training patients, no labels."""
    with user_errors():
        _train("restoration", out=out, resume=resume, split_file=split_file, quiet=quiet, preset=preset,
               data=str(data), patients=patients or 1, iterations=iterations, batch_size=batch_size, lr=lr,
               base_width=base_width, patch_size=patch_size, val_every=val_every, seed=seed,
               split_seed=split_seed, device=device)


@app.command()
def inter(data: Path = DATA,
          label: str = typer.Option(..., "--label", help="target label, by name or value"),
          patients: int = typer.Option(..., "--patients", help="number of training patients"),
          prev_mask: bool = typer.Option(False, "--prev-mask", help="previous prediction as a 4th input channel"),
          init: Optional[Path] = typer.Option(None, "--init", help="start from restoration weights"),
          labels: str = typer.Option("", "--labels",
                                     help="several bones, e.g. 1,2: each slice's target is one of them, chosen at "
                                          "random, and the clicks point at it"),
          click_sigma: Optional[float] = typer.Option(None, "--click-sigma", help="click map sigma in pixels (2)"),
          max_interactions: Optional[int] = typer.Option(None, "--max-interactions",
                                                         help="clicks per slice drawn from 1..N (5)"),
          background_rate: Optional[float] = typer.Option(None, "--background-rate",
                                                          help="share of all-background targets (0.1)"),
          loss: str = LOSS, preset: str = PRESET, out: Optional[Path] = OUT,
          iterations: Optional[int] = ITERATIONS, batch_size: Optional[int] = BATCH, lr: Optional[float] = LR,
          base_width: Optional[int] = WIDTH, patch_size: Optional[int] = PATCH,
          val_every: Optional[int] = VAL_EVERY, seed: int = SEED, split_seed: int = SPLIT_SEED,
          split_file: Optional[Path] = SPLIT_FILE, device: str = DEVICE, resume: bool = RESUME,
          quiet: bool = QUIET) -> None:
    """Train SegInter: image + foreground/background click maps in, the clicked bone out."""
    with user_errors():
        from bonebench.train.groups import interactive_group_key

        _train(interactive_group_key(init is not None, prev_mask), out=out, resume=resume, split_file=split_file,
               quiet=quiet, preset=preset, data=str(data), label=label, patients=patients, init=str(init or ""),
               labels=labels, click_sigma=click_sigma, max_interactions=max_interactions,
               background_rate=background_rate, loss=loss, iterations=iterations, batch_size=batch_size, lr=lr,
               base_width=base_width, patch_size=patch_size, val_every=val_every, seed=seed,
               split_seed=split_seed, device=device)


@app.command("run")
def run_group(group: str = typer.Option(..., "--group", help="model group key (bb-train groups lists them)"),
              data: Path = DATA,
              label: str = typer.Option("", "--label", help="target label, by name or value (not for restoration)"),
              patients: int = typer.Option(1, "--patients", help="number of training patients"),
              init: Optional[Path] = typer.Option(None, "--init", help="restoration checkpoint (pretrained groups)"),
              labels: str = typer.Option("", "--labels", help="several bones for interactive groups, e.g. 1,2"),
              loss: str = LOSS, preset: str = PRESET, out: Optional[Path] = OUT,
              iterations: Optional[int] = ITERATIONS, batch_size: Optional[int] = BATCH, lr: Optional[float] = LR,
              base_width: Optional[int] = WIDTH, patch_size: Optional[int] = PATCH,
              val_every: Optional[int] = VAL_EVERY, seed: int = SEED, split_seed: int = SPLIT_SEED,
              split_file: Optional[Path] = SPLIT_FILE, device: str = DEVICE, resume: bool = RESUME,
              quiet: bool = QUIET) -> None:
    """Train any group of the registry by its key (seg, pretrained and inter are the friendly names)."""
    with user_errors():
        _train(group, out=out, resume=resume, split_file=split_file, quiet=quiet, preset=preset, data=str(data),
               label=label, patients=patients, init=str(init or ""), labels=labels, loss=loss,
               iterations=iterations, batch_size=batch_size, lr=lr, base_width=base_width, patch_size=patch_size,
               val_every=val_every, seed=seed, split_seed=split_seed, device=device)


@app.command()
def sweep(data: Path = DATA,
          label: str = typer.Option(..., "--label", help="target label, by name or value"),
          groups: str = typer.Option("seg,pretrained,inter", "--groups",
                                     help="comma list of model groups (bb-train groups lists them)"),
          patients: str = typer.Option(",".join(map(str, STUDY_SIZES)), "--patients",
                                       help="comma list of training-set sizes"),
          preset: str = typer.Option("fast", "--preset", help="paper | fast | tiny"),
          out: Path = typer.Option(..., "--out", help="sweep folder (RUN)"),
          iterations: Optional[int] = ITERATIONS, base_width: Optional[int] = WIDTH,
          val_every: Optional[int] = VAL_EVERY, labels: str = typer.Option("", "--labels"),
          seed: int = SEED, split_seed: int = SPLIT_SEED, device: str = DEVICE,
          executor: str = typer.Option("local", "--executor", help="local | ray"),
          workers: Optional[int] = typer.Option(
              None, "--workers", min=1,
              help="models trained at once, sharing the GPUs (default: up to 4 per GPU by its memory; 1 on a CPU)"),
          address: Optional[str] = typer.Option(None, "--address", help="Ray cluster to join (ray executor)")) -> None:
    """The study's benchmark: every group on every training-set size; resumable; never trains a model twice."""
    with user_errors():
        from bonebench.study.sweep import SweepPlan, run_sweep

        try:
            sizes = tuple(int(v) for v in patients.split(",") if v.strip())
        except ValueError:
            raise InputError(f"--patients {patients!r}: expected whole numbers separated by commas") from None
        overrides = {k: v for k, v in dict(iterations=iterations, base_width=base_width, val_every=val_every,
                                           labels=labels or None).items() if v is not None}
        plan = SweepPlan(str(data), label, tuple(g.strip() for g in groups.split(",") if g.strip()), sizes,
                         preset, seed, split_seed, device, overrides)
        jobs = run_sweep(plan, out, executor=executor, address=address, report=typer.echo, workers=workers)
        typer.echo(f"{len(jobs)} models in {out}; evaluate with: bb-eval {out}")


@app.command("groups")
def list_groups() -> None:
    """List the model groups of the registry."""
    from bonebench.train.groups import GROUPS

    for group in GROUPS.values():
        typer.echo(f"{group.key:24s} {group.display:24s} {group.in_channels} ch  {group.description}")


@app.command("restoration-figure")
def restoration_figure(checkpoint: Path = typer.Argument(..., help="restoration best.pt"),
                       data: Path = DATA,
                       out: Path = typer.Option(..., "-o", "--out", help="PNG to write"),
                       samples: int = typer.Option(4, "--samples", min=1, max=12),
                       seed: int = typer.Option(0, "--seed")) -> None:
    """The study's Figure 2: distorted input, original and restored patch, for validation patients."""
    with user_errors():
        from bonebench.train.figures import restoration_figure as draw

        draw(checkpoint, data, out, samples=samples, seed=seed)
        typer.echo(f"wrote {out}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
