"""Run from the repository root: imported by random_click_failures.py (PATCH=first_click_from_the_check FIRST=check).
Tenth session (2026-12-07); measured before the runtime had MOVED_SECTIONS, which this script switches off.

Prototype: on a slice the user clicked (nothing carried), a walk model with a check takes the check's mask
(FIRST=check) or the union of both (FIRST=union) instead of the walk model's own first-click answer."""
import os, sys, runpy
import numpy as np
import bonebench.runtime.interactive as _interactive
_interactive.MOVED_SECTIONS = False
from bonebench.runtime import interactive
MODE = os.environ.get("FIRST", "check")
orig = interactive.InteractiveSession._predict_window
def pw(self, z, points, box, neighbour):
    ch = orig(self, z, points, box, neighbour)
    if neighbour is None and len(ch) >= 2 and getattr(self, "_first_click", False):
        ch = ch.copy()
        ch[0] = ch[1] if MODE == "check" else (ch[0] | ch[1])
    return ch
orig_seg = interactive.InteractiveSession._segment_slice
def seg(self, z, carried=None):
    self._first_click = carried is None and self.model.info.neighbour_mask
    try:
        return orig_seg(self, z, carried)
    finally:
        self._first_click = False
interactive.InteractiveSession._predict_window = pw
interactive.InteractiveSession._segment_slice = seg
if __name__ == "__main__":
    sys.argv = ["one_click_eval.py"] + sys.argv[1:]
    sys.path.insert(0, "tools")
    runpy.run_path("tools/one_click_eval.py", run_name="__main__")
