"""Where the walk clicks the next slice (runtime.interactive propagates; training clicks its SegInterWalk
slices the same way with `bb-train inter --walk-arms`, and so does its validation's walk view): the seeds
of every piece of the previous slice's mask, in pixels of the mask's grid, with `gap_yx` the pixels that
make SEED_GAP model pixels.

The innermost point of each piece; on a long piece up to MAX_SEEDS - 1 more of its deep pixels (at least
DEEP_SHARE of its deepest), farthest apart and SEED_GAP model pixels from each other (a mandible's U, a
hip bone's wing; measured in runtime.interactive's docstring); and, where asked, the arm seeds: a
piece's parts far from its thick core (docs/results/one-click/README.md, "Seeds on a piece's arms")."""

from __future__ import annotations

import numpy as np

from bonebench.kernels import distance_transform, label_components

MIN_PIECE = 4  # pixels: smaller pieces of a slice's mask seed no click in the next slice
SEED_GAP = 16  # model pixels between the walk's seeds on one long piece
MAX_SEEDS = 3  # seeds per piece of the previous slice's mask
DEEP_SHARE = 0.8  # seeds lie where the piece is at least this share of its deepest (0.5 reached the rim)
MAX_ARMS = 2  # arm seeds per piece


def _pieces(mask: np.ndarray) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray]:
    """The mask's bounding box (y0, x0), its 8-connected pieces' labels, per-label pixel counts and the
    depth of each pixel in it (outside the box is background: same depths, less work)."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    y0, x0 = rows[0], cols[0]
    box = mask[y0:rows[-1] + 1, x0:cols[-1] + 1] > 0
    labels, count = label_components(box, 8)
    depth = distance_transform(box, border_is_background=True)
    sizes = np.bincount(labels.ravel(), minlength=count + 1)
    sizes[0] = 0  # the background is no piece
    return int(y0), int(x0), labels, sizes, depth


def piece_seeds(mask: np.ndarray, gap_yx: tuple[int, int], pieces: tuple | None = None) -> list[tuple[int, int]]:
    """Seeds for the next slice: the innermost point of every piece (8-connected component) of at
    least MIN_PIECE pixels and, on a long piece, up to MAX_SEEDS - 1 more of its deep pixels, each
    the farthest from the seeds so far while at least `gap_yx` pixels (rows, columns) from them.
    `pieces`: the mask's _pieces, when the caller has them already."""
    if not mask.any():
        return []
    y0, x0, labels, sizes, depth = pieces or _pieces(mask)
    ys, xs = np.nonzero(labels)
    owner = labels[ys, xs]
    seeds = []
    for piece in np.flatnonzero(sizes >= MIN_PIECE):
        py, px = ys[owner == piece], xs[owner == piece]
        seeds += [(y + y0, x + x0) for y, x in _spread(py, px, depth[py, px], gap_yx)]
    return seeds


def arm_seeds(mask: np.ndarray, gap_yx: tuple[int, int], seeds: list[tuple[int, int]],
              reach: float, pieces: tuple | None = None) -> list[tuple[int, int]]:
    """Seeds on the arms of each piece: its parts at least `reach` model pixels from the piece's core
    (pixels at least DEEP_SHARE of its deepest), where the spread seeds never go. A scapula's blade
    leaves the glenoid as a thin line and a mandible's rami leave the chin: seeded only at the thick
    core, the walk follows the glenoid or the chin and loses the rest. Per arm (8-connected, at least
    MIN_PIECE pixels) its deepest pixel, at least one gap from the piece's other seeds; at most MAX_ARMS
    per piece, the farthest arms first. A round or oval piece has no pixel that far from its core.
    `pieces`: the mask's _pieces, when the caller has them already."""
    if not mask.any():
        return []
    y0, x0, labels, sizes, depth = pieces or _pieces(mask)
    to_model = (SEED_GAP / gap_yx[0], SEED_GAP / gap_yx[1])  # model pixels per volume pixel
    arms = []
    for piece in np.flatnonzero(sizes >= MIN_PIECE):
        inside = labels == piece
        chosen = [(y, x) for y, x in seeds if inside[y - y0, x - x0]]  # this piece's spread seeds
        core = inside & (depth >= DEEP_SHARE * depth[inside].max())
        far = distance_transform(~core, to_model)
        found = []
        arm_labels, count = label_components(inside & (far >= reach), 8)
        for arm in range(1, count + 1):
            ys, xs = np.nonzero(arm_labels == arm)
            if len(ys) < MIN_PIECE:
                continue
            i = int(np.argmax(depth[ys, xs] + 1e-3 * far[ys, xs]))  # deepest, the farthest of equals
            point = (int(ys[i]) + y0, int(xs[i]) + x0)
            if all(((point[0] - y) / gap_yx[0]) ** 2 + ((point[1] - x) / gap_yx[1]) ** 2 >= 1 for y, x in chosen):
                found.append((float(far[ys[i], xs[i]]), point))
                chosen.append(point)
        arms += [point for _, point in sorted(found, reverse=True)[:MAX_ARMS]]
    return arms


def seeds_and_arms(mask: np.ndarray, gap_yx: tuple[int, int], reach: float | None) -> tuple[list, list]:
    """What the walk clicks on the next slice from this slice's mask: the spread seeds of its pieces and,
    with a reach, their arm seeds (none without spread seeds: the walk stops there)."""
    if not mask.any():
        return [], []
    pieces = _pieces(mask)  # labelled and measured once for both
    seeds = piece_seeds(mask, gap_yx, pieces)
    return seeds, (arm_seeds(mask, gap_yx, seeds, reach, pieces) if seeds and reach else [])


def clicked_core(mask: np.ndarray, y: int, x: int) -> np.ndarray | None:
    """The part of a piece's core (where the piece is at least DEEP_SHARE of its deepest: where its seeds
    lie) that holds pixel (y, x), 8-connected, as a bool array of the slice's shape; None where (y, x) is
    off every core. Two bones merged into one piece keep two cores where the thinner joins by a neck."""
    if not mask[y, x]:
        return None
    y0, x0, labels, _, depth = _pieces(mask)
    inside = labels == labels[y - y0, x - x0]
    cores, _ = label_components(inside & (depth >= DEEP_SHARE * depth[inside].max()), 8)
    if not cores[y - y0, x - x0]:
        return None
    core = np.zeros(mask.shape, bool)
    core[y0:y0 + inside.shape[0], x0:x0 + inside.shape[1]] = cores == cores[y - y0, x - x0]
    return core


def walk_clicks(masks: np.ndarray, rows: np.ndarray, reach: float) -> dict[int, np.ndarray]:
    """The first clicks of slices `rows` of a stack of carried masks at the model's pixel size (training
    patches, validation slices) as the walk places them on the previous slice's mask: the spread seeds
    and the arm seeds at `reach` model pixels, (k, 2) rows per slice. A slice whose pieces are all too
    small to seed the walk gets none (its caller keeps the innermost points)."""
    gap = (SEED_GAP, SEED_GAP)
    given = {}
    for b in rows:
        seeds, arms = seeds_and_arms(masks[b], gap, reach)
        if seeds:
            given[int(b)] = np.array(seeds + arms, np.int64)
    return given


def _spread(ys: np.ndarray, xs: np.ndarray, depth: np.ndarray, gap_yx: tuple[int, int]) -> list[tuple[int, int]]:
    """The deepest pixel (first in raster order), then farthest-point picks among the deep pixels."""
    chosen = [int(np.argmax(depth))]
    deep = np.flatnonzero(depth >= DEEP_SHARE * depth.max())
    deep_y, deep_x = ys[deep], xs[deep]
    far = np.full(len(deep), np.inf)
    while len(chosen) < MAX_SEEDS:
        y, x = ys[chosen[-1]], xs[chosen[-1]]
        far = np.minimum(far, ((deep_y - y) / gap_yx[0]) ** 2 + ((deep_x - x) / gap_yx[1]) ** 2)
        best = int(np.argmax(far))
        if far[best] < 1:
            break
        chosen.append(int(deep[best]))
    return [(int(ys[i]), int(xs[i])) for i in chosen]
