"""Stop rules at the slice thickness: stricter on thin slices, looser on thick ones, the phantom-set
rules near 2.5 mm and without a thickness; on a knee drawn at 5 mm the true bones pass them."""

import numpy as np
import pytest

from bonebench.data.phantoms import PhantomShape, make_region_phantom
from bonebench.runtime.interactive import DEFAULT_RULES, InteractiveSession, stop_rule
from bonebench.runtime.session import Model
from bonebench.runtime.stop_rules import StopRules


def test_rules_follow_the_thickness():
    thin, mid, thick = (StopRules.for_slices(t) for t in (0.6, 2.5, 5.0))
    assert StopRules.for_slices(None) == DEFAULT_RULES
    assert thin.min_overlap == DEFAULT_RULES.min_overlap and thin.shrink == DEFAULT_RULES.shrink
    assert thin.leak < DEFAULT_RULES.leak  # thin slices: a bone's area barely changes (p99 2.3)
    assert thin.min_overlap > mid.min_overlap > thick.min_overlap and thin.leak < mid.leak < thick.leak
    assert thin.shrink > mid.shrink > thick.shrink
    assert StopRules.for_slices(0.3) == thin and StopRules.for_slices(9.0) == thick


def _broken_steps(labels: np.ndarray, rules: StopRules) -> int:
    """Consecutive-slice steps of the true bones that a rule would stop at."""
    broken = 0
    for value in np.unique(labels)[1:]:
        bone = (labels == value).astype(np.uint8)
        for z in range(bone.shape[0] - 1):
            if bone[z].sum() >= 20 and bone[z + 1].sum() >= 20:
                broken += bool(stop_rule(bone[z + 1], bone[z], rules))
    return broken


def test_true_bones_at_5_mm_break_the_thick_rules_less_often():
    """Shoulder and thorax drawn at 5 mm (2 cases each): the default rules stop inside true bones at
    29 steps, the 5 mm rules at 16 (the oblique ribs, mostly)."""
    thick = default = 0
    for name, size in (("shoulder", 112), ("thorax", 176)):
        for seed in (1001, 1002):
            _, labels, _ = make_region_phantom(name, seed, PhantomShape(size_xy=size, slices=24, pixel_mm=1.5,
                                                                        slice_mm=5.0))
            thick += _broken_steps(labels, StopRules.for_slices(5.0))
            default += _broken_steps(labels, DEFAULT_RULES)
    assert thick <= 0.6 * default


def test_session_uses_the_volumes_thickness(leg_volume):
    _, hu, _, geometry, _ = leg_volume
    model = Model(device="cpu", threads=1)
    assert InteractiveSession(hu, model).rules == DEFAULT_RULES
    assert InteractiveSession(hu, model, geometry.spacing).rules == StopRules.for_slices(geometry.spacing[2])
