import pytest

from bonebench.data.splits import Split, make_split, split_sizes
from bonebench.errors import InputError

IDS = [f"pt_{i:03d}" for i in range(100)]


def test_study_sizes_and_scaling():
    assert split_sizes(100) == (70, 9, 10)
    assert split_sizes(89) == (70, 9, 10)
    train, val, test = split_sizes(20)
    assert (val, test) == (2, 2) and train == 16
    assert split_sizes(3) == (1, 1, 1)
    with pytest.raises(InputError):
        split_sizes(2)


def test_split_is_deterministic_disjoint_and_order_free():
    a = make_split(IDS, seed=3)
    b = make_split(list(reversed(IDS)), seed=3)
    assert a == b
    assert make_split(IDS, seed=4) != a
    parts = [set(a.train), set(a.val), set(a.test)]
    assert sum(map(len, parts)) == 89 and len(set.union(*parts)) == 89


def test_training_subsets_are_nested():
    split = make_split(IDS, seed=0)
    sizes = [1, 2, 3, 4, 5, 10, 15, 20, 25, 30, 40, 50, 60, 70]
    subsets = [set(split.training_subset(n)) for n in sizes]
    for small, large, n in zip(subsets, subsets[1:], sizes[1:]):
        assert small < large and len(large) == n
    with pytest.raises(InputError, match="only 70"):
        split.training_subset(71)
    with pytest.raises(InputError):
        split.training_subset(0)


def test_save_and_load(tmp_path):
    split = make_split(IDS[:12], seed=1)
    split.save(tmp_path / "split.json")
    assert Split.load(tmp_path / "split.json") == split
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(InputError, match="not a split file"):
        Split.load(tmp_path / "bad.json")
