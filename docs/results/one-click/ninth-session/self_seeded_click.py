"""Prototype: after a positive user click, the clicked slice is segmented again with the walk's seeds
(and arm seeds) of its first mask beside the user's clicks. SELF_ROUNDS env: rounds (default 1)."""
import os, sys, runpy
import numpy as np
from bonebench.runtime import interactive
from bonebench.protocol import walk_seeds
ROUNDS = int(os.environ.get("SELF_ROUNDS", "1"))
MODE = os.environ.get("SELF_MODE", "replace")  # replace | union
orig_click = interactive.InteractiveSession.click
def click(self, x, y, z, positive=True):
    out = orig_click(self, x, y, z, positive)
    if not positive or ROUNDS == 0:
        return out
    user = list(self.clicks[z])
    reach = interactive.ARM_REACH if interactive.ARM_REACH is not None else self.model.info.walk_arms
    first = self.mask[z].copy()
    mask = first
    for _ in range(ROUNDS):
        seeds, arms = walk_seeds.seeds_and_arms(mask, self.scale.window_sides(walk_seeds.SEED_GAP), reach)
        if not seeds:
            break
        self.clicks[z] = user + [(sy, sx, True) for sy, sx in seeds + arms]
        new, _ = self._segment_slice(z, None)
        new = interactive._drop_arm_pieces(new, seeds + [(p[0], p[1]) for p in user if p[2]], arms, mask)
        if MODE == "union":
            new = np.maximum(new, first)
        mask = new
    self.clicks[z] = user
    self.mask[z] = mask
    return self.mask[z]
interactive.InteractiveSession.click = click
sys.argv = ["one_click_eval.py"] + sys.argv[1:]
sys.path.insert(0, "tools")
runpy.run_path("tools/one_click_eval.py", run_name="__main__")
