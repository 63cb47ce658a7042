"""The metadata check (runtime and --init) takes the pixel size: absent or null (old models), or a size above 0;
a walk model's arm-seed reach: absent or null, or a finite reach of at least 0; and its check: absent or
null, or the name of the click model whose probability is the second output, on a walk model only."""

import json

import pytest

from bonebench.errors import InputError
from bonebench.protocol.model_info import check_metadata
from bonebench.runtime.session import DEFAULT_MODEL, Model


def _meta(**changes) -> str:
    info = json.loads(Model(DEFAULT_MODEL, device="cpu", threads=1).info.to_json())
    return json.dumps({**info, **changes})


def test_pixel_size_in_metadata():
    assert check_metadata(_meta(pixel_mm=None), DEFAULT_MODEL).pixel_mm is None
    assert check_metadata(_meta(pixel_mm=1), DEFAULT_MODEL).pixel_mm == 1
    assert check_metadata(_meta(pixel_mm=1.5), DEFAULT_MODEL).pixel_mm == 1.5


@pytest.mark.parametrize("value, message", [("1.5", "'pixel_mm' has the wrong type"),
                                            (True, "'pixel_mm' has the wrong type"),
                                            (-1.0, "'pixel_mm' must be above 0"),
                                            (0, "'pixel_mm' must be above 0")])
def test_bad_pixel_size_is_refused(value, message):
    with pytest.raises(InputError, match=message):
        check_metadata(_meta(pixel_mm=value), DEFAULT_MODEL)


def test_arm_seed_reach_in_metadata():
    assert check_metadata(_meta(walk_arms=None), DEFAULT_MODEL).walk_arms is None
    assert check_metadata(_meta(walk_arms=24.0), DEFAULT_MODEL).walk_arms == 24.0


@pytest.mark.parametrize("value, message", [("24", "'walk_arms' has the wrong type"),
                                            (-1.0, "'walk_arms' must be a reach of at least 0"),
                                            (float("nan"), "'walk_arms' has the wrong type"),
                                            (float("inf"), "'walk_arms' has the wrong type")])
def test_bad_arm_seed_reach_is_refused(value, message):
    with pytest.raises(InputError, match=message):
        check_metadata(_meta(walk_arms=value), DEFAULT_MODEL)


def test_a_check_is_named_on_walk_models_only():
    info = check_metadata(_meta(neighbour_mask=True, in_channels=4, check="SegInter102"), DEFAULT_MODEL)
    assert info.check == "SegInter102" and info.outputs == 2
    assert check_metadata(_meta(neighbour_mask=True, in_channels=4, check=None), DEFAULT_MODEL).outputs == 1
    with pytest.raises(InputError, match="names a check model .* only a walk model has a check"):
        check_metadata(_meta(neighbour_mask=False, in_channels=3, check="SegInter102"), DEFAULT_MODEL)
    with pytest.raises(InputError, match="'check' has the wrong type"):
        check_metadata(_meta(neighbour_mask=True, in_channels=4, check=2), DEFAULT_MODEL)
