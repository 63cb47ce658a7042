"""Knee: femoral condyles (with the intercondylar notch, so low axial slices show the femur in two
pieces) and trochlea, patella in front of the trochlea, tibial plateau and shaft, fibular head
under the lateral tibial condyle; popliteal vessels behind; sometimes a tibial nail.

Region coordinates: origin on the joint line between condyles and plateau, x lateral for `side`,
y posterior, z superior. Sizes before the patient's scale: condyles 14x28x22 mm semi-axes, 42 mm
apart (bicondylar width ~75-85 mm), plateau 76x52 mm, femoral and tibial shaft radius 13-15 mm,
patella 44x20x48 mm, fibular head radius ~11 mm with its shaft 7 mm. The tibiofemoral,
patellofemoral and proximal tibiofibular gaps are the patient's joint space.
Labels: femur, tibia, fibula, patella.
"""

from __future__ import annotations

import numpy as np

from bonebench.data.phantoms.anatomy import Bone, Grid, capsule, cylinder, ellipsoid
from bonebench.data.phantoms.bones import BONE_LABELS as L
from bonebench.data.phantoms.render import Scene, body_layers
from bonebench.data.phantoms.spread import Patient

LABELS = ("femur", "tibia", "fibula", "patella")
CORE_MM = (120.0, 120.0, 110.0)


def draw(rng: np.random.Generator, patient: Patient) -> dict:
    s = patient.scale
    return dict(s=s, shaft=rng.uniform(13, 15) * s, condyle=rng.uniform(21, 23) * s,
                notch=rng.uniform(19, 23) * s, plateau=rng.uniform(36, 40) * s,
                fib_head=rng.uniform(9.5, 12) * s, nail=rng.uniform(4.0, 5.5))


def femur(grid: Grid, p: dict, patient: Patient, label: int) -> Bone:
    s, g, c = p["s"], patient.joint_gap, p["condyle"]
    bone = Bone("femur", label, grid)
    for x in (-p["notch"], p["notch"]):  # medial and lateral condyles
        bone.add(ellipsoid(grid, (x, 6 * s, c + g / 2), (14 * s, 28 * s, c)), cortex=1.0, spongy=1.0)
    bone.add(ellipsoid(grid, (0, -8 * s, 38 * s), (32 * s, 16 * s, 22 * s)), cortex=1.0, spongy=1.0)
    bone.add(ellipsoid(grid, (0, 4 * s, 50 * s), (36 * s, 24 * s, 26 * s)), cortex=1.2, spongy=1.0)
    bone.add(capsule(grid, (0, 0, 60 * s), (0, 4 * s, 110 * s), 22 * s, p["shaft"]), cortex=2.5, spongy=1.0)
    bone.add(capsule(grid, (0, 4 * s, 100 * s), (8 * s, 6 * s, 420 * s), p["shaft"]), cortex=4.5, spongy=0.0)
    return bone


def tibia(grid: Grid, p: dict, patient: Patient, label: int) -> Bone:
    s, g, w = p["s"], patient.joint_gap, p["plateau"]
    bone = Bone("tibia", label, grid)
    bone.add(cylinder(grid, (0, 4 * s, -g / 2 - 12 * s), (w, 26 * s), 12 * s), cortex=1.0, spongy=1.0)
    bone.add(ellipsoid(grid, (0, 0, -34 * s), (0.8 * w, 22 * s, 26 * s)), cortex=1.2, spongy=1.0)
    bone.add(ellipsoid(grid, (0, -22 * s, -40 * s), (10 * s, 8 * s, 12 * s)), cortex=1.2, spongy=1.0)
    bone.add(capsule(grid, (0, -2 * s, -50 * s), (0, -2 * s, -100 * s), 20 * s, p["shaft"]), cortex=2.5, spongy=1.0)
    bone.add(capsule(grid, (0, -2 * s, -90 * s), (-6 * s, 2 * s, -420 * s), p["shaft"]), cortex=4.5, spongy=0.0)
    return bone


def fibula(grid: Grid, p: dict, patient: Patient, label: int) -> Bone:
    s, side, r = p["s"], patient.side, p["fib_head"]
    head = np.array([side * (0.8 * p["plateau"]), 22 * s, -36 * s])
    bone = Bone("fibula", label, grid)
    bone.add(ellipsoid(grid, head, (r, r, 1.2 * r)), cortex=1.0, spongy=1.0)
    bone.add(capsule(grid, head, head + np.array([side * 2 * s, 4 * s, -60 * s]), 0.8 * r, 7 * s),
             cortex=1.5, spongy=0.5)
    bone.add(capsule(grid, head + np.array([side * 2 * s, 4 * s, -50 * s]),
                     head + np.array([side * 4 * s, 8 * s, -420 * s]), 7 * s), cortex=2.5, spongy=0.0)
    return bone


def patella(grid: Grid, p: dict, patient: Patient, label: int) -> Bone:
    s, g = p["s"], patient.joint_gap
    front = -8 * s - 16 * s  # front of the trochlea at x = 0, z = 38 s
    bone = Bone("patella", label, grid)
    bone.add(ellipsoid(grid, (0, front - g - 10 * s, 40 * s), (22 * s, 10 * s, 24 * s)), cortex=1.2, spongy=1.0)
    return bone


def build(grid: Grid, p: dict, patient: Patient) -> Scene:
    s, side, g = p["s"], patient.side, patient.joint_gap
    scene = Scene(soft=body_layers(grid, (side * 4 * s, 4 * s), (64 * s, 60 * s), patient))
    if patient.vessel_hu is not None:  # popliteal artery and vein behind the joint
        for dx, r, f in ((-4, 3.5, 1.0), (6, 5.0, 0.7)):
            scene.soft.append((capsule(grid, (side * dx * s, 44 * s, 300), (side * dx * s, 40 * s, -300), r * s),
                               patient.vessel_hu * f))
    fem, tib = femur(grid, p, patient, L["femur"]), tibia(grid, p, patient, L["tibia"])
    fib, pat = fibula(grid, p, patient, L["fibula"]), patella(grid, p, patient, L["patella"])
    tib.separate_from(fem, g)
    tib.separate_from(fib, g)
    pat.separate_from(fem, g)
    scene.bones = [fem, tib, fib, pat]
    if patient.metal:
        scene.metal.append(capsule(grid, (0, -6 * s, -20 * s), (-6 * s, 0, -420 * s), p["nail"]))
    return scene
