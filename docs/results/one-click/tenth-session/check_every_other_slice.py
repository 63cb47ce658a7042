"""Run from the repository root: CHECK_EVERY=2 python docs/results/one-click/tenth-session/check_every_other_slice.py OUT --tuning --per-region 12 --random-clicks 0 --openkbp ../shared/data/openkbp-mandible.
Tenth session (2026-12-07); measured before the runtime had MOVED_SECTIONS, which this script switches off.

Prototype: the walk's check only on every CHECK_EVERY-th walked slice (counted from the start); on the others
the walk's own mask stands (no cut, no check leak stop, no rim added)."""
import os, sys, runpy
from bonebench.runtime import interactive
interactive.MOVED_SECTIONS = False
EVERY = int(os.environ.get("CHECK_EVERY", "2"))
orig = interactive.InteractiveSession._segment_slice
def seg(self, z, carried=None):
    out, check = orig(self, z, carried)
    if check is not None and carried is not None and abs(z - self._walk_start) % EVERY != 0:
        return out, None
    return out, check
orig_walk = interactive.InteractiveSession._walk
def walk(self, start, step, action, progress):
    self._walk_start = start
    return orig_walk(self, start, step, action, progress)
interactive.InteractiveSession._segment_slice = seg
interactive.InteractiveSession._walk = walk
if __name__ == "__main__":
    sys.argv = ["one_click_eval.py"] + sys.argv[1:]
    sys.path.insert(0, "tools")
    runpy.run_path("tools/one_click_eval.py", run_name="__main__")
