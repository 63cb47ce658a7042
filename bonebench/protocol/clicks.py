"""Clicks, real and simulated, for interactive models (numpy + bonebench.kernels, no torch).

A ClickSet holds up to K clicks for each of N slices and turns them into click maps. The study's
protocol: the first click at the innermost point of the object; later clicks at the innermost point
of the biggest erroneous region of the current prediction; a target turned all-background gets a
background click on the object it hid, then background clicks only.

"The object" is each bone instance in the slice (an 8-connected component of the target): the leg
phantoms, like the study's scans, show two fibulae, and a user clicks each bone they want. One
click per instance keeps training, validation and the workstation runtime (which segments the
clicked bone) the same task.
"""

from __future__ import annotations

import numpy as np

from bonebench.kernels import click_maps_batch, innermost_points, label_components, next_click_batch
from bonebench.protocol import walk_seeds
from bonebench.protocol.network import InputSpec, network_input

FOREGROUND, BACKGROUND, UNUSED = 1, 0, -1
BIG_PIECE = 0.1  # share of a bone's area on a slice that makes a piece worth its own click


class ClickSet:
    """Clicks for a batch of N slices of H x W: coordinates, kinds and a clicked-pixel mask."""

    def __init__(self, n: int, shape: tuple[int, int], capacity: int):
        self.shape = shape
        self.coords = np.zeros((n, capacity, 2), np.int64)
        self.kinds = np.full((n, capacity), UNUSED, np.int8)
        self.count = np.zeros(n, np.int64)
        self.clicked = np.zeros((n,) + shape, bool)

    def add(self, b: int, y: int, x: int, positive: bool) -> None:
        """Add a click to slice b; IndexError when its capacity is used up."""
        k = self.count[b]
        if k == self.kinds.shape[1]:
            raise IndexError(f"slice {b} already has {k} clicks")
        self.coords[b, k] = (y, x)
        self.kinds[b, k] = FOREGROUND if positive else BACKGROUND
        self.count[b] += 1
        self.clicked[b, y, x] = True

    @classmethod
    def from_points(cls, shape: tuple[int, int], foreground, background) -> "ClickSet":
        """One slice's clicks from (y, x) lists of foreground and background points."""
        clicks = cls(1, shape, max(len(foreground) + len(background), 1))
        for y, x in foreground:
            clicks.add(0, int(y), int(x), True)
        for y, x in background:
            clicks.add(0, int(y), int(x), False)
        return clicks

    def maps(self, sigma: float, out: np.ndarray | None = None) -> np.ndarray:
        """(N, 2, H, W) float32 foreground and background click maps (into `out` when given)."""
        return click_maps_batch(self.shape, self.coords, self.kinds, sigma=sigma, out=out)


def random_points(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(k, 2) int64: one uniformly random pixel of each 8-connected component of a 2D mask, in
    innermost_points' order: a click where a person might put it, anywhere on the bone."""
    components, count = label_components(mask, 8)
    points = np.zeros((count, 2), np.int64)
    for k in range(1, count + 1):
        ys, xs = np.nonzero(components == k)
        i = int(rng.integers(len(ys)))
        points[k - 1] = ys[i], xs[i]
    return points


def one_piece(mask: np.ndarray, points: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(1, 2): the click of one piece of a bone cut into several (`points` in innermost_points' order),
    drawn among its pieces of at least BIG_PIECE of its area. The walk (runtime.interactive) seeds a
    new slice from the pieces of the previous slice's mask, so a piece that appears or that the walk
    lost gets no click; a model trained with every piece clicked segments only the clicked ones
    (v7: 89 % of the scapula's badly walked slices had a big piece unclicked,
    docs/results/one-click/README.md)."""
    components, count = label_components(mask, 8)
    sizes = np.bincount(components.ravel(), minlength=count + 1)[1:]
    big = np.flatnonzero(sizes >= BIG_PIECE * sizes.sum())
    return points[[int(rng.choice(big))]]


def first_clicks(targets: np.ndarray, hidden: np.ndarray | None = None, *, spare: int = 0,
                 rng: np.random.Generator | None = None, random_rate: float = 0.0,
                 one_piece_rate: float = 0.0, given: dict[int, np.ndarray] | None = None) -> ClickSet:
    """A ClickSet with a positive click at the innermost point of each bone instance of each target;
    where `hidden` holds objects whose target was turned all-background, a negative click on each of
    those instead. With `rng`, a `random_rate` share of the slices get their first clicks at a random
    pixel of each instance instead (training for clicks as people place them), and a `one_piece_rate`
    share of the targets cut into several pieces get one click only, on one of their big pieces
    (one_piece: the walk's view of a slice). `given` maps slices to their positive first clicks ((k, 2)
    rows, columns: the walk's seeds), which replace the drawn ones (the draws are still made, so the
    other slices get the same clicks). `spare` leaves room for that many corrective clicks per slice. A
    rate of 0 draws nothing from `rng`."""
    per_slice = []
    for b in range(targets.shape[0]):
        negative = hidden is not None and bool(hidden[b].any())
        objects = hidden[b] if negative else targets[b]
        anywhere = rng is not None and random_rate > 0 and rng.random() < random_rate
        points = random_points(objects, rng) if anywhere else innermost_points(objects)
        several = not negative and len(points) > 1 and rng is not None and one_piece_rate > 0
        if several and rng.random() < one_piece_rate:
            points = one_piece(objects, points, rng)
        if given is not None and b in given:
            points = given[b]
        per_slice.append((points, not negative))
    capacity = max((len(points) for points, _ in per_slice), default=0) + spare
    clicks = ClickSet(targets.shape[0], targets.shape[1:], max(capacity, 1))
    for b, (points, positive) in enumerate(per_slice):
        for y, x in points:
            clicks.add(b, int(y), int(x), positive)
    return clicks


def corrective_clicks(clicks: ClickSet, rows: np.ndarray, predictions: np.ndarray, targets: np.ndarray) -> int:
    """One more click for each slice in `rows` (indices), in its biggest erroneous region;
    `predictions` holds those slices' predictions only (training predicts just the slices still
    interacting); returns how many clicks were added."""
    rows = np.asarray(rows, np.int64)
    if rows.size == 0:
        return 0
    found = next_click_batch(predictions, targets[rows], clicks.clicked[rows])
    added = 0
    for b, (y, x, positive) in zip(rows, found):
        if y >= 0:
            clicks.add(int(b), int(y), int(x), bool(positive))
            added += 1
    return added


def one_click_inputs(hu: np.ndarray, target: np.ndarray, spec: InputSpec) -> np.ndarray:
    """Network inputs for every slice with one click at the innermost point of each bone in the
    slice's target (none where it has none), an empty previous mask where the spec has one.
    The study's validation and test protocol, shared by training (torch) and bb-eval (onnxruntime)."""
    return network_input(hu, spec, first_clicks(target.astype(bool)))


def walk_inputs(hu: np.ndarray, target: np.ndarray, spec: InputSpec, walk_arms: float = 0.0) -> np.ndarray:
    """Network inputs for every slice as an upward propagation sees it, for neighbour-mask models: the
    slice below's true mask in the neighbour channel and a click at the innermost point of each of its
    pieces (the slice's own bones where the slice below shows none: where a walk would start); with
    `walk_arms` (a reach in model pixels), the walk's own seeds on the slice below's mask instead, as
    training clicks with `--walk-arms`. Validation of SegInterWalk, beside one_click_inputs (the first
    click, nothing carried yet)."""
    target = target.astype(bool)
    below = np.zeros_like(target)
    below[1:] = target[:-1]
    carried = below.any(axis=(1, 2))
    clicked = np.where(carried[:, None, None], below, target)
    given = walk_seeds.walk_clicks(below, np.flatnonzero(carried), walk_arms) if walk_arms else None
    return network_input(hu, spec, first_clicks(clicked, given=given), neighbour=below)
