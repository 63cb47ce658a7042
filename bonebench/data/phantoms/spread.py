"""The between-patient spread of the region phantoms: one `Patient` per case, drawn from a seed.

The ranges follow what clinical CT delivers, so that a model trained on phantoms has seen the
geometry, intensities and artefacts of real scans (approximate literature and protocol values;
the phantom needs the right order of magnitude, not a population model):

| quantity | drawn | source (approximate) |
|---|---|---|
| in-plane pixel | 0.5-1.5 mm log-uniform; 15 % coarse 3 mm volumes | FOV / 512 matrix: extremity FOVs 250-300 mm (0.5-0.6 mm), body 350-500 mm (0.7-1.0 mm), large patients and 256 matrices up to 1.5 mm; 3 mm as in resampled research datasets and RT dose grids |
| slice spacing | 0.6-5 mm log-uniform | thin MDCT reconstructions 0.6-0.625 mm (64-row detectors), bone protocols 1-1.25 mm, RT planning 2-3 mm, routine chest/abdomen 5 mm |
| orientation | direction identity or diag(-1,-1,1), 50 % each | both occur in DICOM-to-NIfTI exports (LPS vs RAS-flipped writers) |
| side | left or right joint, 50 % each (thorax: midline) | - |
| anatomy size | scale 0.85-1.15 on every length | femoral head diameter 40-55 mm (women ~43, men ~49), humeral head 40-50 mm |
| bone quality | 30 % osteoporotic | prevalence of low bone density in CT populations over 50 |
| cortical HU | young 1500-1900, osteoporotic 1200-1500 | dense cortex 1200-2000 HU at 120 kVp |
| cortical thickness | x0.9-1.2 young, x0.5-0.75 osteoporotic, on femoral shaft 5 mm, tibia 4.5, humerus 4, radius/ulna 2.5, ends and flat bones 0.6-1.5 mm | femoral mid-shaft cortex 4-7 mm; thinning with age (cortical index) |
| trabecular HU | young 200-400, osteoporotic 60-150 | L1 trabecular attenuation: normal ~200-300 HU, osteoporosis below ~110-160 HU (Pickhardt et al., Ann Intern Med 2013) |
| shaft marrow HU | -80..30 | yellow (fatty) marrow -100..-30 HU, mixed marrow up to ~+40 |
| joint space | 0.5-4 mm log-uniform (bone to bone) | radiographic hip/knee joint space 3-5 mm normal, <1-2 mm in osteoarthritis; glenohumeral 2-4 mm |
| contrast vessels | 55 % of cases; artery 200-400 HU, vein 0.7x | arterial phase 250-400 HU, portal-venous 150-250 HU |
| metal implants | 15 % of cases; 4000 HU before clipping, streaks +-300-900 HU | screws, nails, plates (steel/titanium) saturate the 12-bit scale; streaks from beam hardening and photon starvation |
| noise | SD 6-16 HU at 5 mm slices, x sqrt(5 mm / slice), clipped to 5-45 HU | soft-tissue noise of routine to low-dose protocols; noise grows as 1/sqrt(slice thickness) |
| blur (PSF) | in-plane sigma 0.3-0.9 mm; slice sensitivity: each slice averages its slab | soft to sharp reconstruction kernels (MTF50 ~0.3-0.7 lp/mm); slice sensitivity profile FWHM ~ nominal thickness |
| field of view | crop centre shifted by up to +-20 % of the FOV in-plane and +-15 % along z | targeted and off-centre reconstructions cut bones at the edges |
| soft tissue | muscle 35-65 HU, fat -120..-80 HU, subcutaneous fat 5-30 mm | standard tissue attenuation |

A volume's size in voxels is a parameter (tests use 96x96x24); when it is too small to hold the
region's core anatomy (the region module's CORE_MM box, around its CENTRE_MM) at the drawn spacing, the spacing is made coarser to fit,
as a user resampling to a small grid would, so small volumes get coarse voxels rather than cropping
the joint away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

COARSE_PIXEL_MM = 3.0
PIXEL_MM = (0.5, 1.5)
SLICE_MM = (0.6, 5.0)
JOINT_GAP_MM = (0.5, 4.0)
FLIPPED = (-1.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 1.0)
IDENTITY = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)


@dataclass(frozen=True)
class Patient:
    """Everything about one case that is not the region's anatomy itself."""

    spacing: tuple[float, float, float]  # x, y, z mm
    direction: tuple[float, ...]
    side: int  # -1 right (lateral = -x in LPS), +1 left
    offset: tuple[float, float, float]  # FOV centre in region coordinates, mm
    scale: float
    osteoporotic: bool
    cortical_hu: float
    cortex_scale: float
    trabecular_hu: float
    marrow_hu: float
    joint_gap: float
    vessel_hu: float | None
    metal: bool
    noise_hu: float
    blur_mm: float
    muscle_hu: float
    fat_hu: float
    fat_mm: float


def _log_uniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def draw_spacing(rng: np.random.Generator, size_xy: int, slices: int,
                 core_mm: tuple[float, float, float], fixed: tuple[float | None, float | None] = (None, None)
                 ) -> tuple[float, float, float]:
    """Clinical pixel and slice spacing, made coarser only where the grid cannot hold the core anatomy.
    `fixed` (pixel, slice mm) replaces the drawn values as given (the draws still happen, so the rest
    of the patient is the same for a seed)."""
    pixel = COARSE_PIXEL_MM if rng.random() < 0.15 else _log_uniform(rng, *PIXEL_MM)
    slice_mm = _log_uniform(rng, *SLICE_MM)
    pixel = fixed[0] or max(pixel, max(core_mm[0], core_mm[1]) / size_xy)
    slice_mm = fixed[1] or max(slice_mm, core_mm[2] / slices)
    return (round(pixel, 4), round(pixel, 4), round(slice_mm, 4))


def draw_patient(rng: np.random.Generator, size_xy: int, slices: int,
                 core_mm: tuple[float, float, float], midline: bool = False,
                 fixed: tuple[float | None, float | None] = (None, None)) -> Patient:
    """One patient: scanner geometry, bone quality, joint space, contrast, metal, noise, blur."""
    spacing = draw_spacing(rng, size_xy, slices, core_mm, fixed)
    fov = (spacing[0] * size_xy, spacing[2] * slices)
    porotic = bool(rng.random() < 0.3)
    noise = rng.uniform(6.0, 16.0) * math.sqrt(5.0 / spacing[2])
    return Patient(
        spacing=spacing,
        direction=FLIPPED if rng.random() < 0.5 else IDENTITY,
        side=1 if (midline or rng.random() < 0.5) else -1,
        offset=(float(rng.uniform(-0.2, 0.2) * max(fov[0] - core_mm[0], 0.0) + rng.normal(0, 3)),
                float(rng.uniform(-0.2, 0.2) * max(fov[0] - core_mm[1], 0.0) + rng.normal(0, 3)),
                float(rng.uniform(-0.15, 0.15) * max(fov[1] - core_mm[2], 0.0))),
        scale=float(rng.uniform(0.85, 1.15)),
        osteoporotic=porotic,
        cortical_hu=float(rng.uniform(1200, 1500) if porotic else rng.uniform(1500, 1900)),
        cortex_scale=float(rng.uniform(0.5, 0.75) if porotic else rng.uniform(0.9, 1.2)),
        trabecular_hu=float(rng.uniform(60, 150) if porotic else rng.uniform(200, 400)),
        marrow_hu=float(rng.uniform(-80, 30)),
        joint_gap=_log_uniform(rng, *JOINT_GAP_MM),
        vessel_hu=float(rng.uniform(200, 400)) if rng.random() < 0.55 else None,
        metal=bool(rng.random() < 0.15),
        noise_hu=float(np.clip(noise, 5.0, 45.0)),
        blur_mm=float(rng.uniform(0.3, 0.9)),
        muscle_hu=float(rng.uniform(35, 65)),
        fat_hu=float(rng.uniform(-120, -80)),
        fat_mm=float(rng.uniform(5, 30)),
    )
