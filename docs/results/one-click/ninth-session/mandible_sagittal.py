"""Run from the repository root: python docs/results/one-click/ninth-session/mandible_sagittal.py openkbp_pt_128:
sagittal slices (z down, y across) through the columns where the one-click mask runs past the label's top slice,
truth green, the default model's mask red."""
import sys
sys.path.insert(0, "tools")
from pathlib import Path
import numpy as np, matplotlib
matplotlib.use("Agg"); import matplotlib.pyplot as plt
from one_click_eval import _openkbp_cases
from bonebench.runtime.session import Model
from bonebench.runtime.segment import segment
from bonebench.study.one_click import clicked_bone
want = sys.argv[1]
model = Model(None)
for case, hu, labels, names, spacing in _openkbp_cases(Path("../shared/data/openkbp-mandible"), tuning=True):
    if case != want: continue
    target, click = clicked_bone(labels == 1, hu)
    m = segment(hu, model, [click], spacing=spacing).mask.astype(bool)
    zs, ys, xs = np.nonzero(target | m)
    xsl = sorted(set(xs[(zs < np.nonzero(target)[0].min()+3)]))
    print('x cols with pred near top', xsl)
    cols = [xsl[0]+1, xsl[len(xsl)//4], xsl[-len(xsl)//4], xsl[-1]-1]
    fig, axes = plt.subplots(1, 4, figsize=(13, 4))
    for ax, x in zip(axes, cols):
        z0, z1 = zs.min()-6, zs.max()+2; y0, y1 = ys.min()-6, ys.max()+6
        ax.imshow(np.clip(hu[z0:z1, y0:y1, x], -300, 1500), cmap="gray", aspect=spacing[2]/spacing[1], interpolation='nearest')
        if target[z0:z1, y0:y1, x].any(): ax.contour(target[z0:z1, y0:y1, x], [0.5], colors="lime", linewidths=1)
        if m[z0:z1, y0:y1, x].any(): ax.contour(m[z0:z1, y0:y1, x], [0.5], colors="red", linewidths=1)
        ax.set_title(f"{case} x{x} z{z0}..")
    fig.tight_layout(); fig.savefig(f"/tmp/probe/sag-{case}.png", dpi=70)
