"""Segmenting a file (runtime.segment_file): the checks bb-segment and the napari widget share."""

from __future__ import annotations

import os

import numpy as np
import pytest

from bonebench.data.mask_output import MaskTarget
from bonebench.data.volume_io import read_volume
from bonebench.errors import InputError
from bonebench.runtime.segment_file import SegmentRequest, check_request, save_labels
from bonebench.runtime.session import Model
from tests.hostile.conftest import digest


@pytest.fixture(scope="module")
def model():
    return Model(device="cpu", threads=1)


def test_labels_never_go_onto_the_input_by_path_or_inode(leg_volume, model, tmp_path):
    path, hu, _, geometry, _ = leg_volume
    hard = tmp_path / "hard.nii.gz"
    os.link(path, hard)
    before = digest(path)
    labels = np.zeros(hu.shape, np.uint8)
    for target in (path, hard):
        with pytest.raises(InputError, match="is the input"):
            save_labels(target, labels, geometry, volume=path, model=model)
    assert digest(path) == before


def test_labels_keep_every_bone_and_the_geometry(leg_volume, model, tmp_path):
    path, hu, labels, _, _ = leg_volume
    geometry = read_volume(path)[1]  # as the file holds it
    fmt, written = save_labels(tmp_path / "bones.nrrd", labels, geometry, volume=path, model=model)
    assert fmt == "volume" and written == [tmp_path / "bones.nrrd"]
    mask, read_geometry = read_volume(written[0])
    np.testing.assert_array_equal(mask, labels)
    assert read_geometry == geometry


def test_a_dicom_seg_of_several_bones_is_one_file_per_bone(tmp_path):
    series = tmp_path / "ct"
    series.mkdir()
    target = MaskTarget.check(tmp_path / "mask.dcm", series)
    labels = np.zeros((2, 4, 4), np.uint8)
    assert target.files(labels) == {1: tmp_path / "mask.dcm"}
    labels[0, 0, 0], labels[1, 1, 1] = 1, 3
    assert target.files(labels) == {1: tmp_path / "mask_bone1.dcm", 3: tmp_path / "mask_bone3.dcm"}


def test_the_request_is_checked_before_any_work(leg_volume, tmp_path):
    path = leg_volume[0]
    link = tmp_path / "p.png"
    link.symlink_to(path)
    with pytest.raises(InputError, match="--preview .*is the input"):
        check_request(SegmentRequest(path, tmp_path / "m.nii.gz", preview=link))
    with pytest.raises(InputError, match="--bg-click"):
        check_request(SegmentRequest(path, tmp_path / "m.nii.gz", ("1,2,3",), ("1,2",)))
    assert check_request(SegmentRequest(path, tmp_path / "m.nii.gz", ("1,2,3",))).format == "volume"
    assert [p.name for p in tmp_path.iterdir()] == ["p.png"]  # only the link made here


@pytest.mark.parametrize("cold", [True, False])
def test_a_cold_kernel_cache_is_announced_once_before_inference(leg_volume, tmp_path, monkeypatch, cold):
    import bonebench.runtime.segment_file as segment_file

    path, _, _, _, (x, y, z) = leg_volume
    monkeypatch.setattr(segment_file, "cache_is_cold", lambda: cold)
    lines = []
    summary = segment_file.run_segment(SegmentRequest(path, tmp_path / "m.nii.gz", (f"{x},{y},{z}",), device="cpu",
                                                      propagate=False), report=lines.append)
    assert lines == (["compiling kernels (first run only)..."] if cold else []) and "voxels" in summary


def test_cache_is_cold_reads_numba_index_files(tmp_path, monkeypatch):
    from bonebench.kernels import cache

    monkeypatch.setattr(cache, "_index_paths", lambda: [str(tmp_path / "a.nbi"), str(tmp_path / "b.nbi")])
    assert cache.cache_is_cold()
    (tmp_path / "b.nbi").write_bytes(b"")
    assert not cache.cache_is_cold()
    monkeypatch.setattr(cache, "_index_paths", lambda: [])  # numba internals not found: no hint
    assert not cache.cache_is_cold()
    monkeypatch.undo()
    assert cache._index_paths() and all(p.endswith(".nbi") for p in cache._index_paths())
