"""Training iterations per second for each model group (tiny preset, CPU), and the share of a
SegInter iteration spent simulating clicks (click maps, next click; not the extra forward passes)."""

import time

import pytest
import torch

from bonebench.data.dataset import Dataset
from bonebench.data.splits import make_split
from bonebench.train.config import make_config
from bonebench.train.groups import build_model, get_group
from bonebench.train.loop import train_step


GROUP_KEYS = ["seg", "restoration", "inter", "inter-prev"]


@pytest.mark.benchmark(group="training iteration, tiny preset, CPU")
@pytest.mark.parametrize("key", GROUP_KEYS)
def test_training_iteration(benchmark, phantom_dataset, key):
    torch.set_num_threads(2)
    config = make_config("tiny", data=str(phantom_dataset), label="fibula" if key != "restoration" else "",
                         patients=2, group=key, device="cpu")
    dataset = Dataset(phantom_dataset)
    task = get_group(key).make_task(config, dataset, make_split(dataset.case_ids))
    torch.manual_seed(0)
    model = build_model(get_group(key), config.base_width)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    device = torch.device("cpu")
    for _ in range(20):  # warm up, and let SegInter's model learn enough to make errors worth clicking
        train_step(model, optimizer, task, device)
    if hasattr(task, "simulation_seconds"):
        task.simulation_seconds = 0.0
    start = time.perf_counter()
    benchmark.pedantic(train_step, args=(model, optimizer, task, device), rounds=30, iterations=1)
    elapsed = time.perf_counter() - start
    benchmark.extra_info["iterations_per_second"] = 1.0 / benchmark.stats.stats.median
    if hasattr(task, "simulation_seconds"):
        benchmark.extra_info["click_simulation_share"] = task.simulation_seconds / elapsed


class _Background(torch.nn.Module):
    """A stand-in network that always predicts background: every round then adds a click, the
    worst case for the simulation's cost."""

    def forward(self, x):
        return torch.full((x.shape[0], 1) + tuple(x.shape[2:]), -10.0)


@pytest.mark.benchmark(group="paper-size batch (32 x 96x96) preparation, CPU")
def test_seginter_click_simulation_paper_batch(benchmark, phantom_dataset):
    config = make_config("paper", data=str(phantom_dataset), label="fibula", patients=3, group="inter", device="cpu")
    dataset = Dataset(phantom_dataset)
    task = get_group("inter").make_task(config, dataset, make_split(dataset.case_ids))
    model, device = _Background(), torch.device("cpu")
    task.batch(model, device)
    task.simulation_seconds = 0.0
    benchmark.pedantic(task.batch, args=(model, device), rounds=20, iterations=1)
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
