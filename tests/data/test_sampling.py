import numpy as np
import pytest

from bonebench.data.intensity import HU_MAX, HU_MIN, window_hu
from bonebench.data.sampling import SliceSampler


def _tagged_volumes(shapes):
    """Volumes whose every slice is filled with its own global slice number (as HU)."""
    volumes, targets, k = [], [], 0
    for shape in shapes:
        v = np.empty(shape, np.int16)
        for z in range(shape[0]):
            v[z] = k
            k += 1
        volumes.append(v)
        targets.append((v % 2).astype(np.uint8))
    return volumes, targets


def _slice_number(patch):
    return int(round(patch.max() * (HU_MAX - HU_MIN) + HU_MIN))


def test_every_slice_once_before_any_repeats():
    volumes, targets = _tagged_volumes([(30, 40, 40), (20, 40, 40), (25, 40, 40)])
    sampler = SliceSampler(volumes, targets, patch_size=32, batch_size=32, seed=5)
    drawn = np.concatenate([sampler.next_batch()[2] for _ in range(14)])  # 448 draws = 5.97 passes
    n = sampler.n_slices
    assert n == 75
    for start in range(0, len(drawn) - n + 1, n):
        assert sorted(drawn[start:start + n]) == list(range(n))
    # consecutive passes are reshuffled, not repeated
    assert not np.array_equal(drawn[:n], drawn[n:2 * n])


def test_patches_come_from_the_drawn_slices():
    volumes, targets = _tagged_volumes([(6, 50, 70), (4, 50, 70)])
    sampler = SliceSampler(volumes, targets, patch_size=32, batch_size=8, seed=0)
    images, masks, ids = sampler.next_batch()
    assert images.shape == masks.shape == (8, 1, 32, 32)
    assert images.dtype == masks.dtype == np.float32
    for image, mask, sid in zip(images, masks, ids):
        assert _slice_number(image) == sid
        assert np.all(mask == sid % 2)


def test_small_slices_are_padded_with_air():
    volumes = [np.full((3, 20, 40), 100, np.int16)]
    targets = [np.ones((3, 20, 40), np.uint8)]
    images, masks, _ = SliceSampler(volumes, targets, patch_size=32, batch_size=4, seed=0).next_batch()
    assert np.allclose(images[:, 0, :20, :32], window_hu(np.int16(100)))
    assert np.all(images[:, 0, 20:, :] == 0.0) and np.all(masks[:, 0, 20:, :] == 0)


def test_random_corners_reach_every_offset():
    rows = np.broadcast_to(np.arange(64, dtype=np.int16)[:, None], (1, 64, 64)).copy()
    for hu in (rows, rows.transpose(0, 2, 1).copy()):
        sampler = SliceSampler([hu], [np.zeros_like(hu, np.uint8)], patch_size=32, batch_size=64, seed=1)
        images = np.concatenate([sampler.next_batch()[0] for _ in range(8)])
        first = np.rint(images[:, 0, 0, 0] * (HU_MAX - HU_MIN) + HU_MIN).astype(int)
        assert set(first) == set(range(33))  # every offset 0..64-32 drawn


def test_state_round_trip_continues_identically():
    volumes, targets = _tagged_volumes([(11, 40, 40)])
    a = SliceSampler(volumes, targets, patch_size=32, batch_size=4, seed=9)
    for _ in range(5):
        a.next_batch()
    b = SliceSampler(volumes, targets, patch_size=32, batch_size=4, seed=123)
    b.load_state_dict(a.state_dict())
    for _ in range(6):
        xa, ya, ia = a.next_batch()
        xb, yb, ib = b.next_batch()
        np.testing.assert_array_equal(ia, ib)
        np.testing.assert_array_equal(xa, xb)


def test_mismatched_inputs():
    with pytest.raises(ValueError):
        SliceSampler([np.zeros((2, 8, 8), np.int16)], [np.zeros((2, 8, 9), np.uint8)])
    with pytest.raises(ValueError):
        SliceSampler([], [])


def test_neighbour_targets_come_from_the_slice_above_or_below():
    """next_batch_with_neighbours: each patch's neighbour is the same patch of slice z - 1 or z + 1 (both
    occur; the only neighbour at a volume's end; zeros in a one-slice volume), and next_batch's draws
    are not disturbed by the option existing."""
    shapes = [(6, 50, 70), (4, 50, 70), (1, 50, 70)]
    volumes, _ = _tagged_volumes(shapes)
    numbered = [(v - v.min() + 1).astype(np.uint8) for v in volumes]  # the target: the slice's own number 1..
    sampler = SliceSampler(volumes, numbered, patch_size=32, batch_size=11, seed=3)
    steps = set()
    for _ in range(6):
        images, targets, ids, near = sampler.next_batch_with_neighbours()
        assert near.shape == targets.shape and near.dtype == np.float32
        for b, sid in enumerate(ids):
            case, z = sampler.slice_index[sid]
            own, other = int(targets[b].max()), int(near[b].max())
            assert own == z + 1 and (near[b] == other).all()  # one neighbouring slice, the whole patch
            if shapes[case][0] == 1:
                assert other == 0
                continue
            step = other - own
            assert step in (-1, 1) and 0 <= z + step < shapes[case][0]
            steps.add(step)
    assert steps == {-1, 1}
    plain, twin = (SliceSampler(volumes, numbered, patch_size=32, batch_size=11, seed=3) for _ in range(2))
    for _ in range(3):
        assert all(np.array_equal(a, b) for a, b in zip(plain.next_batch(), twin.next_batch()))
