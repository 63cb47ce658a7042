"""Export parity: torch and onnxruntime agree on a shape other than the traced one.

Tolerances: fp32 1e-5 absolute on probabilities (float reassociation only); fp16 2e-2 absolute
(fp16 has 11 significant bits; a U-Net accumulates rounding over 18 convolutions)."""

import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from typer.testing import CliRunner

from bonebench.cli.export_cli import app
from bonebench.errors import InputError
from bonebench.export.onnx_export import export_checkpoint, load_network
from bonebench.protocol.model_info import METADATA_KEY
from bonebench.train.checkpoint import load_checkpoint

FP32_ATOL, FP16_ATOL = 1e-5, 2e-2


@pytest.mark.parametrize("group", ["seg", "inter", "inter-prev"])
@pytest.mark.parametrize("fp16", [False, True])
def test_parity_on_an_untraced_shape(tiny_checkpoints, tmp_path, group, fp16):
    ckpt = tiny_checkpoints[group]
    info = export_checkpoint(ckpt, tmp_path / "m.onnx", fp16=fp16)
    proto = onnx.load(str(tmp_path / "m.onnx"))
    onnx.checker.check_model(proto)
    net = load_network(load_checkpoint(ckpt))
    x = np.random.default_rng(0).random((3, info.in_channels, 80, 112)).astype(np.float32)  # traced: 1x64x64
    with torch.no_grad():
        expected = torch.sigmoid(net(torch.from_numpy(x))).numpy()[:, 0]
    session = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    got = session.run(None, {"input": x})[0][:, 0]
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=FP16_ATOL if fp16 else FP32_ATOL)


def test_metadata_describes_the_model(tiny_checkpoints, tmp_path):
    export_checkpoint(tiny_checkpoints["inter-prev"], tmp_path / "m.onnx")
    meta = {p.key: p.value for p in onnx.load(str(tmp_path / "m.onnx")).metadata_props}
    info = json.loads(meta[METADATA_KEY])
    assert info["group"] == "inter-prev" and info["kind"] == "interactive" and info["in_channels"] == 4
    assert info["prev_mask"] and info["click_sigma"] == 2.0 and info["hu_window"] == [-1024.0, 3000.0]
    assert info["base_width"] == 8 and info["label"] == "fibula" and len(info["training_patients"]) == 1
    assert info["name"] == "SegInterPrev1" and info["bonebench_version"]


def test_cli_and_bad_checkpoints(tiny_checkpoints, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, [str(tiny_checkpoints["seg"]), "-o", str(tmp_path / "seg.onnx"), "--opset", "18"])
    assert result.exit_code == 0 and "Seg1 (seg" in result.output, result.output
    assert onnx.load(str(tmp_path / "seg.onnx")).opset_import[0].version == 18
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    result = runner.invoke(app, [str(tmp_path / "junk.pt"), "-o", str(tmp_path / "junk.onnx")])
    assert result.exit_code == 2 and result.output.startswith("error: ") and "Traceback" not in result.output
    assert not (tmp_path / "junk.onnx").exists()


def test_restoration_checkpoint_is_refused(phantom_dataset, tmp_path):
    from bonebench.train.config import make_config
    from bonebench.train.loop import train

    train(make_config("tiny", data=str(phantom_dataset), patients=1, group="restoration", device="cpu",
                      iterations=2, val_every=2), tmp_path / "r", show_progress=False)
    with pytest.raises(InputError, match="restoration checkpoint segments nothing"):
        export_checkpoint(tmp_path / "r" / "best.pt", tmp_path / "r.onnx")
    assert not (tmp_path / "r.onnx").exists()


def test_a_bf16_trained_model_exports_with_fp32_parity(phantom_dataset, tmp_path):
    """bf16 autocast keeps fp32 weights: export and its parity check are those of an fp32 run."""
    from bonebench.train.config import make_config
    from bonebench.train.loop import train

    config = make_config("tiny", data=str(phantom_dataset), label="fibula", patients=1, group="inter",
                         device="cpu", precision="bf16", iterations=4, val_every=4)
    train(config, tmp_path / "run", show_progress=False)
    payload = load_checkpoint(tmp_path / "run" / "best.pt")
    assert payload["config"]["precision"] == "bf16"
    assert all(v.dtype == torch.float32 for v in payload["model"].values() if v.is_floating_point())
    info = export_checkpoint(tmp_path / "run" / "best.pt", tmp_path / "m.onnx")
    x = np.random.default_rng(1).random((2, info.in_channels, 48, 64)).astype(np.float32)
    with torch.no_grad():
        expected = torch.sigmoid(load_network(payload)(torch.from_numpy(x))).numpy()[:, 0]
    got = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"]).run(None, {"input": x})[0]
    np.testing.assert_allclose(got[:, 0], expected, atol=FP32_ATOL)


def test_a_walk_model_exports_with_a_click_model_as_its_check(tiny_checkpoints, tmp_path):
    """`--check`: one graph whose two output channels are the walk model's probability and the click
    model's from the same input less the carried mask, each as its own export gives; the metadata
    names the check; a fine-tune from it (--init) starts from the walk's weights."""
    from bonebench.runtime.session import Model

    walk, click = tiny_checkpoints["inter-walk"], tiny_checkpoints["inter"]
    result = CliRunner().invoke(app, [str(walk), "--check", str(click), "-o", str(tmp_path / "both.onnx")])
    assert result.exit_code == 0 and "checked by SegInter1" in result.output, result.output
    export_checkpoint(walk, tmp_path / "walk.onnx")
    export_checkpoint(click, tmp_path / "click.onnx")
    both = Model(tmp_path / "both.onnx", device="cpu")
    assert both.info.check == "SegInter1" and both.info.outputs == 2 and both.info.neighbour_mask
    x = np.random.default_rng(0).random((2, 4, 80, 112)).astype(np.float32)
    x[:, 3] = x[:, 3] > 0.5
    out = both.predict_all(x)
    assert out.shape == (2, 2, 80, 112)
    np.testing.assert_allclose(out[:, 0], Model(tmp_path / "walk.onnx", device="cpu").predict(x), atol=FP32_ATOL)
    np.testing.assert_allclose(out[:, 1], Model(tmp_path / "click.onnx", device="cpu").predict(x[:, :3]),
                               atol=FP32_ATOL)
    start = load_checkpoint(tmp_path / "both.onnx")  # --init from it: the walk's network
    walk_weights = load_checkpoint(walk)["model"]
    assert start["group"] == "inter-walk" and set(start["model"]) == set(walk_weights)
    assert all(torch.equal(start["model"][k], walk_weights[k].float()) for k in walk_weights)


@pytest.mark.parametrize("walk, check, wrong", [("inter", "inter", "only a walk model"),
                                                ("inter-walk", "inter-walk", "a check must be a click model"),
                                                ("inter-walk", "inter-prev", "a check must be a click model")])
def test_a_check_that_does_not_fit_is_refused_before_anything_is_written(tiny_checkpoints, tmp_path, walk,
                                                                         check, wrong):
    result = CliRunner().invoke(app, [str(tiny_checkpoints[walk]), "--check", str(tiny_checkpoints[check]),
                                      "-o", str(tmp_path / "m.onnx")])
    assert result.exit_code == 2 and result.output.startswith("error: ") and wrong in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "m.onnx").exists()


@pytest.mark.parametrize("key, value, named", [("click_sigma", 3.0, "click sigma 3.0 against the walk's 2.0"),
                                               ("pixel_mm", 1.0, "pixel (mm) 1.0 against the walk's")])
def test_a_refused_check_is_told_what_differs(tiny_checkpoints, tmp_path, key, value, named):
    """A click model trained at another click sigma or pixel size: the one line names that difference."""
    payload = load_checkpoint(tiny_checkpoints["inter"])
    payload["config"] = {**payload["config"], key: value}
    torch.save(payload, tmp_path / "other.pt")
    result = CliRunner().invoke(app, [str(tiny_checkpoints["inter-walk"]), "--check", str(tmp_path / "other.pt"),
                                      "-o", str(tmp_path / "m.onnx")])
    assert result.exit_code == 2 and named in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "m.onnx").exists()


def test_a_walk_model_exported_again_from_its_onnx_describes_itself_as_before(tiny_checkpoints, tmp_path):
    """A check swapped under an exported walk model (`bb-export walk.onnx --check other.pt`, how a new check
    meets the shipped walk): the new file's ModelInfo is the old one's, its arm-seed reach (walk_arms) included,
    which the runtime's walk reads."""
    payload = load_checkpoint(tiny_checkpoints["inter-walk"])
    payload["config"] = {**payload["config"], "walk_arms": 24.0}
    torch.save(payload, tmp_path / "armed.pt")
    click = tiny_checkpoints["inter"]
    first = export_checkpoint(tmp_path / "armed.pt", tmp_path / "first.onnx", check=click)
    again = export_checkpoint(tmp_path / "first.onnx", tmp_path / "again.onnx", check=click)
    assert first.walk_arms == 24.0 and again == first
