"""One click per bone per volume, the way a radiologist uses bb-segment: click the innermost bony point
of a bone on the slice where it is largest, let the runtime propagate it (an InteractiveSession, as
runtime.segment() and the napari widget run one), and score the 3D mask
against that bone (its largest 3D connected component: one leg's fibula, one rib) — Dice, the share
of the mask that lies in other bones (leak), and the seconds it took.

People click anywhere on a bone, so a bone can also be scored from random clicks (seeded per case
and bone): RANDOM_ON_LARGEST random pixels of it on its largest slice, and one random pixel on a
random slice of it (among the slices that hold at least MIN_SLICE_SHARE of its largest area: a
person clicks where the bone shows, not on its last sliver). The table gives their mean and worst.

A person who sees the result clicks again where it is wrong, so a bone can also be scored after a
second click (SECOND): the innermost click propagated, then one click where the mask is most wrong
(corrective_click: on the slice with the most wrong pixels, the study's clicker puts it in the middle
of the biggest wrong area, on missed bone or, as a background click, on the mask outside the bone)
and propagated again, in one InteractiveSession as the napari widget keeps one.

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
from bonebench.kernels import dice, distance_transform, label_components, next_click
from bonebench.runtime.interactive import AIR_HU, InteractiveSession
from bonebench.runtime.session import Model

MIN_VOXELS = 50  # smaller bone fragments (a rib tip at the field's edge) are not clicked
RANDOM_ON_LARGEST = 5
MIN_SLICE_SHARE = 0.1
INNERMOST, ON_LARGEST, ON_RANDOM_SLICE = "innermost", "random-largest-slice", "random-slice"
SECOND, SECOND_BACKGROUND = "second-click", "second-background-click"  # after the innermost click
RANDOM_KINDS, SECOND_KINDS = (ON_LARGEST, ON_RANDOM_SLICE), (SECOND, SECOND_BACKGROUND)


@dataclass(frozen=True)
class OneClickScore:
    case: str
    bone: str
    dice: float
    leak: float  # share of the mask inside other bones
    seconds: float
    click: tuple[int, int, int]  # x, y, z
    kind: str = INNERMOST  # where the click was: INNERMOST, RANDOM_KINDS or SECOND_KINDS


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


def corrective_click(target: np.ndarray, mask: np.ndarray, hu: np.ndarray) -> tuple[bool, tuple[int, int, int]] | None:
    """(positive, x y z) of the click a person adds to a propagated mask: on the slice with the most
    wrong pixels, where the study's clicker (kernels.next_click, "largest") puts it: the innermost pixel
    of the biggest wrong area, positive on missed bone. Missed pixels the runtime refuses (below AIR_HU)
    are never chosen. None where the mask has no error."""
    wrong = (target != mask).sum(axis=(1, 2))
    if not wrong.any():
        return None
    z = int(np.argmax(wrong))
    refused = target[z] & ~mask[z] & (hu[z] < AIR_HU)
    click = next_click(mask[z], target[z], refused)
    return None if click is None else (click.positive, (click.x, click.y, z))


def _score_two_clicks(model: Model, hu: np.ndarray, labels: np.ndarray, value: int, target: np.ndarray,
                      click: tuple[int, int, int], spacing) -> tuple[tuple, tuple, tuple[int, int, int], bool]:
    """In one session: the innermost click's (Dice, leak, seconds), the same after the corrective click
    that follows it, that click (x, y, z) and whether it is positive. A mask without error gets no
    second click and keeps its score (the innermost click given as the second)."""
    session = InteractiveSession(hu, model, spacing)
    first = _session_score(session, [(click, True)], labels, value, target)
    fix = corrective_click(target, session.mask > 0, hu)
    if fix is None:
        return first, first, click, True
    positive, where = fix
    return first, _session_score(session, [(where, positive)], labels, value, target), where, positive


def _session_score(session: InteractiveSession, clicks, labels, value, target) -> tuple[float, float, float]:
    """Clicks ((x, y, z), positive) on a session, then propagation: (Dice, leak, seconds). A click the
    runtime refuses, or nothing to propagate, leaves the mask as it was."""
    t0 = time.perf_counter()
    try:
        for (x, y, z), positive in clicks:
            session.click(x, y, z, positive)
        session.propagate()
    except InputError:
        pass
    seconds = time.perf_counter() - t0
    return (*_overlap(session.mask > 0, labels, value, target), seconds)


def _overlap(mask: np.ndarray, labels: np.ndarray, value: int, target: np.ndarray) -> tuple[float, float]:
    """(Dice against the bone, share of the mask in other bones)."""
    others = (labels > 0) & (labels != value)
    leak = float((mask & others).sum() / mask.sum()) if mask.any() else 0.0
    return dice(target, mask), leak


def _score_click(model: Model, hu: np.ndarray, labels: np.ndarray, value: int, target: np.ndarray,
                 click: tuple[int, int, int], spacing) -> tuple[float, float, float]:
    """(Dice, leak, seconds) of one click on bone `value`, propagated."""
    return _session_score(InteractiveSession(hu, model, spacing), [(click, True)], labels, value, target)


def score_bone(model: Model, hu: np.ndarray, labels: np.ndarray, value: int, case: str, bone: str, *,
               spacing=None, random: int = 0, seed: int = 0, second: bool = False) -> list[OneClickScore]:
    """Bone `value` of a labelled volume scored from its innermost click and, with `random` > 0, from
    `random` random clicks on its largest slice and one on a random slice (seeded by seed, case and
    bone); each click propagated and scored against that bone. With `second`, also after a corrective
    click that follows the innermost one (a mask without error keeps its score). `spacing`: the
    volume's (x, y, z) mm."""
    target, click = clicked_bone(labels == value, hu)
    if second:
        first, second, where, positive = _score_two_clicks(model, hu, labels, value, target, click, spacing)
        scores = [OneClickScore(case, bone, *first, click),
                  OneClickScore(case, bone, *second, where, SECOND if positive else SECOND_BACKGROUND)]
    else:
        scores = [OneClickScore(case, bone, *_score_click(model, hu, labels, value, target, click, spacing), click)]
    if random > 0:
        rng = np.random.default_rng([seed, zlib.crc32(case.encode()), value])
        scores += [OneClickScore(case, bone, *_score_click(model, hu, labels, value, target, c, spacing), c, kind)
                   for kind, c in random_clicks(target, rng, random, hu)]
    return scores


def score_volume(model: Model, hu: np.ndarray, labels: np.ndarray, names: dict[int, str], case: str, *,
                 spacing=None, random: int = 0, seed: int = 0, second: bool = False) -> list[OneClickScore]:
    """Each bone of a volume that has at least MIN_VOXELS voxels, scored as score_bone does."""
    values = [int(v) for v in np.unique(labels) if v and (labels == v).sum() >= MIN_VOXELS]
    return [s for v in values for s in score_bone(model, hu, labels, v, case, names.get(v, str(v)),
                                                  spacing=spacing, random=random, seed=seed, second=second)]


def summary_table(scores: list[OneClickScore], group_of) -> str:
    """Markdown: per group (region) and bone, the innermost click's mean and worst Dice, mean leak and
    seconds, (where scored) the random clicks' mean and worst Dice and the Dice after a second click."""
    second = any(s.kind in SECOND_KINDS for s in scores)
    rows = ["| region | bone | n | Dice mean | Dice min | leak mean | s / volume | random clicks | "
            "random Dice mean | random Dice min |" + (" 2nd click Dice mean | 2nd click Dice min |" if second else ""),
            "|---|---|---|---|---|---|---|---|---|---|" + ("---|---|" if second else "")]
    keys = sorted({(group_of(s.case), s.bone) for s in scores})
    for group, bone in keys:
        chosen = [s for s in scores if group_of(s.case) == group and s.bone == bone]
        inner = [s for s in chosen if s.kind == INNERMOST]
        d = np.array([s.dice for s in inner])
        rand = np.array([s.dice for s in chosen if s.kind in RANDOM_KINDS])
        spread = f"{len(rand)} | {rand.mean():.3f} | {rand.min():.3f}" if len(rand) else "0 | - | -"
        row = (f"| {group} | {bone} | {len(inner)} | {d.mean():.3f} | {d.min():.3f} | "
               f"{np.mean([s.leak for s in inner]):.3f} | {np.mean([s.seconds for s in inner]):.2f} | {spread} |")
        if second:
            after = np.array([s.dice for s in chosen if s.kind in SECOND_KINDS])
            row += f" {after.mean():.3f} | {after.min():.3f} |" if len(after) else " - | - |"
        rows.append(row)
    return "\n".join(rows) + "\n"
