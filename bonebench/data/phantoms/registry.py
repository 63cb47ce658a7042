"""The region registry: one entry per phantom region, read by the factory and by `bb-data phantoms`.

Label values are global (`bones.BONE_LABELS`: one value per bone name in every region), so a `mixed`
dataset and the single-region datasets agree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Callable

import numpy as np

from bonebench.data.dataset_layout import DatasetLayout
from bonebench.data.phantoms import arm, hip, knee, legs, shoulder, thorax
from bonebench.data.phantoms.bones import BONE_LABELS
from bonebench.data.phantoms.legs import PhantomShape
from bonebench.data.phantoms.render import render
from bonebench.data.phantoms.spread import draw_patient
from bonebench.errors import InputError


@dataclass(frozen=True)
class Region:
    """A phantom region: its bone names and a maker (seed, shape) -> (HU, labels, geometry)."""

    name: str
    bones: tuple[str, ...]
    make: Callable


def _anatomical(module: ModuleType, midline: bool = False) -> Callable:
    """A maker for a region module (draw + build): patient spread, then anatomy, then rendering."""
    def make(seed: int, shape: PhantomShape):
        rng = np.random.default_rng(seed)
        patient = draw_patient(rng, shape.size_xy, shape.slices, module.CORE_MM, midline=midline,
                               fixed=(shape.pixel_mm, shape.slice_mm))
        centre = getattr(module, "CENTRE_MM", (0.0, 0.0, 0.0))  # where the core box sits around the origin
        patient = replace(patient, offset=tuple(o + c for o, c in zip(patient.offset, centre)))
        params = module.draw(rng, patient)
        return render(module.build, params, patient, shape.size_xy, shape.slices, rng)
    return make


def _mixed(seed: int, shape: PhantomShape):
    """A random region per case (the choice is part of the case's seed)."""
    name = ANATOMICAL_REGIONS[int(np.random.default_rng([seed, 7]).integers(len(ANATOMICAL_REGIONS)))]
    return REGIONS[name].make(seed, shape)


def _registry() -> dict[str, Region]:
    regions = {"legs": Region("legs", ("fibula", "tibia"), legs.make_phantom)}
    for module, midline in ((knee, False), (hip, False), (shoulder, False), (arm, False), (thorax, True)):
        name = module.__name__.rsplit(".", 1)[1]
        regions[name] = Region(name, module.LABELS, _anatomical(module, midline))
    every = tuple(b for b in BONE_LABELS if any(b in r.bones for r in regions.values()))
    regions["mixed"] = Region("mixed", every, _mixed)
    return regions


REGIONS: dict[str, Region] = _registry()
ANATOMICAL_REGIONS: tuple[str, ...] = tuple(n for n in REGIONS if n != "mixed")  # one body part each


def region(name: str) -> Region:
    """The registry entry, or an InputError that lists the valid regions in one line."""
    if name not in REGIONS:
        raise InputError(f"unknown region {name!r}; valid regions: {', '.join(REGIONS)}")
    return REGIONS[name]


def region_labels(name: str) -> dict[str, int]:
    """dataset.json labels of a region: background and each of its bones with its global value."""
    return {"background": 0, **{b: BONE_LABELS[b] for b in region(name).bones}}


def make_region_phantom(name: str, seed: int, shape: PhantomShape = PhantomShape()):
    """One case of a region: HU (int16, z, y, x), labels (uint8, global values) and geometry."""
    return region(name).make(seed, shape)


def write_region_dataset(out: str | Path, name: str, cases: int, seed: int = 0,
                         shape: PhantomShape = PhantomShape()) -> list[str]:
    """Write `cases` phantoms of a region as an nnU-Net raw dataset; `legs` is exactly the historical
    write_phantom_dataset."""
    if region(name).name == "legs":
        return legs.write_phantom_dataset(out, cases, seed, shape)
    layout = DatasetLayout(out)
    case_ids = []
    for i in range(cases):
        case_id = f"{name}_{i:03d}"
        layout.write_case(case_id, *make_region_phantom(name, seed * 100_003 + i, shape))
        case_ids.append(case_id)
    layout.write_meta({"name": f"bonebench-{name}-phantoms",
                       "description": f"Procedural {name} CT phantoms (bonebench), seed {seed}, "
                                      f"{shape.size_xy}x{shape.size_xy}x{shape.slices}",
                       "channel_names": {"0": "CT"}, "labels": region_labels(name), "numTraining": cases,
                       "bonebench_phantom": {"region": name, "seed": seed, "size_xy": shape.size_xy,
                                             "slices": shape.slices, "pixel_mm": shape.pixel_mm,
                                             "slice_mm": shape.slice_mm}})
    return case_ids
