import numpy as np
import pytest

from bonebench.data.phantoms import TIBIA
from bonebench.errors import InputError
from bonebench.kernels import dice
from bonebench.runtime.interactive import InteractiveSession
from bonebench.runtime.session import Model
from tests.conftest import right_fibula

ONE_CLICK_DICE = 0.9  # shipped model, one click, whole-bone propagation; measured 0.969 (docs/benchmarks.md)


@pytest.fixture(scope="module")
def model():
    return Model(device="cpu")


def test_one_click_segments_the_whole_fibula(leg_volume, model):
    _, hu, labels, _, (x, y, z) = leg_volume
    session = InteractiveSession(hu.astype(np.float32), model)
    slice_mask = session.click(x, y, z)
    assert slice_mask[y, x] == 1
    first, last = session.propagate()
    truth = right_fibula(labels)
    assert dice(truth, session.mask) > ONE_CLICK_DICE
    assert last - first + 1 > 0.8 * labels.shape[0]  # the bone runs through the whole scan
    assert not (session.mask.astype(bool) & (labels == TIBIA)).any() or \
        (session.mask.astype(bool) & (labels == TIBIA)).sum() < 0.05 * session.mask.sum()


def test_undo_and_background_clicks(leg_volume, model):
    _, hu, _, _, (x, y, z) = leg_volume
    session = InteractiveSession(hu.astype(np.float32), model)
    session.click(x, y, z)
    after_click = session.mask.copy()
    session.propagate()
    session.undo()
    np.testing.assert_array_equal(session.mask, after_click)
    assert list(session.clicks) == [z]
    before = int(session.mask[z].sum())
    session.click(x + 4, y, z, positive=False)  # a background click at the bone's edge refines the slice
    assert session.clicks[z][-1] == (y, x + 4, False)
    assert int(session.mask[z].sum()) <= before + 5
    session.undo()
    session.undo()
    assert not session.mask.any() and not session.clicks


def test_bad_clicks(leg_volume, model):
    _, hu, _, _, (x, y, z) = leg_volume
    session = InteractiveSession(hu.astype(np.float32), model)
    with pytest.raises(InputError, match="outside the volume"):
        session.click(x, y, hu.shape[0])
    with pytest.raises(InputError, match="lands on air"):
        session.click(0, 0, z)
    with pytest.raises(InputError, match="nothing to propagate"):
        session.propagate()
