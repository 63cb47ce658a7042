"""Procedural lower-leg CT phantoms, so the study can run anywhere without its private data.

Each case holds both legs on a scanner table: per leg skin, subcutaneous fat, muscle with fat septa,
a tibia (large, roughly triangular, cortical shell around marrow) and a fibula (small,
posterolateral), all changing smoothly along z, with wider bone ends (metaphyses with trabecular
bone). The image is blurred like a reconstruction kernel and carries correlated noise. Labels:
1 = fibula, 2 = tibia. Deterministic for a seed; written as an nnU-Net raw dataset.

Orientation follows LPS / radiological display: the patient's right leg has the smaller x index,
anterior is small y, the table is at large y, and slice 0 is proximal (knee side).

Hand-written because no library makes anatomical CT phantoms of the leg; the blur is SimpleITK's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import SimpleITK as sitk

from bonebench.data.dataset_layout import DatasetLayout
from bonebench.data.geometry import VolumeGeometry
from bonebench.errors import InputError

FIBULA, TIBIA = 1, 2
LABELS = {"background": 0, "fibula": FIBULA, "tibia": TIBIA}

HU_AIR, HU_FAT, HU_SKIN = -1000.0, -95.0, 45.0


@dataclass(frozen=True)
class PhantomShape:
    size_xy: int = 256
    slices: int = 100
    pixel_mm: float | None = None  # region phantoms: this in-plane pixel size instead of a drawn one
    slice_mm: float | None = None  # region phantoms: this slice spacing instead of a drawn one


@dataclass(frozen=True)
class _Leg:
    side: int  # -1 right leg (lateral = -x), +1 left leg
    center: tuple[float, float]  # mm, in-plane, at mid-length
    drift: tuple[float, float]  # mm change of the center from knee to ankle
    calf_radius: float
    ankle_radius: float
    belly_t: float
    harmonics: tuple[tuple[float, float], ...]  # (amplitude, phase) for k = 2, 3, 4
    fat: float
    tibia_offset: tuple[float, float]
    tibia_radius: float
    tibia_cortex: float
    tibia_hu: float
    fibula_offset: tuple[float, float]
    fibula_drift: tuple[float, float]
    fibula_radius: float
    fibula_cortex: float
    fibula_hu: float
    fibula_phase: float
    septa: tuple[float, ...]  # angles of the fat septa


@dataclass(frozen=True)
class _Patient:
    spacing_xy: float
    spacing_z: float
    table_y: float  # mm below the image centre where the table top lies
    muscle_hu: float
    marrow_hu: float
    noise_hu: float
    blur_mm: float
    legs: tuple[_Leg, _Leg]


def _draw_patient(rng: np.random.Generator, shape: PhantomShape) -> _Patient:
    fov = rng.uniform(300.0, 360.0)
    length = rng.uniform(300.0, 360.0)
    half_sep = rng.uniform(62.0, 80.0)
    calf = rng.uniform(50.0, 62.0)
    legs = []
    for side in (-1, 1):
        legs.append(_Leg(
            side=side,
            center=(side * half_sep + rng.normal(0, 3), rng.normal(0, 4)),
            drift=(side * rng.uniform(-8, 4), rng.uniform(-6, 6)),
            calf_radius=calf * rng.uniform(0.95, 1.05),
            ankle_radius=rng.uniform(38.0, 44.0),
            belly_t=rng.uniform(0.2, 0.35),
            harmonics=tuple((rng.uniform(0.0, 0.05), rng.uniform(0, 2 * math.pi)) for _ in range(3)),
            fat=rng.uniform(4.0, 14.0),
            tibia_offset=(-side * rng.uniform(4, 9), -rng.uniform(12, 18)),
            tibia_radius=rng.uniform(11.0, 14.0),
            tibia_cortex=rng.uniform(3.5, 5.5),
            tibia_hu=rng.uniform(1300, 1700),
            fibula_offset=(side * rng.uniform(20, 25), rng.uniform(4, 9)),
            fibula_drift=(side * rng.uniform(-2, 3), -rng.uniform(3, 8)),
            fibula_radius=rng.uniform(5.5, 7.5),
            fibula_cortex=rng.uniform(2.0, 3.0),
            fibula_hu=rng.uniform(1200, 1600),
            fibula_phase=rng.uniform(0, 2 * math.pi),
            septa=tuple(rng.uniform(0, 2 * math.pi, size=int(rng.integers(3, 6)))),
        ))
    return _Patient(
        spacing_xy=fov / shape.size_xy,
        spacing_z=length / shape.slices,
        table_y=max(leg.center[1] + 0.9 * leg.calf_radius for leg in legs) - rng.uniform(0.0, 4.0),
        muscle_hu=rng.uniform(40.0, 60.0),
        marrow_hu=rng.uniform(-60.0, 20.0),
        noise_hu=rng.uniform(12.0, 25.0),
        blur_mm=rng.uniform(0.6, 1.0),
        legs=(legs[0], legs[1]),
    )


def _bump(t: float, at: float, width: float) -> float:
    return math.exp(-((t - at) / width) ** 2)


def _bone_radius(shaft: float, t: float, proximal: float, distal: float) -> float:
    """Shaft radius widened towards the knee (t=0) and the ankle (t=1)."""
    return shaft * (1.0 + proximal * _bump(t, 0.0, 0.09) + distal * _bump(t, 1.0, 0.08))


def _polar(xx: np.ndarray, yy: np.ndarray, cx: float, cy: float) -> tuple[np.ndarray, np.ndarray]:
    dx, dy = xx - cx, yy - cy
    return np.hypot(dx, dy), np.arctan2(dy, dx)


def _paint_bone(hu: np.ndarray, label: np.ndarray, value: int, r: np.ndarray, theta: np.ndarray, *,
                radius: float, lobes: float, apex: float, cortex: float, cortical_hu: float,
                inner_hu: float, texture: np.ndarray) -> None:
    """A rounded-triangle bone: cortical shell of the given thickness around marrow or trabecula."""
    wave = np.cos(3.0 * (theta - apex))
    bone = r <= radius * (1.0 + lobes * wave)
    inner = r <= max(radius - cortex, 0.5) * (1.0 + 0.3 * lobes * wave)
    hu[bone] = cortical_hu
    hu[inner] = inner_hu + texture[inner]
    label[bone] = value


def _leg_slice(hu: np.ndarray, label: np.ndarray, xx: np.ndarray, yy: np.ndarray, leg: _Leg,
               patient: _Patient, t: float, texture: np.ndarray) -> None:
    cx = leg.center[0] + leg.drift[0] * (t - 0.5)
    cy = leg.center[1] + leg.drift[1] * (t - 0.5)
    r, theta = _polar(xx, yy, cx, cy)
    radius = leg.ankle_radius + (leg.calf_radius - leg.ankle_radius) * _bump(t, leg.belly_t, 0.45)
    wobble = 1.0 + sum(a * np.cos((k + 2) * theta + ph + 2.0 * t) for k, (a, ph) in enumerate(leg.harmonics))
    outline = radius * wobble
    inside = (r <= outline) & (yy <= patient.table_y - 0.0005 * xx ** 2)
    fat_depth = leg.fat * (0.7 + 0.6 * _bump(t, leg.belly_t, 0.6)) * (1.0 + 0.25 * np.sin(theta + leg.side))
    muscle = inside & (r <= outline - fat_depth)
    hu[inside] = HU_FAT
    skin = inside & (r > outline - 1.8)
    hu[skin] = HU_SKIN
    hu[muscle] = patient.muscle_hu + 0.5 * texture[muscle]

    # Fat septa between muscle compartments: thin curved bands from near the bones outwards.
    for angle in leg.septa:
        a = angle + 0.3 * math.sin(3.0 * t + angle)
        along = (xx - cx) * math.cos(a) + (yy - cy) * math.sin(a)
        across = -(xx - cx) * math.sin(a) + (yy - cy) * math.cos(a)
        curve = 0.004 * along ** 2 * math.copysign(1.0, math.sin(angle * 3.0))
        band = muscle & (along > 18.0) & (np.abs(across - curve) < 0.9)
        hu[band] = HU_FAT + 20.0

    trabecular = _bump(t, 0.0, 0.1) + _bump(t, 1.0, 0.09)
    tib_r = _bone_radius(leg.tibia_radius, t, 0.75, 0.45)
    tx, ty = cx + leg.tibia_offset[0], cy + leg.tibia_offset[1]
    rt, tht = _polar(xx, yy, tx, ty)
    _paint_bone(hu, label, TIBIA, rt, tht, radius=tib_r, lobes=0.17 * (1.0 - 0.6 * trabecular),
                apex=-math.pi / 2, cortex=leg.tibia_cortex * (1.0 - 0.65 * trabecular) + 0.8,
                cortical_hu=leg.tibia_hu * (1.0 - 0.35 * trabecular),
                inner_hu=patient.marrow_hu + 320.0 * trabecular, texture=texture)

    fib_r = _bone_radius(leg.fibula_radius, t, 0.7, 0.6)
    fx = cx + leg.fibula_offset[0] + leg.fibula_drift[0] * (t - 0.5)
    fy = cy + leg.fibula_offset[1] + leg.fibula_drift[1] * (t - 0.5)
    # Keep the fibula clear of the (wider) tibia near the bone ends.
    gap = math.hypot(fx - tx, fy - ty)
    needed = tib_r * 1.2 + fib_r * 1.15 + 3.0
    if gap < needed:
        fx, fy = tx + (fx - tx) * needed / gap, ty + (fy - ty) * needed / gap
    rf, thf = _polar(xx, yy, fx, fy)
    _paint_bone(hu, label, FIBULA, rf, thf, radius=fib_r, lobes=0.13, apex=leg.fibula_phase + 1.5 * t,
                cortex=leg.fibula_cortex * (1.0 - 0.5 * trabecular) + 0.5,
                cortical_hu=leg.fibula_hu * (1.0 - 0.3 * trabecular),
                inner_hu=patient.marrow_hu + 150.0 + 250.0 * trabecular, texture=texture)


def _table(hu: np.ndarray, xx: np.ndarray, yy: np.ndarray, top: float) -> None:
    """A curved carbon-fibre couch: thin dense shells around a foam core."""
    sag = top - 0.0005 * xx ** 2
    depth = yy - sag
    hu[(depth >= 1.0) & (depth < 4.0)] = 250.0
    hu[(depth >= 4.0) & (depth < 34.0)] = -850.0
    hu[(depth >= 34.0) & (depth < 37.0)] = 250.0


def make_phantom(seed: int, shape: PhantomShape = PhantomShape()) -> tuple[np.ndarray, np.ndarray, VolumeGeometry]:
    """One lower-leg CT: HU (int16, z, y, x), labels (uint8: 1 fibula, 2 tibia) and geometry."""
    if shape.pixel_mm or shape.slice_mm:
        raise InputError("legs phantoms size their own voxels (field of view / matrix); "
                         "a chosen pixel or slice size needs another --region")
    rng = np.random.default_rng(seed)
    patient = _draw_patient(rng, shape)
    n, nz, s = shape.size_xy, shape.slices, patient.spacing_xy
    coords = (np.arange(n, dtype=np.float32) - (n - 1) / 2.0) * s
    xx, yy = np.meshgrid(coords, coords)
    hu = np.full((nz, n, n), HU_AIR, dtype=np.float32)
    labels = np.zeros((nz, n, n), dtype=np.uint8)
    texture_field = _smooth_noise(rng, (nz, n, n), sigma_mm=2.5, spacing=(s, s, patient.spacing_z))
    texture_field *= 25.0
    for z in range(nz):
        t = z / max(nz - 1, 1)
        _table(hu[z], xx, yy, patient.table_y)
        for leg in patient.legs:
            _leg_slice(hu[z], labels[z], xx, yy, leg, patient, t, texture_field[z])

    geometry = VolumeGeometry(size=(n, n, nz), spacing=(s, s, patient.spacing_z),
                              origin=(-(n - 1) / 2.0 * s, -(n - 1) / 2.0 * s, 0.0),
                              direction=(1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0))
    blurred = _gaussian(hu, (patient.blur_mm, patient.blur_mm, 0.4 * patient.spacing_z), geometry.spacing)
    noise = _smooth_noise(rng, hu.shape, sigma_mm=0.6 * s, spacing=(s, s, patient.spacing_z))
    blurred += patient.noise_hu * noise
    return np.clip(np.rint(blurred), -1024, 3071).astype(np.int16), labels, geometry


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int, int], *, sigma_mm: float,
                  spacing: tuple[float, float, float]) -> np.ndarray:
    """Gaussian noise smoothed in-plane with SimpleITK, rescaled to unit standard deviation."""
    smooth = _gaussian(rng.standard_normal(shape, dtype=np.float32), (sigma_mm, sigma_mm, 0.01), spacing)
    smooth /= max(float(smooth.std()), 1e-6)
    return smooth


def _gaussian(volume: np.ndarray, sigma_mm: tuple[float, float, float],
              spacing: tuple[float, float, float]) -> np.ndarray:
    """SimpleITK's recursive Gaussian (x, y, z order); slice by slice when there are too few slices
    for a z pass (the filter needs four along every axis it smooths)."""
    if volume.shape[0] >= 4:
        image = sitk.GetImageFromArray(volume)
        image.SetSpacing(spacing)
        return sitk.GetArrayFromImage(sitk.SmoothingRecursiveGaussian(image, list(sigma_mm)))
    out = np.empty_like(volume)
    for z, plane in enumerate(volume):
        image = sitk.GetImageFromArray(plane)
        image.SetSpacing(spacing[:2])
        out[z] = sitk.GetArrayFromImage(sitk.SmoothingRecursiveGaussian(image, list(sigma_mm[:2])))
    return out


def write_phantom_dataset(out: str | Path, cases: int, seed: int = 0,
                          shape: PhantomShape = PhantomShape()) -> list[str]:
    """Write `cases` phantoms as an nnU-Net raw dataset (data.dataset_layout)."""
    layout = DatasetLayout(out)
    case_ids = []
    for i in range(cases):
        case_id = f"leg_{i:03d}"
        layout.write_case(case_id, *make_phantom(seed * 100_003 + i, shape))
        case_ids.append(case_id)
    layout.write_meta({
        "name": "bonebench-leg-phantoms",
        "description": f"Procedural lower-leg CT phantoms (bonebench), seed {seed}, "
                       f"{shape.size_xy}x{shape.size_xy}x{shape.slices}",
        "channel_names": {"0": "CT"},
        "labels": LABELS,
        "numTraining": cases,
        "bonebench_phantom": {"seed": seed, "size_xy": shape.size_xy, "slices": shape.slices},
    })
    return case_ids
