"""Run from the repository root: python docs/results/one-click/small-check-experiment/mandible_pictures.py openkbp_pt_68
38,44,48,49,50,51,53 (then openkbp_pt_141 36,38,41,45,48,50,52): slices of an OpenKBP validation patient, truth
in green, the default model's one-click mask in red."""
import sys
sys.path.insert(0, "tools")
from pathlib import Path
import numpy as np, matplotlib
matplotlib.use("Agg"); import matplotlib.pyplot as plt
from one_click_eval import _openkbp_cases
from bonebench.runtime.session import Model
from bonebench.runtime.segment import segment
from bonebench.study.one_click import clicked_bone
want, zs = sys.argv[1], [int(z) for z in sys.argv[2].split(",")]
model = Model(None)
for case, hu, labels, names, spacing in _openkbp_cases(Path("../shared/data/openkbp-mandible"), tuning=True):
    if case != want: continue
    target, click = clicked_bone(labels == 1, hu)
    m = segment(hu, model, [click], spacing=spacing).mask.astype(bool)
    ys, xs = np.nonzero(target.any(0) | m.any(0)); y0, y1, x0, x1 = ys.min()-8, ys.max()+8, xs.min()-8, xs.max()+8
    fig, axes = plt.subplots(1, len(zs), figsize=(3.2*len(zs), 3.4))
    for ax, z in zip(axes, zs):
        ax.imshow(np.clip(hu[z, y0:y1, x0:x1], -300, 1200), cmap="gray")
        ax.contour(target[z, y0:y1, x0:x1], [0.5], colors="lime", linewidths=0.8)
        ax.contour(m[z, y0:y1, x0:x1], [0.5], colors="red", linewidths=0.8)
        ax.set_title(f"z{z}"); ax.axis("off")
    fig.tight_layout(); fig.savefig(f"mandible-{case}.png", dpi=80)
