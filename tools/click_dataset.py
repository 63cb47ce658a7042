"""The training set of the shipped click-following model: phantoms of every region plus the real
OpenKBP mandible (its training split only), in one nnU-Net raw dataset with one global label per bone.

    python tools/click_dataset.py OUT [--per-region 6] [--extra hip=4,knee=4] [--size 192] [--slices 40]
                                      [--openkbp DIR --openkbp-cases 20 --openkbp-from 20]

`--extra` adds phantoms to the regions whose joints the model crossed (v2's hip femur leaked 58 %
into the pelvis, docs/results/one-click/v2/). Phantom seeds 500..757 are used here (at most 37 per
region); tools/one_click_eval.py holds out seeds 900.. .

OpenKBP patients are taken from the training split after its first `--openkbp-from` (default
LAB_PATIENTS): issue 18 fine-tunes the shipped model on the first 1..20 training patients as a lab's
own, and a model that had trained on them would be "adapted" to patients it already knew (v2's
dataset, built before this option with the first 20, did: `--openkbp-from 0`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bonebench.data.dataset import Dataset
from bonebench.data.dataset_layout import DatasetLayout
from bonebench.data.phantoms import ANATOMICAL_REGIONS, BONE_LABELS, PhantomShape, make_region_phantom
from bonebench.data.splits import make_split
from bonebench.data.volume_io import read_volume

MANDIBLE = max(BONE_LABELS.values()) + 1
TRAIN_SEED = 500


SEEDS_PER_REGION = 37
LAB_PATIENTS = 20  # the study's largest training subset (issue 18's Table 1: 1, 2, 5, 10, 20 patients)


def _phantoms(out: DatasetLayout, per_region: int, extra: dict[str, int], shape: PhantomShape) -> list[str]:
    cases = []
    for r, name in enumerate(ANATOMICAL_REGIONS):
        count = per_region + extra.get(name, 0)
        if count > SEEDS_PER_REGION:
            raise SystemExit(f"at most {SEEDS_PER_REGION} phantoms per region, asked {count} for {name}")
        for i in range(count):
            case = f"{name}_{i:03d}"
            out.write_case(case, *make_region_phantom(name, TRAIN_SEED + SEEDS_PER_REGION * r + i, shape))
            cases.append(case)
    return cases


def _openkbp_patients(dataset: Dataset, count: int, first: int) -> tuple[str, ...]:
    """`count` training patients of OpenKBP's split from its `first` on (its test patients stay unseen),
    checked before anything is written."""
    train = make_split(dataset.case_ids, 0).train
    if first < 0 or count < 0 or first + count > len(train):
        raise ValueError(f"OpenKBP's training split has {len(train)} patients: {count} from {first} do not fit")
    return train[first:first + count]


def _openkbp(out: DatasetLayout, dataset: Dataset, patients: tuple[str, ...]) -> list[str]:
    cases = []
    for case in patients:
        hu, geometry = read_volume(dataset.case(case).image_path)
        mask, _ = read_volume(dataset.case(case).label_path)
        out.write_case(f"kbp_{case}", hu, ((mask > 0) * MANDIBLE).astype(np.uint8), geometry)
        cases.append(f"kbp_{case}")
    return cases


def _extra(text: str) -> dict[str, int]:
    """`hip=4,knee=4` -> {"hip": 4, "knee": 4}, with the region names checked."""
    extra = {}
    for item in filter(None, text.split(",")):
        name, _, count = item.partition("=")
        if name not in ANATOMICAL_REGIONS or not count.isdigit():
            raise argparse.ArgumentTypeError(f"{item!r}: expected REGION=COUNT, REGION one of "
                                             f"{', '.join(ANATOMICAL_REGIONS)}")
        extra[name] = int(count)
    return extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-region", type=int, default=6)
    parser.add_argument("--extra", type=_extra, default={}, help="more phantoms of some regions: hip=4,knee=4")
    parser.add_argument("--size", type=int, default=192)
    parser.add_argument("--slices", type=int, default=40)
    parser.add_argument("--openkbp", type=Path, default=None)
    parser.add_argument("--openkbp-cases", type=int, default=20)
    parser.add_argument("--openkbp-from", type=int, default=LAB_PATIENTS,
                        help="skip the first training patients (issue 18's lab patients)")
    args = parser.parse_args()
    kbp = Dataset(args.openkbp) if args.openkbp is not None else None
    try:
        patients = _openkbp_patients(kbp, args.openkbp_cases, args.openkbp_from) if kbp is not None else ()
    except ValueError as error:
        parser.error(str(error))
    out = DatasetLayout(args.out)
    cases = _phantoms(out, args.per_region, args.extra, PhantomShape(size_xy=args.size, slices=args.slices))
    if kbp is not None:
        cases += _openkbp(out, kbp, patients)
    labels = {"background": 0, **BONE_LABELS, "mandible": MANDIBLE}
    out.write_meta({"name": "bonebench-click-model", "channel_names": {"0": "CT"}, "labels": labels,
                    "numTraining": len(cases)})
    print(f"{args.out}: {len(cases)} cases, labels {', '.join(labels)}")


if __name__ == "__main__":
    main()
