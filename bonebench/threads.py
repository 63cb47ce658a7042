"""CPU threads, owned here and nowhere else: torch's intra-op threads, Numba's threads,
onnxruntime's intra-op threads and whether training prepares its next batch in a background thread
all follow one number, `--threads N` (default: the cores this process may run on).

Why one owner: on the 2-core development machine two processes with 2 OpenMP threads each slow
each other far more than 2x (docs/benchmarks.md), and a prefetch thread beside a 1-thread torch
step is a second heavy thread on a core that is already taken. Torch-free: torch is set only when
the caller has imported it (the runtime never does).
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

from bonebench.errors import InputError

_configured: int | None = None


def cpu_cores() -> int:
    """Cores this process may run on (the affinity mask where there is one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def threads() -> int:
    """The thread count in force: the one set last, or every core."""
    return _configured or cpu_cores()


def onnxruntime_threads() -> int | None:
    """Intra-op threads for an onnxruntime session: the set count, or None (onnxruntime's default)
    where nothing was set."""
    return _configured


def prefetch_thread() -> bool:
    """Whether training prepares the next minibatch in a background thread: only with 2 or more
    threads, since that thread takes a core of its own for its numpy and Numba work."""
    return threads() >= 2


def set_threads(count: int | None) -> int:
    """Set every library's thread count to `count` (None: every core); returns the count."""
    global _configured
    count = cpu_cores() if count is None else count
    if not isinstance(count, int) or count < 1:
        raise InputError(f"--threads must be a whole number of at least 1, got {count}")
    _configured = count
    os.environ["OMP_NUM_THREADS"] = str(count)  # for libraries that start their pools later
    _set_numba(count)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(count)
    return count


def _set_numba(count: int) -> None:
    numba = sys.modules.get("numba")
    if numba is None:  # not loaded yet: its pool reads the environment when it starts
        os.environ["NUMBA_NUM_THREADS"] = str(count)
        return
    numba.set_num_threads(min(count, numba.config.NUMBA_NUM_THREADS))


@contextmanager
def using_threads(count: int | None):
    """Run a block with `count` threads, then restore the count in force before it."""
    global _configured
    before = _configured
    torch = sys.modules.get("torch")
    torch_before = torch.get_num_threads() if torch is not None else None
    try:
        yield set_threads(count)
    finally:
        _configured = before
        if torch is not None:
            torch.set_num_threads(torch_before)
