"""A click model as a check on the walk model at each walked slice (2026-12-07, fourth session; not in the
package): the walk model segments the slice as usual (the carried mask as its fourth input), the click model
GATE segments it from the same seeds without the carried mask, and only the walk's pixels within GATE_GROW
pixels of the click model's mask are kept (GATE_MODE=and), or with them the click model's pixels within
GATE_GROW of the walk's (GATE_MODE=both: each model's mask where the other agrees). Why: the walk model crosses joints by carrying the previous mask
into the neighbour where the joint's partial volume joins them (docs/results/one-click/README.md, "walk8");
the click model, which sees no carried mask, stopped at those joints (v7: hip_3 femur 0.922).

    GATE=bonebench/runtime/models/click_v7.onnx GATE_GROW=2 python docs/results/one-click/walk8-experiment/gate.py \
        OUT --model runs/walk8_last.onnx --tuning ... (tools/one_click_eval.py's arguments)

Since the runtime's own check (v9, 2026-12-07, fifth session) `_segment_slice` returns (mask, check); this script
takes and gives the mask with None, for models without a check of their own.
"""

import os
import runpy
import sys
from pathlib import Path

from scipy import ndimage

from bonebench.runtime import interactive
from bonebench.runtime.session import Model

GATE: Model | None = None  # the click model that checks the walk (GATE; set by main or a caller)
GATE_GROW = int(os.environ.get("GATE_GROW", "2"))
GATE_MODE = os.environ.get("GATE_MODE", "and")
walk_only = interactive.InteractiveSession._segment_slice


def gated(self, z, carried=None):
    walked = walk_only(self, z, carried)[0]  # (mask, None): the models here have no check of their own
    if carried is None:  # the user's own clicks: as without the gate
        return walked, None
    predicted, walk_model = self._predicted[z], self.model
    self.model = GATE
    try:
        check = walk_only(self, z, None)[0]
    finally:
        self.model, self._predicted[z] = walk_model, predicted
    kept = (walked > 0) & _near(check > 0)
    if GATE_MODE == "both":
        kept |= (check > 0) & _near(walked > 0)
    return kept.astype(walked.dtype), None


def _near(mask):
    return ndimage.binary_dilation(mask, iterations=GATE_GROW) if GATE_GROW else mask


if __name__ == "__main__":
    GATE = Model(Path(os.environ["GATE"]), device="cpu")
    interactive.InteractiveSession._segment_slice = gated
    sys.argv = ["tools/one_click_eval.py"] + sys.argv[1:]
    sys.path.insert(0, "tools")
    runpy.run_path("tools/one_click_eval.py", run_name="__main__")
