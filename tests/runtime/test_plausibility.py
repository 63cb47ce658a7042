"""The plausibility warning: quiet on a phantom's true bone, one 'warning:' line on a mask that
leaked into soft tissue or is far larger than any bone the model knows."""

import numpy as np

from bonebench.data.phantoms import FIBULA, PhantomShape, make_phantom
from bonebench.runtime.plausibility import (BONE_ML, MIN_RIM_FRACTION, VOLUME_FACTOR, largest_known_ml,
                                            plausibility_warning, rim, rim_cortical_fraction)
from tests.conftest import leak


def _fibula():
    hu, labels, geometry = make_phantom(3, PhantomShape(size_xy=128, slices=20))
    return hu, labels == FIBULA, geometry.voxel_volume_ml


def test_the_true_fibula_passes():
    hu, truth, ml = _fibula()
    assert rim_cortical_fraction(hu, truth) > MIN_RIM_FRACTION
    assert plausibility_warning(hu, truth, ml, "fibula,tibia") is None


def test_a_mask_leaking_into_soft_tissue_warns():
    hu, truth, ml = _fibula()
    leaking = leak(truth, 4)
    assert rim_cortical_fraction(hu, leaking) < MIN_RIM_FRACTION
    line = plausibility_warning(hu, leaking, ml, "fibula,tibia")
    assert line.startswith("warning: ") and "cortical" in line and "\n" not in line


def test_a_mask_far_larger_than_the_known_bones_warns():
    hu = np.full((4, 10, 10), 1000.0, np.float32)
    mask = np.ones(hu.shape, bool)
    voxel_ml = VOLUME_FACTOR * BONE_ML["tibia"] / mask.sum() * 1.1
    line = plausibility_warning(hu, mask, voxel_ml, "fibula,tibia")
    assert line.startswith("warning: ") and "trained on (fibula, tibia" in line
    assert plausibility_warning(hu, mask, voxel_ml, "unknown bone") is None  # no volume to compare


def test_rim_and_known_volumes():
    mask = np.zeros((1, 5, 5), bool)
    mask[0, 1:4, 1:4] = True
    assert rim(mask).sum() == 8  # the 3x3 square's ring, its centre inside
    assert largest_known_ml(" Fibula, tibia") == BONE_ML["tibia"]
    assert largest_known_ml("skull") is None
    assert plausibility_warning(np.zeros((1, 5, 5)), np.zeros((1, 5, 5), bool), 1.0, "tibia") is None
