"""The numbers behind the models' pixel size (bonebench/protocol/spacing.py, issue 17), measured
without training: for candidate pixel sizes, (1) how well bone masks survive the round trip to that
pixel size and back (3D Dice per bone; `soft`: each bone's share resampled linearly there and back,
then > 0.5, which is what the runtime does with a perfect model's probability; `labels`: the
training label maps, label-wise; `nearest`: nearest neighbour both ways), (2) the share of bone
cross-sections (axial slices of one bone) whose bounding box fits a 96x96 training patch, and (3)
the pixels per slice the runtime then handles.

    python tools/pixel_size.py [--pixel-mm 1.0 1.5] [--cases 2] [--openkbp DIR --openkbp-cases 10]

Phantoms: every region but legs, drawn at 0.5, 1 and 3 mm pixels (5 mm slices, the whole core).
"""

from __future__ import annotations

import argparse
import math
from collections import defaultdict
from pathlib import Path

import numpy as np

from bonebench.data.phantoms import REGIONS, PhantomShape, make_region_phantom
from bonebench.data.phantoms.registry import BONE_LABELS
from bonebench.data.resample import inplane_shape
from bonebench.kernels import dice, label_components, resize_labels, resize_linear, resize_nearest

NATIVE_MM = (0.5, 1.0, 3.0)
SLICE_MM = 5.0
PATCH = 96
MANDIBLE = 99  # OpenKBP's one bone, a value no phantom bone has
NAMES = {**{v: k for k, v in BONE_LABELS.items()}, MANDIBLE: "mandible"}


def phantom_cases(cases: int):
    """(source, native pixel mm, labels, spacing xyz) for each region at each native pixel size."""
    import importlib

    for name in REGIONS:
        if name in ("legs", "mixed"):
            continue
        module = importlib.import_module(f"bonebench.data.phantoms.{name}")
        size = max(module.CORE_MM[:2])
        slices = int(math.ceil(module.CORE_MM[2] / SLICE_MM)) + 2
        for native in NATIVE_MM:
            side = 16 * int(math.ceil(size / native / 16)) + 32
            for seed in range(cases):
                shape = PhantomShape(size_xy=side, slices=slices, pixel_mm=native, slice_mm=SLICE_MM)
                _, labels, geometry = make_region_phantom(name, 5000 + seed, shape)
                yield name, native, labels, geometry.spacing


def openkbp_cases(root: Path, count: int):
    from bonebench.data.dataset import Dataset

    dataset = Dataset(root)
    for case_id in dataset.case_ids[:count]:
        case = dataset.load(case_id, "mandible")
        yield "openkbp", case.geometry.spacing[0], case.target * MANDIBLE, case.geometry.spacing


def round_trips(labels: np.ndarray, spacing, pixel_mm: float) -> dict[str, dict[int, float]]:
    """3D Dice per bone of the three round trips native -> pixel_mm -> native."""
    native = labels.shape[1:]
    there = inplane_shape(native, (spacing[1], spacing[0]), pixel_mm)
    back_labels = resize_labels(resize_labels(labels, there), native)
    back_nearest = resize_nearest(resize_nearest(labels, there), native)
    out: dict[str, dict[int, float]] = {"soft": {}, "labels": {}, "nearest": {}}
    for value in np.unique(labels)[1:]:
        bone = labels == value
        share = resize_linear(resize_linear(bone.astype(np.float32), there), native)
        out["soft"][int(value)] = dice(bone, share > 0.5)
        out["labels"][int(value)] = dice(bone, back_labels == value)
        out["nearest"][int(value)] = dice(bone, back_nearest == value)
    return out


def _piece_sides_mm(piece_mask: np.ndarray, spacing) -> list[float]:
    """The longer bounding-box side (mm) of each 8-connected piece of a slice's bone mask."""
    pieces, count = label_components(piece_mask, 8)
    sides = []
    for k in range(1, count + 1):
        ys, xs = np.nonzero(pieces == k)
        sides.append(max((ys.max() - ys.min() + 1) * spacing[1], (xs.max() - xs.min() + 1) * spacing[0]))
    return sides


def fits(labels: np.ndarray, spacing, pixel_mm: float) -> dict[int, tuple[int, int, float]]:
    """Per bone: (cross-section pieces that fit a PATCH-pixel patch at pixel_mm, pieces, largest side
    mm). A piece (8-connected, as the runtime follows them) is the unit: the ribs are one label."""
    out = {}
    side_mm = PATCH * pixel_mm
    for value in np.unique(labels)[1:]:
        sides = [s for z in np.flatnonzero((labels == value).any(axis=(1, 2)))
                 for s in _piece_sides_mm(labels[z] == value, spacing)]
        out[int(value)] = (sum(s <= side_mm for s in sides), len(sides), max(sides))
    return out


def report(rows, pixel_sizes) -> None:
    """Markdown tables: round-trip Dice (mean / worst bone) and patch fit, by source and native size."""
    print("| source | native mm | bones | " + " | ".join(
        f"{p:g} mm: soft / labels / nearest Dice mean (worst) | fit {PATCH}x{PATCH}" for p in pixel_sizes) + " |")
    print("|---|---|---|" + "---|---|" * len(pixel_sizes))
    groups = defaultdict(list)
    for row in rows:
        groups[(row["source"], row["native"])].append(row)
    for (source, native), items in groups.items():
        cells = []
        for p in pixel_sizes:
            trip = []
            for kind in ("soft", "labels", "nearest"):
                values = [d for r in items for d in r[p]["trip"][kind].values()]
                trip.append(f"{np.mean(values):.3f} ({min(values):.3f})")
            fit = sum(f for r in items for f, _, _ in r[p]["fit"].values())
            total = sum(t for r in items for _, t, _ in r[p]["fit"].values())
            cells += [" / ".join(trip), f"{100 * fit / max(total, 1):.0f} %"]
        bones = sum(len(r[pixel_sizes[0]]["fit"]) for r in items)
        print(f"| {source} | {native:.2f} | {bones} | " + " | ".join(cells) + " |")


def bone_fit_report(rows, pixel_sizes) -> None:
    """Per bone name: share of its cross-sections that fit, and its largest cross-section (mm)."""
    by_bone = defaultdict(lambda: defaultdict(lambda: [0, 0, 0.0]))
    for row in rows:
        for p in pixel_sizes:
            for value, (f, t, largest) in row[p]["fit"].items():
                cell = by_bone[NAMES.get(value, str(value))][p]
                cell[0] += f
                cell[1] += t
                cell[2] = max(cell[2], largest)
    print("\n| bone | largest cross-section mm | " + " | ".join(f"fit at {p:g} mm" for p in pixel_sizes) + " |")
    print("|---|---|" + "---|" * len(pixel_sizes))
    for bone, cells in sorted(by_bone.items()):
        largest = max(c[2] for c in cells.values())
        print(f"| {bone} | {largest:.0f} | " + " | ".join(
            f"{100 * cells[p][0] / max(cells[p][1], 1):.0f} %" for p in pixel_sizes) + " |")


def cost_report(pixel_sizes) -> None:
    """Pixels per axial slice the runtime handles, for common CT slices."""
    scans = [("512 x 0.5 mm (extremity)", 512, 0.5), ("512 x 0.7 mm (chest)", 512, 0.7),
             ("512 x 0.98 mm (body)", 512, 0.98), ("512 x 1.5 mm (large)", 512, 1.5),
             ("128 x 3.9 mm (OpenKBP)", 128, 3.9)]
    print("\n| scan slice | native pixels | " + " | ".join(f"at {p:g} mm" for p in pixel_sizes) + " |")
    print("|---|---|" + "---|" * len(pixel_sizes))
    for name, n, mm in scans:
        cells = [inplane_shape((n, n), (mm, mm), p) for p in pixel_sizes]
        print(f"| {name} | {n * n:,} | " + " | ".join(f"{h}x{w} ({h * w:,})" for h, w in cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pixel-mm", type=float, nargs="+", default=[1.0, 1.5])
    parser.add_argument("--cases", type=int, default=2, help="phantom cases per region and native pixel size")
    parser.add_argument("--openkbp", type=Path, default=None)
    parser.add_argument("--openkbp-cases", type=int, default=10)
    args = parser.parse_args()
    cases = list(phantom_cases(args.cases))
    if args.openkbp:
        cases += list(openkbp_cases(args.openkbp, args.openkbp_cases))
    rows = []
    for source, native, labels, spacing in cases:
        row = {"source": source, "native": native}
        for p in args.pixel_mm:
            row[p] = {"trip": round_trips(labels, spacing, p), "fit": fits(labels, spacing, p)}
        rows.append(row)
    report(rows, args.pixel_mm)
    bone_fit_report(rows, args.pixel_mm)
    cost_report(args.pixel_mm)


if __name__ == "__main__":
    main()
