"""Run from the repository root: python docs/results/one-click/ninth-session/mandible_slices.py [MODEL.onnx]: the
OpenKBP validation patients' one-click mandibles (the tuning cases), where the Dice is lost: recall on the clicked
slice, slices of truth and mask, missed voxels on slices the mask never reached (fn_end) and on slices it did
(fn_in), voxels outside the label (fp)."""
import sys
sys.path.insert(0, "tools")
from pathlib import Path
import numpy as np
from one_click_eval import _openkbp_cases
from bonebench.runtime.session import Model
from bonebench.runtime.segment import segment
from bonebench.study.one_click import clicked_bone
model = Model(sys.argv[1] if len(sys.argv) > 1 else None)
tot_fn=tot_fp=0
for case, hu, labels, names, spacing in _openkbp_cases(Path("../shared/data/openkbp-mandible"), tuning=True):
    target, click = clicked_bone(labels == 1, hu)
    m = segment(hu, model, [click], spacing=spacing).mask.astype(bool)
    t = target.astype(bool)
    d = 2*(m&t).sum()/(m.sum()+t.sum())
    zc = click[2]
    tz = np.flatnonzero(t.any((1,2))); mz = np.flatnonzero(m.any((1,2)))
    # losses: slices where truth but no pred (ends), and within-slice
    fn_end = sum(t[z].sum() for z in tz if not m[z].any()); fn_in = (t&~m).sum()-fn_end
    fp = (m&~t).sum()
    rec_click = (m[zc]&t[zc]).sum()/t[zc].sum()
    print(f"{case} dice {d:.3f} spacing {tuple(round(s,2) for s in spacing)} click z{zc} recall@click {rec_click:.2f} truth z{tz.min()}-{tz.max()} pred z{mz.min()}-{mz.max()} fn_end {fn_end} fn_in {fn_in} fp {fp} truth {t.sum()}")
