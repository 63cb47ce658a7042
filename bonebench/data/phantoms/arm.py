"""Forearm: radius and ulna from the elbow (olecranon, coronoid, radial head) to the wrist (distal
radius, ulnar head), with the interosseous space between them, the proximal and distal radioulnar
joints, radial and ulnar arteries; sometimes a volar plate with screws on the distal radius.

Region coordinates: origin mid-forearm, z along the forearm (elbow superior, +z), x towards the
radius (lateral for `side`), y posterior. Sizes before the patient's scale: forearm 250 mm long,
olecranon 24x28x40 mm, ulnar shaft radius 7 -> 5.5 mm, radial head radius 11 mm, radial shaft
6.5-7.5 mm with its lateral bow, distal radius 34x22 mm; bones 18-24 mm apart (centre to centre)
mid-shaft. Cortex 2.5 mm on the shafts. Labels: radius, ulna.
"""

from __future__ import annotations

import numpy as np

from bonebench.data.phantoms.anatomy import Bone, Grid, capsule, curve, ellipsoid, rounded_box, tube
from bonebench.data.phantoms.bones import BONE_LABELS as L
from bonebench.data.phantoms.render import Scene, body_layers
from bonebench.data.phantoms.spread import Patient

LABELS = ("radius", "ulna")
CORE_MM = (90.0, 90.0, 200.0)


def draw(rng: np.random.Generator, patient: Patient) -> dict:
    s = patient.scale
    return dict(s=s, apart=rng.uniform(18, 24) * s, bow=rng.uniform(3, 8) * s, rad=rng.uniform(6.5, 7.5) * s,
                uln=rng.uniform(6.5, 7.5) * s, screw=rng.uniform(1.5, 2.0))


def ulna(grid: Grid, p: dict, patient: Patient, label: int) -> Bone:
    s, x0 = p["s"], -p["apart"] / 2 * patient.side
    bone = Bone("ulna", label, grid)
    bone.add(ellipsoid(grid, (x0, 10 * s, 120 * s), (12 * s, 14 * s, 20 * s)), cortex=1.2, spongy=1.0)
    bone.add(ellipsoid(grid, (x0, -4 * s, 104 * s), (10 * s, 8 * s, 10 * s)), cortex=1.2, spongy=1.0)
    path = curve([(x0, 6 * s, 110 * s), (x0, 3 * s, 40 * s), (x0 - patient.side * 2 * s, 3 * s, -40 * s),
                  (x0 - patient.side * 3 * s, 5 * s, -112 * s)], 10)
    radii = np.interp(np.linspace(0, 1, 10), [0, 0.3, 1], [10 * s, p["uln"], 0.8 * p["uln"]])
    bone.add(tube(grid, path, radii), cortex=2.5, spongy=0.0)
    bone.add(ellipsoid(grid, (x0 - patient.side * 3 * s, 5 * s, -118 * s), (8 * s, 8 * s, 8 * s)), cortex=1.0, spongy=1.0)
    return bone


def radius(grid: Grid, p: dict, patient: Patient, label: int) -> Bone:
    s, side, x0 = p["s"], patient.side, p["apart"] / 2 * patient.side
    bone = Bone("radius", label, grid)
    bone.add(ellipsoid(grid, (x0 - side * 4 * s, -2 * s, 104 * s), (11 * s, 11 * s, 6 * s)), cortex=1.0, spongy=1.0)
    path = curve([(x0 - side * 4 * s, -2 * s, 100 * s), (x0, -2 * s, 70 * s), (x0 + side * p["bow"], 0, 0),
                  (x0 + side * 6 * s, -2 * s, -90 * s)], 10)
    radii = np.interp(np.linspace(0, 1, 10), [0, 0.2, 0.75, 1], [7 * s, p["rad"], p["rad"], 8.5 * s])
    bone.add(tube(grid, path, radii), cortex=2.5, spongy=0.0)
    bone.add(ellipsoid(grid, (x0 + side * 4 * s, 0, -108 * s), (17 * s, 11 * s, 20 * s)), cortex=1.0, spongy=1.0)
    return bone


def build(grid: Grid, p: dict, patient: Patient) -> Scene:
    s, side = p["s"], patient.side
    scene = Scene(soft=body_layers(grid, (side * 2 * s, 2 * s), (40 * s, 33 * s), patient))
    if patient.vessel_hu is not None:  # radial and ulnar arteries, anterior
        for x in (p["apart"] / 2 + 6 * s, -p["apart"] / 2 - 2 * s):
            scene.soft.append((capsule(grid, (side * x, -18 * s, 200), (side * x, -16 * s, -200), 1.8 * s),
                               patient.vessel_hu))
    rad, uln = radius(grid, p, patient, L["radius"]), ulna(grid, p, patient, L["ulna"])
    uln.separate_from(rad, patient.joint_gap)
    scene.bones = [rad, uln]
    if patient.metal:  # volar plate and two screws on the distal radius
        x = side * (p["apart"] / 2 + 4 * s)
        scene.metal.append(rounded_box(grid, (x, -14 * s, -92 * s), (10 * s, 1.3, 28 * s), rounding=1.0))
        for z in (-100.0, -80.0):
            scene.metal.append(capsule(grid, (x, -14 * s, z * s), (x, 8 * s, z * s), p["screw"]))
    return scene
