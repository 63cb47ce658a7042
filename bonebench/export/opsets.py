"""The ONNX opsets bb-export writes: the one owner of the range and the default, torch-free, so that
bb-export's help and its check need no torch import.

13: the oldest opset whose Resize/ops the U-Net export uses as written; 20: the newest torch's
TorchScript exporter writes (torch.onnx._constants.ONNX_TORCHSCRIPT_EXPORTER_MAX_OPSET in torch 2.2-2.13).
"""

from bonebench.errors import InputError

MIN_OPSET, MAX_OPSET = 13, 20
DEFAULT_OPSET = 17


def check_opset(opset: int) -> None:
    """Refuse an opset the exporter cannot write, before any work (torch would dump its graph on stdout)."""
    if not MIN_OPSET <= opset <= MAX_OPSET:
        raise InputError(f"--opset {opset}: must be between {MIN_OPSET} and {MAX_OPSET}")
