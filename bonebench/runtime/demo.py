"""bb-demo's work: a leg phantom written to a folder, one click on the right fibula segmented as
bb-segment segments a file (run_segment), and the 3D Dice against the phantom's truth."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from bonebench.data.checks import check_output_path
from bonebench.data.formats import NIFTI_GZ
from bonebench.data.phantoms import FIBULA, PhantomShape, make_phantom
from bonebench.data.volume_io import read_volume, write_volume
from bonebench.kernels import dice, innermost_point
from bonebench.kernels.cache import COMPILING, cache_is_cold
from bonebench.runtime.segment_file import SegmentRequest, run_segment

DEMO_SHAPE = PhantomShape(size_xy=256, slices=60)


def run_demo(out: Path, seed: int, model: Path | None = None, device: str = "auto",
             report: Callable[[str], None] | None = None, warn: Callable[[str], None] | None = None) -> list[str]:
    """Write OUT/phantom.nii.gz, OUT/fibula_mask.nii.gz and OUT/preview.png; returns the lines to print.
    `report` gets progress lines as they happen (the one-time kernel compilation), `warn` the
    plausibility warning (runtime.plausibility) if the mask is unlikely to be the fibula."""
    volume, mask_path = out / f"phantom{NIFTI_GZ}", out / f"fibula_mask{NIFTI_GZ}"
    preview = out / "preview.png"
    for path in (volume, mask_path):
        check_output_path(path, "mask", (), "--out")
    check_output_path(preview, "preview", (), "--out")
    if report is not None and cache_is_cold():
        report(COMPILING)
    hu, labels, geometry = make_phantom(seed, DEMO_SHAPE)
    write_volume(volume, hu, geometry)
    truth = labels == FIBULA
    truth[:, :, hu.shape[2] // 2:] = False  # the right leg's fibula: the image's left half (LPS)
    z = hu.shape[0] // 2
    y, x = innermost_point(truth[z])
    summary = run_segment(SegmentRequest(volume, mask_path, (f"{x},{y},{z}",), model=model, device=device,
                                         preview=preview), warn=warn)
    mask = read_volume(mask_path)[0] > 0
    return [summary, f"one click at x={x}, y={y}, z={z}: 3D Dice against the phantom's right fibula "
                     f"{dice(truth, mask):.3f}; preview: {preview}"]
