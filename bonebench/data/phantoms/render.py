"""From a region's anatomy and a patient to HU and labels: partial volume, blur, streaks, noise.

A region builds a `Scene` on a grid (soft tissue and vessels to paint in order, bones, metal);
`render` evaluates it in chunks of slices (memory stays small for big volumes), each output slice
as the mean of a few thinner sub-slices (the slab a thick CT slice integrates), with anti-aliased
edges in-plane (a voxel half inside a bone gets half its HU). Then the reconstruction blur, metal
streaks and correlated noise. A voxel is labelled with a bone when at least half its slab lies in it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from bonebench.data.geometry import VolumeGeometry
from bonebench.data.phantoms.anatomy import Bone, Grid
from bonebench.data.phantoms.legs import _gaussian, _smooth_noise
from bonebench.data.phantoms.spread import Patient

HU_AIR, METAL_HU = -1000.0, 4000.0
CHUNK = 8  # output slices per evaluation chunk


@dataclass
class Scene:
    """What a region draws on one grid: soft (pieces, HU) painted in order, bones, metal pieces."""

    soft: list = field(default_factory=list)
    bones: list[Bone] = field(default_factory=list)
    metal: list = field(default_factory=list)


Builder = Callable[[Grid, dict, Patient], Scene]


def geometry_for(patient: Patient, size_xy: int, slices: int) -> VolumeGeometry:
    """Geometry whose voxel centres are centred on patient.offset, in either axis orientation."""
    sx, sy, sz = patient.spacing
    direction = np.asarray(patient.direction).reshape(3, 3)
    half = np.array([(size_xy - 1) / 2 * sx, (size_xy - 1) / 2 * sy, (slices - 1) / 2 * sz])
    origin = np.asarray(patient.offset) - direction @ half
    return VolumeGeometry(size=(size_xy, size_xy, slices), spacing=patient.spacing,
                          origin=tuple(float(v) for v in origin), direction=patient.direction)


def _grid(geometry: VolumeGeometry, z0: int, z1: int, sub: int) -> Grid:
    """Physical coordinates of columns, rows and the `sub` sub-slices of slices z0..z1-1."""
    sx, sy, sz = geometry.spacing
    d = np.asarray(geometry.direction).reshape(3, 3)
    nx, ny = geometry.size[0], geometry.size[1]
    x = geometry.origin[0] + d[0, 0] * sx * np.arange(nx)
    y = geometry.origin[1] + d[1, 1] * sy * np.arange(ny)
    k = (np.arange(z0 * sub, z1 * sub) + 0.5) / sub - 0.5
    z = geometry.origin[2] + d[2, 2] * sz * k
    return Grid(z=z.astype(np.float32), y=y.astype(np.float32), x=x.astype(np.float32),
                spacing=(sx, sy, sz / sub))


def _occupancy(d: np.ndarray, h: float) -> np.ndarray:
    """Share of a voxel of width h inside a surface at signed distance d (linear ramp)."""
    return np.clip(0.5 - d / h, 0.0, 1.0)


def _paint_soft(hu: np.ndarray, pieces, value: float, h: float) -> None:
    for piece in pieces if isinstance(pieces, list) else [pieces]:
        if piece is not None:
            sl, d = piece
            o = _occupancy(d, h)
            hu[sl] = hu[sl] * (1.0 - o) + value * o


def _paint_bone(hu: np.ndarray, bone: Bone, patient: Patient, texture: np.ndarray, h: float) -> None:
    """Cortical shell of the bone's thickness around trabecular or fatty interior, with texture."""
    outer = _occupancy(bone.distance, h)
    inner = _occupancy(bone.distance + bone.cortex * patient.cortex_scale, h)
    interior = (bone.spongy * patient.trabecular_hu + (1.0 - bone.spongy) * patient.marrow_hu
                + texture * (0.4 + bone.spongy))
    hu *= 1.0 - outer
    hu += patient.cortical_hu * (outer - inner) + interior * inner


def _render_chunk(build: Builder, params: dict, patient: Patient, geometry: VolumeGeometry,
                  z0: int, z1: int, sub: int, texture: np.ndarray):
    """HU (mean over sub-slices), labels and metal share of output slices z0..z1-1."""
    grid = _grid(geometry, z0, z1, sub)
    scene = build(grid, params, patient)
    h = geometry.spacing[0]
    hu = np.full(grid.shape, HU_AIR, dtype=np.float32)
    for pieces, value in scene.soft:
        _paint_soft(hu, pieces, value, h)
    tex = np.repeat(texture[z0:z1], sub, axis=0)
    for bone in scene.bones:
        _paint_bone(hu, bone, patient, tex, h)
    metal = np.zeros(grid.shape, dtype=np.float32)
    _paint_soft(metal, scene.metal, 1.0, h)
    hu = hu * (1.0 - metal) + METAL_HU * metal
    labels = np.zeros((z1 - z0,) + grid.shape[1:], dtype=np.uint8)
    for bone in scene.bones:
        inside = bone.mask.reshape(z1 - z0, sub, *grid.shape[1:]).mean(axis=1) >= 0.5
        labels[inside] = bone.label
    shape = (z1 - z0, sub) + grid.shape[1:]
    return hu.reshape(shape).mean(axis=1), labels, metal.reshape(shape).mean(axis=1)


def _streaks(hu: np.ndarray, metal: np.ndarray, rng: np.random.Generator, spacing) -> None:
    """Bright and dark bands through the metal on each slice that holds some (beam hardening)."""
    ny, nx = hu.shape[1:]
    yy, xx = np.mgrid[0:ny, 0:nx].astype(np.float32)
    angles = rng.uniform(0, math.pi, size=8)
    amps = rng.uniform(300, 900, size=8) * rng.choice([-1.0, 1.0], size=8)
    width = max(1.0, 1.5 / spacing[0])
    for z in np.nonzero(metal.max(axis=(1, 2)) > 0.3)[0]:
        cy, cx = (np.argwhere(metal[z] > 0.3).mean(axis=0))
        r = np.hypot(yy - cy, xx - cx) * spacing[0]
        fall = np.exp(-r / 120.0)
        for a, amp in zip(angles, amps):
            across = (xx - cx) * math.sin(a) - (yy - cy) * math.cos(a)
            hu[z] += amp * fall * np.exp(-(across / width) ** 2)


def render(build: Builder, params: dict, patient: Patient, size_xy: int, slices: int,
           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, VolumeGeometry]:
    """The whole case: int16 HU clipped to [-1024, 3071], uint8 labels, geometry."""
    geometry = geometry_for(patient, size_xy, slices)
    sx, _, sz = geometry.spacing
    sub = int(min(4, max(1, math.ceil(sz / max(sx, 1.0)))))
    shape = (slices, size_xy, size_xy)
    texture = 60.0 * _smooth_noise(rng, shape, sigma_mm=1.2, spacing=geometry.spacing)
    hu = np.empty(shape, dtype=np.float32)
    labels = np.empty(shape, dtype=np.uint8)
    metal = np.empty(shape, dtype=np.float32)
    for z0 in range(0, slices, CHUNK):
        z1 = min(slices, z0 + CHUNK)
        hu[z0:z1], labels[z0:z1], metal[z0:z1] = _render_chunk(build, params, patient, geometry,
                                                               z0, z1, sub, texture)
    hu = _gaussian(hu, (patient.blur_mm, patient.blur_mm, 0.01), geometry.spacing)
    if metal.max() > 0.3:
        _streaks(hu, metal, rng, geometry.spacing)
    hu += patient.noise_hu * _smooth_noise(rng, shape, sigma_mm=0.6 * sx, spacing=geometry.spacing)
    return np.clip(np.rint(hu), -1024, 3071).astype(np.int16), labels, geometry


def body_layers(grid: Grid, center, radii, patient: Patient, skin_hu: float = 45.0) -> list:
    """Skin, subcutaneous fat and muscle of a limb or trunk: nested elliptic columns along z."""
    from bonebench.data.phantoms.anatomy import cylinder

    rx, ry = radii
    fat = min(patient.fat_mm, 0.35 * min(rx, ry))
    return [(cylinder(grid, (center[0], center[1], 0.0), (rx, ry)), skin_hu),
            (cylinder(grid, (center[0], center[1], 0.0), (rx - 1.5, ry - 1.5)), patient.fat_hu),
            (cylinder(grid, (center[0], center[1], 0.0), (rx - fat, ry - fat)), patient.muscle_hu)]
