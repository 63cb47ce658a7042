"""Run from the repository root: python docs/results/one-click/distilled-check-experiment/check_agreement.py D12.onnx:
where does the distilled check answer unlike v7? v9 walks the tuning hip and shoulder phantoms from their innermost
clicks; every network input is kept, tagged as the clicked slice's (the user's click) or a walked slice's (the walk's
seeds from the carried mask), and both v7 (v9's check channel) and the distilled check (D12's) answer it. Per tag:
the mean Dice between the two checks' masks (> 0.5) over the inputs where either has pixels."""
import sys
import numpy as np
from bonebench.runtime import interactive
from bonebench.runtime.session import Model
from bonebench.study.one_click import score_bone
sys.path.insert(0, "tools")
from one_click_eval import TUNING_SEED, _phantom_cases  # noqa: E402
from bonebench.data.phantoms import PhantomShape  # noqa: E402

v9, d12 = Model(None, device="cpu"), Model(sys.argv[1], device="cpu")
captured, phase = [], ["click"]
original_run = v9._run
v9._run = lambda x: (captured.append((phase[0], x.copy())), original_run(x))[1]
original_propagate = interactive.InteractiveSession.propagate
def propagate(self, *a, **k):
    phase[0] = "walk"
    try:
        return original_propagate(self, *a, **k)
    finally:
        phase[0] = "click"
interactive.InteractiveSession.propagate = propagate
rows = {}
for case, hu, labels, names, spacing in _phantom_cases(12, PhantomShape(size_xy=192, slices=40), TUNING_SEED):
    if not case.startswith(("hip", "shoulder")):
        continue
    for value, bone in names.items():
        if value not in np.unique(labels) or bone in ("humerus", "clavicle") or (labels == value).sum() < 50:
            continue
        captured.clear()
        score_bone(v9, hu, labels, value, case, bone, spacing=spacing)
        for tag, x in list(captured):
            a, b = original_run(x)[0, 1] > 0.5, d12._run(x)[0, 1] > 0.5
            if a.any() or b.any():
                rows.setdefault((bone, tag), []).append(2 * (a & b).sum() / (a.sum() + b.sum()))
for (bone, tag), values in sorted(rows.items()):
    v = np.array(values)
    print(f"{bone:8s} {tag:5s} inputs {len(v):5d}  check agreement Dice mean {v.mean():.3f}  "
          f"below 0.8 on {np.mean(v < 0.8):.1%}  below 0.5 on {np.mean(v < 0.5):.1%}")
