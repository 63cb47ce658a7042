"""Run from the repository root: python docs/results/one-click/tenth-session/return_pass.py OUT --tuning --per-region 12 --random-clicks 0 --openkbp ../shared/data/openkbp-mandible.
Tenth session (2026-12-07); measured before the runtime had MOVED_SECTIONS, which this script switches off.

Prototype: after the walks, sweep up and down over the mask; a piece of the slice the sweep comes from
that the next slice does not continue (and that no forward walk in this direction already tried) seeds
that slice; the kept new pieces join the mask if they pass the stop rules against the seeding pieces."""
import os, sys, runpy
import numpy as np
import bonebench.runtime.interactive as _interactive
_interactive.MOVED_SECTIONS = False
from bonebench.runtime import interactive, walk_check
from bonebench.protocol import walk_seeds
from bonebench.kernels import label_components
CONT = float(os.environ.get("RET_CONT", "0.1"))
STATS = {"calls": 0, "added": 0}

def _sweep(self, step, action, fresh):
    nz = self.hu.shape[0]
    reach = interactive.ARM_REACH if interactive.ARM_REACH is not None else self.model.info.walk_arms
    filled = np.flatnonzero(self.mask.any(axis=(1, 2)))
    z = (filled[0] if step == 1 else filled[-1]) + step
    while 0 <= z < nz:
        came = z - step
        prev = self.mask[came]
        if not prev.any():
            break
        if any(not p for _, _, p in self.clicks.get(z, ())):
            z += step; continue
        labels, count = label_components(prev > 0, 8)
        opposite = self._walks.get(came, (None, 0))[1] == -step
        seeding = np.zeros(prev.shape, bool)
        for piece in range(1, count + 1):
            inside = labels == piece
            size = inside.sum()
            if size < walk_seeds.MIN_PIECE or (inside & (self.mask[z] > 0)).sum() >= CONT * size:
                continue
            if opposite or (inside & fresh[came]).any():
                seeding |= inside
        if seeding.any():
            if not self.mask[z].any() and not (fresh[came] & seeding).any():
                break
            self._try_pieces(z, step, seeding, action, fresh, reach)
        elif not self.mask[z].any():
            break
        z += step

def _try_pieces(self, z, step, seeding, action, fresh, reach):
    seeds, arms = walk_seeds.seeds_and_arms(seeding.astype(np.uint8), self.scale.window_sides(walk_seeds.SEED_GAP), reach)
    if not seeds:
        return
    saved_clicks = self.clicks.get(z)
    saved_pred = self._predicted.get(z)
    carried_mask = self.mask[z - step].copy()
    self.mask[z - step] = seeding.astype(np.uint8)  # the walk model carries the seeding pieces
    self.clicks[z] = [(y, x, True) for y, x in seeds + arms]
    try:
        walked, check = self._segment_slice(z, z - step)
    finally:
        self.mask[z - step] = carried_mask
        if saved_clicks is None: self.clicks.pop(z, None)
        else: self.clicks[z] = saved_clicks
    STATS["calls"] += 1
    if check is not None:
        box, seen = check
        walked[box] = walk_check.kept(walked[box] > 0, seen)
    result = interactive._drop_arm_pieces(walked, seeds, arms, seeding)
    rule = interactive.stop_rule(result, seeding, self.rules)
    if not rule and check is not None and interactive.CHECK_LEAK:
        rule = self._check_leak(check, seeding)
    if saved_pred is not None:
        self._predicted[z] = saved_pred | self._predicted.get(z, False)
    if rule:
        return
    new = (result > 0) & (self.mask[z] == 0)
    if not new.any():
        return
    self._remember(action, z)
    self.mask[z][new] = 1
    fresh[z] |= new
    STATS["added"] += int(new.sum())
    if check is not None:
        box, seen = check
        old = self._check_adds.get(z)
        adds = walk_check.added(seen, self.mask[z][box] > 0)
        if old is None or old[0] == box:
            self._check_adds[z] = (box, adds if old is None else (old[1] | adds))

orig_fill = interactive.InteractiveSession._fill_pieces
ROUNDS = int(os.environ.get("RET_ROUNDS", "1"))
def fill(self, action):
    fresh = np.zeros(self.mask.shape, bool)
    for _ in range(ROUNDS):
        for step in (1, -1):
            _sweep(self, step, action, fresh)
    orig_fill(self, action)
interactive.InteractiveSession._fill_pieces = fill
interactive.InteractiveSession._try_pieces = _try_pieces
if __name__ == "__main__":
    import atexit; atexit.register(lambda: print("return pass", STATS, file=sys.stderr))
    sys.argv = ["one_click_eval.py"] + sys.argv[1:]
    sys.path.insert(0, "tools")
    runpy.run_path("tools/one_click_eval.py", run_name="__main__")
