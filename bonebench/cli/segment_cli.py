"""bb-segment: segment a bone in a CT volume from one click (interactive models) or with none
(automatic models), and bb-demo: the same on a leg phantom, scored against its truth."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

import typer

from bonebench.cli.common import user_errors
from bonebench.errors import InputError

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
demo_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

MEMORY_SHARE = 0.5  # refuse volumes whose working set would take more than this share of free memory
BYTES_PER_VOXEL = 12  # the file's voxels, a float32 copy, the mask and slack


def parse_triple(text: str, what: str) -> tuple[float, float, float]:
    """Three numbers from "x,y,z", or InputError naming the option."""
    parts = text.split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 3:
        raise InputError(f"{what} {text!r}: expected three numbers x,y,z")
    return values


def _voxel(text: str, what: str, geometry, in_mm: bool) -> tuple[int, int, int]:
    values = parse_triple(text, what)
    if in_mm:
        return geometry.physical_to_index(values)
    if any(v != round(v) for v in values):
        raise InputError(f"{what} {text!r}: voxel indices must be whole numbers (use --click-mm for millimetres)")
    return tuple(int(v) for v in values)


def _available_memory() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _check_memory(volume: Path) -> None:
    from bonebench.data.volume_io import volume_voxels

    voxels = volume_voxels(volume)
    available = _available_memory()
    if voxels is None or available is None:
        return
    needed = voxels * BYTES_PER_VOXEL
    if needed > MEMORY_SHARE * available:
        raise InputError(f"{volume}: too large for this machine's memory (needs about {needed / 2**30:.1f} GiB, "
                         f"{available / 2**30:.1f} GiB available)")


@dataclass(frozen=True)
class SegmentRequest:
    """What the user asked bb-segment (or bb-demo) for, as typed: validated and run by run_segment."""

    volume: Path
    out: Path
    clicks: tuple[str, ...] = ()
    bg_clicks: tuple[str, ...] = ()
    click_mm: bool = False
    model: Path | None = None
    device: str = "auto"
    threads: int | None = None
    propagate: bool = True
    preview: Path | None = None
    mask_format: str | None = None  # volume | dicom-seg; None: by the extension of `out`
    bone: str | None = None  # the bone's name in a DICOM-SEG


@app.command()
def segment(volume: Path = typer.Argument(..., help="CT volume: NIfTI, NRRD, MHA or a DICOM series folder"),
            click: List[str] = typer.Option([], "--click", help="x,y,z voxel indices of a click on the bone"),
            bg_click: List[str] = typer.Option([], "--bg-click", help="x,y,z of a background click"),
            click_mm: bool = typer.Option(False, "--click-mm", help="clicks are physical LPS millimetres"),
            model_path: Optional[Path] = typer.Option(None, "--model", help="ONNX model (default: the shipped one)"),
            out: Path = typer.Option(..., "-o", "--out", help="mask to write (same geometry as the input); "
                                     "a .dcm name writes a DICOM-SEG of the input DICOM series"),
            mask_format: Optional[str] = typer.Option(None, "--format", help="volume | dicom-seg (DICOM "
                                                      "Segmentation referencing the input series; needs a DICOM "
                                                      "folder). Default: by the extension of -o"),
            bone: Optional[str] = typer.Option(None, "--bone", help="bone named (and coded) in a DICOM-SEG, "
                                               "e.g. fibula (default: the model's label; 'bone' for a "
                                               "multi-bone model)"),
            device: str = typer.Option("auto", "--device", help="auto | cuda | cpu"),
            threads: Optional[int] = typer.Option(None, "--threads", help="CPU threads for onnxruntime"),
            no_propagate: bool = typer.Option(False, "--no-propagate", help="only the clicked slices"),
            preview: Optional[Path] = typer.Option(None, "--preview", help="PNG overlay of a few slices")) -> None:
    """Segment the clicked bone (interactive model) or the target bone (automatic model)."""
    with user_errors():
        request = SegmentRequest(volume, out, tuple(click), tuple(bg_click), click_mm, model_path, device, threads,
                                 not no_propagate, preview, mask_format, bone)
        typer.echo(run_segment(request))


def _mask_saver(request: SegmentRequest):
    """Choose the mask's format now (refusing a DICOM-SEG of a non-DICOM input before any inference)
    and return save(mask, geometry, source, info) that writes it."""
    from bonebench.data.dicom_seg import SegAlgorithm
    from bonebench.data.mask_output import choose_mask_format, save_mask

    fmt = choose_mask_format(request.volume, request.out, request.mask_format)

    def save(mask, geometry, source, info) -> None:
        algorithm = SegAlgorithm(info.name, info.interactive, parameters={"group": info.group, "labels": info.label})
        # a multi-bone model's label lists its bones ("fibula,tibia"); which one was clicked only the user knows
        name = request.bone or (info.label if "," not in info.label else "bone")
        save_mask(request.out, fmt, mask, geometry, source, bone=name, algorithm=algorithm)

    return save


def run_segment(request: SegmentRequest) -> str:
    """Read, segment (runtime.segment), write; returns the summary line."""
    from bonebench.data.volume_io import read_volume_with_source
    from bonebench.runtime.segment import segment as segment_volume
    from bonebench.runtime.session import Model

    t0 = time.perf_counter()
    save = _mask_saver(request)
    model = Model(request.model, device=request.device, threads=request.threads)
    _check_memory(request.volume)
    hu, geometry, source = read_volume_with_source(request.volume)
    clicks = [_voxel(c, "--click", geometry, request.click_mm) for c in request.clicks]
    bg_clicks = [_voxel(c, "--bg-click", geometry, request.click_mm) for c in request.bg_clicks]
    t_load = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = segment_volume(hu, model, clicks, bg_clicks, propagate=request.propagate)
    t_infer = time.perf_counter() - t1
    t2 = time.perf_counter()
    save(result.mask, geometry, source, model.info)
    if request.preview is not None:
        from bonebench.runtime.preview import write_preview

        write_preview(request.preview, hu, result.mask, result.focus)
    t_save = time.perf_counter() - t2
    return (f"{request.out}: {result.voxels} voxels, {result.voxels * geometry.voxel_volume_ml:.2f} mL, "
            f"{len(result.slices)} slices ({model.info.name} on {model.providers[0].replace('ExecutionProvider', '')}); "
            f"load {t_load:.2f} s, inference {t_infer:.2f} s, save {t_save:.2f} s")


@demo_app.command()
def demo(out: Path = typer.Option(Path("demo"), "--out", help="folder for the phantom, mask and preview"),
         seed: int = typer.Option(3, "--seed", help="phantom seed"),
         model_path: Optional[Path] = typer.Option(None, "--model", help="ONNX model (default: the shipped one)"),
         device: str = typer.Option("auto", "--device")) -> None:
    """Make a leg phantom, click once on the right fibula, propagate, and score against the truth."""
    with user_errors():
        from bonebench.data.phantoms import FIBULA, PhantomShape, make_phantom
        from bonebench.data.volume_io import write_volume
        from bonebench.kernels import dice, innermost_point

        hu, labels, geometry = make_phantom(seed, PhantomShape(size_xy=256, slices=60))
        volume = out / "phantom.nii.gz"
        write_volume(volume, hu, geometry)
        truth = labels == FIBULA
        truth[:, :, hu.shape[2] // 2:] = False  # the right leg's fibula: the image's left half (LPS)
        z = hu.shape[0] // 2
        y, x = innermost_point(truth[z])
        summary = run_segment(SegmentRequest(volume, out / "fibula_mask.nii.gz", (f"{x},{y},{z}",),
                                             model=model_path, device=device, preview=out / "preview.png"))
        from bonebench.data.volume_io import read_volume

        mask = read_volume(out / "fibula_mask.nii.gz")[0] > 0
        typer.echo(summary)
        typer.echo(f"one click at x={x}, y={y}, z={z}: 3D Dice against the phantom's right fibula "
                   f"{dice(truth, mask):.3f}; preview: {out / 'preview.png'}")


def main() -> None:
    app()


def demo_main() -> None:
    demo_app()
