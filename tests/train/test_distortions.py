import numpy as np
import pytest

from bonebench.train.distortions import (DistortionRates, bezier_lookup, distort, distort_batch, flip, inpaint,
                                         local_shuffle, nonlinear, outpaint)


@pytest.fixture
def patch():
    """A CT-like patch: smooth background with a bright ring (bone) and noise, in [0, 1]."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[:96, :96]
    r = np.hypot(yy - 48, xx - 40)
    img = 0.25 + 0.05 * np.sin(xx / 9.0) + 0.3 * ((r > 8) & (r < 13)) + 0.01 * rng.standard_normal((96, 96))
    return np.clip(img, 0, 1).astype(np.float32)


@pytest.mark.parametrize("name", ["local_shuffle", "nonlinear", "inpaint", "outpaint"])
def test_each_distortion_keeps_shape_and_range_and_changes_the_patch(patch, name):
    fn = {"local_shuffle": local_shuffle, "nonlinear": nonlinear, "inpaint": inpaint, "outpaint": outpaint}[name]
    for seed in range(5):
        out = fn(patch, np.random.default_rng(seed))
        assert out.shape == patch.shape and out.dtype == np.float32
        assert 0.0 <= out.min() and out.max() <= 1.0
        assert np.abs(out - patch).mean() > 1e-3, f"{name} seed {seed} left the patch unchanged"


def test_local_shuffle_only_permutes_pixels_locally(patch):
    out = local_shuffle(patch, np.random.default_rng(1))
    np.testing.assert_allclose(np.sort(out.ravel())[::97], np.sort(patch.ravel())[::97], atol=0.05)
    assert np.abs(out.mean() - patch.mean()) < 0.01  # a permutation, not new values


def test_flip_moves_input_and_target_together(patch):
    for seed in range(10):
        a, b = flip(patch, patch.copy(), np.random.default_rng(seed))
        np.testing.assert_array_equal(a, b)
    flipped = [not np.array_equal(flip(patch, patch, np.random.default_rng(s))[0], patch) for s in range(20)]
    assert any(flipped) and not all(flipped)


def test_bezier_curve_is_a_monotone_map_of_the_unit_interval():
    xs, ys = bezier_lookup(np.random.default_rng(3))
    assert xs[0] == 0.0 and xs[-1] == 1.0 and ys[0] == 0.0 and ys[-1] == 1.0
    assert np.all(np.diff(xs) >= 0) and np.all(np.diff(ys) >= 0)


def test_nonlinear_is_reversed_in_about_half_the_cases(patch):
    dark = patch < 0.2
    bright = patch > 0.5
    reversed_ = [nonlinear(patch, np.random.default_rng(s)) for s in range(40)]
    inverted = sum(out[bright].mean() < out[dark].mean() for out in reversed_)
    assert 8 <= inverted <= 32


def test_distort_is_deterministic_and_always_on_with_rates_one(patch):
    a = distort(patch, np.random.default_rng(7))
    b = distort(patch, np.random.default_rng(7))
    np.testing.assert_array_equal(a[0], b[0])
    x, target = distort(patch, np.random.default_rng(8), DistortionRates(0, 1, 1, 1, 0))
    np.testing.assert_array_equal(target, patch)
    assert np.abs(x - patch).mean() > 0.01


def test_batch(patch):
    batch = np.stack([patch] * 6)[:, None]
    inputs, targets = distort_batch(batch, np.random.default_rng(0))
    assert inputs.shape == targets.shape == batch.shape
    assert 0 <= inputs.min() and inputs.max() <= 1
