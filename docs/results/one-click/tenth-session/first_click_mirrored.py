"""Run from the repository root: imported by random_click_failures.py (PATCH=first_click_mirrored TTA=4).
Tenth session (2026-12-07); measured before the runtime had MOVED_SECTIONS, which this script switches off.

Prototype: a user's click (nothing carried) is answered with the mean probability of the input and its
mirror images (TTA=2: left-right; TTA=4: and up-down, and both), one batch."""
import os, sys, runpy
import numpy as np
import bonebench.runtime.interactive as _interactive
_interactive.MOVED_SECTIONS = False
from bonebench.runtime import interactive
from bonebench.runtime.session import Model
TTA = int(os.environ.get("TTA", "4"))
orig_pa = Model.predict_all
def predict_all(self, x):
    if not getattr(self, "_tta", False):
        return orig_pa(self, x)
    views = [x, x[..., ::-1]] + ([x[..., ::-1, :], x[..., ::-1, ::-1]] if TTA == 4 else [])
    outs = orig_pa(self, np.concatenate([np.ascontiguousarray(v) for v in views]))
    n = x.shape[0]
    back = [outs[:n], outs[n:2*n][..., ::-1]] + ([outs[2*n:3*n][..., ::-1, :], outs[3*n:][..., ::-1, ::-1]] if TTA == 4 else [])
    return np.mean(back, axis=0)
Model.predict_all = predict_all
orig_seg = interactive.InteractiveSession._segment_slice
def seg(self, z, carried=None):
    self.model._tta = carried is None
    try:
        return orig_seg(self, z, carried)
    finally:
        self.model._tta = False
interactive.InteractiveSession._segment_slice = seg
if __name__ == "__main__":
    sys.argv = ["one_click_eval.py"] + sys.argv[1:]
    sys.path.insert(0, "tools")
    runpy.run_path("tools/one_click_eval.py", run_name="__main__")
