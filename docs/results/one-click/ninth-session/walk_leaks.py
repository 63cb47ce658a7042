"""Run from the repository root: python docs/results/one-click/ninth-session/walk_leaks.py MODEL.onnx shoulder_4:clavicle
shoulder_9:scapula: tuning phantoms' one-click bones slice by slice (mask, truth, mask pixels in other bones) and
where each walk stopped."""
import sys
sys.path.insert(0, "tools")
import numpy as np
from one_click_eval import _phantom_cases, TUNING_SEED, NAMES
from bonebench.data.phantoms import PhantomShape, BONE_LABELS
from bonebench.runtime.session import Model
from bonebench.runtime.interactive import InteractiveSession
from bonebench.study.one_click import clicked_bone
want = dict(a.split(":") for a in sys.argv[2:])  # case:bone
model = Model(sys.argv[1])
for case, hu, labels, names, spacing in _phantom_cases(12, PhantomShape(size_xy=192, slices=40), TUNING_SEED):
    if case not in want: continue
    v = BONE_LABELS[want[case]]
    target, (x, y, z) = clicked_bone(labels == v, hu)
    s = InteractiveSession(hu, model, spacing); s.click(x, y, z); s.propagate()
    m = s.mask > 0
    d = 2 * (m & target).sum() / (m.sum() + target.sum())
    other = {NAMES.get(int(k), int(k)): int(c) for k, c in zip(*np.unique(labels[m & ~target], return_counts=True))}
    print(case, want[case], f"dice {d:.3f} click z{z}", "outside:", other, "stops:", s.stops)
    for zz in range(hu.shape[0]):
        if m[zz].any() or target[zz].any():
            o = (m[zz] & ~target[zz] & (labels[zz] > 0)).sum()
            print(f"  z{zz} mask {m[zz].sum()} truth {target[zz].sum()} in other bones {o}")
