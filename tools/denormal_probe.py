"""Milliseconds per training iteration of an interrupted run, resumed with denormal floats flushed
to zero (as bb-train trains) and without, on copies of the run folder (the run itself is untouched).

    python tools/denormal_probe.py runs/study-cpu/models/SegPretrained1 --iterations 60 --threads 2

Why: a run whose loss has fallen far holds gradients and Adam moments below fp32's normal range, and
x86 cores take a slow path on each of them (bonebench.train.precision.denormals_flushed). Each mode
runs in its own process, so neither inherits the other's floating-point state.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

from bonebench.protocol.run_folders import RunLayout


def _count_denormals(run: Path) -> tuple[int, int]:
    """(denormal values, all values) in the run's Adam moments (last.pt)."""
    import torch

    state = torch.load(RunLayout(run).last, map_location="cpu", weights_only=False)["optimizer"]["state"]
    moments = [v for s in state.values() for v in s.values() if torch.is_tensor(v) and v.numel() > 1]
    tiny = sum(int(((v.abs() < torch.finfo(torch.float32).tiny) & (v != 0)).sum()) for v in moments)
    return tiny, sum(v.numel() for v in moments)


def _child(run: Path, flush: bool, iterations: int, threads: int) -> None:
    """Resume the copy for `iterations` iterations; print the mean ms per iteration after the first 10."""
    import bonebench.train.loop as loop
    from bonebench.train.config import TrainConfig

    if not flush:
        loop.denormals_flushed = nullcontext
    step, times = loop.train_step, []

    def timed(*args):
        start = time.perf_counter()
        result = step(*args)
        times.append(time.perf_counter() - start)
        if len(times) == iterations:
            print(f"{'flushed' if flush else 'as is'}: {1e3 * sum(times[10:]) / len(times[10:]):.0f} ms/it")
            raise KeyboardInterrupt
        return result

    loop.train_step = timed
    layout = RunLayout(run)
    config = TrainConfig.from_dict(json.loads(layout.config.read_text()))
    try:
        loop.train(config, run, resume=True, split_file=layout.split, show_progress=False, threads=threads)
    except KeyboardInterrupt:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--child", choices=("flushed", "as-is"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.run, args.child == "flushed", args.iterations, args.threads)
        return
    tiny, total = _count_denormals(args.run)
    print(f"{args.run}: {tiny:,} of {total:,} Adam moment values are denormal")
    for mode in ("as-is", "flushed"):
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / args.run.name
            shutil.copytree(args.run, copy)
            subprocess.run([sys.executable, __file__, str(copy), "--child", mode, "--iterations",
                            str(args.iterations), "--threads", str(args.threads)], check=True)


if __name__ == "__main__":
    main()
