"""The numbers behind propagation's stop rules (bonebench/runtime/interactive.py), from the phantoms'
truth: for every bone of every region, how much consecutive axial slices of the same bone overlap
(|A_z+1 & A_z| / |A_z+1|) and how their areas change; and, at joints, how much the *neighbouring*
bone's next slice overlaps the clicked bone's current slice (what a walk that slipped into the
neighbour would show).

    python tools/propagation_rules.py [--cases 4] [--size 128] [--slices 40] [--slice-mm MM] [--pixel-mm MM]

--slice-mm / --pixel-mm draw every phantom at that slice spacing / pixel size (legs keep their own);
give --slices so that slices x slice-mm covers the region (e.g. 200 at 0.6 mm, 24 at 5 mm).
"""

from __future__ import annotations

import argparse

import numpy as np

from bonebench.data.phantoms import REGIONS, PhantomShape, make_region_phantom


def _bone_steps(mask: np.ndarray):
    """(overlap share, area ratio) for each pair of consecutive slices where the bone is present."""
    for z in range(mask.shape[0] - 1):
        a, b = mask[z], mask[z + 1]
        if a.sum() >= 20 and b.sum() >= 20:
            yield (a & b).sum() / b.sum(), b.sum() / a.sum()


def _slip_overlaps(labels: np.ndarray, value: int):
    """Overlap share of every other bone's next slice with this bone's slice, where they touch."""
    mine = labels == value
    for other in np.unique(labels):
        if other in (0, value):
            continue
        theirs = labels == other
        for z in range(labels.shape[0] - 1):
            near = mine[z].sum() >= 20 and theirs[z + 1].sum() >= 20
            if near and (mine[z] & theirs[z + 1]).any():
                yield (mine[z] & theirs[z + 1]).sum() / theirs[z + 1].sum()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=4)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--slices", type=int, default=40)
    parser.add_argument("--slice-mm", type=float, default=None)
    parser.add_argument("--pixel-mm", type=float, default=None)
    args = parser.parse_args()
    shape = PhantomShape(size_xy=args.size, slices=args.slices, pixel_mm=args.pixel_mm, slice_mm=args.slice_mm)
    print("| region | bone steps | overlap p1 / p5 / median | area ratio p1 / p99 | slip overlap median / p95 |")
    print("|---|---|---|---|---|")
    for name in REGIONS:
        if name == "mixed" or (name == "legs" and (args.slice_mm or args.pixel_mm)):
            continue
        steps, slips = [], []
        for seed in range(args.cases):
            _, labels, _ = make_region_phantom(name, 1000 + seed, shape)
            for value in np.unique(labels)[1:]:
                steps += list(_bone_steps(labels == value))
                slips += list(_slip_overlaps(labels, value))
        overlap, ratio = np.array(steps).T if steps else (np.zeros(1), np.ones(1))
        slip = np.array(slips) if slips else np.array([np.nan])
        print(f"| {name} | {len(steps)} | {np.percentile(overlap, 1):.2f} / {np.percentile(overlap, 5):.2f} / "
              f"{np.median(overlap):.2f} | {np.percentile(ratio, 1):.2f} / {np.percentile(ratio, 99):.2f} | "
              f"{np.nanmedian(slip):.2f} / {np.nanpercentile(slip, 95):.2f} ({len(slips)}) |")


if __name__ == "__main__":
    main()
