"""Measure the plausibility warning's statistics (bonebench/runtime/plausibility.py) and print them:
the fraction of a mask's rim at cortical HU and its volume, on truth masks (should pass) and on
plausible failures (the truth dilated DILATE voxels in-plane into soft tissue; the mandible's
per-slice convex hull, the floor of the mouth filled inside the arch), and the shipped model's
own results on the mandibles (one click each).

    for r in legs hip knee shoulder arm thorax; do bb-data phantoms /tmp/ph/$r --region $r --cases 2; done
    python tools/plausibility_thresholds.py /tmp/ph /work/shared/data/openkbp-mandible --mandibles 20

Needs scipy and scikit-image (dev installs), not the runtime."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy import ndimage
from skimage.morphology import convex_hull_image

from bonebench.data.dataset import Dataset
from bonebench.data.volume_io import read_volume
from bonebench.runtime.plausibility import CORTICAL_HU, rim_cortical_fraction

DILATE = 3
HUS = (200.0, CORTICAL_HU, 300.0)


def cases(root: Path, limit: int | None = None):
    """(bone name, hu, truth mask, voxel mL) of every bone of every case of a raw dataset."""
    dataset = Dataset(root)
    for case in dataset.cases[:limit]:
        hu, geometry = read_volume(case.image_path)
        label = read_volume(case.label_path)[0]
        for name, value in dataset.labels.items():
            if name != "background" and (label == value).any():
                yield name, hu, label == value, geometry.voxel_volume_ml


def fractions(hu, mask) -> list[float]:
    """rim_cortical_fraction at each of HUS."""
    return [rim_cortical_fraction(hu, mask, level) for level in HUS]


def hull(mask: np.ndarray) -> np.ndarray:
    """The per-slice convex hull of a mask."""
    return np.stack([convex_hull_image(s) if s.any() else s for s in mask])


def measure(datasets) -> tuple[dict, dict]:
    """Rim fractions by kind (truth, dilated, hull) and volumes (mL) by bone and kind."""
    rims, mls = defaultdict(list), defaultdict(lambda: defaultdict(list))
    grow = np.zeros((1, 2 * DILATE + 1, 2 * DILATE + 1), bool)
    grow[0] = True
    for root, limit in datasets:
        for name, hu, truth, voxel_ml in cases(root, limit):
            variants = {"truth": truth, f"dilated {DILATE}": ndimage.binary_dilation(truth, grow)}
            if name == "mandible":
                variants["hull"] = hull(truth)
            for kind, mask in variants.items():
                rims[kind].append(fractions(hu, mask))
                mls[name][kind].append(float(mask.sum()) * voxel_ml)
    return rims, mls


def model_runs(root: Path, count: int) -> None:
    """The shipped model clicked once (innermost point of the middle slice) on `count` mandibles:
    Dice, mL and rim fraction of what it returns (the real failures: mostly too little, once a leak)."""
    from bonebench.errors import InputError
    from bonebench.kernels import innermost_point
    from bonebench.runtime.segment import segment
    from bonebench.runtime.session import Model

    model = Model(device="cpu")
    print(f"the shipped model on {count} mandibles: case, Dice, mL, rim fraction at {CORTICAL_HU:.0f} HU")
    for case in Dataset(root).cases[:count]:
        hu, geometry = read_volume(case.image_path)
        truth = read_volume(case.label_path)[0] > 0
        z = int(np.median(np.flatnonzero(truth.any(axis=(1, 2)))))
        y, x = innermost_point(truth[z])
        try:
            mask = segment(hu.astype(np.float32), model, [(int(x), int(y), z)], spacing=geometry.spacing).mask > 0
        except InputError:
            continue  # nothing predicted under the click
        score = 2 * (mask & truth).sum() / (mask.sum() + truth.sum())
        print(f"  {case.case_id:8s} {score:.2f} {mask.sum() * geometry.voxel_volume_ml:6.0f} "
              f"{rim_cortical_fraction(hu, mask):.2f}")


def report(rims: dict, mls: dict) -> None:
    """Print the rim fractions' range and percentiles by kind, and each bone's volumes."""
    print(f"rim fraction at HU >= {', '.join(f'{h:.0f}' for h in HUS)}: min / 5th pct / median / max")
    for kind, values in rims.items():
        v = np.array(values)
        cols = [f"{np.min(v[:, i]):.2f}/{np.percentile(v[:, i], 5):.2f}/{np.median(v[:, i]):.2f}/{np.max(v[:, i]):.2f}"
                for i in range(len(HUS))]
        print(f"  {kind:12s} n={len(v):3d}  " + "   ".join(cols))
    print("volume mL: truth max; dilated / truth (min); hull / truth (min)")
    for name, kinds in sorted(mls.items()):
        truth = np.array(kinds["truth"])
        ratios = {k: np.min(np.array(v) / truth) for k, v in kinds.items() if k != "truth"}
        print(f"  {name:10s} truth {truth.min():.1f}-{truth.max():.1f} mL  " +
              "  ".join(f"{k} x{r:.2f}" for k, r in ratios.items()))


def main(argv: list[str]) -> None:
    phantoms, openkbp = Path(argv[0]), Path(argv[1])
    count = int(argv[argv.index("--mandibles") + 1]) if "--mandibles" in argv else 20
    datasets = [(d, None) for d in sorted(phantoms.iterdir()) if d.is_dir()]
    report(*measure(datasets + [(openkbp, count)]))
    model_runs(openkbp, count)


if __name__ == "__main__":
    main(sys.argv[1:])
