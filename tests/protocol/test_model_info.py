"""ModelInfo, the metadata schema: the pixel size a model works at travels with it."""

import json

from bonebench.protocol.model_info import ModelInfo
from bonebench.runtime.session import DEFAULT_MODEL, Model


def test_pixel_size_round_trips_and_old_models_have_none():
    shipped = Model(DEFAULT_MODEL, device="cpu", threads=1).info
    assert shipped.pixel_mm is None  # v1 was exported before models knew their pixel size
    old = {k: v for k, v in json.loads(shipped.to_json()).items() if k != "pixel_mm"}
    assert ModelInfo.from_json(json.dumps(old)).pixel_mm is None
    new = ModelInfo.from_json(json.dumps({**old, "pixel_mm": 1.25}))
    assert new.pixel_mm == 1.25 and ModelInfo.from_json(new.to_json()) == new
