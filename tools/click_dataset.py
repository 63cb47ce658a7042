"""The training set of the shipped click-following model: phantoms of every region plus the real
OpenKBP mandible (its training split only), in one nnU-Net raw dataset with one global label per bone.

    python tools/click_dataset.py OUT [--per-region 6] [--size 192] [--slices 40] [--openkbp DIR --openkbp-cases 20]

Phantom seeds 500.. are used here; tools/one_click_eval.py holds out seeds 900.. .
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bonebench.data.dataset import Dataset
from bonebench.data.dataset_layout import DatasetLayout
from bonebench.data.phantoms import BONE_LABELS, REGIONS, PhantomShape, make_region_phantom
from bonebench.data.splits import make_split
from bonebench.data.volume_io import read_volume

MANDIBLE = max(BONE_LABELS.values()) + 1
TRAIN_SEED = 500


def _phantoms(out: DatasetLayout, per_region: int, shape: PhantomShape) -> list[str]:
    cases = []
    for r, name in enumerate(n for n in REGIONS if n != "mixed"):
        for i in range(per_region):
            case = f"{name}_{i:03d}"
            out.write_case(case, *make_region_phantom(name, TRAIN_SEED + 37 * r + i, shape))
            cases.append(case)
    return cases


def _openkbp(out: DatasetLayout, source: Path, count: int) -> list[str]:
    """The first `count` training patients of OpenKBP's split (its test patients stay unseen)."""
    dataset = Dataset(source)
    cases = []
    for case in make_split(dataset.case_ids, 0).train[:count]:
        hu, geometry = read_volume(dataset.case(case).image_path)
        mask, _ = read_volume(dataset.case(case).label_path)
        out.write_case(f"kbp_{case}", hu, ((mask > 0) * MANDIBLE).astype(np.uint8), geometry)
        cases.append(f"kbp_{case}")
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-region", type=int, default=6)
    parser.add_argument("--size", type=int, default=192)
    parser.add_argument("--slices", type=int, default=40)
    parser.add_argument("--openkbp", type=Path, default=None)
    parser.add_argument("--openkbp-cases", type=int, default=20)
    args = parser.parse_args()
    out = DatasetLayout(args.out)
    cases = _phantoms(out, args.per_region, PhantomShape(size_xy=args.size, slices=args.slices))
    if args.openkbp is not None:
        cases += _openkbp(out, args.openkbp, args.openkbp_cases)
    labels = {"background": 0, **BONE_LABELS, "mandible": MANDIBLE}
    out.write_meta({"name": "bonebench-click-model", "channel_names": {"0": "CT"}, "labels": labels,
                    "numTraining": len(cases)})
    print(f"{args.out}: {len(cases)} cases, labels {', '.join(labels)}")


if __name__ == "__main__":
    main()
