"""Milliseconds per training iteration for each model group at the `cpu` preset (base 16, batch 16
of 96x96), fp32 and bf16 autocast (both channels_last), on every core; the share of a SegInter
iteration spent simulating clicks (click maps, next click; not its extra forward passes). The
SegInter / Seg and fp32 / bf16 ratios: tools/bench_ratios.py.

    python -m pytest benchmarks/test_training_bench.py --benchmark-json=training.json
"""

import time

import pytest
import torch

from bonebench.data.dataset import Dataset
from bonebench.data.splits import make_split
from bonebench.threads import using_threads
from bonebench.train.config import make_config
from bonebench.train.groups import build_model, get_group
from bonebench.train.loop import train_step
from bonebench.train.precision import Compute

GROUP_KEYS = ["seg", "restoration", "inter", "inter-prev"]
WARM_UP = 20  # iterations first: allocations settle, SegInter's model learns enough to make errors worth clicking


@pytest.mark.benchmark(group="training iteration, cpu preset (base 16, 16 x 96x96), every core")
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
@pytest.mark.parametrize("key", GROUP_KEYS)
def test_training_iteration(benchmark, phantom_dataset, key, precision):
    config = make_config("cpu", data=str(phantom_dataset), label="fibula" if key != "restoration" else "",
                         patients=2, group=key, device="cpu", precision=precision)
    dataset = Dataset(phantom_dataset)
    task = get_group(key).make_task(config, dataset, make_split(dataset.case_ids))
    torch.manual_seed(0)
    compute = Compute(torch.device("cpu"), config.precision)
    with using_threads(None):
        model = compute.prepare(build_model(get_group(key), config.base_width))
        optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
        for _ in range(WARM_UP):
            train_step(model, optimizer, task, compute)
        if hasattr(task, "simulation_seconds"):
            task.simulation_seconds = 0.0
        start = time.perf_counter()
        benchmark.pedantic(train_step, args=(model, optimizer, task, compute), rounds=20, iterations=1)
        elapsed = time.perf_counter() - start
    benchmark.extra_info["ms_per_iteration"] = 1e3 * benchmark.stats.stats.median
    if hasattr(task, "simulation_seconds"):
        benchmark.extra_info["click_simulation_share"] = task.simulation_seconds / elapsed


class _Background(torch.nn.Module):
    """A stand-in network that always predicts background: every round then adds a click, the
    worst case for the simulation's cost."""

    def forward(self, x):
        return torch.full((x.shape[0], 1) + tuple(x.shape[2:]), -10.0)


@pytest.mark.benchmark(group="paper-size batch (32 x 96x96) preparation, CPU")
def test_seginter_click_simulation_paper_batch(benchmark, phantom_dataset):
    config = make_config("paper", data=str(phantom_dataset), label="fibula", patients=3, group="inter", device="cpu",
                         precision="fp32")
    dataset = Dataset(phantom_dataset)
    task = get_group("inter").make_task(config, dataset, make_split(dataset.case_ids))
    model, compute = _Background(), Compute(torch.device("cpu"), "fp32")
    task.batch(model, compute)
    task.simulation_seconds = 0.0
    benchmark.pedantic(task.batch, args=(model, compute), rounds=20, iterations=1)
    benchmark.extra_info["click_simulation_ms_per_batch"] = task.simulation_seconds / 20 * 1e3


@pytest.mark.benchmark(group="paper-size batch (32 x 96x96) preparation, CPU")
def test_restoration_distortions_paper_batch(benchmark, phantom_dataset):
    import numpy as np

    from bonebench.data.sampling import SliceSampler
    from bonebench.train.distortions import distort_batch

    dataset = Dataset(phantom_dataset)
    images = [dataset.load_image(c) for c in dataset.case_ids]
    patches = SliceSampler(images, [np.zeros(v.shape, np.uint8) for v in images], seed=0).next_batch()[0]
    rng = np.random.default_rng(0)
    inputs, targets = benchmark(distort_batch, patches, rng)
    assert inputs.shape == (32, 1, 96, 96)
