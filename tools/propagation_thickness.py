"""Propagation's stop rules at clinical slice thicknesses, with a model (issue 17): phantoms of every
region drawn at 0.6-5 mm slices (1.5 mm pixels by default) and the OpenKBP scans as they are; one
click at the innermost point of each bone's largest slice, propagated, then per bone: Dice, how far
the walk fell short of the bone's ends (mm, both ends), whether it stopped inside the bone (short by
more than SHORT_MM at an end), whether it crossed into a neighbour (more than CROSS_SHARE of the mask
in other bones), and the rules that stopped the walks.

    python tools/propagation_thickness.py [--model M.onnx] [--slice-mm 0.6 1.25 2.5 5] [--cases 1]
                                          [--regions knee hip shoulder arm thorax] [--openkbp DIR --openkbp-cases 4]
"""

from __future__ import annotations

import argparse
import math
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from bonebench.data.phantoms import PhantomShape, make_region_phantom
from bonebench.errors import InputError
from bonebench.kernels import dice
from bonebench.runtime.interactive import InteractiveSession
from bonebench.runtime.session import Model
from bonebench.study.one_click import MIN_VOXELS, clicked_bone

SHORT_MM = 10.0
CROSS_SHARE = 0.05
HELD_OUT = 900  # the one-click evaluation's held-out phantom seeds


def phantoms(regions, slice_mm: float, pixel_mm: float, cases: int):
    import importlib

    for r, name in enumerate(regions):
        core = importlib.import_module(f"bonebench.data.phantoms.{name}").CORE_MM
        shape = PhantomShape(size_xy=16 * math.ceil(max(core[:2]) / pixel_mm / 16) + 16,
                             slices=math.ceil(core[2] / slice_mm) + 4, pixel_mm=pixel_mm, slice_mm=slice_mm)
        for i in range(cases):
            hu, labels, geometry = make_region_phantom(name, HELD_OUT + 37 * r + i, shape)
            yield name, slice_mm, hu.astype(np.float32), labels, geometry.spacing


def openkbp(root: Path, count: int):
    from bonebench.data.dataset import Dataset
    from bonebench.data.splits import make_split

    dataset = Dataset(root)
    for case_id in make_split(dataset.case_ids, 0).test[:count]:
        case = dataset.load(case_id, "mandible")
        yield "openkbp", case.geometry.spacing[2], case.hu.astype(np.float32), case.target, case.geometry.spacing


def walk(model: Model, hu, labels, value: int, spacing) -> dict:
    """One bone: click, propagate, and what came of it."""
    target, (x, y, z) = clicked_bone(labels == value)
    session = InteractiveSession(hu, model, spacing)
    try:
        session.click(x, y, z)
    except InputError:  # the innermost point of a thin bone at the field's edge can be air
        return {"dice": 0.0, "short_mm": float("nan"), "inside": False, "crossed": False, "rules": ["click on air"]}
    if not session.mask[z].any():
        return {"dice": 0.0, "short_mm": float("nan"), "inside": True, "crossed": False, "rules": ["nothing at click"]}
    session.propagate()
    mask = session.mask.astype(bool)
    truth_z = np.flatnonzero(target.any(axis=(1, 2)))
    mask_z = np.flatnonzero(mask.any(axis=(1, 2)))
    short = [max(mask_z[0] - truth_z[0], 0) * spacing[2], max(truth_z[-1] - mask_z[-1], 0) * spacing[2]]
    others = (labels > 0) & (labels != value)
    leak = float((mask & others).sum() / mask.sum())
    return {"dice": dice(target, mask), "short_mm": sum(short), "inside": max(short) > SHORT_MM,
            "crossed": leak > CROSS_SHARE, "rules": [rule for _, rule in session.stops.values()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--slice-mm", type=float, nargs="+", default=[0.6, 1.25, 2.5, 5.0])
    parser.add_argument("--pixel-mm", type=float, default=1.5)
    parser.add_argument("--cases", type=int, default=1)
    parser.add_argument("--regions", nargs="+", default=["knee", "hip", "shoulder", "arm", "thorax"])
    parser.add_argument("--openkbp", type=Path, default=None)
    parser.add_argument("--openkbp-cases", type=int, default=4)
    args = parser.parse_args()
    model = Model(args.model, device="cpu", threads=1)
    sources = [c for t in args.slice_mm for c in phantoms(args.regions, t, args.pixel_mm, args.cases)]
    if args.openkbp:
        sources += list(openkbp(args.openkbp, args.openkbp_cases))
    rows = defaultdict(list)
    for name, slice_mm, hu, labels, spacing in sources:
        for value in [int(v) for v in np.unique(labels) if v and (labels == v).sum() >= MIN_VOXELS]:
            rows[(name, round(slice_mm, 2) if name != "openkbp" else "1.5-3.3")].append(walk(model, hu, labels, value, spacing))
    print(f"Model {model.info.name} ({model.path.name}); phantoms at {args.pixel_mm} mm pixels\n")
    print("| source | slice mm | bones | Dice mean | short of the ends mm (mean) | stopped inside | crossed | stop rules |")
    print("|---|---|---|---|---|---|---|---|")
    for (name, slice_mm), items in rows.items():
        rules = Counter(r for item in items for r in item["rules"])
        print(f"| {name} | {slice_mm} | {len(items)} | {np.mean([i['dice'] for i in items]):.3f} | "
              f"{np.nanmean([i['short_mm'] for i in items]):.1f} | {sum(i['inside'] for i in items)} | "
              f"{sum(i['crossed'] for i in items)} | " + ", ".join(f"{k} {v}" for k, v in rules.most_common()) + " |")


if __name__ == "__main__":
    main()
