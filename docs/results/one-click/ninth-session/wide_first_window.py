"""Prototype: a user's click segments its slice in a window of BIG_FACTOR x the patch (model pixels);
walked slices keep the patch-sized start."""
import os, sys, runpy
from bonebench.runtime import interactive
FACTOR = float(os.environ.get("BIG_FACTOR", "2"))
orig_click = interactive.InteractiveSession.click
orig_window = interactive.InteractiveSession._window
state = {"first": False}
def click(self, *a, **k):
    state["first"] = True
    try:
        return orig_click(self, *a, **k)
    finally:
        state["first"] = False
def window(self, points, side):
    if state["first"] and side == self.model.info.patch_size:
        side = int(side * FACTOR)
    return orig_window(self, points, side)
interactive.InteractiveSession.click = click
interactive.InteractiveSession._window = window
sys.argv = ["one_click_eval.py"] + sys.argv[1:]
sys.path.insert(0, "tools")
runpy.run_path("tools/one_click_eval.py", run_name="__main__")
