"""Arm-seed variants for mandible_arm_variants.py (exec'd there with `variant` and `interactive` defined)."""
from bonebench.runtime import walk_check as _wc
from bonebench.kernels import label_components as _lc
def _drop_tol(result, seeds, arms, previous, share=0.5, grow=1):
    if not arms:
        return result
    labels, _ = _lc(result, 8)
    kept_by_seeds = {int(labels[p]) for p in seeds}
    kept = result.copy()
    near_prev = _wc.near(previous > 0, grow) if grow else previous > 0
    for piece in {int(labels[p]) for p in arms} - kept_by_seeds - {0}:
        inside = labels == piece
        if (inside & near_prev).sum() < share * inside.sum():
            kept[inside] = 0
    return kept
if variant.startswith("arm") and variant[3:4].isdigit():
    interactive.ARM_OVERLAP = float(variant[3:])
elif variant.startswith("tol"):
    share, grow = variant[3:].split("g")
    interactive._drop_arm_pieces = lambda r, s, a, p: _drop_tol(r, s, a, p, float(share), int(grow))
from bonebench.protocol import walk_seeds as _ws
import numpy as _np
def _arm_seeds_far(mask, gap_yx, seeds, reach, pieces=None, mode="far"):
    if not mask.any():
        return []
    y0, x0, labels, sizes, depth = pieces or _ws._pieces(mask)
    to_model = (_ws.SEED_GAP / gap_yx[0], _ws.SEED_GAP / gap_yx[1])
    arms = []
    for piece in _np.flatnonzero(sizes >= _ws.MIN_PIECE):
        inside = labels == piece
        chosen = [(y, x) for y, x in seeds if inside[y - y0, x - x0]]
        core = inside & (depth >= _ws.DEEP_SHARE * depth[inside].max())
        far = _ws.distance_transform(~core, to_model)
        found = []
        arm_labels, count = _ws.label_components(inside & (far >= reach), 8)
        for arm in range(1, count + 1):
            ys, xs = _np.nonzero(arm_labels == arm)
            if len(ys) < _ws.MIN_PIECE:
                continue
            if mode == "far":
                i = int(_np.argmax(far[ys, xs] + 1e-3 * depth[ys, xs]))
            else:  # "both": deepest, and the farthest too
                i = int(_np.argmax(depth[ys, xs] + 1e-3 * far[ys, xs]))
            cands = [i] if mode == "far" else [i, int(_np.argmax(far[ys, xs] + 1e-3 * depth[ys, xs]))]
            for i in cands:
                point = (int(ys[i]) + y0, int(xs[i]) + x0)
                if all(((point[0] - y) / gap_yx[0]) ** 2 + ((point[1] - x) / gap_yx[1]) ** 2 >= 1 for y, x in chosen):
                    found.append((float(far[ys[i], xs[i]]), point))
                    chosen.append(point)
        arms += [point for _, point in sorted(found, reverse=True)[:_ws.MAX_ARMS]]
    return arms
if variant.startswith("armfar") or variant.startswith("armboth"):
    _mode = "far" if variant.startswith("armfar") else "both"
    _ws.arm_seeds = lambda *a, **k: _arm_seeds_far(*a, mode=_mode, **k)
    if "-" in variant:
        interactive.ARM_OVERLAP = float(variant.split("-")[1])
