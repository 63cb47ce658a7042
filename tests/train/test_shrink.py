"""bb-train shrink: a narrower U-Net cut from a trained one, keeping each layer's strongest filters."""

from __future__ import annotations

import pytest
import torch
from typer.testing import CliRunner

from bonebench.cli.train_cli import app
from bonebench.errors import InputError
from bonebench.train.checkpoint import load_checkpoint
from bonebench.train.config import make_config
from bonebench.train.loop import train
from bonebench.train.shrink import shrunk_state
from bonebench.train.unet import UNet
from tests.conftest import one_line_error


def _silence(state: dict[str, torch.Tensor], keep_share: float, generator: torch.Generator) -> None:
    """Zero the filters and biases of all but `keep_share` of every layer's output channels (the head's
    one output aside), at random positions, in place: those channels output 0 whatever comes in."""
    for name, weight in state.items():
        if not name.endswith(".weight") or name.startswith("head"):
            continue
        transposed = name.startswith("up.")  # ConvTranspose2d weights are (in, out, kh, kw)
        outputs = weight.shape[1] if transposed else weight.shape[0]
        silent = torch.randperm(outputs, generator=generator)[: outputs - int(outputs * keep_share)]
        if transposed:
            weight[:, silent] = 0
        else:
            weight[silent] = 0
        state[name.removesuffix("weight") + "bias"][silent] = 0


def test_the_cut_network_computes_what_the_wide_one_did_where_the_cut_channels_were_silent():
    """Channels whose filters are all zero add nothing downstream (ReLU(0) = 0, max pooling and upsampling
    keep 0): they are the weakest, so the cut drops exactly them, and the narrow network's outputs are
    the wide one's, skips and upsampling included."""
    generator = torch.Generator().manual_seed(3)
    wide = UNet(in_channels=3, base_width=8)
    with torch.no_grad():
        for module in wide.modules():  # biases away from 0, so a channel kept by mistake would show
            if isinstance(module, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
                module.bias.uniform_(0.05, 0.2, generator=generator)
    state = {k: v.clone() for k, v in wide.state_dict().items()}
    _silence(state, 0.75, generator)
    wide.load_state_dict(state)
    narrow = UNet(in_channels=3, base_width=6)
    narrow.load_state_dict(shrunk_state(state, 3, 6))
    x = torch.rand(2, 3, 32, 32, generator=generator)
    with torch.no_grad():
        torch.testing.assert_close(narrow(x), wide(x), rtol=1e-5, atol=1e-5)
    thinner = UNet(in_channels=3, base_width=4)
    thinner.load_state_dict(shrunk_state(state, 3, 4))  # cutting into the live channels still fits
    with torch.no_grad():
        assert not torch.allclose(thinner(x), wide(x), atol=1e-3)


def test_the_own_width_keeps_every_weight_in_place():
    state = UNet(in_channels=4, base_width=4).state_dict()
    same = shrunk_state(state, 4, 4)
    assert set(same) == set(state) and all(torch.equal(same[k], state[k]) for k in state)
    with pytest.raises(InputError, match="base-width must be 1..4"):
        shrunk_state(state, 4, 5)


def test_shrink_writes_a_start_a_fine_tune_takes_at_its_width(phantom_dataset, tiny_checkpoints, tmp_path):
    source = tiny_checkpoints["inter"]
    out = tmp_path / "narrow.pt"
    result = CliRunner().invoke(app, ["shrink", str(source), "--base-width", "6", "-o", str(out)])
    assert result.exit_code == 0, result.output
    narrow = load_checkpoint(out)
    assert narrow["config"]["base_width"] == 6 and narrow["group"] == "inter"
    assert narrow["shrink"] == {"source": str(source), "base_width": 6}
    assert not {"optimizer", "task"} & set(narrow)
    config = make_config("tiny", data=str(phantom_dataset), label="fibula", patients=1, group="inter", device="cpu",
                         precision="fp32", init=str(out), base_width=6, iterations=2, val_every=2)
    train(config, tmp_path / "run", show_progress=False)
    assert load_checkpoint(tmp_path / "run" / "last.pt")["model"]["down.0.0.weight"].shape[0] == 6


def test_a_width_above_the_models_own_is_one_line_and_writes_nothing(tiny_checkpoints, tmp_path):
    out = tmp_path / "wide.pt"
    result = CliRunner().invoke(app, ["shrink", str(tiny_checkpoints["inter"]), "--base-width", "9", "-o", str(out)])
    assert result.exit_code == 2 and "base-width must be 1..8" in one_line_error(result)
    assert not out.exists()
