"""Run from the repository root: python docs/results/one-click/tenth-session/random_click_pictures.py thorax_0:vertebra:104,45,34 thorax_5:vertebra:87,144,35 thorax_10:vertebra:78,93,18 hip_2:pelvis:85,84,11.
Tenth session (2026-12-07); measured before the runtime had MOVED_SECTIONS, which this script switches off.
"""
import sys
sys.path.insert(0, "tools")
import numpy as np
import bonebench.runtime.interactive as _interactive
_interactive.MOVED_SECTIONS = False
from one_click_eval import _phantom_cases, TUNING_SEED, NAMES
from bonebench.data.phantoms import PhantomShape, BONE_LABELS
from bonebench.runtime.session import Model
from bonebench.runtime.interactive import InteractiveSession
import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
model = Model("bonebench/runtime/models/default.onnx")
want = [a.split(":") for a in sys.argv[1:]]  # case:bone:x,y,z
fig, axs = plt.subplots(1, len(want), figsize=(5 * len(want), 5))
axs = np.atleast_1d(axs)
i = 0
for case, hu, labels, names, spacing in _phantom_cases(12, PhantomShape(size_xy=192, slices=40), TUNING_SEED, regions={"thorax", "hip"}):
    for c, bone, xyz in want:
        if c != case: continue
        x, y, z = map(int, xyz.split(","))
        s = InteractiveSession(hu, model, spacing); s.click(x, y, z)
        t = labels[z] == BONE_LABELS[bone]
        a = axs[i]; i += 1
        ys, xs = np.nonzero(t); y0, y1, x0, x1 = max(ys.min()-20,0), ys.max()+20, max(xs.min()-20,0), xs.max()+20
        a.imshow(np.clip(hu[z, y0:y1, x0:x1], -200, 1200), cmap="gray")
        a.contour(t[y0:y1, x0:x1], [0.5], colors="g"); a.contour(s.mask[z, y0:y1, x0:x1], [0.5], colors="r")
        a.contour((labels[z, y0:y1, x0:x1] > 0) & ~t[y0:y1, x0:x1], [0.5], colors="y", linewidths=0.5)
        a.plot(x - x0, y - y0, "c+", ms=12); a.set_title(f"{case} {bone} {xyz} hu {hu[z,y,x]:.0f}"); a.axis("off")
fig.savefig("random-clicks-at-joints.png", dpi=70, bbox_inches="tight")
