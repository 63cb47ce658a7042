"""Training precision: fp32, or bf16 autocast with channels_last where the hardware runs it fast.

`auto` picks bf16 on CUDA, on CPUs with AMX-BF16 tiles and on AMD CPUs with AVX-512 BF16, fp32
elsewhere, by measurement (one U-Net Adam + BCE step, docs/benchmarks.md): on a 2-core Xeon with AMX
the bf16 step took 0.29-0.43x the fp32 time (DESIGN.md), on a 2-core AMD EPYC (family 25 model 17,
`avx512_bf16`, no AMX) 0.54x the fp32 + channels_last time (base 16, batch 16, 96x96: 133 vs 248 ms),
but on the 2-core Xeon with AVX-512 BF16 and no AMX (`lscpu`, oneDNN ISA "AVX 10.1") 0.9-1.25x:
there oneDNN's AVX-512 fp32 kernels are as fast as its bf16 ones, and autocast adds casts.
On an AMD EPYC without AVX-512 (family 25 model 1, AVX2) bf16 is emulated: 14x the fp32 time
(base 16, batch 16, 96x96: 4,867 vs 343 ms, 2026-12-07), where `auto` keeps fp32.
`--precision bf16` still forces it anywhere. Weights and the optimiser stay fp32 (autocast), so
export and its parity check are unchanged.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from bonebench.errors import InputError

PRECISIONS = ("auto", "fp32", "bf16")
# where bf16 pays on a CPU, by vendor (measured, see above): any vendor with AMX tiles; AMD's
# AVX-512 BF16 too, Intel's alone does not
BF16_CPU_FLAGS = {"": ("amx_bf16",), "AuthenticAMD": ("amx_bf16", "avx512_bf16")}


def _cpuinfo_field(text: str, name: str) -> str:
    return next((line.split(":", 1)[1].strip() for line in text.splitlines()
                 if line.split(":", 1)[0].strip() == name), "")


def cpu_has_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether the CPU runs bf16 training faster than fp32 (Linux: /proc/cpuinfo's vendor and flags)."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return False
    flags = _cpuinfo_field(text, "flags").split()
    paying = BF16_CPU_FLAGS.get(_cpuinfo_field(text, "vendor_id"), BF16_CPU_FLAGS[""])
    return any(flag in flags for flag in paying)


def resolve_precision(choice: str, device: torch.device) -> str:
    """fp32 | bf16 for auto | fp32 | bf16 on `device`, or InputError for another name."""
    if choice not in PRECISIONS:
        raise InputError(f"unknown precision {choice!r}; valid precisions: {', '.join(PRECISIONS)}")
    if choice != "auto":
        return choice
    if device.type == "cuda" or cpu_has_bf16():
        return "bf16"
    return "fp32"


@contextmanager
def denormals_flushed():
    """Flush denormal floats to zero (FTZ/DAZ) while a run trains, then restore the default.

    Why: as the loss falls, gradients and Adam's second moments drift into the denormal range
    (below 1.2e-38; in a SegPretrained1 checkpoint at 1,200 iterations 147,000 of 3.9 million Adam
    values, in Seg1 at 1,600 775,000), and x86 cores take a slow path for every operation on them.
    Measured on the 2-core Xeon (that SegPretrained1 run resumed each way, cpu preset, 2 threads;
    `tools/denormal_probe.py`): 1,659 ms per iteration as it is, 228 ms flushed. Values that small
    are below fp32's normal range, so flushing them changes no step that matters. Set before the run's
    first torch work, so the OpenMP threads torch starts inherit it."""
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(False)


def pick_device(choice: str) -> torch.device:
    """The torch device for auto | cpu | cuda, or InputError."""
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if choice == "cuda" and not torch.cuda.is_available():
        raise InputError("--device cuda asked for, but torch sees no CUDA device")
    if choice not in ("cpu", "cuda"):
        raise InputError(f"unknown device {choice!r}; valid devices: auto, cpu, cuda")
    return torch.device(choice)


@dataclass(frozen=True)
class Compute:
    """Where and in which precision a model runs: the device, autocast and memory format."""

    device: torch.device
    precision: str = "fp32"  # fp32 | bf16 (resolved)

    @property
    def bf16(self) -> bool:
        return self.precision == "bf16"

    @property
    def channels_last(self) -> bool:
        """Always: on this project's 2-core Xeon channels_last alone made an fp32 U-Net step 1.55x
        faster (324 -> 209 ms, base 16, batch 16, 96x96; docs/benchmarks.md), on CUDA it is the
        tensor-core layout."""
        return True

    def autocast(self):
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.bf16)

    def tensor(self, array: np.ndarray) -> torch.Tensor:
        """A network input (N, C, H, W) on the device, channels_last where that is fast."""
        x = torch.from_numpy(array).to(self.device, non_blocking=True)
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x

    def prepare(self, model: torch.nn.Module) -> torch.nn.Module:
        """The model on the device, in the memory format its inputs come in."""
        model = model.to(self.device)
        return model.to(memory_format=torch.channels_last) if self.channels_last else model


CPU_FP32 = Compute(torch.device("cpu"), "fp32")
