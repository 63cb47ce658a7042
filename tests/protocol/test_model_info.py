"""ModelInfo, the metadata schema: the pixel size a model works at travels with it."""

import json

from bonebench.protocol.model_info import ModelInfo
from bonebench.runtime.session import DEFAULT_MODEL, Model
from tests.conftest import V1_MODEL


def test_pixel_size_round_trips_and_old_models_have_none():
    v1 = Model(V1_MODEL, device="cpu", threads=1).info
    assert v1.pixel_mm is None  # v1 was exported before models knew their pixel size
    assert Model(DEFAULT_MODEL, device="cpu", threads=1).info.pixel_mm == 1.5  # the default knows its own
    old = {k: v for k, v in json.loads(v1.to_json()).items() if k != "pixel_mm"}
    assert ModelInfo.from_json(json.dumps(old)).pixel_mm is None
    new = ModelInfo.from_json(json.dumps({**old, "pixel_mm": 1.25}))
    assert new.pixel_mm == 1.25 and ModelInfo.from_json(new.to_json()) == new
