"""How training processes share a machine: how many run at once, which GPU each one uses and how
many CPU threads each one gets. The sweep's local and Ray executors both ask here.

One small U-Net (the `fast` preset: base 32, batch 32 of 96x96) leaves a modern GPU mostly idle
while its Python process prepares batches and launches kernels; several processes side by side fill
it (seen on an H200: five processes kept it 95-100 % busy, DESIGN.md). The default packs up to
MAX_PER_GPU processes on each GPU, fewer when its memory is small; on a CPU it is one process,
which then has every core.

A worker never gets a `cuda:i` device in its config (that would change the config and block a
resume on another machine): it sees only its GPU, through CUDA_VISIBLE_DEVICES, set in the worker
before torch starts, so `cuda` there means the worker's own GPU.
"""

from __future__ import annotations

import os

from bonebench.threads import cpu_cores

MAX_PER_GPU = 4  # processes that share one GPU by default
GIB_PER_WORKER = 12  # GPU memory one `fast` worker is given room for (it uses 2-3 GiB)


def gpu_memory_gib() -> list[float]:
    """Memory of each visible CUDA GPU in GiB; empty without CUDA (or without torch)."""
    try:
        import torch
    except ImportError:
        return []
    if not torch.cuda.is_available():
        return []
    return [torch.cuda.get_device_properties(i).total_memory / 2**30 for i in range(torch.cuda.device_count())]


def default_workers(gpu_memory: list[float]) -> int:
    """Training processes at once: per GPU min(MAX_PER_GPU, memory / GIB_PER_WORKER), at least 1;
    one on a machine without a GPU."""
    if not gpu_memory:
        return 1
    return sum(max(1, min(MAX_PER_GPU, int(m // GIB_PER_WORKER))) for m in gpu_memory)


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """CPU threads for each of `workers` processes: `cores` (None: every core) shared out, at least 1."""
    return max(1, (cores or cpu_cores()) // max(1, workers))


def worker_gpu(slot: int, gpus: int) -> int | None:
    """The GPU index of worker `slot` (round robin), or None without GPUs."""
    return slot % gpus if gpus else None


def _die_with_parent() -> None:
    """Linux: end this worker when the sweep process dies (even by SIGKILL), so a killed sweep
    leaves no orphan still writing a run folder that the resumed sweep trains again."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def init_worker(counter, gpus: int) -> None:
    """Pool initializer of a training process: take a slot and see one GPU (its thread count comes
    with each job: bonebench.threads)."""
    _die_with_parent()
    with counter.get_lock():
        slot = counter.value
        counter.value += 1
    gpu = worker_gpu(slot, gpus)
    if gpu is not None:
        visible = [d for d in os.environ.get("CUDA_VISIBLE_DEVICES", "").split(",") if d.strip()]
        os.environ["CUDA_VISIBLE_DEVICES"] = visible[gpu] if gpu < len(visible) else str(gpu)
