"""Batch preparation hidden behind the model step (train.prefetch), on the CPU.

One training iteration of the paper-size minibatch (32 x 96x96; U-Net base 16 so that a CPU step
takes about as long as the preparation), with the next batch prepared inline (`inline`) or in the
background thread (`prefetch`). Torch gets one thread, so the preparation has the other core: on a
GPU the step runs on the device and the whole CPU is free for it. Also the parts alone: `prepare`
(the task's model-free part) and `step` (forward, backward, Adam on a batch made beforehand).
Overlap shows as prefetch ~ max(step, prepare) < inline ~ step + prepare, and, free of the timing
noise of a shared machine, as the training thread's wait for its batch (extra_info
batch_wait_ms_per_iteration): the whole preparation inline, about nothing with prefetching. The SegInter / Seg
iteration ratio is the `inter` / `seg` prefetch rows (tools/bench_ratios.py prints it).

    python -m pytest benchmarks/test_prefetch_bench.py --benchmark-json=prefetch.json
"""

import pytest
import torch

from bonebench.data.dataset import Dataset
from bonebench.data.splits import make_split
from bonebench.train.config import make_config
from bonebench.train.groups import build_model, get_group
from bonebench.train.loop import train_step
from bonebench.train.precision import Compute
from bonebench.train.prefetch import Prefetcher
from bonebench.train.tasks import Batch

ROUNDS = 8


def _setup(phantom_dataset, key):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    config = make_config("fast", data=str(phantom_dataset), label="" if key == "restoration" else "fibula",
                         patients=3, group=key, device="cpu", base_width=16)
    dataset = Dataset(phantom_dataset)
    task = get_group(key).make_task(config, dataset, make_split(dataset.case_ids))
    compute = Compute(torch.device("cpu"), config.precision)
    model = compute.prepare(build_model(get_group(key), config.base_width))
    return task, model, torch.optim.Adam(model.parameters(), lr=config.lr), compute


@pytest.mark.benchmark(group="iteration 32x96x96 base 16, torch 1 thread, CPU")
@pytest.mark.parametrize("mode", ["inline", "prefetch"])
@pytest.mark.parametrize("key", ["seg", "restoration", "inter"])
def test_iteration(benchmark, phantom_dataset, key, mode):
    task, model, optimizer, device = _setup(phantom_dataset, key)
    wrapped = Prefetcher(task, enabled=mode == "prefetch")
    try:
        for _ in range(3):
            train_step(model, optimizer, wrapped, device)
        wrapped.waited_seconds = 0.0
        benchmark.pedantic(train_step, args=(model, optimizer, wrapped, device), rounds=ROUNDS, iterations=1)
        # the training thread's wait for its batch: the whole preparation inline, ~0 when it is hidden
        benchmark.extra_info["batch_wait_ms_per_iteration"] = wrapped.waited_seconds / ROUNDS * 1e3
    finally:
        wrapped.close()


@pytest.mark.benchmark(group="iteration 32x96x96 base 16, torch 1 thread, CPU")
@pytest.mark.parametrize("key", ["seg", "restoration", "inter"])
def test_prepare_alone(benchmark, phantom_dataset, key):
    task, _, _, _ = _setup(phantom_dataset, key)
    task.prepare()
    benchmark.pedantic(task.prepare, rounds=ROUNDS, iterations=1)


class _Fixed:
    """A task that hands out one batch made beforehand: the step alone, without preparation."""

    def __init__(self, task, model, device):
        self.batch_ = task.complete(task.prepare(), model, device)
        self.loss = task.loss

    def batch(self, model, device) -> Batch:
        return self.batch_


@pytest.mark.benchmark(group="iteration 32x96x96 base 16, torch 1 thread, CPU")
@pytest.mark.parametrize("key", ["seg", "restoration", "inter"])
def test_step_alone(benchmark, phantom_dataset, key):
    task, model, optimizer, device = _setup(phantom_dataset, key)
    fixed = _Fixed(task, model, device)
    train_step(model, optimizer, fixed, device)
    benchmark.pedantic(train_step, args=(model, optimizer, fixed, device), rounds=ROUNDS, iterations=1)
