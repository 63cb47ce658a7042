"""Workstation latency with the shipped model: one click -> the slice's mask on a 512x512 slice,
one click -> the whole bone through 200 slices of 512x512 (with the resampling to the model's pixel
size, where it has one), and onnxruntime vs PyTorch eager on the same network and input (CPU).
BONEBENCH_BENCH_MODEL=M.onnx times another model."""

import os

import numpy as np
import pytest

from bonebench.data.phantoms import FIBULA, PhantomShape, make_phantom
from bonebench.kernels import innermost_point, label_components
from bonebench.runtime.interactive import InteractiveSession
from bonebench.runtime.session import Model


@pytest.fixture(scope="module")
def legs512():
    """A 512x512x200 leg phantom (0.6-0.7 mm pixels) and a click on the right fibula mid-scan."""
    hu, labels, geometry = make_phantom(21, PhantomShape(size_xy=512, slices=200))
    z = 100
    components, _ = label_components(labels[z] == FIBULA, 8)
    y, x = innermost_point(components == 1)
    return hu.astype(np.float32), (x, y, z), geometry.spacing


@pytest.fixture(scope="module", params=["cpu"])
def model(request):
    return Model(os.environ.get("BONEBENCH_BENCH_MODEL"), device=request.param)


@pytest.mark.benchmark(group="click -> slice mask, 512x512")
def test_click_to_slice_mask(benchmark, legs512, model):
    hu, (x, y, z), spacing = legs512
    session = InteractiveSession(hu, model, spacing)

    def click_and_undo():
        mask = session.click(x, y, z).copy()
        session.undo()
        return mask

    mask = benchmark(click_and_undo)
    assert mask[y, x] == 1


@pytest.mark.benchmark(group="one click -> whole bone, 200 slices of 512x512")
def test_click_to_whole_bone(benchmark, legs512, model):
    hu, (x, y, z), spacing = legs512

    def segment():
        session = InteractiveSession(hu, model, spacing)
        session.click(x, y, z)
        return session.propagate()

    first, last = benchmark.pedantic(segment, rounds=3, iterations=1)
    benchmark.extra_info["slices"] = last - first + 1
    assert last - first + 1 > 150


@pytest.fixture(scope="module")
def same_network(tmp_path_factory):
    """The shipped architecture (3 channels, base 16) as torch eager and as ONNX, same weights."""
    torch = pytest.importorskip("torch")
    from bonebench.export.onnx_export import export_checkpoint
    from bonebench.train.checkpoint import save_checkpoint
    from bonebench.train.groups import build_model, get_group

    torch.manual_seed(0)
    net = build_model(get_group("inter"), 16).eval()
    path = tmp_path_factory.mktemp("net") / "best.pt"
    save_checkpoint(path, {"model": net.state_dict(), "group": "inter", "name": "SegInter0",
                           "config": {"base_width": 16, "patch_size": 96, "click_sigma": 2.0}})
    export_checkpoint(path, path.with_suffix(".onnx"))
    return net, Model(path.with_suffix(".onnx"), device="cpu")


@pytest.mark.benchmark(group="onnxruntime vs torch eager, CPU, base 16, 1x3x512x512")
@pytest.mark.parametrize("engine", ["onnxruntime", "torch"])
def test_ort_vs_torch(benchmark, same_network, engine):
    import torch

    net, model = same_network
    x = np.random.default_rng(0).random((1, 3, 512, 512)).astype(np.float32)
    if engine == "onnxruntime":
        out = benchmark(model, x)
    else:
        tx = torch.from_numpy(x)

        def eager():
            with torch.inference_mode():
                return torch.sigmoid(net(tx))[:, 0].numpy()

        out = benchmark(eager)
    assert out.shape == (1, 512, 512)
