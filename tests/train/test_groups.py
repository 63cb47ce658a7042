import pytest

from bonebench.errors import InputError
from bonebench.train.groups import GROUPS, build_model, get_group, interactive_group_key, model_name


def test_registry_feeds_factory_and_names():
    assert model_name(get_group("seg"), 1) == "Seg1"
    assert model_name(get_group("pretrained"), 10) == "SegPretrained10"
    assert model_name(get_group("inter"), 70) == "SegInter70"
    for key, group in GROUPS.items():
        assert build_model(group, 4).in_channels == group.in_channels
    assert get_group("inter-prev").in_channels == 4 and get_group("inter").in_channels == 3


def test_flags_map_to_registered_groups():
    for pretrained in (False, True):
        for prev in (False, True):
            group = get_group(interactive_group_key(pretrained, prev))
            assert (group.pretrained, group.prev_mask) == (pretrained, prev)


def test_unknown_group_lists_the_valid_ones():
    with pytest.raises(InputError, match="valid groups: restoration, seg, pretrained, inter"):
        get_group("segg")
