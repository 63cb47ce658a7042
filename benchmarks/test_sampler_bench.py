"""Patch sampler throughput: patches per second for the study's minibatch (32 x 96x96)."""

import numpy as np
import pytest

from bonebench.data.sampling import SliceSampler


@pytest.fixture(scope="module")
def ct_like_volumes():
    """Ten 512x512x60 int16 volumes: the size of real CT slices, as the study's data."""
    rng = np.random.default_rng(0)
    vols = [rng.integers(-1024, 3000, size=(60, 512, 512), dtype=np.int16) for _ in range(10)]
    return vols, [(v > 1000).astype(np.uint8) for v in vols]


def test_sampler_minibatch_512(benchmark, ct_like_volumes):
    sampler = SliceSampler(*ct_like_volumes, patch_size=96, batch_size=32, seed=0)
    images, _, _ = benchmark(sampler.next_batch)
    assert images.shape == (32, 1, 96, 96)
    benchmark.extra_info["patches_per_second"] = 32 / benchmark.stats.stats.median


def test_sampler_minibatch_openkbp(benchmark, openkbp):
    from bonebench.data.dataset import Dataset

    ds = Dataset(openkbp)
    cases = [ds.load(c, "mandible") for c in ds.case_ids[:10]]
    sampler = SliceSampler([c.hu for c in cases], [c.target for c in cases], patch_size=96, batch_size=32)
    images, _, _ = benchmark(sampler.next_batch)
    assert images.shape == (32, 1, 96, 96)
    benchmark.extra_info["patches_per_second"] = 32 / benchmark.stats.stats.median
