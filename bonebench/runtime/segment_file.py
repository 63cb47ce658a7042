"""Segmenting a file, the use case behind bb-segment, bb-demo and the napari widget's save: check
the request before any heavy work, read the volume as HU, run segment(), and write the mask (a
volume or a DICOM-SEG) and the preview atomically, both or neither, never onto an input (by path
or inode). Torch-free; the CLIs only parse."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from bonebench.data.checks import check_output_path, same_file
from bonebench.data.dicom_seg import bone_name
from bonebench.data.geometry import VolumeGeometry
from bonebench.data.mask_output import MaskTarget
from bonebench.errors import InputError
from bonebench.kernels.cache import COMPILING, cache_is_cold
from bonebench.protocol.kinds import INTERACTIVE
from bonebench.runtime.click_text import parse_click, place_clicks
from bonebench.runtime.plausibility import plausibility_warning
from bonebench.runtime.preview import write_preview
from bonebench.runtime.segment import segment
from bonebench.runtime.session import Model
from bonebench.runtime.volume_input import as_ct, check_volume_input, read_values


@dataclass(frozen=True)
class SegmentRequest:
    """What the user asked bb-segment (or bb-demo) for, clicks as typed: checked and run by run_segment."""

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


def check_request(request: SegmentRequest) -> MaskTarget:
    """Everything that can be checked before reading the volume: the outputs (and the mask's format),
    the clicks' syntax, the input file decoding completely, its size and memory. Returns the mask's
    checked target."""
    target = MaskTarget.check(request.out, request.volume, others=[request.model], requested=request.mask_format)
    if request.preview is not None:
        check_output_path(request.preview, "preview", target.inputs, "--preview")
        if same_file(request.preview, request.out):
            raise InputError(f"--preview {request.preview}: is the mask's own path")
    if request.bone is not None:
        bone_name(request.bone)
    for option, texts in (("--click", request.clicks), ("--bg-click", request.bg_clicks)):
        for text in texts:
            parse_click(text, option, request.click_mm)
    check_volume_input(request.volume)
    return target


def run_segment(request: SegmentRequest, report: Callable[[str], None] | None = None,
                warn: Callable[[str], None] | None = None) -> str:
    """Check, read, segment (runtime.segment), write the mask and preview together (both or neither);
    returns the summary line (naming the bones the model was trained on). `report` gets progress
    lines (the one-time kernel compilation), `warn` the plausibility warning when the mask is
    unlikely to be the clicked bone (runtime.plausibility; the mask is written all the same)."""
    t0 = time.perf_counter()
    target = check_request(request)
    model = Model(request.model, device=request.device, threads=request.threads)
    values, geometry, source = read_values(request.volume)
    clicks, bg_clicks = place_clicks(request.clicks, request.bg_clicks, geometry, request.click_mm, values)
    ct = as_ct(request.volume, values, geometry, source, request.intensity_offset)
    if report is not None and cache_is_cold():
        report(COMPILING)
    t1 = time.perf_counter()
    result = segment(ct.hu, model, clicks, bg_clicks, propagate=request.propagate, spacing=ct.geometry.spacing)
    t2 = time.perf_counter()
    bone = None if request.bone is None else bone_name(request.bone)
    extra = [] if request.preview is None else \
        [(request.preview, lambda tmp: write_preview(tmp, ct.hu, result.mask, result.focus, clicks=clicks,
                                                     bg_clicks=bg_clicks, bone=bone or _shown_bone(model)))]
    target.save(result.mask, ct.geometry, model.info, bone=bone, source=ct.source, extra=extra)
    doubt = plausibility_warning(ct.hu, result.mask, ct.geometry.voxel_volume_ml, model.info.label)
    if warn is not None and doubt is not None:
        warn(doubt)
    where = model.providers[0].replace("ExecutionProvider", "")
    return (f"{request.out}: {result.voxels} voxels, {result.voxels * ct.geometry.voxel_volume_ml:.2f} mL, "
            f"{len(result.slices)} slices ({model.info.name} on {where}, trained on "
            f"{model.info.label.replace(',', ', ')}); load {t1 - t0:.2f} s, "
            f"inference {t2 - t1:.2f} s, save {time.perf_counter() - t2:.2f} s")


def _shown_bone(model: Model) -> str:
    """The preview legend's name for the mask: an automatic model's target; an interactive one
    segments whichever bone was clicked."""
    return "clicked bone" if model.info.kind == INTERACTIVE else model.info.label


def save_labels(path: str | os.PathLike, labels: np.ndarray, geometry: VolumeGeometry, *,
                volume: str | os.PathLike | None, model: Model) -> tuple[str, list[Path]]:
    """Write a labels volume (the napari widget's bones) with the input's geometry, under the checks
    bb-segment's -o gets (messages name the path alone): never onto `volume` or the model, a mask
    extension, a DICOM-SEG only of a DICOM series. Returns the format and the files written."""
    target = MaskTarget.check(path, volume, others=[model.path], option="")
    return target.format, target.save(labels, geometry, model.info)
