"""Thorax: thoracic vertebrae (body, pedicles, laminae, transverse and spinous processes around the
spinal canal, discs between the bodies), a pair of ribs per vertebra (head at the body, tubercle at
the transverse process, then around the chest wall, sloping down towards the front, bony part
ending before the costal cartilage), the sternum in front; lungs, descending aorta; sometimes
pedicle screws.

Region coordinates: origin in the middle vertebral body, x to the patient's left, y posterior,
z superior. Sizes before the patient's scale: vertebral level 25-29 mm (body 20-24 mm + disc), body
32x26 mm, canal radius 8 mm, rib tube radius 4-5 mm on a chest of 260x190 mm (inner), ribs dropping
35-55 mm from back to front, sternum 30x10 mm. Costovertebral gaps are the patient's joint space.
Labels: vertebra (every vertebra), rib (every rib), sternum.
"""

from __future__ import annotations

import math

import numpy as np

from bonebench.data.phantoms.anatomy import Bone, Grid, capsule, curve, cylinder, rounded_box, tube
from bonebench.data.phantoms.bones import BONE_LABELS as L
from bonebench.data.phantoms.render import Scene, body_layers
from bonebench.data.phantoms.spread import Patient

LABELS = ("vertebra", "rib", "sternum")
CORE_MM = (240.0, 200.0, 80.0)
CENTRE_MM = (0.0, -38.0, 0.0)  # the core box spans the sternum (y ~ -135) to the spinous processes (y ~ +60)


def draw(rng: np.random.Generator, patient: Patient) -> dict:
    s = patient.scale
    return dict(s=s, level=rng.uniform(25, 29) * s, chest=(rng.uniform(125, 140) * s, rng.uniform(88, 100) * s),
                drop=rng.uniform(35, 55) * s, rib=rng.uniform(4.0, 5.0) * s, phase=rng.uniform(0, 1),
                lung_hu=rng.uniform(-900, -780), screw=rng.uniform(2.5, 3.2))


def _levels(grid: Grid, p: dict) -> list[float]:
    """z of each vertebral level whose vertebra or ribs can reach the grid."""
    lo, hi = float(grid.z.min()) - 40.0, float(grid.z.max()) + 70.0
    first, last = math.floor(lo / p["level"] - p["phase"]), math.ceil(hi / p["level"] - p["phase"])
    return [(k + p["phase"]) * p["level"] for k in range(first, last + 1)]


def vertebrae(grid: Grid, p: dict, patient: Patient, label: int) -> Bone:
    s = p["s"]
    bone = Bone("vertebra", label, grid)
    height = p["level"] / 2 - (1.5 + patient.joint_gap) * s
    for z in _levels(grid, p):
        bone.add(cylinder(grid, (0, 0, z), (16 * s, 13 * s), height), cortex=0.8, spongy=1.0)
        for side in (-1, 1):
            bone.add(capsule(grid, (side * 9 * s, 10 * s, z + 2 * s), (side * 10 * s, 24 * s, z), 4.5 * s),
                     cortex=1.0, spongy=1.0)
            bone.add(capsule(grid, (side * 10 * s, 26 * s, z), (0, 34 * s, z - 2 * s), 3.5 * s), cortex=1.0, spongy=1.0)
            bone.add(capsule(grid, (side * 10 * s, 26 * s, z + 3 * s), (side * 28 * s, 32 * s, z + 5 * s), 5 * s,
                             4 * s), cortex=1.0, spongy=1.0)
        bone.add(capsule(grid, (0, 34 * s, z - 2 * s), (0, 54 * s, z - 16 * s), 4 * s, 3 * s), cortex=1.0, spongy=1.0)
    return bone.carve([cylinder(grid, (0, 22 * s, 0), (8 * s, 8 * s))])


def _rib_path(p: dict, z: float, side: int) -> np.ndarray:
    """Head beside the body, tubercle behind the transverse process, angle, then around the wall."""
    s, (a, b) = p["s"], p["chest"]
    ycen = -20 * s
    points = [(side * 16 * s, 12 * s, z + 3 * s), (side * 32 * s, 38 * s, z), (side * 58 * s, 58 * s, z - 4 * s)]
    for phi in np.radians([55, 80, 105, 128]):
        frac = (phi - math.radians(40)) / math.radians(90)
        points.append((side * a * math.sin(phi), ycen + b * math.cos(phi), z - 4 * s - p["drop"] * frac ** 1.5))
    return curve(points, 18)


def ribs(grid: Grid, p: dict, patient: Patient, label: int) -> Bone:
    bone = Bone("rib", label, grid)
    for z in _levels(grid, p):
        for side in (-1, 1):
            bone.add(tube(grid, _rib_path(p, z, side), p["rib"]), cortex=1.0, spongy=1.0)
    return bone


def sternum(grid: Grid, p: dict, patient: Patient, label: int) -> Bone:
    s, b = p["s"], p["chest"][1]
    bone = Bone("sternum", label, grid)
    front = -20 * s - b - 4 * s
    bone.add(rounded_box(grid, (0, front, 0), (15 * s, 5.5 * s, 400.0), rounding=4 * s), cortex=1.2, spongy=1.0)
    return bone


def build(grid: Grid, p: dict, patient: Patient) -> Scene:
    s, (a, b) = p["s"], p["chest"]
    scene = Scene(soft=body_layers(grid, (0, -10 * s), (a + 40 * s, b + 45 * s), patient))
    for side in (-1, 1):  # lungs inside the ribs, mediastinum and spine between them
        scene.soft.append((cylinder(grid, (side * 0.5 * a, -24 * s, 0), (0.42 * a, 0.76 * b)), p["lung_hu"]))
    scene.soft.append((cylinder(grid, (0, -2 * s, 0), (24 * s, 30 * s)), patient.muscle_hu))
    scene.soft.append((cylinder(grid, (0, 0, 0), (16 * s, 13 * s)), 85.0))  # discs
    aorta = patient.vessel_hu if patient.vessel_hu is not None else 40.0
    scene.soft.append((cylinder(grid, (22 * s, -14 * s, 0), (12 * s, 12 * s)), aorta))
    ver, rib = vertebrae(grid, p, patient, L["vertebra"]), ribs(grid, p, patient, L["rib"])
    ver.separate_from(rib, patient.joint_gap)
    scene.bones = [ver, rib, sternum(grid, p, patient, L["sternum"])]
    if patient.metal:
        z = _levels(grid, p)[len(_levels(grid, p)) // 2]
        for side in (-1, 1):
            scene.metal.append(capsule(grid, (side * 24 * s, 44 * s, z), (side * 6 * s, -2 * s, z), p["screw"]))
    return scene
