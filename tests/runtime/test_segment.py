"""runtime.segment(): the one way to segment, on a leg phantom with the shipped model."""

import numpy as np
import pytest

from bonebench.errors import InputError
from bonebench.kernels import dice
from bonebench.runtime.interactive import InteractiveSession
from bonebench.runtime.segment import segment
from bonebench.runtime.session import Model
from tests.conftest import right_fibula


@pytest.fixture(scope="module")
def model():
    return Model(device="cpu", threads=1)


def test_one_click_propagates_and_reports(leg_volume, model):
    _, hu, labels, _, (x, y, z) = leg_volume
    seen = []
    result = segment(hu, model, [(x, y, z)], progress=lambda done, total: seen.append((done, total)))
    assert result.mask.dtype == np.uint8 and result.mask.shape == hu.shape
    assert dice(right_fibula(labels), result.mask) > 0.9
    assert result.focus == z and z in result.slices and len(result.slices) == int(result.mask.any((1, 2)).sum())
    assert result.voxels == int(result.mask.sum())
    assert set(result.seconds) == {"clicks", "propagation"}
    assert seen and all(total == hu.shape[0] for _, total in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)  # progress only grows


def test_same_mask_as_the_session_it_wraps(leg_volume, model):
    _, hu, _, _, (x, y, z) = leg_volume
    session = InteractiveSession(hu.astype(np.float32), model)
    session.click(x, y, z)
    session.propagate()
    np.testing.assert_array_equal(segment(hu, model, [(x, y, z)]).mask, session.mask)


def test_without_propagation_only_the_clicked_slice(leg_volume, model):
    _, hu, _, _, (x, y, z) = leg_volume
    result = segment(hu, model, [(x, y, z)], propagate=False)
    assert result.slices == (z,) and "propagation" not in result.seconds


def test_background_click_far_away_changes_nothing_there(leg_volume, model):
    _, hu, _, _, (x, y, z) = leg_volume
    result = segment(hu, model, [(x, y, z)], [(5, 5, z)], propagate=False)
    assert result.mask[z, 5, 5] == 0 and result.mask[z, y, x] == 1


def test_bad_requests(leg_volume, model):
    _, hu, _, _, (x, y, z) = leg_volume
    with pytest.raises(InputError, match="at least one --click"):
        segment(hu, model, [], [(x, y, z)])
    with pytest.raises(InputError, match="outside the volume"):
        segment(hu, model, [(x, y, hu.shape[0])])
    with pytest.raises(InputError, match="3D volume"):
        segment(hu[0], model, [(x, y, 0)])
