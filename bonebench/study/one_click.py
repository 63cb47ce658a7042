"""One click per bone per volume, the way a radiologist uses bb-segment: click the innermost point of
a bone on the slice where it is largest, let runtime.segment() propagate, and score the 3D mask
against that bone (its largest 3D connected component: one leg's fibula, one rib) — Dice, the share
of the mask that lies in other bones (leak), and the seconds it took."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from bonebench.errors import InputError
from bonebench.kernels import dice, innermost_point, label_components
from bonebench.runtime.segment import segment
from bonebench.runtime.session import Model

MIN_VOXELS = 50  # smaller bone fragments (a rib tip at the field's edge) are not clicked


@dataclass(frozen=True)
class OneClickScore:
    case: str
    bone: str
    dice: float
    leak: float  # share of the mask inside other bones
    seconds: float
    click: tuple[int, int, int]  # x, y, z


def clicked_bone(bone: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int]]:
    """The bone's largest 3D component and the click: the innermost point of its largest piece on
    the slice where the component is largest."""
    components, count = label_components(bone, 26)
    sizes = np.bincount(components.ravel(), minlength=count + 1)[1:]
    target = components == int(np.argmax(sizes)) + 1
    z = int(np.argmax(target.sum(axis=(1, 2))))
    pieces, _ = label_components(target[z], 8)
    piece = pieces == int(np.argmax(np.bincount(pieces.ravel())[1:])) + 1
    y, x = innermost_point(piece)
    return target, (int(x), int(y), z)


def score_bone(model: Model, hu: np.ndarray, labels: np.ndarray, value: int, case: str, bone: str) -> OneClickScore:
    """One click on bone `value` of a labelled volume, propagated; scored against that bone."""
    target, click = clicked_bone(labels == value)
    t0 = time.perf_counter()
    try:
        mask = segment(hu, model, [click]).mask.astype(bool)
    except InputError:  # nothing found under the click: nothing to propagate
        mask = np.zeros(labels.shape, bool)
    seconds = time.perf_counter() - t0
    others = (labels > 0) & (labels != value)
    leak = float((mask & others).sum() / mask.sum()) if mask.any() else 0.0
    return OneClickScore(case, bone, dice(target, mask), leak, seconds, click)


def score_volume(model: Model, hu: np.ndarray, labels: np.ndarray, names: dict[int, str], case: str) -> list[OneClickScore]:
    """One click on each bone of a volume that has at least MIN_VOXELS voxels."""
    values = [int(v) for v in np.unique(labels) if v and (labels == v).sum() >= MIN_VOXELS]
    return [score_bone(model, hu, labels, v, case, names.get(v, str(v))) for v in values]


def summary_table(scores: list[OneClickScore], group_of) -> str:
    """Markdown: per group (region) and bone, mean Dice, worst Dice, mean leak and seconds."""
    rows = ["| region | bone | n | Dice mean | Dice min | leak mean | s / volume |", "|---|---|---|---|---|---|---|"]
    keys = sorted({(group_of(s.case), s.bone) for s in scores})
    for group, bone in keys:
        chosen = [s for s in scores if group_of(s.case) == group and s.bone == bone]
        d = np.array([s.dice for s in chosen])
        rows.append(f"| {group} | {bone} | {len(chosen)} | {d.mean():.3f} | {d.min():.3f} | "
                    f"{np.mean([s.leak for s in chosen]):.3f} | {np.mean([s.seconds for s in chosen]):.2f} |")
    return "\n".join(rows) + "\n"
