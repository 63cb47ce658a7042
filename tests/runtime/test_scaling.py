"""Models that know their pixel size see every window at it: a leg scanned at half or twice the
pixel size gives the same bone, and the mask lands on the volume's own grid."""

import numpy as np
import pytest

from bonebench.errors import InputError
from bonebench.kernels import dice
from bonebench.protocol.model_info import ModelInfo
from bonebench.runtime.automatic import segment_volume
from bonebench.runtime.interactive import InteractiveSession
from bonebench.runtime.scaling import SliceScale, check_spacing
from bonebench.runtime.segment import segment
from bonebench.runtime.session import Model
from tests.conftest import V1_MODEL, rescanned_leg



@pytest.fixture(scope="module")
def models(pixel_model):
    """v1 without a pixel size, and the same weights told theirs."""
    return Model(V1_MODEL, device="cpu", threads=1), Model(pixel_model, device="cpu", threads=1)


@pytest.fixture(scope="module")
def leg(leg_volume):
    """The middle slices of the leg phantom: HU, right-fibula truth, spacing (x, y, z), click."""
    hu, truth, geometry, click = rescanned_leg(leg_volume, 1)
    return hu, truth, geometry.spacing, click


def _rescanned(leg_volume, factor: float):
    hu, truth, geometry, click = rescanned_leg(leg_volume, factor)
    return hu, truth, geometry.spacing, click


def test_model_at_the_volumes_pixel_size_or_without_one_behaves_as_before(leg, models):
    hu, _, spacing, click = leg
    old, pixel = models
    before = segment(hu, old, [click]).mask
    np.testing.assert_array_equal(segment(hu, old, [click], spacing=spacing).mask, before)
    np.testing.assert_array_equal(segment(hu, pixel, [click], spacing=spacing).mask, before)
    np.testing.assert_array_equal(segment(hu, pixel, [click]).mask, before)  # no spacing: pixels as they are


@pytest.mark.parametrize("factor", [2.0, 0.6])
def test_a_finer_or_coarser_scan_gives_the_same_bone(leg, leg_volume, models, factor):
    """At 0.6 mm (factor 2) the old path shows the model a fibula twice the size it knows, at 2 mm
    (0.6) one 0.6 its size; with the pixel size the Dice stays at that of the native scan."""
    _, pixel = models
    hu, truth, spacing, click = _rescanned(leg_volume, factor)
    native = dice(leg[1], segment(leg[0], pixel, [leg[3]], spacing=leg[2]).mask)
    result = segment(hu, pixel, [click], spacing=spacing)
    assert result.mask.shape == hu.shape and result.mask[click[2], click[1], click[0]] == 1
    aware = dice(truth, result.mask)
    assert aware > 0.9 and aware > native - 0.05
    assert aware > dice(truth, segment(hu, pixel, [click]).mask)


class _Recorder:
    """A stand-in model: its probability is 1 on tissue (above -220 HU); records its input sizes."""

    def __init__(self, interactive: bool, pixel_mm):
        self.info = ModelInfo(group="inter" if interactive else "seg", kind="interactive" if interactive
                              else "segmentation", name="Recorder", in_channels=3 if interactive else 1,
                              prev_mask=False, click_sigma=2.0, hu_window=(-1024.0, 3000.0), base_width=8,
                              patch_size=32, label="bone", training_patients=(), bonebench_version="test",
                              pixel_mm=pixel_mm)
        self.path = "recorder.onnx"
        self.shapes = []

    def _run(self, x):
        self.shapes.append(x.shape)
        return (x[:, :1] > 0.2).astype(np.float32)

    predict, predict_all = Model.predict, Model.predict_all  # the session's pad-and-crop rule around _run above


def test_network_sees_windows_at_its_pixel_size(leg_volume):
    hu, truth, spacing, click = _rescanned(leg_volume, 2.0)  # ~0.6 mm pixels
    recorder = _Recorder(True, 1.2)
    session = InteractiveSession(hu, recorder, spacing)
    session.click(*click)
    h, w = recorder.shapes[0][2:]
    assert 32 <= h < 48 and 32 <= w < 48  # the 32-pixel patch at 1.2 mm, padded to a multiple of 16
    assert session.mask[click[2], click[1], click[0]] == 1 and session.mask.shape == hu.shape


def test_automatic_model_segments_at_its_pixel_size_and_back(leg_volume):
    hu, _, spacing, _ = _rescanned(leg_volume, 2.0)
    recorder = _Recorder(False, spacing[0] * 2)
    mask = segment_volume(recorder, hu, spacing=spacing)
    assert mask.shape == hu.shape and recorder.shapes[0][2] == 16 * -(-round(hu.shape[1] / 2) // 16)
    direct = segment_volume(_Recorder(False, None), hu, spacing=spacing)
    assert dice(direct, mask) > 0.95  # the body, found at half the resolution and brought back


def test_scale_maps_windows_and_clicks():
    scale = SliceScale.of(1.5, (0.5, 0.75, 3.0))
    assert scale.active and scale.window_sides(96) == (192, 288)
    assert scale.model_shape((192, 288)) == (96, 96)
    assert scale.points_to_model([(0, 0), (191, 287), (100, 150)], (192, 288), (96, 96)) == [(0, 0), (95, 95), (50, 50)]
    assert not SliceScale.of(1.5, (1.49, 1.51, 2.0)).active and not SliceScale.of(None, (0.5, 0.5, 1)).active
    assert not SliceScale.of(1.5, None).active


@pytest.mark.parametrize("bad", [(1.0, 0.0, 1.0), (1.0, 1.0), ("a", 1, 1), (1.0, float("nan"), 2.0)])
def test_bad_spacing_is_one_clear_line(bad):
    with pytest.raises(InputError, match=r"spacing must be three"):
        check_spacing(bad)
