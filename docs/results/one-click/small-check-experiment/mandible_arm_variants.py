"""Run from the repository root: python docs/results/one-click/small-check-experiment/mandible_arm_variants.py VARIANT
(base, arm0.3, arm0.0, tol0.5g1, armfar, armboth, armfar-0.0, armboth-0.0). Tuning mandibles only (OpenKBP validation), innermost click: Dice per patient and mean, for a variant."""
import sys
sys.path.insert(0, "tools")
from pathlib import Path
import numpy as np
from one_click_eval import _openkbp_cases
from bonebench.runtime.session import Model
from bonebench.runtime import interactive
from bonebench.study.one_click import score_volume, INNERMOST
variant = sys.argv[1]
exec(open("docs/results/one-click/small-check-experiment/arm_variants.py").read())
model = Model(None)
d = []
for case, hu, labels, names, spacing in _openkbp_cases(Path("../shared/data/openkbp-mandible"), tuning=True):
    s = [x for x in score_volume(model, hu, labels, names, case, spacing=spacing) if x.kind == INNERMOST][0]
    d.append(s.dice)
print(variant, " ".join(f"{x:.3f}" for x in d), f"mean {np.mean(d):.4f}")
