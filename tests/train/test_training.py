import json

import numpy as np
import pytest
import torch

from bonebench.train.precision import CPU_FP32, Compute
from bonebench.data.dataset import Dataset
from bonebench.data.splits import Split
from bonebench.errors import InputError
from bonebench.kernels.metrics import dice
from bonebench.train.checkpoint import load_checkpoint
from bonebench.train.config import make_config
from bonebench.train.groups import GROUPS, build_model
from bonebench.train.loop import train
from bonebench.train.validation import predict_volume


def _config(data, **overrides):
    settings = dict(data=str(data), label="fibula", patients=2, device="cpu")
    return make_config("tiny", **{**settings, **overrides})


@pytest.mark.slow
def test_tiny_baseline_learns_the_fibula(phantom_dataset, tmp_path):
    result = train(_config(phantom_dataset), tmp_path / "run", show_progress=False)
    best = load_checkpoint(tmp_path / "run" / "best.pt")
    assert best["val_dice"] == result.best_value and best["name"] == "Seg2"
    # Re-score the saved model independently on the validation patient.
    ds = Dataset(phantom_dataset)
    split = Split.load(tmp_path / "run" / "split.json")
    model = build_model(GROUPS["seg"], best["config"]["base_width"])
    model.load_state_dict(best["model"])
    case = ds.load(split.val[0], "fibula")
    compute = Compute(torch.device("cpu"), best["config"]["precision"])  # validation ran in the run's precision
    learned = dice(case.target, predict_volume(compute.prepare(model), case.hu, compute) > 0.5)
    in_fp32 = dice(case.target, predict_volume(model.to(memory_format=torch.contiguous_format), case.hu, CPU_FP32) > 0.5)
    assert in_fp32 == pytest.approx(learned, abs=0.02)  # what export (fp32 ONNX) will see
    trivial = max(dice(case.target, np.zeros_like(case.target)), dice(case.target, np.ones_like(case.target)))
    assert trivial < 0.05
    assert learned == pytest.approx(result.best_value, abs=1e-6)
    assert learned > 0.5
    lines = [json.loads(l) for l in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert [l["iteration"] for l in lines] == list(range(50, 401, 50))
    assert lines[-1]["train_loss"] < lines[0]["train_loss"]


def test_killed_run_resumes_to_the_same_weights(phantom_dataset, tmp_path):
    config = _config(phantom_dataset, iterations=30, val_every=10)
    train(config, tmp_path / "whole", show_progress=False)
    with pytest.raises(KeyboardInterrupt):
        train(config, tmp_path / "broken", show_progress=False, interrupt_at=25)
    assert load_checkpoint(tmp_path / "broken" / "last.pt")["iteration"] == 20
    with pytest.raises(InputError, match="--resume"):
        train(config, tmp_path / "broken", show_progress=False)
    train(config, tmp_path / "broken", show_progress=False, resume=True)
    whole = load_checkpoint(tmp_path / "whole" / "last.pt")
    resumed = load_checkpoint(tmp_path / "broken" / "last.pt")
    for key, value in whole["model"].items():
        assert torch.equal(value, resumed["model"][key]), key
    assert (tmp_path / "whole" / "metrics.jsonl").read_text().count("\n") == 3
    strip = lambda p: [{k: v for k, v in json.loads(l).items() if not k.endswith("seconds")}  # timings vary
                       for l in p.read_text().splitlines()]
    assert strip(tmp_path / "whole" / "metrics.jsonl") == strip(tmp_path / "broken" / "metrics.jsonl")


def test_resume_refuses_other_settings(phantom_dataset, tmp_path):
    train(_config(phantom_dataset, iterations=10, val_every=10), tmp_path / "r", show_progress=False)
    with pytest.raises(InputError, match="different settings"):
        train(_config(phantom_dataset, iterations=20, val_every=10), tmp_path / "r", resume=True,
              show_progress=False)


def test_bad_requests(phantom_dataset, tmp_path):
    with pytest.raises(InputError, match="no label 'femur'"):
        train(make_config("tiny", data=str(phantom_dataset), label="femur", patients=1), tmp_path / "a")
    with pytest.raises(InputError, match="asked for 9 training patients but the split has only 3"):
        train(_config(phantom_dataset, patients=9), tmp_path / "b")
    with pytest.raises(InputError, match="unknown preset"):
        make_config("huge", data="x", label="y", patients=1)
    with pytest.raises(InputError, match="multiple of 16"):
        make_config("tiny", data="x", label="y", patients=1, patch_size=50)


@pytest.mark.parametrize("group", ["seg", "inter"])
def test_prefetched_batches_train_the_same_model_and_resume(phantom_dataset, tmp_path, group):
    """The background thread prepares the same batches in the same order, and a checkpoint taken with
    a prepared batch pending neither loses nor repeats it: inline-whole == prefetched-killed-resumed."""
    config = _config(phantom_dataset, group=group, iterations=12, val_every=5)
    train(config, tmp_path / "inline", show_progress=False, prefetch=False)
    with pytest.raises(KeyboardInterrupt):
        train(config, tmp_path / "ahead", show_progress=False, interrupt_at=8)
    assert load_checkpoint(tmp_path / "ahead" / "last.pt")["iteration"] == 5
    train(config, tmp_path / "ahead", show_progress=False, resume=True)
    inline = load_checkpoint(tmp_path / "inline" / "last.pt")
    ahead = load_checkpoint(tmp_path / "ahead" / "last.pt")
    for key, value in inline["model"].items():
        assert torch.equal(value, ahead["model"][key]), key
    assert inline["task"]["sampler"]["position"] == ahead["task"]["sampler"]["position"]
