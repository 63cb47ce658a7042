"""bb-train: train the study's model groups (and restoration pretraining)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bonebench.cli.args import check_positive, parse_whole_numbers
from bonebench.cli.common import APP, OneLineCommand, OneLineGroup, user_errors
from bonebench.cli.shared_options import Options, pick, shares
from bonebench.errors import InputError
from bonebench.protocol.network import DEFAULT_CLICK_SIGMA
from bonebench.protocol.run_folders import RUNS, RunLayout
from bonebench.study import STUDY_SIZES
from bonebench.train.config import INIT_HEADS, PRESETS, TRAIN_LAYERS
from bonebench.train.schedules import COSINE_FLOOR, DEFAULT_LR_SCHEDULE, LR_SCHEDULES, WARMUP_SHARE, WARMUP_START

app = typer.Typer(help="Train segmentation models on few patients.", no_args_is_help=True, cls=OneLineGroup,
                  **APP)
command = app.command
FROM_PRESET = "from the preset"
PRESET_NAMES = tuple(PRESETS)

DATA = typer.Option(..., "--data", metavar="FOLDER", show_default=False,
                    help="dataset folder (nnU-Net raw layout: dataset.json, imagesTr, labelsTr)")
LABEL = typer.Option(..., "--label", metavar="NAME", show_default=False,
                     help="target label, by name (fibula) or value (1)")
PATIENTS = typer.Option(..., "--patients", min=1, metavar="N", show_default=False, help="number of training patients")
INIT = typer.Option(None, "--init", metavar="FILE", show_default="none",
                    help="a restoration checkpoint (pretrained groups) or a trained model to fine-tune "
                         "(its best.pt, or its exported .onnx)")
LOSS = typer.Option("ce", "--loss", metavar="ce|dice|ce+dice", help="training loss (the study: ce)")
LABELS = typer.Option("", "--labels", metavar="NAME,NAME", show_default="only --label",
                      help="several bones for interactive groups, e.g. 1,2: each slice's target is one of them, "
                           "chosen at random, and the clicks point at it")

# every training command's options (seg, pretrain, inter, run); the sweep takes the SWEEP subset
TRAINING: Options = {
    "data": (Path, DATA),
    "preset": (Optional[str], typer.Option(
        None, "--preset", metavar="|".join(PRESET_NAMES), show_default="fast with a GPU, cpu without",
        help="training length and size: paper (the study), fast (GPU minutes), cpu (CPU minutes), tiny (tests)")),
    "out": (Optional[Path], typer.Option(None, "--out", metavar="FOLDER", show_default=f"{RUNS}/<model name>",
                                         help="run folder")),
    "iterations": (Optional[int], typer.Option(None, "--iterations", min=1, metavar="N", show_default=FROM_PRESET,
                                               help="training iterations")),
    "batch_size": (Optional[int], typer.Option(None, "--batch-size", min=1, metavar="N", show_default=FROM_PRESET,
                                               help="slices per training step")),
    "lr": (Optional[float], typer.Option(None, "--lr", metavar="RATE", show_default=FROM_PRESET,
                                         help="Adam learning rate, above 0")),
    "lr_schedule": (str, typer.Option(DEFAULT_LR_SCHEDULE, "--lr-schedule", metavar="SCHEDULE",
                                      help=f"{' | '.join(LR_SCHEDULES)}: the study's constant rate; cosine decay "
                                           f"to {COSINE_FLOOR:.0%}; warmup from {WARMUP_START:.0%} over the first "
                                           f"{WARMUP_SHARE:.0%} of the iterations, then constant")),
    "base_width": (Optional[int], typer.Option(None, "--base-width", min=1, metavar="N", show_default=FROM_PRESET,
                                               help="U-Net width at the top level (the study: 64)")),
    "patch_size": (Optional[int], typer.Option(None, "--patch-size", min=16, metavar="N", show_default=FROM_PRESET,
                                               help="training patch side in pixels, a multiple of 16")),
    "val_every": (Optional[int], typer.Option(None, "--val-every", min=1, metavar="N", show_default=FROM_PRESET,
                                              help="validate (and checkpoint) every N iterations")),
    "pixel_mm": (Optional[float], typer.Option(
        None, "--pixel-mm", metavar="MM", show_default="0: as stored",
        help="resample every patient in-plane to this pixel size when loaded (click models: 1.5, "
             "the runtime's MODEL_PIXEL_MM)")),
    "init_head": (str, typer.Option("keep", "--init-head", metavar="|".join(INIT_HEADS),
                                    help="pretrained groups: keep the restoration network's output layer (the "
                                         "study) or reset it")),
    "seed": (int, typer.Option(0, "--seed", metavar="N", help="training seed (weights, patch order, simulated clicks)")),
    "split_seed": (int, typer.Option(0, "--split-seed", metavar="N", help="patient split seed")),
    "split_file": (Optional[Path], typer.Option(None, "--split", metavar="FILE", show_default="made from --split-seed",
                                                help="use this split JSON (from bb-data split)")),
    "device": (str, typer.Option("auto", "--device", metavar="auto|cpu|cuda",
                                 help="where to train (auto: the GPU if any)")),
    "precision": (str, typer.Option("auto", "--precision", metavar="auto|fp32|bf16",
                                    help="bf16 autocast or fp32 (auto: bf16 on CUDA and AMX CPUs, else fp32)")),
    "threads": (Optional[int], typer.Option(None, "--threads", min=1, max=1024, metavar="N",
                                            show_default="every core",
                                            help="CPU threads in all (torch, Numba, onnxruntime, batch prefetch)")),
    "resume": (bool, typer.Option(False, "--resume", show_default="off", help="continue the interrupted run in --out")),
    "quiet": (bool, typer.Option(False, "--quiet", show_default="off", help="no progress bar")),
}
SWEEP = pick(TRAINING, "data", "preset", "iterations", "base_width", "val_every", "init_head", "seed", "split_seed",
             "device", "precision", "threads")


def default_preset() -> str:
    """`fast` when torch sees a GPU, `cpu` otherwise (`tiny` is for tests and demos)."""
    import torch

    return "fast" if torch.cuda.is_available() else "cpu"


def resolve_preset(preset: str | None) -> str:
    """The preset asked for, or the default for this machine, said aloud."""
    if preset is not None:
        return preset
    chosen = default_preset()
    typer.echo(f"preset {chosen} ({'a GPU' if chosen == 'fast' else 'no GPU'} seen; choose with --preset)")
    return chosen


def check_run_request(out: Optional[Path], init: Optional[Path], split_file: Optional[Path],
                      lr: Optional[float], data: Optional[Path] = None, teacher: Optional[Path] = None) -> None:
    """Paths and numbers that must be right before any data is read."""
    from bonebench.data.checks import check_input_path, check_writable_folder

    if out is not None and data is not None and data.is_dir() and \
            out.resolve().is_relative_to(data.resolve()):
        raise InputError(f"--out {out}: is inside the dataset folder {data}; put runs beside the data")
    check_positive(lr, "--lr")
    for option, path in (("--init", init), ("--split", split_file), ("--teacher", teacher)):
        if path is not None and not path.is_file():
            check_input_path(path)
            raise InputError(f"{option} {path}: is a folder, expected a file")
    if out is not None:
        if out.exists() and not out.is_dir():
            raise InputError(f"--out {out}: is a file; the run folder must be a folder")
        check_writable_folder(RunLayout(out).config, "--out")


def _init_group(init: Path, group_key: str, restoration_key: str, shared: dict) -> str:
    """The group a run with --init trains, filling the fine-tune's network settings into `shared`."""
    from bonebench.train.checkpoint import init_source
    from bonebench.train.groups import RESTORATION_KEY

    source, network = init_source(init)
    if source == RESTORATION_KEY:
        return restoration_key or group_key
    for key, value in network.items():
        if shared.get(key) is None:
            shared[key] = value
    return group_key


@app.callback()
def _commands() -> None:
    """Train segmentation models on few patients."""


def _train(group_key: str, shared: dict, restoration_key: str = "", **settings) -> None:
    """Train one model of `group_key` with the shared options and the group's own settings; `--init`
    names a restoration checkpoint (the run becomes `restoration_key`, a pretrained group) or a trained
    model to fine-tune, whose width and pixel size the run takes unless given."""
    with user_errors():
        from bonebench.protocol.kinds import RESTORATION
        from bonebench.train.config import make_config
        from bonebench.train.groups import get_group, model_name
        from bonebench.train.loop import train

        shared = dict(shared)
        out, resume, split_file, quiet, threads = (shared.pop(k) for k in ("out", "resume", "split_file", "quiet",
                                                                          "threads"))
        init = Path(settings["init"]) if settings.get("init") else None
        teacher = Path(settings["teacher"]) if settings.get("teacher") else None
        check_run_request(out, init, split_file, shared.get("lr"), shared["data"], teacher)
        if init is not None:
            group_key = _init_group(init, group_key, restoration_key, shared)
        group = get_group(group_key)
        preset = resolve_preset(shared.pop("preset"))
        config = make_config(preset, group=group_key, **{**shared, "data": str(shared["data"])}, **settings)
        run = RunLayout(out) if out is not None else RunLayout.default(model_name(group, config.patients))
        result = train(config, run.root, resume=resume, split_file=split_file, show_progress=not quiet,
                       threads=threads, report=typer.echo)
        metric = "L1" if group.kind == RESTORATION else "Dice"
        typer.echo(f"{result.name}: best validation {metric} {result.best_value:.4f} at iteration "
                   f"{result.best_iteration} -> {run.best}")


@command(cls=OneLineCommand)
@shares(TRAINING)
def seg(label: str = LABEL, patients: int = PATIENTS, init: Optional[Path] = INIT, loss: str = LOSS, *,
        shared: dict) -> None:
    """Train Seg (image in, mask out); SegPretrained with --init RESTORATION (= run --group seg|pretrained);
    --init with a trained Seg fine-tunes it."""
    _train("seg", shared, "pretrained", label=label, patients=patients, init=str(init or ""), loss=loss)


@command(cls=OneLineCommand)
@shares(TRAINING)
def pretrain(patients: Optional[int] = typer.Option(None, "--patients", min=1, metavar="N", show_default="all",
                                                    help="training patients of the split"), *,
             shared: dict) -> None:
    """Restoration pretraining (Models Genesis distortions, L1) on all training patients, no labels."""
    _train("restoration", shared, patients=patients or 1)


@command(cls=OneLineCommand)
@shares(TRAINING)
def inter(label: str = LABEL, patients: int = PATIENTS,
          prev_mask: bool = typer.Option(False, "--prev-mask", show_default="off",
                                         help="previous prediction as a 4th input channel"),
          neighbour_mask: bool = typer.Option(False, "--neighbour-mask", show_default="off",
                                              help="the neighbouring slice's mask as an input channel "
                                                   "(SegInterWalk: the propagation's memory)"),
          init: Optional[Path] = INIT, labels: str = LABELS,
          click_sigma: Optional[float] = typer.Option(None, "--click-sigma", metavar="PIXELS",
                                                      show_default=f"{DEFAULT_CLICK_SIGMA:g}",
                                                      help="click map Gaussian sigma"),
          max_interactions: Optional[int] = typer.Option(None, "--max-interactions", min=1, metavar="N",
                                                         show_default="5", help="clicks per slice drawn from 1..N"),
          background_rate: Optional[float] = typer.Option(None, "--background-rate", min=0.0, max=1.0,
                                                          metavar="SHARE", show_default="0.1",
                                                          help="share of all-background targets, 0..1"),
          train_layers: str = typer.Option("all", "--train-layers", metavar="|".join(TRAIN_LAYERS),
                                           help="with --init: train every layer, or the decoder only"),
          random_click_rate: Optional[float] = typer.Option(
              None, "--random-click-rate", min=0.0, max=1.0, metavar="SHARE", show_default="0",
              help="share of slices whose first click is anywhere on the bone, not at its innermost point"),
          one_piece_rate: Optional[float] = typer.Option(
              None, "--one-piece-rate", min=0.0, max=1.0, metavar="SHARE", show_default="0",
              help="share of bones cut into several pieces on a slice whose first click marks one big piece "
                   "only (as the walk clicks them)"),
          flip_rate: Optional[float] = typer.Option(
              None, "--flip-rate", min=0.0, max=1.0, metavar="SHARE", show_default="0",
              help="share of training patches mirrored left-right (more variety from one or two patients)"),
          bone_end_rate: Optional[float] = typer.Option(
              None, "--bone-end-rate", min=0.0, max=1.0, metavar="SHARE", show_default="0",
              help="--neighbour-mask: share of patches where a bone ends that train its end (the walk's "
                   "seeds on what lies beyond it; the answer is nothing)"),
          walk_arms: Optional[float] = typer.Option(
              None, "--walk-arms", min=0.0, metavar="REACH", show_default="0",
              help="--neighbour-mask: click walked slices as the runtime's walk does, arm seeds at REACH model "
                   "pixels (0: each piece's innermost point)"),
          teacher: Optional[Path] = typer.Option(
              None, "--teacher", metavar="MODEL", show_default="none",
              help="a click model whose probabilities replace the labels as targets (distillation)"),
          loss: str = LOSS, *, shared: dict) -> None:
    """Train SegInter: image + foreground/background click maps in, the clicked bone out; --init with a
    trained click model (the shipped one: bonebench/runtime/models/default.onnx) fine-tunes it on your
    patients."""
    from bonebench.train.groups import interactive_group_key

    _train(interactive_group_key(False, prev_mask, neighbour_mask), shared,
           interactive_group_key(True, prev_mask, neighbour_mask), label=label,
           patients=patients,
           init=str(init or ""), labels=labels, click_sigma=click_sigma, max_interactions=max_interactions,
           background_rate=background_rate, random_click_rate=random_click_rate, one_piece_rate=one_piece_rate,
           flip_rate=flip_rate, bone_end_rate=bone_end_rate, walk_arms=walk_arms,
           train_layers=train_layers, teacher=str(teacher or ""), loss=loss)


@command("run", cls=OneLineCommand)
@shares(TRAINING)
def run_group(group: str = typer.Option(..., "--group", metavar="GROUP", show_default=False,
                                        help="model group key (bb-train groups lists them)"),
              label: str = typer.Option("", "--label", metavar="NAME", show_default="none",
                                        help="target label, by name or value (not for restoration)"),
              patients: int = typer.Option(1, "--patients", min=1, metavar="N", help="number of training patients"),
              init: Optional[Path] = INIT, labels: str = LABELS, loss: str = LOSS, *, shared: dict) -> None:
    """Train any group of the registry by its key (seg, pretrained and inter are the friendly names)."""
    _train(group, shared, label=label, patients=patients, init=str(init or ""), labels=labels, loss=loss)


@command(cls=OneLineCommand)
@shares(SWEEP)
def sweep(label: str = LABEL,
          groups: str = typer.Option("seg,pretrained,inter", "--groups", metavar="GROUP,GROUP",
                                     help="model groups (bb-train groups lists them)"),
          patients: str = typer.Option(",".join(map(str, STUDY_SIZES)), "--patients", metavar="N,N",
                                       help="training-set sizes"),
          out: Path = typer.Option(..., "--out", metavar="FOLDER", show_default=False, help="sweep folder (RUN)"),
          labels: str = typer.Option("", "--labels", metavar="NAME,NAME", show_default="only --label",
                                     help="several bones for the interactive groups"),
          executor: str = typer.Option("local", "--executor", metavar="local|ray", help="where models train"),
          workers: Optional[int] = typer.Option(
              None, "--workers", min=1, metavar="K", show_default="up to 4 per GPU by its memory; 1 on a CPU",
              help="models trained at once, sharing the GPUs and the --threads"),
          address: Optional[str] = typer.Option(None, "--address", metavar="HOST:PORT", show_default="a local Ray",
                                                help="Ray cluster to join (ray executor)"), *,
          shared: dict) -> None:
    """The study's benchmark: every group on every training-set size; resumable; never trains a model twice."""
    with user_errors():
        from bonebench.study.sweep import SweepPlan, run_sweep

        data = shared["data"]
        sizes = parse_whole_numbers(patients, "--patients")
        check_run_request(out, None, None, None, data)
        preset = resolve_preset(shared["preset"])
        overrides = {k: v for k, v in dict(iterations=shared["iterations"], base_width=shared["base_width"],
                                           val_every=shared["val_every"], precision=shared["precision"],
                                           labels=labels or None,
                                           init_head=None if shared["init_head"] == "keep" else shared["init_head"],
                                           ).items() if v is not None}
        plan = SweepPlan(str(data), label, tuple(g.strip() for g in groups.split(",") if g.strip()), sizes,
                         preset, shared["seed"], shared["split_seed"], shared["device"], overrides)
        jobs = run_sweep(plan, out, executor=executor, address=address, report=typer.echo, workers=workers,
                         threads=shared["threads"])
        typer.echo(f"{len(jobs)} models in {out}; evaluate with: bb-eval {out}")


@command("groups", cls=OneLineCommand)
def list_groups() -> None:
    """List the model groups of the registry."""
    from bonebench.train.groups import GROUPS

    for group in GROUPS.values():
        typer.echo(f"{group.key:24s} {group.display:24s} {group.in_channels} ch  {group.description}")


@command("blend", cls=OneLineCommand)
def blend(checkpoint: Path = typer.Argument(..., metavar="CHECKPOINT", show_default=False,
                                            help="a fine-tune's last.pt or best.pt"),
          start: Path = typer.Option(..., "--start", metavar="MODEL", show_default=False,
                                     help="the model it started from (its --init: .onnx or .pt)"),
          share: float = typer.Option(0.5, "--share", min=0.0, max=1.0, metavar="SHARE",
                                      help="share of the fine-tuned weights; the rest is the start's"),
          out: Path = typer.Option(..., "-o", "--out", metavar="FILE.pt", show_default=False,
                                   help="checkpoint to write (bb-export takes it)")) -> None:
    """Average a fine-tune with the model it started from (WiSE-FT): on one or two patients, with no
    validation patients to pick a step, it keeps what the shipped model knew. A SegInterWalk may also
    blend with the SegInter it grew from (its neighbour channel counted at 0)."""
    with user_errors():
        from bonebench.data.checks import check_input_path, check_output_path
        from bonebench.train.checkpoint import blend_checkpoints, save_checkpoint

        for path in (checkpoint, start):
            check_input_path(path)
        check_output_path(out, "checkpoint", [checkpoint, start], "-o")
        save_checkpoint(out, blend_checkpoints(checkpoint, start, share))
        typer.echo(f"{out}: {share:g} of {checkpoint} + {1 - share:g} of {start}")


@command("shrink", cls=OneLineCommand)
def shrink(checkpoint: Path = typer.Argument(..., metavar="MODEL", show_default=False,
                                             help="a trained model: best.pt, last.pt or an exported .onnx"),
           base_width: int = typer.Option(..., "--base-width", min=1, metavar="N", show_default=False,
                                          help="the narrower network's base width (below the model's own)"),
           out: Path = typer.Option(..., "-o", "--out", metavar="FILE.pt", show_default=False,
                                    help="checkpoint to write (a start for --init)")) -> None:
    """Cut a trained U-Net to a narrower one, keeping each layer's strongest filters: a start for
    `bb-train inter --init FILE.pt --teacher MODEL`, which trains it to do what MODEL does, faster."""
    with user_errors():
        from bonebench.data.checks import check_input_path, check_output_path
        from bonebench.train.checkpoint import save_checkpoint
        from bonebench.train.shrink import shrink_checkpoint

        check_input_path(checkpoint)
        check_output_path(out, "checkpoint", [checkpoint], "-o")
        save_checkpoint(out, shrink_checkpoint(checkpoint, base_width))
        typer.echo(f"{out}: {checkpoint} cut to base width {base_width}")


@command("restoration-figure", cls=OneLineCommand)
def restoration_figure(checkpoint: Path = typer.Argument(..., metavar="CHECKPOINT", show_default=False,
                                                        help="restoration best.pt"),
                       data: Path = DATA,
                       out: Path = typer.Option(..., "-o", "--out", metavar="FILE.png", show_default=False,
                                                help="PNG to write"),
                       samples: int = typer.Option(4, "--samples", min=1, max=12, metavar="N",
                                                   help="patches shown"),
                       seed: int = typer.Option(0, "--seed", metavar="N", help="which patches")) -> None:
    """The study's Figure 2: distorted input, original and restored patch, for validation patients."""
    with user_errors():
        from bonebench.data.checks import check_input_path, check_output_path
        from bonebench.train.figures import restoration_figure as draw

        check_input_path(checkpoint)
        check_output_path(out, "preview", [checkpoint], "-o")

        draw(checkpoint, data, out, samples=samples, seed=seed)
        typer.echo(f"wrote {out}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
