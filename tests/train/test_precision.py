"""--precision: what auto picks, and that a bf16 run stores its precision and exports like fp32."""

import pytest
import torch

from bonebench.errors import InputError
from bonebench.train.config import make_config
from bonebench.train.precision import Compute, cpu_has_bf16, denormals_flushed, resolve_precision

CPU = torch.device("cpu")


def _cpuinfo(tmp_path, flags, vendor="GenuineIntel"):
    path = tmp_path / "cpuinfo"
    path.write_text("".join(f"processor\t: {i}\nvendor_id\t: {vendor}\nflags\t\t: fpu sse2 {flags}\n\n"
                            for i in range(2)))
    return path


def test_bf16_pays_with_amx_tiles_or_on_amd_avx512_bf16(tmp_path):
    assert cpu_has_bf16(_cpuinfo(tmp_path, "avx512f amx_bf16 amx_tile avx512_bf16"))
    assert not cpu_has_bf16(_cpuinfo(tmp_path, "avx512f avx512_bf16"))  # measured on a Xeon: no faster
    assert cpu_has_bf16(_cpuinfo(tmp_path, "avx512f avx512_bf16", "AuthenticAMD"))  # EPYC: 1.9x faster
    assert not cpu_has_bf16(_cpuinfo(tmp_path, "avx512f avx2", "AuthenticAMD"))
    assert not cpu_has_bf16(tmp_path / "missing")


def test_resolve_precision():
    assert resolve_precision("fp32", CPU) == "fp32" and resolve_precision("bf16", CPU) == "bf16"
    assert resolve_precision("auto", CPU) == ("bf16" if cpu_has_bf16() else "fp32")
    assert resolve_precision("auto", torch.device("cuda")) == "bf16"
    with pytest.raises(InputError, match="valid precisions: auto, fp32, bf16"):
        resolve_precision("fp16", CPU)


def test_the_config_holds_the_resolved_precision(phantom_dataset):
    config = make_config("tiny", data=str(phantom_dataset), label="fibula", patients=1, device="cpu")
    assert config.precision == resolve_precision("auto", CPU)
    assert make_config("tiny", data="x", label="y", patients=1, precision="bf16").precision == "bf16"


def test_bf16_compute_runs_the_network_in_bf16_and_gives_fp32_weights():
    from bonebench.train.unet import UNet

    compute = Compute(CPU, "bf16")
    model = compute.prepare(UNet(1, 4))
    with compute.autocast():
        out = model(compute.tensor(torch.rand(2, 1, 32, 32).numpy()))
    assert out.dtype == torch.bfloat16 and next(model.parameters()).dtype == torch.float32


def test_training_flushes_denormals_and_restores_the_default_after():
    denormal = torch.tensor([1e-39], dtype=torch.float32)
    assert float(denormal * 1.0) != 0.0  # the default: denormals are kept (the slow path)
    with denormals_flushed():
        assert float(denormal * 1.0) == 0.0
        assert float(torch.tensor([1e-30]) * 1e-10) == 0.0  # a result below the normal range, too
    assert float(denormal * 1.0) != 0.0
