import subprocess
import sys
from dataclasses import replace

import numpy as np
import onnx
import onnx.numpy_helper
import pytest
from onnx import TensorProto, helper

from bonebench.errors import InputError
from bonebench.protocol.model_info import METADATA_KEY
from bonebench.runtime.session import CPU, CUDA, DEFAULT_MODEL, Model, choose_providers


def test_provider_choice():
    assert choose_providers("auto", [CUDA, CPU]) == [CUDA, CPU]
    assert choose_providers("auto", [CPU]) == [CPU]
    assert choose_providers("cpu", [CUDA, CPU]) == [CPU]
    assert choose_providers([CPU], [CUDA, CPU]) == [CPU]
    with pytest.raises(InputError, match="no CUDA provider"):
        choose_providers("cuda", [CPU])
    with pytest.raises(InputError, match="not available here"):
        choose_providers(["TensorrtExecutionProvider"], [CPU])
    with pytest.raises(InputError, match="valid devices"):
        choose_providers("tpu", [CPU])


def test_shipped_model_describes_itself():
    """The default is a walk model (the carried mask as its fourth input) with a click model as its check
    (a second output channel), under issue 17's 10 MB."""
    model = Model(device="cpu", threads=1)
    assert model.path == DEFAULT_MODEL and DEFAULT_MODEL.stat().st_size < 10_000_000
    assert model.info.interactive and model.info.in_channels == 4 and "fibula" in model.info.label
    assert model.info.neighbour_mask and model.info.check and model.info.outputs == 2 and model.info.walk_arms
    assert model.providers == [CPU]
    probability = model(np.zeros((2, 4, 32, 48), np.float32))
    assert probability.shape == (2, 32, 48) and 0 <= probability.min() and probability.max() <= 1
    both = model.predict_all(np.zeros((2, 4, 30, 45), np.float32))
    assert both.shape == (2, 2, 30, 45) and 0 <= both.min() and both.max() <= 1


def test_the_faster_pair_is_the_default_walk_with_another_check(leg_volume):
    """click_v13.onnx is default.onnx's walk, weights and metadata (its arm-seed reach included) the same,
    with the distilled base-12 check for CPUs without AVX-512; it segments the leg phantom's fibula from one
    click as the default does."""
    from bonebench.kernels import dice
    from bonebench.runtime.segment import segment
    from bonebench.train.checkpoint import CHECKED_WEIGHT_PREFIX
    from tests.conftest import right_fibula

    def walk_weights(path):
        return {i.name: onnx.numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer
                if i.name.startswith(CHECKED_WEIGHT_PREFIX)}

    faster = Model(DEFAULT_MODEL.with_name("click_v13.onnx"), device="cpu")
    default = Model(DEFAULT_MODEL, device="cpu")
    assert faster.info.check != default.info.check and faster.info.outputs == 2
    assert replace(faster.info, check=default.info.check) == default.info
    ours, theirs = walk_weights(faster.path), walk_weights(DEFAULT_MODEL)
    assert ours.keys() == theirs.keys() and all(np.array_equal(ours[k], theirs[k]) for k in ours)
    _, hu, labels, geometry, click = leg_volume
    masks = [segment(hu.astype(np.float32), m, [click], spacing=geometry.spacing).mask for m in (faster, default)]
    assert dice(right_fibula(labels), masks[0]) > 0.9 and dice(masks[1], masks[0]) > 0.98


def _two_input_model(path, with_metadata=True):
    graph = helper.make_graph([helper.make_node("Add", ["a", "b"], ["c"])], "g",
                              [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 3, 16, 16]) for n in "ab"],
                              [helper.make_tensor_value_info("c", TensorProto.FLOAT, [1, 3, 16, 16])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    if with_metadata:
        entry = model.metadata_props.add()
        entry.key, entry.value = METADATA_KEY, Model(device="cpu").info.to_json()
    onnx.save(model, str(path))


def test_predict_pads_any_slice_size_and_crops_back():
    """Model.predict owns the pad rule: a 50x37 input gives 50x37 probabilities, those of the
    padded 64x48 input (multiples of 16) cropped back."""
    model = Model(device="cpu", threads=1)
    x = np.random.default_rng(0).random((2, model.info.in_channels, 50, 37), dtype=np.float32)
    probability = model.predict(x)
    padded = np.zeros((2, model.info.in_channels, 64, 48), np.float32)
    padded[:, :, :50, :37] = x
    assert probability.shape == (2, 50, 37)
    np.testing.assert_allclose(probability, model(padded)[:, :50, :37], atol=1e-6)


def test_wrong_models(tmp_path):
    (tmp_path / "text.onnx").write_text("hello")
    with pytest.raises(InputError, match="not an ONNX model"):
        Model(tmp_path / "text.onnx")
    with pytest.raises(InputError, match="no such model file"):
        Model(tmp_path / "missing.onnx")
    _two_input_model(tmp_path / "two.onnx")
    with pytest.raises(InputError, match="expected one input"):
        Model(tmp_path / "two.onnx")
    _two_input_model(tmp_path / "plain.onnx", with_metadata=False)
    with pytest.raises(InputError, match="not a bonebench model"):
        Model(tmp_path / "plain.onnx")


def test_runtime_works_with_torch_unimportable(leg_volume, tmp_path):
    """The workstation path (session, interactive, automatic, preview, CLI) never imports torch."""
    path, _, _, _, (x, y, z) = leg_volume
    code = f"""
import sys
sys.modules['torch'] = None
import bonebench.runtime.session, bonebench.runtime.interactive, bonebench.runtime.automatic
import bonebench.runtime.preview, bonebench.kernels, bonebench.data
import bonebench.runtime.segment, bonebench.protocol, bonebench.study.metrics
from pathlib import Path
from bonebench.runtime.segment_file import SegmentRequest, run_segment
print(run_segment(SegmentRequest(Path({str(path)!r}), Path({str(tmp_path / 'm.nii.gz')!r}), ('{x},{y},{z}',),
                                 device='cpu', threads=1)))
assert 'torch' not in [m for m in sys.modules if sys.modules[m] is not None]
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "voxels" in result.stdout and (tmp_path / "m.nii.gz").is_file()
