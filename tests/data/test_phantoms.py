import numpy as np
import pytest

from bonebench.data.phantoms import FIBULA, TIBIA, PhantomShape, make_phantom

SMALL = PhantomShape(size_xy=128, slices=24)


@pytest.fixture(scope="module")
def phantom():
    return make_phantom(11, SMALL)


def test_deterministic_per_seed(phantom):
    hu, labels, geometry = make_phantom(11, SMALL)
    np.testing.assert_array_equal(hu, phantom[0])
    np.testing.assert_array_equal(labels, phantom[1])
    assert geometry == phantom[2]
    other_hu, other_labels, _ = make_phantom(12, SMALL)
    assert not np.array_equal(other_labels, labels)


def test_shape_and_types(phantom):
    hu, labels, geometry = phantom
    assert hu.shape == labels.shape == (24, 128, 128) == geometry.shape_zyx
    assert hu.dtype == np.int16 and labels.dtype == np.uint8
    assert set(np.unique(labels)) == {0, FIBULA, TIBIA}


def _leg_halves(labels_slice):
    mid = labels_slice.shape[1] // 2
    return labels_slice[:, :mid], labels_slice[:, mid:]


def test_both_bones_on_every_slice_of_both_legs_fibula_smaller(phantom):
    _, labels, _ = phantom
    for z in range(labels.shape[0]):
        for leg in _leg_halves(labels[z]):
            fibula, tibia = (leg == FIBULA).sum(), (leg == TIBIA).sum()
            assert 0 < fibula < tibia, f"slice {z}: fibula {fibula} tibia {tibia}"


def test_fibula_is_posterolateral_to_tibia(phantom):
    _, labels, _ = phantom
    z = labels.shape[0] // 2
    for side, leg in zip((-1, 1), _leg_halves(labels[z])):
        fy, fx = np.argwhere(leg == FIBULA).mean(axis=0)
        ty, tx = np.argwhere(leg == TIBIA).mean(axis=0)
        assert fy > ty  # posterior: larger y
        assert (fx - tx) * side > 0  # lateral: away from the midline


def test_realistic_hounsfield_units():
    hu, labels, _ = make_phantom(3, PhantomShape(size_xy=256, slices=8))
    z = 4
    bone = labels[z] > 0
    cortical = np.percentile(hu[z][bone], 90)
    assert 900 < cortical < 2000
    assert np.median(hu[z][:10, :]) == pytest.approx(-1000, abs=40)  # air above the legs
    soft = hu[z][(hu[z] > -200) & (hu[z] < 200)]
    assert soft.size > 3000 and -120 < np.median(soft) < 90  # fat and muscle
    noise = hu[z][:20, :20].std()
    assert 5 < noise < 40


def test_bone_ends_are_wider_than_the_shaft():
    _, labels, _ = make_phantom(5, PhantomShape(size_xy=128, slices=40))
    tibia_area = (labels == TIBIA).sum(axis=(1, 2))
    assert tibia_area[0] > 1.5 * tibia_area[20] and tibia_area[-1] > 1.2 * tibia_area[20]


def test_few_slices_and_small_slices_work():
    hu, labels, _ = make_phantom(0, PhantomShape(size_xy=32, slices=2))
    assert hu.shape == (2, 32, 32) and labels.any()
