"""Batch preparation off the critical path: the next minibatch is prepared in a background thread
while the model computes the current one.

What runs ahead is a task's `prepare()`: everything that needs no model (sampling, distortions,
targets, SegInter's first click and first network input), mostly numpy and Numba kernels that
release the GIL (`nogil=True`), so it overlaps torch's step for real. SegInter's corrective-click
rounds need the model *after* the previous step, so they stay inline (`complete()`): running them
ahead would use weights one step old and change the training.

Resume stays bit for bit: `prepare()` is the only part that draws random numbers and it runs in
the same order as without prefetching; the state a checkpoint saves is the task's state *before*
the pending (prepared, not yet consumed) batch, so a resumed run prepares that batch again, and no
batch is lost or drawn twice.
"""

from __future__ import annotations

import copy
import time
from concurrent.futures import Future, ThreadPoolExecutor

import torch

from bonebench.train.tasks import Batch, Task, Validation


class Prefetcher:
    """A task whose next minibatch is prepared in one background thread (inline when disabled)."""

    def __init__(self, task: Task, enabled: bool = True):
        self.task = task
        self.metric = task.metric
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="bonebench-prefetch") if enabled else None
        self._next: Future | None = None
        self.waited_seconds = 0.0  # the training thread's time spent waiting for (or making) batches

    def _prepare(self):
        """(the task's state before this batch, the prepared batch): runs in the background."""
        state = copy.deepcopy(self.task.state_dict())
        return state, self.task.prepare()

    def batch(self, model: torch.nn.Module, compute) -> Batch:
        """The prepared batch (or one prepared now), completed with the current model; the next
        one starts preparing before this one is completed."""
        t0 = time.perf_counter()
        prepared = self._next.result()[1] if self._next is not None else self.task.prepare()
        self.waited_seconds += time.perf_counter() - t0
        self._next = self._pool.submit(self._prepare) if self._pool is not None else None
        return self.task.complete(prepared, model, compute)

    def loss(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return self.task.loss(logits, target)

    def validate(self, model: torch.nn.Module, compute) -> Validation:
        return self.task.validate(model, compute)

    def state_dict(self) -> dict:
        """The task's state after the last consumed batch (before the pending one)."""
        return self._next.result()[0] if self._next is not None else self.task.state_dict()

    def load_state_dict(self, state: dict) -> None:
        """Drop the pending batch (it belongs to the old state) and load `state` into the task."""
        if self._next is not None:
            self._next.result()
            self._next = None
        self.task.load_state_dict(state)

    def close(self) -> None:
        """Stop the background thread (after the pending preparation, which is dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._next = None
