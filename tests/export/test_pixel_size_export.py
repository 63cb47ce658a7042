"""The exporter writes the training config's pixel size into the ONNX metadata; the runtime reads it."""

import json

import onnx
import pytest
import torch

from bonebench.export.onnx_export import export_checkpoint
from bonebench.protocol.model_info import METADATA_KEY
from bonebench.runtime.session import Model
from bonebench.train.checkpoint import load_checkpoint


@pytest.mark.parametrize("pixel_mm, expected", [(1.5, 1.5), (0.0, None)])
def test_pixel_size_reaches_the_runtime(tiny_checkpoints, tmp_path, pixel_mm, expected):
    payload = load_checkpoint(tiny_checkpoints["inter"])
    payload["config"] = {**payload["config"], "pixel_mm": pixel_mm}
    torch.save(payload, tmp_path / "best.pt")
    assert export_checkpoint(tmp_path / "best.pt", tmp_path / "m.onnx").pixel_mm == expected
    meta = {p.key: p.value for p in onnx.load(str(tmp_path / "m.onnx")).metadata_props}
    assert json.loads(meta[METADATA_KEY])["pixel_mm"] == expected
    assert Model(tmp_path / "m.onnx", device="cpu", threads=1).info.pixel_mm == expected


def test_checkpoint_from_before_pixel_sizes_exports_without_one(tiny_checkpoints, tmp_path):
    payload = load_checkpoint(tiny_checkpoints["seg"])
    payload["config"] = {k: v for k, v in payload["config"].items() if k != "pixel_mm"}
    torch.save(payload, tmp_path / "old.pt")
    assert export_checkpoint(tmp_path / "old.pt", tmp_path / "old.onnx").pixel_mm is None
