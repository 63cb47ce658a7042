"""Two training runs on one machine: side by side or one after the other? Times three ways of
training the same two models with bb-train (README, docs/benchmarks.md):

  one      one run on every core (--threads = cores)
  serial   both runs one after the other, every core each
  packed   both runs at once, cores // 2 threads each (what `bb-train sweep --workers 2` does)
  crowded  both runs at once, every core each (two jobs that each think they own the machine)

    python tools/cpu_sharing.py DATA LABEL OUT [--iterations N] [--preset cpu]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from bonebench.threads import cpu_cores


def _command(args, out: Path, seed: int, threads: int) -> list[str]:
    return [sys.executable, "-m", "bonebench.cli.train_cli", "seg", "--data", args.data, "--label", args.label,
            "--patients", "2", "--preset", args.preset, "--iterations", str(args.iterations),
            "--val-every", str(args.iterations), "--seed", str(seed), "--threads", str(threads),
            "--device", "cpu", "--quiet", "--out", str(out)]


def _timed(commands: list[list[str]], at_once: bool) -> float:
    t0 = time.perf_counter()
    if at_once:
        for process in [subprocess.Popen(c, stdout=subprocess.DEVNULL) for c in commands]:
            if process.wait():
                raise SystemExit(f"a run failed: {commands}")
    else:
        for c in commands:
            subprocess.run(c, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data"), parser.add_argument("label"), parser.add_argument("out", type=Path)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--preset", default="cpu")
    args = parser.parse_args()
    cores = cpu_cores()
    ways = {"one": ([(0, cores)], False), "serial": ([(0, cores), (1, cores)], False),
            "packed": ([(0, max(1, cores // 2)), (1, max(1, cores // 2))], True),
            "crowded": ([(0, cores), (1, cores)], True)}
    for name, (runs, at_once) in ways.items():
        commands = [_command(args, args.out / name / f"seed{seed}", seed, threads) for seed, threads in runs]
        seconds = _timed(commands, at_once)
        print(f"{name:8s} {len(runs)} run(s) of {args.iterations} iterations, "
              f"{'at once' if at_once else 'in turn'}, {runs[0][1]} thread(s) each: {seconds:.0f} s", flush=True)


if __name__ == "__main__":
    main()
