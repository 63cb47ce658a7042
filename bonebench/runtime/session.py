"""onnxruntime sessions for bonebench models: provider choice, threads, metadata, IO binding.

`auto` prefers CUDA and always ends with the CPU; an explicit list of providers wins. On CUDA the
input and output go through IO binding, so repeated calls reuse device buffers.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np

from bonebench.errors import InputError
from bonebench.protocol.model_info import METADATA_KEY, ModelInfo

CUDA, CPU = "CUDAExecutionProvider", "CPUExecutionProvider"
DEFAULT_MODEL = Path(__file__).with_name("models") / "default.onnx"


def _onnxruntime():
    try:
        import onnxruntime
    except ImportError:
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


class Model:
    """An onnxruntime session for one bonebench model, with its ModelInfo."""

    def __init__(self, path: str | os.PathLike | None = None, device: str | Sequence[str] = "auto",
                 threads: int | None = None):
        """`threads`: intra-op threads of this session, with spinning off (default: onnxruntime's,
        every core, spinning); set it when several sessions or processes share the machine."""
        ort = _onnxruntime()
        self.path = Path(path) if path is not None else DEFAULT_MODEL
        if not self.path.is_file():
            raise InputError(f"{self.path}: no such model file")
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
        self.info = ModelInfo.from_json(meta[METADATA_KEY], str(self.path))
        inputs = self.session.get_inputs()
        if len(inputs) != 1 or len(inputs[0].shape) != 4 or inputs[0].shape[1] != self.info.in_channels:
            shapes = ", ".join(str(i.shape) for i in inputs)
            raise InputError(f"{self.path}: expected one input of shape (N, {self.info.in_channels}, H, W), got {shapes}")
        self.input_name = inputs[0].name
        self.output_name = self.session.get_outputs()[0].name
        self.providers = self.session.get_providers()
        self.on_cuda = self.providers[0] == CUDA
        self._binding = self.session.io_binding() if self.on_cuda else None

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Probabilities (N, H, W) for inputs (N, C, H, W) float32, H and W multiples of 16."""
        x = np.ascontiguousarray(x, dtype=np.float32)
        if self._binding is None:
            return self.session.run([self.output_name], {self.input_name: x})[0][:, 0]
        binding = self._binding
        binding.bind_cpu_input(self.input_name, x)
        binding.bind_output(self.output_name, "cuda")
        self.session.run_with_iobinding(binding)
        return binding.copy_outputs_to_cpu()[0][:, 0]
