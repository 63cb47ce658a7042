"""Run from the repository root: python docs/results/one-click/tenth-session/moved_sections_log.py > LOG: every
keep of the moved-sections rule without its depth limit (runtime.interactive.MOVED_DEPTH_MM infinite) on the
tuning phantoms, v9, innermost clicks: case, bone, slice, the carried mask's pixels in the window, the kept
pixels, the kept share lying on the carried mask, the kept share inside the clicked bone (the truth), the
distance from the nearest seed to the kept pixels (mm), the carried mask's depth (mm) and area (mm2), the row
spacing. moved_sections_log.txt holds its output (4 min, this session): the same 43 keeps as the session's
prototype logged, knee_8's read at its volume's 1.47 mm pixels where the prototype took them as 1 mm."""
import sys

import numpy as np
from scipy import ndimage

sys.path.insert(0, "tools")
from one_click_eval import NAMES, TUNING_SEED, _phantom_cases  # noqa: E402

from bonebench.data.phantoms import PhantomShape  # noqa: E402
from bonebench.runtime import interactive  # noqa: E402
from bonebench.runtime.interactive import InteractiveSession  # noqa: E402
from bonebench.runtime.session import Model  # noqa: E402
from bonebench.study.one_click import clicked_bone  # noqa: E402

interactive.MOVED_DEPTH_MM = float("inf")
CURRENT = {}
kept_rule, segment_slice = InteractiveSession._kept, InteractiveSession._segment_slice


def _kept(self, predicted, positives, carried):
    kept, moved = kept_rule(self, predicted, positives, carried)
    if moved:
        CURRENT["keep"] = (int(carried.sum()), int(kept.sum()), float(((kept > 0) & (carried > 0)).sum() / kept.sum()))
    return kept, moved


def _segment(self, z, carried=None):
    CURRENT.pop("keep", None)
    out, check = segment_slice(self, z, carried)
    if "keep" in CURRENT:
        before, kept, on = CURRENT.pop("keep")
        sp = self.volume_pixel_mm
        seed_mm = min(ndimage.distance_transform_edt(out == 0, sampling=sp)[y, x] for y, x, p in self.clicks[z] if p)
        previous = self.mask[carried] > 0
        depth = ndimage.distance_transform_edt(previous, sampling=sp).max()
        inside = (CURRENT["labels"][z][out > 0] == CURRENT["value"]).mean()
        print(f"  {CURRENT['case']} {CURRENT['bone']} z{z} prev {before} kept {kept} on-carried {on:.2f} "
              f"in-bone {inside:.2f} seed-mm {seed_mm:.1f} prev-depth-mm {depth:.1f} "
              f"prev-mm2 {previous.sum() * sp[0] * sp[1]:.0f} spacing {sp[0]:.2f}")
    return out, check


InteractiveSession._kept, InteractiveSession._segment_slice = _kept, _segment
model = Model(None)
for case, hu, labels, names, spacing in _phantom_cases(12, PhantomShape(size_xy=192, slices=40), TUNING_SEED):
    for value in sorted(set(np.unique(labels)) - {0}):
        target, (x, y, z) = clicked_bone(labels == value, hu)
        CURRENT.update(case=case, bone=NAMES[int(value)], value=int(value), labels=labels)
        session = InteractiveSession(hu, model, spacing)
        session.click(x, y, z)
        session.propagate()
