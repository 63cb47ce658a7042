"""protocol.network: the one network input, its channel order, the pad rule."""

import numpy as np
import pytest

from bonebench.data.intensity import window_hu
from bonebench.kernels import click_maps
from bonebench.protocol.clicks import ClickSet
from bonebench.protocol.model_info import ModelInfo
from bonebench.protocol.network import (BACKGROUND_MAP, FOREGROUND_MAP, IMAGE, PREVIOUS_MASK, InputSpec,
                                        channel_count, network_input, pad_slices, padded_size)


def test_channel_counts():
    assert channel_count(False, False) == 1
    assert channel_count(True, False) == 3 and channel_count(True, True) == 4
    assert (IMAGE, FOREGROUND_MAP, BACKGROUND_MAP, PREVIOUS_MASK) == (0, 1, 2, 3)
    assert channel_count(True, False, True) == 4 and channel_count(True, True, True) == 5
    assert InputSpec(True, neighbour_mask=True).neighbour_channel == 3
    assert InputSpec(True, True, neighbour_mask=True).neighbour_channel == 4
    with pytest.raises(ValueError):
        InputSpec(True).neighbour_channel


def test_the_neighbour_mask_is_the_last_channel(rng):
    """SegInterWalk: the neighbouring slice's mask follows the click maps (zeros when none is given)."""
    hu = rng.uniform(-1000, 2000, (2, 24, 32)).astype(np.float32)
    near = (rng.random((2, 24, 32)) > 0.5).astype(np.float32)
    clicks = ClickSet(2, (24, 32), 1)
    clicks.add(0, 5, 6, True)
    spec = InputSpec(True, neighbour_mask=True)
    x = network_input(hu, spec, clicks, neighbour=near)
    assert x.shape == (2, 4, 24, 32)
    np.testing.assert_array_equal(x[:, spec.neighbour_channel], near)
    np.testing.assert_array_equal(x[:, :3], network_input(hu, InputSpec(True), clicks))
    assert not network_input(hu, spec, clicks)[:, 3].any()


def test_interactive_input_layout(rng):
    hu = rng.uniform(-1500, 3500, (2, 40, 56)).astype(np.float32)
    prev = (rng.random((2, 40, 56)) > 0.5).astype(np.float32)
    clicks = ClickSet(2, (40, 56), 2)
    clicks.add(0, 10, 12, True)
    clicks.add(1, 30, 40, False)
    x = network_input(hu, InputSpec(True, True, 3.0), clicks, prev)
    assert x.shape == (2, 4, 40, 56) and x.dtype == np.float32
    np.testing.assert_allclose(x[:, IMAGE], window_hu(hu))
    np.testing.assert_allclose(x[0, FOREGROUND_MAP:BACKGROUND_MAP + 1], click_maps((40, 56), [(10, 12)], [], sigma=3.0),
                               atol=1e-6)
    assert x[0, BACKGROUND_MAP].max() == 0 and x[1, FOREGROUND_MAP].max() == 0 and x[1, BACKGROUND_MAP, 30, 40] == 1
    np.testing.assert_array_equal(x[:, PREVIOUS_MASK], prev)


def test_model_window_is_used(rng):
    hu = rng.uniform(-200, 400, (1, 16, 16)).astype(np.float32)
    x = network_input(hu, InputSpec(False, hu_window=(-200.0, 400.0)))
    np.testing.assert_allclose(x[0, 0], (hu[0] + 200) / 600, atol=1e-6)


def test_model_info_gives_its_input_spec():
    info = ModelInfo("inter-prev", "interactive", "SegInterPrev1", 4, True, 2.5, (-1000.0, 2000.0), 8, 64, "fibula",
                     ("a",), "0.1.0")
    assert info.inputs == InputSpec(True, True, 2.5, (-1000.0, 2000.0)) and info.inputs.channels == 4
    walk = ModelInfo("inter-walk", "interactive", "SegInterWalk1", 4, False, 2.0, (-1000.0, 2000.0), 8, 64,
                     "fibula", ("a",), "0.1.0", neighbour_mask=True)
    assert walk.inputs.neighbour_mask and walk.inputs.neighbour_channel == 3


def test_interactive_input_needs_clicks():
    with pytest.raises(ValueError):
        network_input(np.zeros((1, 8, 8)), InputSpec(True))


def test_pad_rule():
    assert [padded_size(s) for s in (1, 16, 17, 96, 100)] == [16, 16, 32, 96, 112]
    x = np.ones((1, 2, 17, 40), np.float32)
    padded = pad_slices(x)
    assert padded.shape == (1, 2, 32, 48) and padded[..., 17:, :].sum() == 0 and padded[..., :17, :40].all()
