import json

import numpy as np
import pytest

from bonebench.data.dataset import Dataset
from bonebench.data.sampling import SliceSampler
from bonebench.data.splits import make_split
from bonebench.errors import InputError


def test_phantom_dataset_layout_and_labels(phantom_dataset):
    ds = Dataset(phantom_dataset)
    assert ds.case_ids == [f"leg_{i:03d}" for i in range(5)]
    assert ds.label_value("fibula") == 1 and ds.label_value("2") == 2 and ds.label_value(1) == 1
    case = ds.load("leg_000", "fibula")
    assert case.hu.dtype == np.int16 and case.target.dtype == np.uint8
    assert case.target.sum() > 0 and set(np.unique(case.target)) == {0, 1}
    tibia = ds.load("leg_000", "tibia").target
    assert not np.any(tibia & case.target)


def test_missing_label_lists_the_valid_ones(phantom_dataset):
    with pytest.raises(InputError, match=r"no label 'femur'; labels: fibula \(1\), tibia \(2\)"):
        Dataset(phantom_dataset).label_value("femur")


def test_decathlon_style_labels_and_training_list(tmp_path, phantom_dataset):
    meta = {"labels": {"0": "background", "1": "fibula"}, "file_ending": ".nii.gz",
            "training": [{"image": "./imagesTr/leg_001.nii.gz", "label": "./labelsTr/leg_001.nii.gz"}]}
    (tmp_path / "dataset.json").write_text(json.dumps(meta))
    for sub in ("imagesTr", "labelsTr"):
        (tmp_path / sub).mkdir()
    (tmp_path / "imagesTr" / "leg_001_0000.nii.gz").write_bytes(
        (phantom_dataset / "imagesTr" / "leg_001_0000.nii.gz").read_bytes())
    (tmp_path / "labelsTr" / "leg_001.nii.gz").write_bytes(
        (phantom_dataset / "labelsTr" / "leg_001.nii.gz").read_bytes())
    ds = Dataset(tmp_path)
    assert ds.case_ids == ["leg_001"] and ds.label_value("fibula") == 1
    assert ds.load("leg_001", "fibula").target.sum() > 0


@pytest.mark.parametrize("content, message", [(None, "no dataset.json"), ("{", "not valid JSON"),
                                              ("{}", "no 'labels'")])
def test_not_a_dataset(tmp_path, content, message):
    if content is not None:
        (tmp_path / "dataset.json").write_text(content)
    with pytest.raises(InputError, match=message):
        Dataset(tmp_path)


def test_missing_image_file(tmp_path, phantom_dataset):
    (tmp_path / "labelsTr").mkdir()
    (tmp_path / "dataset.json").write_text((phantom_dataset / "dataset.json").read_text())
    (tmp_path / "labelsTr" / "x.nii.gz").write_bytes((phantom_dataset / "labelsTr" / "leg_000.nii.gz").read_bytes())
    with pytest.raises(InputError, match="no such file"):
        Dataset(tmp_path).load("x", "fibula")


def test_openkbp_loads_and_samples(openkbp):
    ds = Dataset(openkbp)
    assert len(ds.cases) == 100 and ds.label_value("mandible") == 1
    split = make_split(ds.case_ids)
    assert (len(split.train), len(split.val), len(split.test)) == (70, 9, 10)
    cases = [ds.load(c, "mandible") for c in split.training_subset(2)]
    for case in cases:
        assert case.hu.shape == (128, 128, 128)
        assert case.hu.min() >= -1024 and case.hu.max() <= 3000
        assert 100 < case.target.sum() < case.target.size // 20  # a thin bone
    sampler = SliceSampler([c.hu for c in cases], [c.target for c in cases], seed=0)
    hits = 0
    for _ in range(8):
        images, masks, _ = sampler.next_batch()
        assert images.shape == (32, 1, 96, 96) and 0.0 <= images.min() and images.max() <= 1.0
        hits += int((masks.sum(axis=(1, 2, 3)) > 0).sum())
    assert hits > 0  # the mandible is found in some patches
