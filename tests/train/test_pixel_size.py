"""Training at a pixel size: the config checks it, every task loads its patients resampled once."""

import pytest

from bonebench.data.dataset import Dataset
from bonebench.data.splits import make_split
from bonebench.errors import InputError
from bonebench.train.config import TrainConfig, make_config
from bonebench.train.groups import get_group
from bonebench.train.tasks import InteractiveTask, RestorationTask, SegmentationTask


def _config(data, **overrides):
    return make_config("tiny", **{**dict(data=str(data), label="fibula", patients=1, device="cpu"), **overrides})


def test_config_pixel_size_defaults_to_as_stored_and_is_checked(phantom_dataset):
    assert TrainConfig(data="x", patients=1).pixel_mm == 0.0
    assert _config(phantom_dataset, pixel_mm=1.5).pixel_mm == 1.5
    with pytest.raises(InputError, match="pixel-mm must be 0 .no resampling. or between 0.05 and 20 mm, got -1"):
        _config(phantom_dataset, pixel_mm=-1.0)


@pytest.mark.parametrize("group", ["seg", "inter", "restoration"])
def test_tasks_train_and_validate_at_the_pixel_size(phantom_dataset, group):
    dataset = Dataset(phantom_dataset)
    split = make_split(dataset.case_ids, 0)
    config = _config(phantom_dataset, group=group, pixel_mm=1.5)
    if group == "inter":
        task = InteractiveTask(config, dataset, split, get_group("inter"))
    else:
        task = (RestorationTask if group == "restoration" else SegmentationTask)(config, dataset, split)
    native = dataset.load(split.val[0], "fibula")
    expected = dataset.load(split.val[0], "fibula", pixel_mm=1.5).hu.shape
    assert expected[1] > native.hu.shape[1]  # the phantoms' ~2.5 mm pixels, upsampled
    if group == "restoration":
        first = dataset.load_image(split.train[0], pixel_mm=1.5)
        assert task.sampler.volumes[0].shape == first.shape and first.shape[1] > native.hu.shape[1] * 1.5
    else:
        assert task.val_cases[0].hu.shape == expected
        assert all(abs(s - 1.5) < 0.03 for s in task.val_cases[0].geometry.spacing[:2])
