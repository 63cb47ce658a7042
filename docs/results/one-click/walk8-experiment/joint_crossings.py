"""Can a stop rule tell a walk crossing a joint from a bone's own slices? Per walked slice of every tuning bone
(12 phantoms per region, one innermost click, the model and arm reach given), shapes that a rule could see
(area against the previous slice's, the share of the mask outside the previous mask dilated by 2/4/8 pixels,
its biggest new piece, the overlap share) and what the label says (bone pixels, other bones' pixels); then
their spread on the slices that are the bone against the slices where a crossing starts (at least 0.3 of the
mask in other bones, under 0.1 on the slice before). Not in the package: a measurement for
docs/results/one-click/README.md, "walk8".

    python docs/results/one-click/walk8-experiment/joint_crossings.py runs/walk8_last.onnx 24 OUT.csv
"""
import csv
import sys
from pathlib import Path

import numpy as np
from scipy import ndimage

sys.path.insert(0, "tools")
import one_click_eval as oce  # noqa: E402
from bonebench.data.phantoms import PhantomShape  # noqa: E402
from bonebench.runtime import interactive  # noqa: E402
from bonebench.runtime.interactive import InteractiveSession  # noqa: E402
from bonebench.runtime.session import Model  # noqa: E402
from bonebench.study.one_click import clicked_bone  # noqa: E402

state, rows = {}, []
plain_segment, plain_rule, plain_walk = InteractiveSession._segment_slice, interactive.stop_rule, InteractiveSession._walk


def segment(self, z, carried=None):
    state["z"] = z
    return plain_segment(self, z, carried)


def walk(self, start, step, action, progress):
    state["step"] = step
    return plain_walk(self, start, step, action, progress)


def rule(result, previous, rules=interactive.DEFAULT_RULES):
    broken = plain_rule(result, previous, rules)
    z, step = state["z"], state["step"]
    res, prev, bone, other = result > 0, previous > 0, state["bone"][z], state["other"][z]
    row = dict(case=state["case"], bone=state["name"], z=z, rule=broken, area=int(res.sum()), before=int(prev.sum()),
               overlap=int((res & prev).sum()), tp=int((res & bone).sum()), other=int((res & other).sum()),
               true=int(bone.sum()), prev_other=int((prev & state["other"][z - step]).sum()))
    for k in (2, 4, 8):
        row[f"out{k}"] = int((res & ~ndimage.binary_dilation(prev, iterations=k)).sum())
    new, count = ndimage.label(res & ~ndimage.binary_dilation(prev, iterations=2), np.ones((3, 3)))
    row["outbig"] = int(np.bincount(new.ravel())[1:].max()) if count else 0
    rows.append(row)
    return broken


def record(model: Model) -> None:
    InteractiveSession._segment_slice, InteractiveSession._walk, interactive.stop_rule = segment, walk, rule
    for case, hu, labels, names, spacing in oce._phantom_cases(12, PhantomShape(size_xy=192, slices=40), oce.TUNING_SEED):
        for value, name in names.items():
            if not (labels == value).any():
                continue
            target, (x, y, z) = clicked_bone(labels == value, hu)
            state.update(case=case, name=name, bone=labels == value, other=(labels > 0) & (labels != value))
            session = InteractiveSession(hu, model, spacing)
            session.click(x, y, z)
            session.propagate()


def report() -> None:
    kept = [r for r in rows if r["rule"] == "" and r["area"] > 0]
    onsets = [r for r in kept if r["other"] >= 0.3 * r["area"] and r["prev_other"] < 0.1 * r["before"]]
    bone = [r for r in kept if r["other"] < 0.1 * r["area"] and r["true"] > 0]
    print(f"{len(kept)} walked slices kept: {len(bone)} on the bone, {len(onsets)} where a crossing starts")
    stats = {"area / previous area": lambda r: r["area"] / max(r["before"], 1),
             "share outside previous+2": lambda r: r["out2"] / r["area"],
             "share outside previous+4": lambda r: r["out4"] / r["area"],
             "biggest new piece (px)": lambda r: r["outbig"],
             "share on previous mask": lambda r: r["overlap"] / r["area"]}
    for name, stat in stats.items():
        on_bone = np.array([stat(r) for r in bone])
        at_onsets = sorted(stat(r) for r in onsets)
        print(f"{name}: bone slices median {np.median(on_bone):.2f}, 99th {np.percentile(on_bone, 99):.2f}, "
              f"max {on_bone.max():.2f}; crossing starts " + " ".join(f"{v:.2f}" for v in at_onsets))


if __name__ == "__main__":
    interactive.ARM_REACH = float(sys.argv[2]) or None
    record(Model(Path(sys.argv[1])))
    with open(sys.argv[3], "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report()
