"""Run from the repository root: python docs/results/one-click/small-check-experiment/same_masks.py OUT.npz [MODEL]
(with BONEBENCH_THREADS=1): masks of a few one-click cases (the benchmark's leg phantom at 512x200, tuning phantoms of every region,
two OpenKBP validation patients) into an npz, to compare two trees bit for bit."""
import sys
sys.path.insert(0, "tools")
from pathlib import Path
import numpy as np
from one_click_eval import _phantom_cases, _openkbp_cases, TUNING_SEED
from bonebench.data.phantoms import FIBULA, PhantomShape, make_phantom
from bonebench.kernels import innermost_point, label_components
from bonebench.runtime.segment import segment
from bonebench.runtime.session import Model
from bonebench.study.one_click import clicked_bone
model = Model(sys.argv[2] if len(sys.argv) > 2 else None, threads=1)
out = {}
hu, labels, geometry = make_phantom(21, PhantomShape(size_xy=512, slices=200))
c, _ = label_components(labels[100] == FIBULA, 8); y, x = innermost_point(c == 1)
out["bench"] = segment(hu.astype(np.float32), model, [(x, y, 100)], spacing=geometry.spacing).mask
cases = list(_phantom_cases(2, PhantomShape(size_xy=192, slices=40), TUNING_SEED)) + list(_openkbp_cases(Path("../shared/data/openkbp-mandible"), True))[:2]
for case, hu, labels, names, spacing in cases:
    for v in [int(v) for v in np.unique(labels) if v][:3]:
        target, click = clicked_bone(labels == v, hu)
        try:
            out[f"{case}_{v}"] = segment(hu, model, [click], spacing=spacing).mask
        except Exception as e:
            out[f"{case}_{v}"] = np.zeros(1)
np.savez_compressed(sys.argv[1], **out)
print(len(out), "masks")
