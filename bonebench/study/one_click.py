"""One click per bone per volume, the way a radiologist uses bb-segment: click the innermost bony point
of a bone on the slice where it is largest, let runtime.segment() propagate, and score the 3D mask
against that bone (its largest 3D connected component: one leg's fibula, one rib) — Dice, the share
of the mask that lies in other bones (leak), and the seconds it took.

People click anywhere on a bone, so a bone can also be scored from random clicks (seeded per case
and bone): RANDOM_ON_LARGEST random pixels of it on its largest slice, and one random pixel on a
random slice of it (among the slices that hold at least MIN_SLICE_SHARE of its largest area: a
person clicks where the bone shows, not on its last sliver). The table gives their mean and worst.

Given the volume's HU, every click lands on a pixel a person would click on: one the runtime takes
(at least runtime.interactive.AIR_HU). A label can cover darker pixels (a metal streak across a
phantom's radius reads -600 HU at its centre); the runtime refuses a click there ("lands on air"),
which scored such a bone 0 from a click no one would make."""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass

import numpy as np

from bonebench.errors import InputError
from bonebench.kernels import dice, distance_transform, label_components
from bonebench.runtime.interactive import AIR_HU
from bonebench.runtime.segment import segment
from bonebench.runtime.session import Model

MIN_VOXELS = 50  # smaller bone fragments (a rib tip at the field's edge) are not clicked
RANDOM_ON_LARGEST = 5
MIN_SLICE_SHARE = 0.1
INNERMOST, ON_LARGEST, ON_RANDOM_SLICE = "innermost", "random-largest-slice", "random-slice"


@dataclass(frozen=True)
class OneClickScore:
    case: str
    bone: str
    dice: float
    leak: float  # share of the mask inside other bones
    seconds: float
    click: tuple[int, int, int]  # x, y, z
    kind: str = INNERMOST  # where the click was: innermost, random-largest-slice, random-slice


def clicked_bone(bone: np.ndarray, hu: np.ndarray | None = None) -> tuple[np.ndarray, tuple[int, int, int]]:
    """The bone's largest 3D component and the click: the innermost point of its largest piece on
    the slice where the component is largest; with `hu`, the innermost of the piece's clickable
    pixels (the piece's own innermost point when none is)."""
    components, count = label_components(bone, 26)
    sizes = np.bincount(components.ravel(), minlength=count + 1)[1:]
    target = components == int(np.argmax(sizes)) + 1
    z = int(np.argmax(target.sum(axis=(1, 2))))
    pieces, _ = label_components(target[z], 8)
    piece = pieces == int(np.argmax(np.bincount(pieces.ravel())[1:])) + 1
    depth = distance_transform(piece, border_is_background=True)
    depth[~_clickable(piece, hu, z)] = 0
    y, x = np.unravel_index(int(np.argmax(depth)), depth.shape)
    return target, (int(x), int(y), z)


def _clickable(bone_slice: np.ndarray, hu: np.ndarray | None, z: int) -> np.ndarray:
    """The pixels of one slice of the bone a person may click: those the runtime takes (at least
    AIR_HU), or all of them where none is or no HU is given."""
    if hu is None:
        return bone_slice
    bony = bone_slice & (hu[z] >= AIR_HU)
    return bony if bony.any() else bone_slice


def random_clicks(target: np.ndarray, rng: np.random.Generator, on_largest: int = RANDOM_ON_LARGEST,
                  hu: np.ndarray | None = None) -> list[tuple[str, tuple[int, int, int]]]:
    """(kind, x y z click) pairs: `on_largest` distinct random pixels of the bone on its largest slice,
    and one random pixel on a random slice holding at least MIN_SLICE_SHARE of that area; with `hu`,
    among the clickable pixels (all of the slice's bone pixels where none is)."""
    areas = target.sum(axis=(1, 2))
    z = int(np.argmax(areas))
    ys, xs = np.nonzero(_clickable(target[z], hu, z))
    picks = rng.choice(len(ys), size=min(on_largest, len(ys)), replace=False)
    clicks = [(ON_LARGEST, (int(xs[i]), int(ys[i]), z)) for i in picks]
    z = int(rng.choice(np.flatnonzero(areas >= MIN_SLICE_SHARE * areas.max())))
    ys, xs = np.nonzero(_clickable(target[z], hu, z))
    i = int(rng.integers(len(ys)))
    return clicks + [(ON_RANDOM_SLICE, (int(xs[i]), int(ys[i]), z))]


def _score_click(model: Model, hu: np.ndarray, labels: np.ndarray, value: int, target: np.ndarray,
                 click: tuple[int, int, int], spacing) -> tuple[float, float, float]:
    """(Dice, leak, seconds) of one click on bone `value`, propagated."""
    t0 = time.perf_counter()
    try:
        mask = segment(hu, model, [click], spacing=spacing).mask.astype(bool)
    except InputError:  # nothing found under the click: nothing to propagate
        mask = np.zeros(labels.shape, bool)
    seconds = time.perf_counter() - t0
    others = (labels > 0) & (labels != value)
    leak = float((mask & others).sum() / mask.sum()) if mask.any() else 0.0
    return dice(target, mask), leak, seconds


def score_bone(model: Model, hu: np.ndarray, labels: np.ndarray, value: int, case: str, bone: str, *,
               spacing=None, random: int = 0, seed: int = 0) -> list[OneClickScore]:
    """Bone `value` of a labelled volume scored from its innermost click and, with `random` > 0, from
    `random` random clicks on its largest slice and one on a random slice (seeded by seed, case and
    bone); each click propagated and scored against that bone. `spacing`: the volume's (x, y, z) mm."""
    target, click = clicked_bone(labels == value, hu)
    clicks = [(INNERMOST, click)]
    if random > 0:
        rng = np.random.default_rng([seed, zlib.crc32(case.encode()), value])
        clicks += random_clicks(target, rng, random, hu)
    return [OneClickScore(case, bone, *_score_click(model, hu, labels, value, target, c, spacing), c, kind)
            for kind, c in clicks]


def score_volume(model: Model, hu: np.ndarray, labels: np.ndarray, names: dict[int, str], case: str, *,
                 spacing=None, random: int = 0, seed: int = 0) -> list[OneClickScore]:
    """Each bone of a volume that has at least MIN_VOXELS voxels, scored as score_bone does."""
    values = [int(v) for v in np.unique(labels) if v and (labels == v).sum() >= MIN_VOXELS]
    return [s for v in values for s in score_bone(model, hu, labels, v, case, names.get(v, str(v)),
                                                  spacing=spacing, random=random, seed=seed)]


def summary_table(scores: list[OneClickScore], group_of) -> str:
    """Markdown: per group (region) and bone, the innermost click's mean and worst Dice, mean leak and
    seconds, and (where scored) the random clicks' mean and worst Dice."""
    rows = ["| region | bone | n | Dice mean | Dice min | leak mean | s / volume | random clicks | "
            "random Dice mean | random Dice min |", "|---|---|---|---|---|---|---|---|---|---|"]
    keys = sorted({(group_of(s.case), s.bone) for s in scores})
    for group, bone in keys:
        chosen = [s for s in scores if group_of(s.case) == group and s.bone == bone]
        inner = [s for s in chosen if s.kind == INNERMOST]
        d = np.array([s.dice for s in inner])
        rand = np.array([s.dice for s in chosen if s.kind != INNERMOST])
        spread = f"{len(rand)} | {rand.mean():.3f} | {rand.min():.3f}" if len(rand) else "0 | - | -"
        rows.append(f"| {group} | {bone} | {len(inner)} | {d.mean():.3f} | {d.min():.3f} | "
                    f"{np.mean([s.leak for s in inner]):.3f} | {np.mean([s.seconds for s in inner]):.2f} | {spread} |")
    return "\n".join(rows) + "\n"
