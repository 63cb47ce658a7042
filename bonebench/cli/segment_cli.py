"""bb-segment: segment a bone in a CT volume from one click (interactive models) or with none
(automatic models), and bb-demo: the same on a leg phantom, scored against its truth."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

import typer

from bonebench.cli.args import check_range, click_voxel, parse_click
from bonebench.cli.common import APP, OneLineCommand, user_errors
from bonebench.errors import InputError

app = typer.Typer(**APP)
demo_app = typer.Typer(**APP)
MAX_OFFSET = 100_000  # --intensity-offset: far beyond any real storage offset (1024, 32768)

MEMORY_SHARE = 0.5  # refuse volumes whose working set would take more than this share of free memory
BYTES_PER_VOXEL = 12  # the file's voxels, a float32 copy, the mask and slack


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
    intensity_offset: float | None = None  # added to the stored values to get HU; None: they must be HU


@app.command(cls=OneLineCommand)
def segment(volume: Path = typer.Argument(..., metavar="VOLUME", show_default=False,
                                          help="CT volume in HU: a NIfTI, NRRD or MHA file, or a DICOM series folder"),
            click: List[str] = typer.Option([], "--click", metavar="X,Y,Z", show_default="none",
                                            help="a point on the bone: voxel indices x,y,z (repeat for more clicks)"),
            bg_click: List[str] = typer.Option([], "--bg-click", metavar="X,Y,Z", show_default="none",
                                               help="a point that is not the bone: x,y,z (repeatable)"),
            click_mm: bool = typer.Option(False, "--click-mm", show_default="off",
                                          help="read the clicks as LPS millimetres instead of voxel indices"),
            model_path: Optional[Path] = typer.Option(None, "--model", metavar="FILE", show_default="the shipped model",
                                                      help="ONNX model made by bb-export"),
            out: Path = typer.Option(..., "-o", "--out", metavar="FILE", show_default=False,
                                     help="mask to write: .nii.gz, .nii, .nrrd or .mha (same geometry as the input), "
                                          "or .dcm for a DICOM-SEG of an input DICOM series"),
            mask_format: Optional[str] = typer.Option(None, "--format", metavar="volume|dicom-seg",
                                                      show_default="by the extension of -o",
                                                      help="dicom-seg: a DICOM Segmentation referencing the input "
                                                           "series (needs a DICOM folder)"),
            bone: Optional[str] = typer.Option(None, "--bone", metavar="NAME", show_default="the model's label",
                                               help="bone named (and coded) in a DICOM-SEG, e.g. fibula"),
            device: str = typer.Option("auto", "--device", metavar="auto|cuda|cpu",
                                       help="where to run the model (auto: the GPU if there is one)"),
            threads: Optional[int] = typer.Option(None, "--threads", min=1, max=256, metavar="N",
                                                  show_default="onnxruntime's choice", help="CPU threads"),
            no_propagate: bool = typer.Option(False, "--no-propagate", show_default="off",
                                              help="segment only the clicked slices, not the whole bone"),
            preview: Optional[Path] = typer.Option(None, "--preview", metavar="FILE.png", show_default="none",
                                                   help="PNG picture of a few slices with the mask in red"),
            intensity_offset: Optional[float] = typer.Option(
                None, "--intensity-offset", metavar="N", show_default="none",
                help="add N to every stored value to get HU, e.g. -1024 for HU stored as HU + 1024 "
                     "(without it the volume must already be in HU)")) -> None:
    """Segment the clicked bone (interactive model) or the target bone (automatic model)."""
    with user_errors():
        request = SegmentRequest(volume, out, tuple(click), tuple(bg_click), click_mm, model_path, device, threads,
                                 not no_propagate, preview, mask_format, bone, intensity_offset)
        typer.echo(run_segment(request))


def check_request(request: SegmentRequest) -> None:
    """Everything that can be checked before reading the volume: outputs, click syntax, the input
    file decoding completely, the volume's size and memory."""
    from bonebench.data.checks import check_output_path, check_volume_file, same_file
    from bonebench.data.volume_io import volume_size
    from bonebench.runtime.session import check_fits

    inputs = [request.volume] + ([request.model] if request.model is not None else [])
    check_output_path(request.out, "mask", inputs, "-o", any_suffix=request.mask_format == "dicom-seg")
    if request.preview is not None:
        check_output_path(request.preview, "preview", inputs, "--preview")
        if same_file(request.preview, request.out):
            raise InputError(f"--preview {request.preview}: is the mask's own path")
    for option, texts in (("--click", request.clicks), ("--bg-click", request.bg_clicks)):
        for text in texts:
            parse_click(text, option, request.click_mm)
    check_range(request.intensity_offset, "--intensity-offset", -MAX_OFFSET, MAX_OFFSET)
    check_volume_file(request.volume)
    size = volume_size(request.volume)
    if size is not None and len(size) == 3:
        check_fits(size[::-1], request.volume)
    _check_memory(request.volume)


def check_hu(hu, volume: Path, intensity_offset: float | None):
    """The volume in HU (float32, the offset added); refuses one that does not look like CT in HU."""
    import numpy as np

    from bonebench.data.intensity import hu_problem
    from bonebench.runtime.session import check_fits

    check_fits(hu.shape, volume)
    hu = hu.astype(np.float32, copy=False)
    if intensity_offset:
        hu = hu + np.float32(intensity_offset)
    problem = hu_problem(hu, confirmed=intensity_offset is not None)
    if problem is not None:
        shifted = f" after --intensity-offset {intensity_offset:g}" if intensity_offset is not None else ""
        raise InputError(f"{volume}: does not look like CT in Hounsfield units{shifted}: {problem}. If the stored "
                         "values are HU plus a constant, pass --intensity-offset N (added to every value, e.g. "
                         "-1024); refusing rather than giving a wrong mask")
    return hu


def _mask_saver(request: SegmentRequest):
    """Choose the mask's format now (refusing a DICOM-SEG of a non-DICOM input before any inference)
    and return save(path, mask, geometry, source, info) that writes it."""
    from bonebench.data.dicom_seg import SegAlgorithm, default_bone_name
    from bonebench.data.mask_output import choose_mask_format, save_mask

    fmt = choose_mask_format(request.volume, request.out, request.mask_format)

    def save(path, mask, geometry, source, info) -> None:
        save_mask(path, fmt, mask, geometry, source, bone=request.bone or default_bone_name(info.label),
                  algorithm=SegAlgorithm.of_model(info))

    return save


def run_segment(request: SegmentRequest) -> str:
    """Check, read, segment (runtime.segment), write the mask and preview together (both or neither);
    returns the summary line."""
    from bonebench.data.atomic import atomic_paths
    from bonebench.data.volume_io import read_volume_with_source
    from bonebench.runtime.segment import segment as segment_volume
    from bonebench.runtime.session import Model

    t0 = time.perf_counter()
    check_request(request)
    save = _mask_saver(request)
    model = Model(request.model, device=request.device, threads=request.threads)
    hu, geometry, source = read_volume_with_source(request.volume)
    hu = check_hu(hu, request.volume, request.intensity_offset)
    clicks = [click_voxel(c, "--click", geometry, request.click_mm) for c in request.clicks]
    bg_clicks = [click_voxel(c, "--bg-click", geometry, request.click_mm) for c in request.bg_clicks]
    t_load = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = segment_volume(hu, model, clicks, bg_clicks, propagate=request.propagate, spacing=geometry.spacing)
    t_infer = time.perf_counter() - t1
    t2 = time.perf_counter()
    with atomic_paths(request.out, request.preview) as (mask_tmp, preview_tmp):
        save(mask_tmp, result.mask, geometry, source, model.info)
        if request.preview is not None:
            from bonebench.runtime.preview import write_preview

            write_preview(preview_tmp, hu, result.mask, result.focus)
    t_save = time.perf_counter() - t2
    return (f"{request.out}: {result.voxels} voxels, {result.voxels * geometry.voxel_volume_ml:.2f} mL, "
            f"{len(result.slices)} slices ({model.info.name} on {model.providers[0].replace('ExecutionProvider', '')}); "
            f"load {t_load:.2f} s, inference {t_infer:.2f} s, save {t_save:.2f} s")


@demo_app.command(cls=OneLineCommand)
def demo(out: Path = typer.Option(Path("demo"), "--out", metavar="FOLDER",
                                  help="folder for the phantom, mask and preview"),
         seed: int = typer.Option(3, "--seed", metavar="N", help="phantom seed: the same seed, the same leg"),
         model_path: Optional[Path] = typer.Option(None, "--model", metavar="FILE", show_default="the shipped model",
                                                   help="ONNX model made by bb-export"),
         device: str = typer.Option("auto", "--device", metavar="auto|cuda|cpu",
                                    help="where to run the model (auto: the GPU if there is one)")) -> None:
    """Make a leg phantom, click once on the right fibula, propagate, and score against the truth."""
    with user_errors():
        from bonebench.data.phantoms import FIBULA, PhantomShape, make_phantom
        from bonebench.data.volume_io import write_volume
        from bonebench.kernels import dice, innermost_point

        from bonebench.data.checks import check_output_path

        volume = out / "phantom.nii.gz"
        for path in (volume, out / "fibula_mask.nii.gz"):
            check_output_path(path, "mask", (), "--out")
        check_output_path(out / "preview.png", "preview", (), "--out")
        hu, labels, geometry = make_phantom(seed, PhantomShape(size_xy=256, slices=60))
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
