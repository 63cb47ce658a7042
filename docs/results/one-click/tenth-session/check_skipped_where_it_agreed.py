"""Run from the repository root: CUT_TOL=0 python docs/results/one-click/tenth-session/check_skipped_where_it_agreed.py OUT --tuning --per-region 12 --random-clicks 0 --openkbp ../shared/data/openkbp-mandible.
Tenth session (2026-12-07); measured before the runtime had MOVED_SECTIONS, which this script switches off.

Prototype: skip the walk's check on a slice when the previous walked slice was checked and its check cut
nothing from the walk's mask (CUT_TOL pixels at most) — a stretch where walk and check agree."""
import os, sys, runpy
import numpy as np
import bonebench.runtime.interactive as _interactive
_interactive.MOVED_SECTIONS = False
from bonebench.runtime import interactive, walk_check
from bonebench.runtime.interactive import _drop_arm_pieces, stop_rule
from bonebench.protocol import walk_seeds
TOL = float(os.environ.get("CUT_TOL", "0"))
STATS = {"checked": 0, "skipped": 0}
def _walk(self, start, step, action, progress):
    previous = self.mask[start]
    reach = interactive.ARM_REACH if interactive.ARM_REACH is not None else self.model.info.walk_arms
    z = start + step
    agreed = False
    while 0 <= z < self.hu.shape[0] and z not in self.clicks:
        seeds, arms = walk_seeds.seeds_and_arms(previous, self.scale.window_sides(walk_seeds.SEED_GAP), reach)
        if not seeds:
            self.stops[(start, step)] = (z, "no piece to seed"); return
        self._remember(action, z)
        self.clicks[z] = [(y, x, True) for y, x in seeds + arms]
        walked, check = self._segment_slice(z, z - step)
        if check is not None and agreed:
            check = None; STATS["skipped"] += 1; agreed = False
        elif check is not None:
            STATS["checked"] += 1
            box, seen = check
            before = int(np.count_nonzero(walked[box]))
            walked[box] = walk_check.kept(walked[box] > 0, seen)
            agreed = before - int(np.count_nonzero(walked[box])) <= TOL * max(before, 1) if TOL < 1 else before - int(np.count_nonzero(walked[box])) <= TOL
        result = _drop_arm_pieces(walked, seeds, arms, previous)
        rule = stop_rule(result, previous, self.rules)
        if not rule and check is not None and interactive.CHECK_LEAK:
            rule = self._check_leak(check, previous)
        if rule:
            self.stops[(start, step)] = (z, rule); self.clicks.pop(z); self._predicted.pop(z, None); return
        self.mask[z] = result
        self._walks[z] = (start, step)
        if check is not None:
            self._check_adds[z] = (box, walk_check.added(seen, result[box] > 0))
        previous = result
        z += step
        if progress is not None:
            progress(len(action.slices), self.hu.shape[0])
    self.stops[(start, step)] = (z, "volume edge" if not 0 <= z < self.hu.shape[0] else "clicked slice")
interactive.InteractiveSession._walk = _walk
if __name__ == "__main__":
    import atexit; atexit.register(lambda: print("check", STATS, file=sys.stderr))
    sys.argv = ["one_click_eval.py"] + sys.argv[1:]
    sys.path.insert(0, "tools")
    runpy.run_path("tools/one_click_eval.py", run_name="__main__")
