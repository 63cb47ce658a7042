"""Hostile inputs: the harness that states the contract, and the small inputs the cases share.

The contract for every refused input: exit code 2, exactly one line on stderr (`error: ...`), no
traceback anywhere, nothing on the C-level stderr (ITK warnings), no output file (nor temporaries),
and every input byte-identical afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bonebench.data.phantoms import FIBULA, PhantomShape, make_phantom
from bonebench.data.volume_io import write_volume
from bonebench.kernels import innermost_point

runner = CliRunner()


def digest(path: Path) -> str:
    """A fingerprint of a file or of every file under a folder."""
    path = Path(path)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    h = hashlib.sha256()
    for f in files:
        h.update(str(f.relative_to(path) if path.is_dir() else f.name).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def leftovers(folder: Path) -> list[str]:
    """Temporaries or probes left behind in a folder."""
    return [p.name for p in Path(folder).rglob("*") if ".tmp-" in p.name or "bonebench-probe" in p.name]


def refuse(app, args, capfd, *, inputs=(), outputs=(), message: str | None = None) -> str:
    """Run a CLI and assert the refusal contract; returns the one error line."""
    inputs = [Path(p) for p in inputs]
    before = {p: digest(p) for p in inputs}
    capfd.readouterr()
    result = runner.invoke(app, [str(a) for a in args])
    printed = capfd.readouterr()
    assert result.exit_code == 2, (args, result.output, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), (args, result.stderr)
    assert "Traceback" not in result.output, result.output
    assert printed.err.strip() == "" and printed.out.strip() == "", ("C-level output", printed)
    for out in outputs:
        out = Path(out)
        assert not out.exists() or out.is_dir(), f"{out} was written"
        if out.parent.is_dir():
            assert not leftovers(out.parent), leftovers(out.parent)
    for path, fingerprint in before.items():
        assert digest(path) == fingerprint, f"{path} changed"
    if message is not None:
        assert message in lines[0], (args, lines[0])
    return lines[0]


@pytest.fixture(scope="session")
def ct(tmp_path_factory):
    """(path, hu, click 'x,y,z'): a small leg phantom in HU (64x64x8), a click on the right fibula."""
    hu, labels, geometry = make_phantom(5, PhantomShape(size_xy=64, slices=8))
    path = tmp_path_factory.mktemp("ct") / "ct.nii.gz"
    write_volume(path, hu, geometry)
    truth = labels == FIBULA
    truth[:, :, hu.shape[2] // 2:] = False
    z = hu.shape[0] // 2
    y, x = innermost_point(truth[z])
    return path, hu, geometry, f"{x},{y},{z}"


# ---------------------------------------------------------------- small ONNX models, no torch
def shipped_info() -> dict:
    """A shipped click model's metadata (v7, the click model inside the default as its check: one image
    and two click channels in, one probability out), as a dict to alter."""
    import onnxruntime as ort

    from bonebench.protocol.model_info import METADATA_KEY
    from bonebench.runtime.session import DEFAULT_MODEL

    session = ort.InferenceSession(str(DEFAULT_MODEL.with_name("click_v7.onnx")), providers=["CPUExecutionProvider"])
    return json.loads(session.get_modelmeta().custom_metadata_map[METADATA_KEY])


def make_onnx(path: Path, *, channels: int = 3, height="H", width="W", out_rank: int = 4,
              info: dict | None | str = "shipped") -> Path:
    """A tiny ONNX model (mean over channels) with the given input/output shapes and metadata."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    in_shape = ["N", channels, height, width]
    out_shape = ["N", 1, height, width] if out_rank == 4 else ["N", height, width]
    node = helper.make_node("ReduceMean", ["input"], ["probability"], axes=[1], keepdims=int(out_rank == 4))
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("input", TensorProto.FLOAT, in_shape)],
                              [helper.make_tensor_value_info("probability", TensorProto.FLOAT, out_shape)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    if info is not None:
        entry = model.metadata_props.add()
        entry.key = "bonebench"
        entry.value = info if isinstance(info, str) and info != "shipped" else json.dumps(
            shipped_info() if info == "shipped" else info)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
