"""The "separate call" variant of the arm seeds (2026-12-07, third session; docs/results/one-click/README.md,
"Seeds on a piece's arms"), which is not in the package: the walk's own seeds are clicked first, then
the arm seeds in a model call of their own, and the pieces those find join the mask where at least
ARM_OVERLAP of them lies on the previous slice's mask. It patches runtime.interactive and runs
tools/one_click_eval.py with the remaining arguments, from the repository root:

    python docs/results/one-click/arm-seeds-experiment/prototype.py OUT --model M.onnx --arm-reach 24 ...

Without --arm-reach nothing changes; the landed rule (arm seeds in the same call) is one_click_eval's
--arm-reach alone.
Since the runtime's own check (v9, 2026-12-07, fifth session) `_segment_slice` returns (mask, check); this script
takes and gives the mask with None (v7 has no check).
"""

import runpy
import sys

import numpy as np

from bonebench.kernels import label_components
from bonebench.protocol import walk_seeds
from bonebench.runtime import interactive

arm_seeds_of_slice = []  # the arm seeds of the slice being walked
landed_arm_seeds = walk_seeds.arm_seeds
landed_segment_slice = interactive.InteractiveSession._segment_slice


def recorded_arm_seeds(mask, gap_yx, seeds, reach, pieces=None):
    arm_seeds_of_slice[:] = landed_arm_seeds(mask, gap_yx, seeds, reach, pieces)
    return list(arm_seeds_of_slice)


def separate_call(self, z, carried=None):
    """With arm seeds among z's clicks: the walk's seeds alone, then the arms alone, their pieces added
    where they continue the previous slice's mask (self.mask[carried])."""
    clicks = self.clicks[z]
    arms = {(y, x) for y, x in arm_seeds_of_slice}
    if carried is None or not arms or not any((y, x) in arms for y, x, _ in clicks):
        return landed_segment_slice(self, z, carried)
    self.clicks[z] = [c for c in clicks if (c[0], c[1]) not in arms]
    result = landed_segment_slice(self, z, carried)[0]  # (mask, None): v7 has no check
    outside = [(y, x) for y, x in arm_seeds_of_slice if not result[y, x]]
    if outside:
        whole = self._predicted[z].copy()
        self.clicks[z] = [(y, x, True) for y, x in outside]
        extra = landed_segment_slice(self, z, carried)[0]
        labels, _ = label_components(extra, 8)
        previous = self.mask[carried] > 0
        for piece in {int(labels[p]) for p in outside} - {0}:
            inside = labels == piece
            if (inside & previous).sum() >= interactive.ARM_OVERLAP * inside.sum():
                result = (result | inside).astype(result.dtype)
        self._predicted[z] |= whole
    self.clicks[z] = clicks
    return result, None


walk_seeds.arm_seeds = recorded_arm_seeds
interactive.InteractiveSession._segment_slice = separate_call
sys.argv = ["tools/one_click_eval.py"] + sys.argv[1:]
sys.path.insert(0, "tools")
runpy.run_path("tools/one_click_eval.py", run_name="__main__")
