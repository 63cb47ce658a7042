"""Shoulder: humeral head with greater and lesser tubercles and shaft; scapula (glenoid, neck, blade
in the scapular plane, spine, acromion over the head, coracoid in front); clavicle from the
acromioclavicular joint towards the sternum; axillary vessels in front; sometimes plate screws.

Region coordinates: origin at the humeral head centre, x lateral for `side`, y posterior, z
superior. Sizes before the patient's scale: head radius 21-24 mm, shaft radius 11-12 mm, glenoid
30x40 mm, blade 130x150 mm and 5-7 mm thick, 35 deg from the coronal plane, acromion 7 mm above
the joint space over the head, clavicle radius 6-8 mm. Glenohumeral and acromioclavicular gaps
are the patient's joint space. Labels: humerus, scapula, clavicle.
"""

from __future__ import annotations

import numpy as np

from bonebench.data.phantoms.anatomy import Bone, Grid, capsule, curve, ellipsoid, frame, tube
from bonebench.data.phantoms.bones import BONE_LABELS as L
from bonebench.data.phantoms.render import Scene, body_layers
from bonebench.data.phantoms.spread import Patient

LABELS = ("humerus", "scapula", "clavicle")
CORE_MM = (150.0, 150.0, 110.0)


def draw(rng: np.random.Generator, patient: Patient) -> dict:
    s = patient.scale
    return dict(s=s, head=rng.uniform(21, 24) * s, shaft=rng.uniform(11, 12) * s,
                blade=rng.uniform(2.5, 3.5) * s, clav=rng.uniform(6, 8) * s, tilt=rng.uniform(-8, 8) * s,
                screw=rng.uniform(2.0, 3.0))


def humerus(grid: Grid, p: dict, patient: Patient, label: int) -> Bone:
    s, side, r = p["s"], patient.side, p["head"]
    lat = np.array([side, 0.0, 0.0])
    bone = Bone("humerus", label, grid)
    bone.add(ellipsoid(grid, (0, 0, 0), (r, r, r)), cortex=1.0, spongy=1.0)
    bone.add(ellipsoid(grid, lat * 10 * s + (0, 0, -14 * s), (20 * s, 20 * s, 26 * s)), cortex=1.0, spongy=1.0)
    bone.add(ellipsoid(grid, lat * 22 * s + (0, -4 * s, 2 * s), (10 * s, 13 * s, 15 * s)), cortex=1.0, spongy=1.0)
    bone.add(ellipsoid(grid, lat * 8 * s + (0, -20 * s, -6 * s), (7 * s, 7 * s, 9 * s)), cortex=1.0, spongy=1.0)
    bone.add(capsule(grid, lat * 10 * s + (0, 0, -30 * s), lat * 12 * s + (0, 0, -80 * s), 17 * s, p["shaft"]),
             cortex=2.0, spongy=1.0)
    bone.add(capsule(grid, lat * 12 * s + (0, 0, -70 * s), lat * 14 * s + (0, 4 * s, -400 * s), p["shaft"]),
             cortex=4.0, spongy=0.0)
    return bone


def scapula(grid: Grid, p: dict, patient: Patient, label: int) -> Bone:
    s, side, r, g = p["s"], patient.side, p["head"], patient.joint_gap
    med = np.array([-side, 0.0, 0.0])
    glenoid = med * (r + g + 7 * s)
    bone = Bone("scapula", label, grid)
    bone.add(ellipsoid(grid, glenoid, (9 * s, 15 * s, 20 * s)), cortex=1.0, spongy=1.0)
    plane = frame(np.array([-side * 0.82, 0.57, 0.0]), np.array([0.0, 0.0, 1.0]))  # scapular plane
    neck = glenoid + plane[:, 0] * 22 * s
    bone.add(capsule(grid, glenoid, neck, 12 * s, 9 * s), cortex=1.2, spongy=1.0)
    bone.add(ellipsoid(grid, neck + plane[:, 0] * 58 * s + (0, 0, -35 * s), (66 * s, 78 * s, p["blade"]), plane),
             cortex=1.0, spongy=0.3)
    spine0 = neck + plane[:, 0] * 100 * s + (0, 0, 15 * s) + plane[:, 2] * side * 4 * s
    acro = np.array([0.0, 24 * s, r + g + 15 * s])
    bone.add(tube(grid, curve([spine0, neck + plane[:, 0] * 30 * s + (0, 8 * s, 22 * s), acro], 8),
                  [4 * s] + [6 * s] * 7), cortex=1.2, spongy=0.5)
    bone.add(capsule(grid, acro, acro + np.array([side * 14 * s, -28 * s, p["tilt"] * 0.3]), 7 * s, 6 * s),
             cortex=1.2, spongy=1.0)
    cor = glenoid + med * 4 * s + (0, -6 * s, 22 * s)
    bone.add(tube(grid, curve([cor, cor + (0, -20 * s, 4 * s), cor + med * -14 * s + (0, -34 * s, -6 * s)], 6),
                  6 * s), cortex=1.2, spongy=1.0)
    return bone.carve_sphere((0, 0, 0), r + g)


def clavicle(grid: Grid, p: dict, patient: Patient, label: int) -> Bone:
    s, side, r = p["s"], patient.side, p["head"]
    def x(medial: float) -> float:
        return -side * medial * s

    z0 = r + patient.joint_gap + 16 * s
    points = [(x(-10), -6 * s, z0), (x(20), -18 * s, z0 + 2 * s), (x(60), -30 * s, z0 - 2 * s),
              (x(110), -28 * s, z0 - 12 * s), (x(150), -40 * s, z0 - 22 * s)]
    bone = Bone("clavicle", label, grid)
    bone.add(tube(grid, curve(points, 14), p["clav"]), cortex=1.8, spongy=0.6)
    return bone


def build(grid: Grid, p: dict, patient: Patient) -> Scene:
    s, side, g = p["s"], patient.side, patient.joint_gap
    scene = Scene(soft=body_layers(grid, (-side * 80 * s, 15 * s), (185 * s, 120 * s), patient))
    if patient.vessel_hu is not None:  # axillary artery and vein, anteromedial
        for dy, r, f in ((-44, 4.0, 1.0), (-54, 6.0, 0.7)):
            scene.soft.append((capsule(grid, (-side * 70 * s, dy * s, 30 * s), (side * 10 * s, dy * s, -120 * s),
                                       r * s), patient.vessel_hu * f))
    hum, sca = humerus(grid, p, patient, L["humerus"]), scapula(grid, p, patient, L["scapula"])
    cla = clavicle(grid, p, patient, L["clavicle"])
    hum.separate_from(sca, g)
    cla.separate_from(sca, g)
    scene.bones = [sca, hum, cla]
    if patient.metal:
        for dz in (-6.0, 8.0):
            scene.metal.append(capsule(grid, (side * 38 * s, -4 * s, dz * s), (-side * 8 * s, 0, dz * s + 4),
                                       p["screw"]))
    return scene
