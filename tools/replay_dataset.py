"""A replay fine-tune set for the shipped click model (issue 18): the lab's first N OpenKBP training patients
beside phantoms of every region from the click model's own training seeds (replayed, so a fine-tune keeps what
the model knows while it learns the lab's patients), and the study's OpenKBP validation patients to choose the
checkpoint; one global label per bone, as tools/click_dataset.py writes them, and OUT/replay-split.json.

    python tools/replay_dataset.py OUT --lab 2 [--per-region 1] --openkbp ../shared/data/openkbp-mandible \
        --split docs/results/openkbp-mandible-cpu/split.json

With one phantom per region (6 x 40 slices) and 2 patients (2 x 128 slices) about half of the training
slices are the lab's. Measured once, on v7 (docs/results/openkbp-mandible-cpu/v7/README.md): no help.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from click_dataset import MANDIBLE, _openkbp, _phantoms

from bonebench.data.atomic import write_text_atomic
from bonebench.data.dataset import Dataset
from bonebench.data.dataset_layout import DatasetLayout
from bonebench.data.phantoms import BONE_LABELS, PhantomShape


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lab", type=int, required=True, help="the study split's first N training patients")
    parser.add_argument("--per-region", type=int, default=1)
    parser.add_argument("--openkbp", type=Path, required=True)
    parser.add_argument("--split", type=Path, required=True, help="the study's split JSON (train, val)")
    args = parser.parse_args()
    study = json.loads(args.split.read_text())
    if not 1 <= args.lab <= len(study["train"]):
        parser.error(f"--lab must be 1..{len(study['train'])}")
    kbp = Dataset(args.openkbp)
    out = DatasetLayout(args.out)
    train = _phantoms(out, args.per_region, {}, PhantomShape(size_xy=192, slices=40))  # click_dataset's seeds
    train += _openkbp(out, kbp, tuple(study["train"][:args.lab]))
    val = _openkbp(out, kbp, tuple(study["val"]))
    labels = {"background": 0, **BONE_LABELS, "mandible": MANDIBLE}
    out.write_meta({"name": "bonebench-replay", "channel_names": {"0": "CT"}, "labels": labels,
                    "numTraining": len(train) + len(val)})
    split = {"seed": 0, "train": train, "val": val, "test": []}
    write_text_atomic(args.out / "replay-split.json", json.dumps(split, indent=1))
    print(f"{args.out}: {len(train)} training cases, {len(val)} validation")


if __name__ == "__main__":
    main()
