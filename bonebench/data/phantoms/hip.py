"""Hip: the femoral head in the acetabulum of the pelvis, femoral neck, greater and lesser
trochanters, femoral shaft; femoral vessels in front; sometimes a screw along the femoral neck.

Region coordinates: origin at the femoral head centre, x lateral for `side` (LPS), y posterior,
z superior. Sizes (before the patient's scale): femoral head radius 23-25.5 mm (diameter 46-51),
neck-shaft angle 125-140 deg, anteversion 5-25 deg, neck length 45-55 mm, shaft radius 12-14 mm,
acetabular wall 7-10 mm, opening 40-50 deg inclination and 10-25 deg anteversion, the greater
trochanter's tip near the level of the head centre (so axial slices there show the femur in two
pieces). Labels: femur, pelvis (ilium, ischium, pubis and acetabulum as one hip bone).
"""

from __future__ import annotations

import math

import numpy as np

from bonebench.data.phantoms.anatomy import Bone, Grid, capsule, cup, ellipsoid, frame
from bonebench.data.phantoms.bones import BONE_LABELS
from bonebench.data.phantoms.render import Scene, body_layers
from bonebench.data.phantoms.spread import Patient

LABELS = ("femur", "pelvis")
CORE_MM = (150.0, 130.0, 110.0)


def draw(rng: np.random.Generator, patient: Patient) -> dict:
    s = patient.scale
    return dict(head=rng.uniform(23.0, 25.5) * s, neck_angle=math.radians(rng.uniform(35, 50)),
                anteversion=math.radians(rng.uniform(5, 25)), neck=rng.uniform(45, 55) * s,
                shaft=rng.uniform(12, 14) * s, wall=rng.uniform(7, 10) * s,
                inclination=math.radians(rng.uniform(40, 50)), cup_av=math.radians(rng.uniform(10, 25)),
                troch_up=rng.uniform(28, 36) * s, screw=rng.uniform(3.0, 5.0), s=s)


def _neck_axis(p: dict, side: int) -> np.ndarray:
    """Unit vector from the head centre down the neck to the trochanters (lateral, posterior, down)."""
    a, v = p["neck_angle"], p["anteversion"]
    return np.array([side * math.cos(a) * math.cos(v), math.cos(a) * math.sin(v), -math.sin(a)])


def femur(grid: Grid, p: dict, patient: Patient, label: int) -> Bone:
    side, s, r = patient.side, p["s"], p["head"]
    n = _neck_axis(p, side)
    base = n * p["neck"]  # neck-shaft junction
    lat = np.array([side, 0.0, 0.0])
    bone = Bone("femur", label, grid)
    bone.add(ellipsoid(grid, (0, 0, 0), (r, r, r)), cortex=1.0, spongy=1.0)
    bone.add(capsule(grid, n * 0.4 * r, base, 0.68 * r, 0.78 * r), cortex=2.0, spongy=1.0)
    top = base + lat * 8 * s + np.array([0, 6 * s, p["troch_up"]])
    bone.add(ellipsoid(grid, top - np.array([0, 0, 14 * s]), (13 * s, 17 * s, 20 * s)), cortex=1.0, spongy=1.0)
    lesser = base + np.array([-side * 14 * s, 12 * s, -26 * s])
    bone.add(ellipsoid(grid, lesser, (9 * s, 8 * s, 10 * s)), cortex=1.0, spongy=1.0)
    bone.add(capsule(grid, base + lat * 4 * s, base + np.array([side * 16 * s, -4 * s, -60 * s]),
                     1.35 * p["shaft"], 1.05 * p["shaft"]), cortex=2.5, spongy=1.0)
    bone.add(capsule(grid, base + np.array([side * 14 * s, -4 * s, -50 * s]),
                     base + np.array([-side * 30 * s, -10 * s, -420 * s]), p["shaft"]),  # shaft runs inferomedially
             cortex=5.0, spongy=0.0)
    return bone


def _opening(p: dict, side: int) -> np.ndarray:
    """Unit normal of the acetabular opening: lateral, inferior and anterior."""
    i, v = p["inclination"], p["cup_av"]
    return np.array([side * math.cos(i) * math.cos(v), -math.cos(i) * math.sin(v), -math.sin(i)])


def pelvis(grid: Grid, p: dict, patient: Patient, label: int) -> Bone:
    side, s, r, g = patient.side, p["s"], p["head"], patient.joint_gap
    med = -side
    bone = Bone("pelvis", label, grid)
    bone.add(cup(grid, (0, 0, 0), r + g, r + g + p["wall"], _opening(p, side), 0.15 * r), cortex=1.2, spongy=1.0)
    roof = np.array([med * 14 * s, 4 * s, 26 * s])
    bone.add(capsule(grid, roof, roof + np.array([med * 18 * s, 14 * s, 40 * s]), 16 * s, 13 * s),
             cortex=1.2, spongy=1.0)
    wing = frame(np.array([side * 0.5, -0.85, 0.0]), np.array([0.0, 0.0, 1.0]))  # flares anterolaterally
    bone.add(ellipsoid(grid, roof + np.array([med * 8 * s, 12 * s, 60 * s]), (55 * s, 70 * s, 5 * s), wing),
             cortex=1.2, spongy=0.6)
    isch = np.array([med * 8 * s, 18 * s, -22 * s])
    bone.add(capsule(grid, isch, isch + np.array([med * 6 * s, 14 * s, -42 * s]), 13 * s, 15 * s),
             cortex=1.4, spongy=1.0)
    pub = np.array([med * 14 * s, -16 * s, -16 * s])
    bone.add(capsule(grid, pub, pub + np.array([med * 70 * s, -16 * s, -10 * s]), 10 * s, 9 * s),
             cortex=1.2, spongy=1.0)
    return bone.carve_sphere((0, 0, 0), r + g)


def build(grid: Grid, p: dict, patient: Patient) -> Scene:
    side, s = patient.side, p["s"]
    scene = Scene(soft=body_layers(grid, (-side * 70 * s, 10 * s), (190 * s, 135 * s), patient))
    if patient.vessel_hu is not None:
        for dx, r, f in ((-28, 4.5, 1.0), (-42, 6.5, 0.7)):  # femoral artery, vein (medial)
            a = np.array([side * dx * s, -48 * s, 60 * s])
            scene.soft.append((capsule(grid, a, a + np.array([side * 30 * s, 0, -420 * s]), r * s),
                               patient.vessel_hu * f))
    fem = femur(grid, p, patient, BONE_LABELS["femur"])
    pel = pelvis(grid, p, patient, BONE_LABELS["pelvis"])
    fem.separate_from(pel, patient.joint_gap)  # nothing of the femur closer than the joint space
    scene.bones = [pel, fem]
    if patient.metal:
        n = _neck_axis(p, side)
        scene.metal.append(capsule(grid, n * 0.35 * p["head"], n * (p["neck"] + 25 * s), p["screw"]))
    return scene
