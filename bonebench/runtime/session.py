"""onnxruntime sessions for bonebench models: provider choice, threads, metadata, IO binding.

`auto` prefers CUDA and always ends with the CPU; an explicit list of providers wins. On CUDA the
input and output go through IO binding, so repeated calls reuse device buffers.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from bonebench.data.checks import check_model_file
from bonebench.errors import InputError, one_line
from bonebench.threads import onnxruntime_threads
from bonebench.protocol.model_info import METADATA_KEY, ModelInfo, check_metadata
from bonebench.protocol.network import pad_slices

CUDA, CPU = "CUDAExecutionProvider", "CPUExecutionProvider"
DEFAULT_MODEL = Path(__file__).with_name("models") / "default.onnx"
# The U-Net pools 4 times: a 32-voxel slice side is 2 voxels at the bottom. Below that a slice holds
# too little of a bone and its surroundings for the network to see anything.
MIN_SLICE_SIDE = 32


def _interrupted(exc: BaseException) -> bool:
    """Whether an exception was raised while handling (or because of) a Ctrl-C."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _onnxruntime():
    """The onnxruntime module. A Ctrl-C during its slow import (a KeyboardInterrupt, or an ImportError
    of a half-initialised module raised while handling one) stays an interruption (the CLIs: exit 130),
    never "not installed"; an installed package that fails to load says so."""
    try:
        import onnxruntime
    except ImportError as exc:
        if _interrupted(exc):
            raise KeyboardInterrupt from None
        if _installed("onnxruntime"):
            raise InputError(f"onnxruntime is installed but failed to load ({one_line(str(exc))[:160]})") from None
        raise InputError("onnxruntime is not installed: pip install 'bonebench[cpu]' "
                         "(or 'bonebench[gpu]' for CUDA)") from None
    return onnxruntime


def choose_providers(device: str | Sequence[str], available: Sequence[str]) -> list[str]:
    """Providers for a device choice: auto (CUDA if present, then CPU), cuda, cpu, or an explicit list."""
    if not isinstance(device, str):
        missing = [p for p in device if p not in available]
        if missing:
            raise InputError(f"providers not available here: {', '.join(missing)}; available: {', '.join(available)}")
        return list(device)
    if device == "auto":
        return ([CUDA] if CUDA in available else []) + [CPU]
    if device == "cuda":
        if CUDA not in available:
            raise InputError("--device cuda asked for, but onnxruntime has no CUDA provider here "
                             "(install 'bonebench[gpu]' on a machine with an NVIDIA GPU)")
        return [CUDA, CPU]
    if device == "cpu":
        return [CPU]
    raise InputError(f"unknown device {device!r}; valid devices: auto, cuda, cpu")


def _is_dynamic(dim) -> bool:
    return not isinstance(dim, int)


def check_graph(session, info: ModelInfo, path: Path) -> None:
    """One input (N, C, H, W) with C = the metadata's channels and H, W dynamic; one output (N, K, H, W),
    K = 1, or 2 for a walk model with a check (ModelInfo.outputs)."""
    inputs, outputs = session.get_inputs(), session.get_outputs()
    expected = f"one input of shape (N, {info.in_channels}, H, W)"
    if len(inputs) != 1 or len(inputs[0].shape) != 4 or inputs[0].shape[1] != info.in_channels:
        shapes = ", ".join(str(i.shape) for i in inputs) or "none"
        raise InputError(f"{path}: expected {expected}, got {shapes}")
    height, width = inputs[0].shape[2:]
    if not (_is_dynamic(height) and _is_dynamic(width)):
        raise InputError(f"{path}: the model's input has a fixed size {height}x{width}; bonebench needs dynamic "
                         "height and width (export with bb-export, which writes them)")
    k = info.outputs
    if len(outputs) != 1 or len(outputs[0].shape) != 4 or outputs[0].shape[1] not in (k, str(k)):
        shapes = ", ".join(str(o.shape) for o in outputs) or "none"
        raise InputError(f"{path}: expected one output of shape (N, {k}, H, W), got {shapes}")


def check_fits(shape_zyx: Sequence[int], source: str | os.PathLike) -> None:
    """A volume's slices are large enough for the model (MIN_SLICE_SIDE voxels on each side)."""
    z, y, x = shape_zyx[:3]
    if min(y, x) < MIN_SLICE_SIDE:
        raise InputError(f"{source}: volume of {x}x{y}x{z} voxels is too small for the model "
                         f"(it needs slices of at least {MIN_SLICE_SIDE}x{MIN_SLICE_SIDE} voxels)")


class Model:
    """An onnxruntime session for one bonebench model, with its ModelInfo."""

    def __init__(self, path: str | os.PathLike | None = None, device: str | Sequence[str] = "auto",
                 threads: int | None = None):
        """`threads`: intra-op threads of this session, with spinning off (default: the count set in
        bonebench.threads, else onnxruntime's: every core, spinning); set it when several sessions
        or processes share the machine."""
        ort = _onnxruntime()
        threads = threads or onnxruntime_threads()
        self.path = Path(path) if path is not None else DEFAULT_MODEL
        check_model_file(self.path)
        options = ort.SessionOptions()
        if threads:  # several sessions share the cores: no spinning threads stealing them from each other
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        providers = choose_providers(device, ort.get_available_providers())
        try:
            self.session = ort.InferenceSession(str(self.path), sess_options=options, providers=providers)
        except Exception as exc:  # onnxruntime raises several types for a file that is not a model
            raise InputError(f"{self.path}: not an ONNX model ({type(exc).__name__})") from None
        meta = self.session.get_modelmeta().custom_metadata_map
        if METADATA_KEY not in meta:
            raise InputError(f"{self.path}: not a bonebench model (no '{METADATA_KEY}' metadata; export it with bb-export)")
        self.info = check_metadata(meta[METADATA_KEY], self.path)
        check_graph(self.session, self.info, self.path)
        self.input_name = self.session.get_inputs()[0].name
        self.output_name = self.session.get_outputs()[0].name
        self.providers = self.session.get_providers()
        self.on_cuda = self.providers[0] == CUDA
        self._binding = self.session.io_binding() if self.on_cuda else None

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probabilities (N, H, W) for network inputs (N, C, H, W) of any H, W: padded by the
        protocol's pad rule, run, cropped back."""
        return self.predict_all(x)[:, 0]

    def predict_all(self, x: np.ndarray) -> np.ndarray:
        """Every output channel (N, K, H, W; ModelInfo.outputs) for network inputs of any H, W."""
        h, w = x.shape[2:]
        return self._run(pad_slices(x))[:, :, :h, :w]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Probabilities (N, H, W) for inputs (N, C, H, W) float32, H and W multiples of 16."""
        return self._run(x)[:, 0]

    def _run(self, x: np.ndarray) -> np.ndarray:
        x = np.ascontiguousarray(x, dtype=np.float32)
        if self._binding is None:
            return self.session.run([self.output_name], {self.input_name: x})[0]
        binding = self._binding
        binding.bind_cpu_input(self.input_name, x)
        binding.bind_output(self.output_name, "cuda")
        self.session.run_with_iobinding(binding)
        return binding.copy_outputs_to_cpu()[0]
