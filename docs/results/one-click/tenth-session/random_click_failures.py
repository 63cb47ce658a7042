"""Run from the repository root: [PATCH=MODULE] python docs/results/one-click/tenth-session/random_click_failures.py bonebench/runtime/models/default.onnx shoulder,thorax,hip.
Tenth session (2026-12-07); measured before the runtime had MOVED_SECTIONS, which this script switches off.
"""
import sys
sys.path.insert(0, "tools")
import numpy as np
import bonebench.runtime.interactive as _interactive
_interactive.MOVED_SECTIONS = False
from scipy import ndimage
from one_click_eval import _phantom_cases, TUNING_SEED, NAMES
from bonebench.data.phantoms import PhantomShape
from bonebench.runtime.session import Model
from bonebench.runtime.interactive import InteractiveSession
from bonebench.study.one_click import clicked_bone, random_clicks
from bonebench.errors import InputError
import os, importlib
if os.environ.get("PATCH"): sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); importlib.import_module(os.environ["PATCH"])
model = Model(sys.argv[1] if len(sys.argv) > 1 else None)
regions = set(sys.argv[2].split(",")) if len(sys.argv) > 2 else None
rng = np.random.default_rng(0)
for case, hu, labels, names, spacing in _phantom_cases(12, PhantomShape(size_xy=192, slices=40), TUNING_SEED, regions=regions):
    for bone in sorted(set(np.unique(labels)) - {0}):
        target, _ = clicked_bone(labels == bone, hu)
        if target.sum() < 50: continue
        for kind, (x, y, z) in random_clicks(target, rng, 3, hu)[:3]:
            s = InteractiveSession(hu, model, spacing)
            try:
                s.click(x, y, z); first = s.mask[z].copy(); s.propagate()
            except InputError as e:
                print(case, NAMES[int(bone)], "refused", e); continue
            m = s.mask > 0
            d = 2 * (m & target).sum() / (m.sum() + target.sum())
            if d >= 0.6: continue
            sp = (spacing[1], spacing[0])
            depth = ndimage.distance_transform_edt(target[z], sampling=sp)[y, x]
            pieces, _ = ndimage.label(target[z], np.ones((3, 3)))
            piece = pieces == pieces[y, x]
            f = first > 0
            print(f"{case} {NAMES[int(bone)]} dice {d:.2f} click ({x},{y},{z}) hu {hu[z,y,x]:.0f} depth {depth:.1f}mm "
                  f"first {f.sum()} piece {piece.sum()} slice {target[z].sum()} first-in-bone {(f & target[z]).sum()} "
                  f"first-in-piece {(f & piece).sum()} stops {s.stops}")
