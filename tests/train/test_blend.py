"""bb-train blend: a fine-tune averaged with the model it started from (WiSE-FT)."""

from __future__ import annotations

import pytest
import torch

from bonebench.errors import InputError
from bonebench.export.onnx_export import export_checkpoint
from bonebench.train.checkpoint import blend_checkpoints, load_checkpoint, save_checkpoint
from bonebench.train.config import make_config
from bonebench.train.loop import train


@pytest.fixture(scope="module")
def fine_tune(phantom_dataset, tiny_checkpoints, tmp_path_factory):
    """The tiny SegInter fine-tuned a few steps at a rate that moves every weight: (start, last.pt)."""
    start = tiny_checkpoints["inter"]
    out = tmp_path_factory.mktemp("fine-tune")
    config = make_config("tiny", data=str(phantom_dataset), label="fibula", patients=1, group="inter",
                         device="cpu", precision="fp32", init=str(start), iterations=3, val_every=3, lr=1e-2)
    train(config, out, show_progress=False)
    return start, out / "last.pt"


def test_a_blend_is_the_share_weighted_mean_of_the_fine_tune_and_its_start(fine_tune):
    start, tuned = fine_tune
    first, last = load_checkpoint(start)["model"], load_checkpoint(tuned)["model"]
    assert any(not torch.equal(first[k], last[k]) for k in first)  # the fine-tune moved the weights
    for share in (0.0, 0.5, 1.0):
        blended = blend_checkpoints(tuned, start, share)
        for key, value in blended["model"].items():
            torch.testing.assert_close(value, share * last[key] + (1 - share) * first[key])
        assert blended["blend"] == {"start": str(start), "share": share}
        assert blended["group"] == "inter" and blended["config"] == load_checkpoint(tuned)["config"]
        assert not {"optimizer", "task", blended["metric"]} & set(blended)  # no run state, no score of another model
        # what a best.pt holds but its score (train.loop writes both; checkpoint.RESUME_STATE names the difference)
        assert set(blended) - {"blend"} == set(load_checkpoint(tuned.with_name("best.pt"))) - {blended["metric"]}


def test_the_start_may_be_the_onnx_the_fine_tune_began_from(fine_tune, tmp_path):
    """A lab fine-tunes the shipped ONNX: the blend reads the start's weights from it (fp32 export:
    the same numbers as its checkpoint), and the blend exports to a model as any checkpoint does."""
    start, tuned = fine_tune
    onnx_start = tmp_path / "start.onnx"
    export_checkpoint(start, onnx_start)
    from_pt, from_onnx = blend_checkpoints(tuned, start, 0.5), blend_checkpoints(tuned, onnx_start, 0.5)
    for key, value in from_pt["model"].items():
        torch.testing.assert_close(from_onnx["model"][key], value)
    save_checkpoint(tmp_path / "blend.pt", from_onnx)
    info = export_checkpoint(tmp_path / "blend.pt", tmp_path / "blend.onnx")
    assert info.group == "inter" and (tmp_path / "blend.onnx").stat().st_size > 0


def test_a_start_of_another_kind_or_shape_is_refused(fine_tune, tiny_checkpoints, tmp_path):
    _, tuned = fine_tune
    with pytest.raises(InputError, match="cannot be the start"):
        blend_checkpoints(tuned, tiny_checkpoints["seg"], 0.5)
    other = load_checkpoint(tuned)
    key = next(iter(other["model"]))
    other["model"][key] = torch.zeros(3)
    save_checkpoint(tmp_path / "other.pt", other)
    with pytest.raises(InputError, match="do not fit"):
        blend_checkpoints(tuned, tmp_path / "other.pt", 0.5)
    with pytest.raises(InputError, match="share"):
        blend_checkpoints(tuned, tuned, 1.5)


def test_a_walk_model_blends_with_the_click_model_it_grew_from(phantom_dataset, tiny_checkpoints, tmp_path):
    """SegInterWalk started from a SegInter (its neighbour channel at 0) blends with it: every weight is
    the share-weighted mean, the start's missing channel counted at 0; the blend exports as a walk model."""
    start = tiny_checkpoints["inter"]
    config = make_config("tiny", data=str(phantom_dataset), label="fibula", patients=1, group="inter-walk",
                         device="cpu", precision="fp32", init=str(start), iterations=3, val_every=3, lr=1e-2)
    train(config, tmp_path / "walk", show_progress=False)
    tuned = tmp_path / "walk" / "last.pt"
    first, last = load_checkpoint(start)["model"], load_checkpoint(tuned)["model"]
    grown = [k for k in last if first[k].shape != last[k].shape]
    assert len(grown) == 1 and last[grown[0]].shape[1] == first[grown[0]].shape[1] + 1
    blended = blend_checkpoints(tuned, start, 0.25)
    for key, value in blended["model"].items():
        origin = first[key]
        if key in grown:
            origin = torch.cat([origin, torch.zeros_like(last[key][:, -1:])], dim=1)
        torch.testing.assert_close(value, 0.25 * last[key] + 0.75 * origin)
    save_checkpoint(tmp_path / "blend.pt", blended)
    assert export_checkpoint(tmp_path / "blend.pt", tmp_path / "blend.onnx").group == "inter-walk"
    with pytest.raises(InputError, match="cannot be the start"):
        blend_checkpoints(start, tuned, 0.5)  # a click model does not grow from a walk model
