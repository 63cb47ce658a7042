"""Interactive segmentation with SegInter models: click, undo, propagate.

A click segments its slice in a window around the clicks: the network saw patches of its training
size, so the window starts there and doubles while the bone touches the window's edge (a wider bone
gets a wider window, up to the whole slice). Of the prediction, the bone under the positive clicks
is kept. `propagate()` then walks to the neighbouring slices in both directions. Each new slice is
clicked automatically at the innermost point of every piece of the previous slice's mask, so a bone
that an axial slice cuts into several pieces (femoral head and trochanter, the two rami of a
mandible) is followed piece by piece. A long piece also seeds up to MAX_SEEDS - 1 more of its deep
pixels, farthest apart and SEED_GAP model pixels from each other: one click at a mandible's chin
makes the model take part of the U, clicks along it take the whole. v5, one click, 6 held-out
phantoms per region and the 10 OpenKBP test patients, one seed vs spread seeds: mandible 0.661 ->
0.733, pelvis 0.591 -> 0.754, knee femur 0.973 -> 0.988, clavicle 0.924 -> 0.943, scapula 0.628 ->
0.612, every other bone within 0.005 (rib leak 4 -> 8 %); seeds down to DEEP_SHARE 0.5 of the
deepest reached the tibial plateau's rim and walked into the femur (`tools/one_click_eval.py
--max-seeds 1|3`, docs/results/one-click/README.md). After the walks, a predicted piece that no
click kept joins the mask where PIECE_OVERLAP of it overlaps the mask on a neighbouring slice (a
condyle that meets the femoral shaft only on other slices): with click_v4 on the held-out one-click
phantoms the knee femur went 0.950 -> 0.979, every other bone within 0.01 (`FILL_PIECES`, measured
both ways). The walk stops where the bone ends:
- nothing is predicted under the clicks, or the area collapses (below SHRINK = 0.1 of the previous
  slice) or explodes (above LEAK = 6 times it);
- the new mask has moved off the previous one: less than MIN_OVERLAP = 0.3 of it overlaps the
  previous slice's mask. This catches a walk that slips into a neighbouring bone across a joint,
  where the area rules see no jump, and a leak into soft tissue (a mask that grows 4x overlaps
  at most 0.25).
With the volume's spacing the numbers follow its slice thickness (runtime.stop_rules: a tighter
leak rule at 0.6 mm, all three looser towards 5 mm). The numbers below come from the phantoms' truth
(`python tools/propagation_rules.py`, 4 cases per region,
128x128x40; docs/results/propagation-rules.md): consecutive slices of one bone overlap by
p5 >= 0.50 in every region (p1 0.18-0.76: the knee's condyles and the shoulder where the slice cuts
a bone's end), while a neighbouring bone's next slice overlaps the clicked bone's slice by
p95 <= 0.12 (one knee pair excepted); area ratios of one bone between slices span 0.11-5.6 (p1-p99),
so the old area-only rules (0.2x, 2.5x) stopped inside healthy knees, shoulders and thoraxes.
A neighbour-mask model (SegInterWalk) is also given, on each slice the walk reaches, the mask of the
slice it came from (binary, at the model's pixel size; a user's click on a walked slice carries it
too, a first click carries nothing). KEEP_CARRIED would also keep the predicted pieces lying at least
PIECE_OVERLAP on that mask: on the tuning cases it took the scapula 0.71 -> 0.86 but carried the radius
into the ulna's mask at the elbow and the femur into the tibia's at the knee (leak 6 -> 34 %, 0 -> 55 %),
so it is off (docs/results/one-click/walk-experiment/tuning.md). A model trained past bone ends
(walk3, `--bone-end-rate`) stopped at the tuning knees but crossed the held-out ones (tibia leak 43 %).
The walk also seeds each piece's arms, its parts far from its thick core (a scapular blade leaving the
glenoid as a thin line), for a model trained so (ModelInfo.walk_arms, `bb-train inter --walk-arms`); for
the others it does not: v7 with arm seeds (ARM_REACH, which overrides the model's reach) took the held-out
scapula 0.649 -> 0.773, but the humerus walked into the scapula and the mandible into the upper jaw
(docs/results/one-click/README.md, "Seeds on a piece's arms").
Where no predicted piece lies under a walked slice's seeds (the walk would stop: "empty") and the
mask a neighbour-mask model carries is thin (no pixel of it deeper than MOVED_DEPTH_MM from its edge),
the predicted pieces lying at least PIECE_OVERLAP on it are kept, in the walk and in its check: a thin section
(a rib, a scapular blade running out of the field of view) can move off its innermost point between
slices, a thick one cannot, and under a thick one such pieces were the neighbour across a joint
(without the depth limit two tuning tibiae walked into the femur: 0.99 -> 0.66, 0.96 -> 0.60). The
carried sections it rescued on the tuning phantoms were 4.2-6.1 mm deep, the tibial plateaus it must
not take 9.5-29 mm. v9, innermost clicks (`MOVED_SECTIONS` measured both ways): tuning scapula 0.764 ->
0.803 (one of 12 from 0.40 to 0.86), rib 0.794 -> 0.799; held-out scapula 0.756 -> 0.760, rib 0.854 ->
0.862, mandible 0.790 -> 0.789; fresh scapula 0.657 -> 0.693, rib 0.840 -> 0.849; the third set (36 a
region) scapula 0.663 -> 0.697 (three from 0.41-0.46 to 0.76-0.88), rib 0.870 -> 0.871; every other bone
within 0.001 on all four (docs/results/one-click/README.md, "Sections that move off their seeds").
A walk model exported with a check (ModelInfo.check, `bb-export --check`) also gives, on each walked
slice, a click model's mask from the same seeds; the walk keeps its mask near the check's, stops where
the check's mask breaks the leak rule (CHECK_LEAK) and, after the walks, takes the check's pixels near
it (runtime.walk_check; WALK_CHECK switches it all for measuring).
Background clicks refine their slice. A click on a slice that propagation filled makes it the user's
and clears the slices the same walk filled beyond it, so the next propagate() walks on from the
corrected slice; only the user's slices start walks, and a slice the user clicked is never walked
over. A positive click joins the slice's seeds (a missed piece is carried on beyond it); a background
click drops the seeds on the core it lies on (walk_seeds.clicked_core: a piece's deepest part, where
its seeds lie) and segments the slice again with the others (a leak at a piece's edge is trimmed;
where a neighbour merged with the bone has a core of its own, only its seeds go); where no seed is left (a
click on the middle of a piece that is not the bone) the walk is cut there and the next propagate()
stops at it. Before CLICK_REWALKS any background click on a walked slice cut the walk there, a
positive one left the slices beyond as they were, and each propagate() walked on again from where
every walk had stopped. One corrective click after the innermost one (`tools/one_click_eval.py
--second-click 1`: on the slice with the most wrong pixels, in the middle of its biggest wrong area)
then lowered 13 of 17 tuning bones below their one-click Dice (ulna 0.953 -> 0.626, sternum 0.978 ->
0.787, humerus 0.983 -> 0.873: a background click on a few leaked pixels wiped the walk beyond them);
with it only the mandible (0.833 -> 0.739: clicks below the first walk's end walk on into the neck). Bones
it left more than 0.01 below one click: tuning 65 -> 4 of 201, held-out 34 -> 2 of 106, the third set 191 ->
7 of 576; one-click scores do not move (docs/results/one-click/README.md, "A second click").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from bonebench.errors import InputError
from bonebench.kernels import distance_transform, label_components
from bonebench.protocol import walk_seeds
from bonebench.protocol.clicks import ClickSet
from bonebench.protocol.network import THRESHOLD, network_input
from bonebench.runtime import walk_check
from bonebench.runtime.scaling import SliceScale, check_spacing
from bonebench.runtime.stop_rules import StopRules
from bonebench.runtime.session import Model

AIR_HU = -400.0
SHRINK, LEAK = 0.1, 6.0
MIN_OVERLAP = 0.3  # share of a new slice's mask that must overlap the previous slice's mask
DEFAULT_RULES = StopRules(SHRINK, LEAK, MIN_OVERLAP)  # without a slice thickness; with one: StopRules.for_slices
FILL_PIECES = True  # a switch for measuring the rule (tools, tests); always on for users
PIECE_OVERLAP = 0.3  # share of an unclicked predicted piece that must overlap a neighbouring slice's mask
FILL_ROUNDS = 4
KEEP_CARRIED = False  # neighbour-mask models: also keep predicted pieces on the carried mask (off: measured)
MOVED_SECTIONS = True  # a switch for measuring the rule (tools, tests); always on for users
MOVED_DEPTH_MM = 8.0  # a carried mask at most this deep (mm from its edge) may have moved off its seeds
ARM_REACH: float | None = None  # model pixels: seed a piece's arms this far from its core; 0: none; None: the model's
ARM_OVERLAP = 0.5  # share of a piece only an arm seed found that must lie on the previous slice's mask
WALK_CHECK = True  # a walk model's check (runtime.walk_check): a switch for measuring it (tools, tests); on for users
CHECK_LEAK = True  # also stop where the check's mask breaks the leak rule (tuning: 4 bones +0.001-0.010, none lower)
CLICK_REWALKS = True  # a click on a walked slice redoes the walk beyond it (a switch for measuring; on for users)


@dataclass
class _Action:
    """What one click or propagation changed, for undo."""

    slices: dict[int, np.ndarray] = field(default_factory=dict)  # z -> mask slice before
    clicks: dict[int, list] = field(default_factory=dict)  # z -> click list before
    walks: dict[int, tuple[int, int]] = field(default_factory=dict)  # the propagated slices before


class InteractiveSession:
    """Segment one bone in a (z, y, x) HU volume from clicks. `mask` is the current uint8 result."""

    def __init__(self, hu: np.ndarray, model: Model, spacing: Sequence[float] | None = None):
        """`spacing`: the volume's voxel size (x, y, z mm, VolumeGeometry.spacing); with a model that
        knows its pixel size, each window is resampled to it and the mask back (runtime.scaling)."""
        if hu.ndim != 3:
            raise InputError(f"expected a 3D volume, got shape {hu.shape}")
        if not model.info.interactive:
            raise InputError(f"{model.path}: model {model.info.name} ({model.info.group}) takes no clicks; "
                             "use an interactive (SegInter) model")
        self.hu = hu
        self.model = model
        self.scale = SliceScale.of(model.info.pixel_mm, spacing)
        checked = check_spacing(spacing)
        self.volume_pixel_mm = (checked[1], checked[0]) if checked else (1.0, 1.0)  # rows, columns; unknown: 1
        self.rules = StopRules.for_slices(checked[2]) if checked else DEFAULT_RULES
        self.mask = np.zeros(hu.shape, np.uint8)
        self.clicks: dict[int, list[tuple[int, int, bool]]] = {}
        self._walks: dict[int, tuple[int, int]] = {}  # slice filled by propagation -> (start, step) of its walk
        self.stops: dict[tuple[int, int], tuple[int, str]] = {}  # (start, step) of a walk -> (slice, rule) it stopped at
        self._history: list[_Action] = []
        self._predicted: dict[int, np.ndarray] = {}  # z -> the slice's whole prediction, thresholded
        self._check_adds: dict[int, tuple] = {}  # walked slice -> (window, the check's pixels added after the walk)

    # ------------------------------------------------------------------ user actions

    def click(self, x: int, y: int, z: int, positive: bool = True) -> np.ndarray:
        """Add a click at voxel index (x, y, z) and re-segment its slice; returns that slice's mask."""
        self._check_inside(x, y, z)
        if positive and self.hu[z, y, x] < AIR_HU:
            raise InputError(f"click at x={x}, y={y}, z={z} lands on air ({float(self.hu[z, y, x]):.0f} HU); "
                             "click on the bone")
        action = _Action(walks=dict(self._walks))
        self._remember(action, z)
        carried = self._take_over(z, (y, x), positive, action) if z in self._walks else None
        self.clicks.setdefault(z, []).append((y, x, positive))
        self.mask[z] = self._segment_slice(z, carried)[0]
        self._history.append(action)
        return self.mask[z]

    @property
    def changed(self) -> list[int]:
        """The slices the last click or propagation changed, sorted (a click on a walked slice clears the
        walk beyond it too), for a viewer that redraws only those."""
        return sorted(self._history[-1].slices) if self._history else []

    def undo(self) -> None:
        """Take back the last click or propagation."""
        if not self._history:
            return
        action = self._history.pop()
        self._walks = action.walks
        for z, before in action.slices.items():
            self.mask[z] = before
        for z, before in action.clicks.items():
            if before:
                self.clicks[z] = before
            else:
                self.clicks.pop(z, None)

    def propagate(self, progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
        """Carry the mask of the clicked slices up and down until the bone ends; returns the first
        and last slice of the result. `progress(done, total)` is called after each slice (total: the
        volume's slices, an upper bound)."""
        self.check_propagate()
        action = _Action(walks=dict(self._walks))
        for start in sorted(self._seeds()):
            for step in (1, -1):
                self._walk(start, step, action, progress)
        if FILL_PIECES:
            self._fill_pieces(action)
        self._add_check_pixels()
        self._history.append(action)
        filled = np.flatnonzero(self.mask.any(axis=(1, 2)))
        return int(filled[0]), int(filled[-1])

    def check_propagate(self) -> None:
        """Refuse (InputError) a propagation with no clicked slice on the bone to start from."""
        if not self._seeds():
            raise InputError("nothing to propagate: click on the bone first")

    # ------------------------------------------------------------------ internals

    def _seeds(self) -> list[int]:
        """The slices a propagation starts from: clicked by the user on the bone, with a mask. Before
        CLICK_REWALKS the walked slices were starts too, so each later propagate() walked on again from
        where every walk had stopped (its last slice had grown since, by the check's pixels and the fill)."""
        return [z for z, cl in self.clicks.items() if any(p for _, _, p in cl) and self.mask[z].any()
                and (z not in self._walks or not CLICK_REWALKS)]

    def _check_inside(self, x: int, y: int, z: int) -> None:
        nz, ny, nx = self.hu.shape
        if not (0 <= x < nx and 0 <= y < ny and 0 <= z < nz):
            raise InputError(f"click x={x}, y={y}, z={z} is outside the volume (x < {nx}, y < {ny}, z < {nz})")

    def _remember(self, action: _Action, z: int) -> None:
        if z not in action.slices:
            action.slices[z] = self.mask[z].copy()
            action.clicks[z] = list(self.clicks.get(z, []))

    def _take_over(self, z: int, point: tuple[int, int], positive: bool, action: _Action) -> int | None:
        """The user clicks (`point`: y, x) a slice that propagation filled: it becomes the user's, and the
        slices the same walk filled beyond it are cleared (module docstring). Returns the slice whose mask
        the walk carried into z, or None where a background click cut the walk there."""
        start, step = self._walks.pop(z)
        if not positive:
            self.clicks[z] = self._seeds_left(z, point) if CLICK_REWALKS else []
        cut = not positive and not self.clicks[z]
        if not cut and not CLICK_REWALKS:
            return z - step
        beyond = [w for w, origin in self._walks.items() if origin == (start, step) and (w - z) * step > 0]
        for w in beyond:
            self._remember(action, w)
            self.mask[w] = 0
            self.clicks.pop(w, None)
            del self._walks[w]
        return None if cut else z - step

    def _seeds_left(self, z: int, point: tuple[int, int]) -> list[tuple[int, int, bool]]:
        """The walk's seeds on slice z that a background click at `point` leaves: all of them, or where it
        lies on a piece's core (walk_seeds.clicked_core: where the piece's seeds lie), those off that core."""
        core = walk_seeds.clicked_core(self.mask[z], *point)
        return [(y, x, p) for y, x, p in self.clicks[z] if core is None or not core[y, x]]

    def _walk(self, start: int, step: int, action: _Action, progress) -> None:
        """Walk from `start` by `step` until a stop rule says the bone ended; the slice and rule are
        kept in `stops` (start, step) -> (z, rule), for tools and the curious."""
        previous = self.mask[start]
        reach = ARM_REACH if ARM_REACH is not None else self.model.info.walk_arms
        z = start + step
        while 0 <= z < self.hu.shape[0] and z not in self.clicks:
            seeds, arms = walk_seeds.seeds_and_arms(previous, self.scale.window_sides(walk_seeds.SEED_GAP), reach)
            if not seeds:
                self.stops[(start, step)] = (z, "no piece to seed")
                return
            self._remember(action, z)
            self.clicks[z] = [(y, x, True) for y, x in seeds + arms]
            walked, check = self._segment_slice(z, z - step)
            if check is not None:
                box, seen = check
                walked[box] = walk_check.kept(walked[box] > 0, seen)
            result = _drop_arm_pieces(walked, seeds, arms, previous)
            rule = stop_rule(result, previous, self.rules)
            if not rule and check is not None and CHECK_LEAK:
                rule = self._check_leak(check, previous)
            if rule:
                self.stops[(start, step)] = (z, rule)
                self.clicks.pop(z)
                self._predicted.pop(z, None)
                return
            self.mask[z] = result
            self._walks[z] = (start, step)
            if check is not None:
                self._check_adds[z] = (box, walk_check.added(seen, result[box] > 0))
            previous = result
            z += step
            if progress is not None:
                progress(len(action.slices), self.hu.shape[0])
        self.stops[(start, step)] = (z, "volume edge" if not 0 <= z < self.hu.shape[0] else "clicked slice")

    def _window(self, points: list[tuple[int, int, bool]], side: int) -> tuple[int, int, int, int]:
        """A window (clamped to the slice) around the clicks' centre that holds side x side model pixels."""
        ny, nx = self.hu.shape[1:]
        ys = [p[0] for p in points]
        xs = [p[1] for p in points]
        cy, cx = (min(ys) + max(ys)) // 2, (min(xs) + max(xs)) // 2
        side_y, side_x = self.scale.window_sides(side)
        half_y = max(side_y, max(ys) - min(ys) + 32) // 2
        half_x = max(side_x, max(xs) - min(xs) + 32) // 2
        y0, x0 = max(cy - half_y, 0), max(cx - half_x, 0)
        y1, x1 = min(y0 + 2 * half_y, ny), min(x0 + 2 * half_x, nx)
        return max(y1 - 2 * half_y, 0), y1, max(x1 - 2 * half_x, 0), x1

    def _segment_slice(self, z: int, carried: int | None = None) -> tuple[np.ndarray, tuple | None]:
        """Segment slice z from its clicks; `carried` is the slice whose mask the walk carries into it
        (the one it came from), fed to a neighbour-mask model and kept where its pieces continue.
        Returns the mask and, for a walk model with a check and a carried mask, (window, the check's
        mask in it: the click model's pieces under the same clicks; runtime.walk_check), else None.
        The mask is empty outside that window."""
        points = self.clicks[z]
        ny, nx = self.hu.shape[1:]
        side = self.model.info.patch_size
        neighbour = self.mask[carried] if carried is not None and self.model.info.neighbour_mask else None
        while True:
            y0, y1, x0, x1 = self._window(points, side)
            window_neighbour = None if neighbour is None else neighbour[y0:y1, x0:x1]
            channels = self._predict_window(z, points, (y0, y1, x0, x1), window_neighbour)
            predicted, positives = channels[0], [(y - y0, x - x0) for y, x, p in points if p]
            kept, moved = self._kept(predicted, positives, window_neighbour)
            touches = ((kept[0].any() and y0 > 0) or (kept[-1].any() and y1 < ny)
                       or (kept[:, 0].any() and x0 > 0) or (kept[:, -1].any() and x1 < nx))
            if not touches or (y1 - y0 >= ny and x1 - x0 >= nx):
                out = np.zeros((ny, nx), np.uint8)
                out[y0:y1, x0:x1] = kept
                self._predicted[z] = np.zeros((ny, nx), bool)
                self._predicted[z][y0:y1, x0:x1] = predicted
                if len(channels) < 2 or neighbour is None or not WALK_CHECK:
                    return out, None
                seen = _keep_clicked(channels[1], positives, window_neighbour if moved else None) > 0
                return out, (np.s_[y0:y1, x0:x1], seen)
            side *= 2

    def _kept(self, predicted: np.ndarray, positives: list[tuple[int, int]],
              carried: np.ndarray | None) -> tuple[np.ndarray, bool]:
        """The pieces of a window's prediction that the slice keeps, and whether they are a moved
        section's: the pieces under the positive clicks or, where there are none and the carried mask
        is thin (MOVED_SECTIONS), the pieces lying on the carried mask (module docstring)."""
        kept = _keep_clicked(predicted, positives, carried if KEEP_CARRIED else None)
        if kept.any() or carried is None or not MOVED_SECTIONS or not carried.any():
            return kept, False
        if distance_transform(carried > 0, self.volume_pixel_mm).max() > MOVED_DEPTH_MM:
            return kept, False
        moved = _keep_clicked(predicted, [], carried)
        return moved, bool(moved.any())

    def _predict_window(self, z: int, points, box: tuple[int, int, int, int],
                        neighbour: np.ndarray | None) -> np.ndarray:
        """The thresholded prediction of each output channel (ModelInfo.outputs) in one window (`box`:
        y0, y1, x0, x1; `neighbour`: the carried mask in it, or None): the network sees it at the
        model's pixel size (when the scale is active), its probability is thresholded back on the
        volume's pixels."""
        y0, y1, x0, x1 = box
        fg = [(y - y0, x - x0) for y, x, p in points if p]
        bg = [(y - y0, x - x0) for y, x, p in points if not p]
        window = (y1 - y0, x1 - x0)
        shape = self.scale.model_shape(window)
        image = self.hu[z:z + 1, y0:y1, x0:x1]
        previous = self.mask[z:z + 1, y0:y1, x0:x1] if self.model.info.inputs.prev_mask else None
        carried = None if neighbour is None else neighbour[None].astype(np.float32)
        if self.scale.active:
            image = self.scale.to_model(np.clip(image, *self.model.info.hu_window), shape)
            if previous is not None:
                previous = self.scale.to_model(previous.astype(np.float32), shape)
            if carried is not None:  # binary, as the neighbour masks it was trained on
                carried = (self.scale.to_model(carried, shape) > 0.5).astype(np.float32)
        clicks = ClickSet.from_points(shape, self.scale.points_to_model(fg, window, shape),
                                      self.scale.points_to_model(bg, window, shape))
        inputs = network_input(image, self.model.info.inputs, clicks, previous, neighbour=carried)
        probability = self.scale.to_volume(self.model.predict_all(inputs)[0], window)
        return probability > THRESHOLD

    def _fill_pieces(self, action: _Action) -> None:
        """Add the predicted pieces that no click kept but that continue the mask on a neighbouring
        slice (PIECE_OVERLAP of the piece overlaps it): a bone cut into several pieces on the clicked
        slice (scapula body and spine, the two parts of a hip bone) joins on other slices, and its
        other pieces are followed back from there. Sweeps up and down until nothing is added. A slice
        with a background click is left alone: the piece the user excluded does not come back."""
        for _ in range(FILL_ROUNDS):
            added = False
            for z in sorted(self._predicted) + sorted(self._predicted, reverse=True):
                added |= self._fill_slice(z, action)
            if not added:
                return

    def _check_leak(self, check: tuple, previous: np.ndarray) -> str:
        """"the check's leak" where the check's mask breaks the leak rule against the previous slice's
        mask (its seeds found a bone far bigger than the one walked: CHECK_LEAK), else ""."""
        box, seen = check
        rule = self.rules.broken_by(int(np.count_nonzero(seen)), int(np.count_nonzero(previous)),
                                    lambda: np.count_nonzero(seen & (previous[box] > 0)))
        return "the check's leak" if rule == "leak" else ""

    def _add_check_pixels(self) -> None:
        """After the walks and the fill: the check's pixels near each walked slice's mask join it
        (runtime.walk_check); a slice emptied since keeps nothing."""
        for z, (box, adds) in self._check_adds.items():
            if self.mask[z].any():
                self.mask[z][box][adds] = 1
        self._check_adds.clear()

    def _fill_slice(self, z: int, action: _Action) -> bool:
        if not self.mask[z].any() or any(not positive for _, _, positive in self.clicks.get(z, ())):
            return False  # a slice with a background click stays as the user's clicks made it
        box = _extent(self._predicted[z])  # the prediction's window: its pieces, fewer pixels to label
        if box is None:
            return False
        extra = self._predicted[z][box] & (self.mask[z][box] == 0)
        labels, count = label_components(extra, 8)
        if count == 0:
            return False
        nearby = np.zeros(extra.shape, bool)
        for n in (z - 1, z + 1):
            if 0 <= n < self.mask.shape[0]:
                nearby |= self.mask[n][box] > 0
        sizes, lying = _lying_on(labels, count, nearby)
        joining = np.flatnonzero(lying & (sizes >= walk_seeds.MIN_PIECE))
        joining = joining[joining > 0]
        if not len(joining):
            return False
        self._remember(action, z)
        self.mask[z][box][np.isin(labels, joining)] = 1
        return True


def _extent(mask: np.ndarray) -> tuple[slice, slice] | None:
    """The rows and columns that hold a 2D mask's pixels (None: empty)."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return np.s_[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def _keep_clicked(prediction: np.ndarray, positives: list[tuple[int, int]],
                  carried: np.ndarray | None = None) -> np.ndarray:
    """The components of the prediction under the positive clicks (the clicked bone) and, with the
    mask a neighbour-mask model was given, those lying at least PIECE_OVERLAP on it (the bone it
    carried on, where the walk's seeds missed a piece)."""
    labels, count = label_components(prediction, 8)
    if count == 0:
        return prediction.astype(np.uint8)
    keep = {int(labels[y, x]) for y, x in positives} - {0}
    if carried is not None and carried.any():
        keep |= {int(k) for k in np.flatnonzero(_lying_on(labels, count, carried > 0)[1]) if k > 0}
    kept = np.zeros(count + 1, np.uint8)  # a lookup per label: one pass, where np.isin sorts
    kept[list(keep)] = 1
    return kept[labels]


def _lying_on(labels: np.ndarray, count: int, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per component id 0..count of `labels`: its pixel count, and whether at least PIECE_OVERLAP of
    it lies on `mask` (a piece that continues a mask: the fill, and the carried pieces)."""
    sizes = np.bincount(labels.ravel(), minlength=count + 1)
    on = np.bincount(labels[mask], minlength=count + 1)
    return sizes, on >= PIECE_OVERLAP * sizes


def _drop_arm_pieces(result: np.ndarray, seeds: list[tuple[int, int]], arms: list[tuple[int, int]],
                     previous: np.ndarray) -> np.ndarray:
    """A piece of the walked slice's mask that only arm seeds found stays where at least ARM_OVERLAP of
    it lies on the previous slice's mask (the arm goes on); else the arm ended and its seed found a
    neighbour (a clavicle's arm seed on the acromion)."""
    if not arms:
        return result
    labels, _ = label_components(result, 8)
    kept_by_seeds = {int(labels[p]) for p in seeds}
    kept = result.copy()
    for piece in {int(labels[p]) for p in arms} - kept_by_seeds - {0}:
        inside = labels == piece
        if (inside & (previous > 0)).sum() < ARM_OVERLAP * inside.sum():
            kept[inside] = 0
    return kept


def stop_rule(result: np.ndarray, previous: np.ndarray, rules: StopRules = DEFAULT_RULES) -> str:
    """The stop rule a propagated slice's mask breaks against the previous slice's ("" if it is
    still the same bone): empty, shrink, leak or overlap."""
    return rules.broken(result, previous)
