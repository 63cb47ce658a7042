"""The data-layer checks on their own: the HU rule on real CT and phantoms, the NIfTI byte count,
same-file detection, and atomic commits of several files."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest
import SimpleITK as sitk

from bonebench.data.atomic import atomic_paths
from bonebench.data.checks import check_volume_file, nifti_expected_bytes, same_file
from bonebench.data.intensity import hu_problem
from bonebench.data.phantoms import PhantomShape, make_phantom
from bonebench.data.volume_io import read_volume
from bonebench.errors import InputError


def test_hu_rule_accepts_every_real_openkbp_ct(openkbp):
    images = sorted((openkbp / "imagesTr").glob("*.nii.gz"))
    assert images
    refused = {p.name: hu_problem(read_volume(p)[0]) for p in images}
    assert not {k: v for k, v in refused.items() if v}, refused


@pytest.mark.parametrize("seed, size, slices", [(0, 64, 4), (3, 256, 20), (9, 128, 2)])
def test_hu_rule_accepts_phantoms(seed, size, slices):
    assert hu_problem(make_phantom(seed, PhantomShape(size_xy=size, slices=slices))[0]) is None


def _phantom():
    return make_phantom(4, PhantomShape(size_xy=96, slices=6))[0]


@pytest.mark.parametrize("convert, found", [
    (lambda hu: (hu.astype(np.int32) + 1024).clip(0, 4095).astype(np.uint16), "HU + 1024"),
    (lambda hu: (hu.astype(np.int32) + 32768).astype(np.uint16), "air near -1000"),
    (lambda hu: ((hu.clip(-1024, 1500) + 1024) / 2524 * 255).astype(np.uint8), "air near -1000"),
    (lambda hu: ((hu.clip(-1024, 3000) + 1024) / 4024).astype(np.float32), "no tissue"),
    (lambda hu: np.full_like(hu, -1000), "no tissue"),
    (lambda hu: np.zeros_like(hu), "no tissue"),
])
def test_hu_rule_refuses_other_scales(convert, found):
    problem = hu_problem(convert(_phantom()))
    assert problem is not None and found in problem, problem


def test_hu_rule_offset_and_confirmation():
    hu = _phantom()
    stored = (hu.astype(np.int32) + 1024).astype(np.float32)
    assert hu_problem(stored - 1024) is None
    crop = np.clip(hu[:, 30:60, 30:60], -200, None)  # a crop inside the body: tissue and bone, no air
    assert hu_problem(crop) is not None  # refused unless the user confirms the scale
    assert hu_problem(crop, confirmed=True) is None
    bytes_ = ((hu.clip(-1024, 1500) + 1024) / 2524 * 255).astype(np.float32)
    assert hu_problem(bytes_ - 1024, confirmed=True) is not None  # a confirmation cannot make 0..255 CT


def test_nifti_rescale_intercept_is_applied_before_the_rule(tmp_path):
    """uint16 HU + 1024 with scl_inter = -1024 in the header is HU once read: accepted."""
    hu = _phantom()
    path = tmp_path / "scaled.nii"
    sitk.WriteImage(sitk.GetImageFromArray((hu.astype(np.int32) + 1024).astype(np.uint16)), str(path))
    data = bytearray(path.read_bytes())
    data[112:120] = struct.pack("<ff", 1.0, -1024.0)  # scl_slope, scl_inter
    path.write_bytes(bytes(data))
    values = read_volume(path)[0]
    np.testing.assert_allclose(values, hu)
    assert hu_problem(values) is None


def test_nifti_expected_bytes_matches_what_itk_writes(tmp_path):
    for dtype in (np.int16, np.float32, np.uint8):
        path = tmp_path / f"v{np.dtype(dtype).name}.nii.gz"
        sitk.WriteImage(sitk.GetImageFromArray(np.zeros((3, 5, 7), dtype)), str(path))
        raw = gzip.decompress(path.read_bytes())
        assert nifti_expected_bytes(raw[:544]) == len(raw)
        check_volume_file(path)
    assert nifti_expected_bytes(b"\x00" * 600) is None


def test_check_volume_file_refuses_truncation_of_any_length(tmp_path):
    path = tmp_path / "v.nii.gz"
    sitk.WriteImage(sitk.GetImageFromArray(np.ones((4, 16, 16), np.int16)), str(path))
    data = path.read_bytes()
    for keep in (len(data) - 1, len(data) - 9, len(data) // 2, 20):
        cut = tmp_path / "cut.nii.gz"
        cut.write_bytes(data[:keep])
        with pytest.raises(InputError, match="truncated|corrupt"):
            check_volume_file(cut)


def test_same_file_by_path_link_and_inode(tmp_path):
    a = tmp_path / "a.nii.gz"
    a.write_bytes(b"x")
    (tmp_path / "sym.nii.gz").symlink_to(a)
    (tmp_path / "hard.nii.gz").hardlink_to(a)
    (tmp_path / "b.nii.gz").write_bytes(b"x")
    assert same_file(a, tmp_path / "sym.nii.gz") and same_file(a, tmp_path / "hard.nii.gz")
    assert same_file(a, tmp_path / "." / "a.nii.gz")
    assert not same_file(a, tmp_path / "b.nii.gz") and not same_file(a, tmp_path / "new.nii.gz")


def test_atomic_paths_commit_all_or_nothing(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "sub" / "b.txt"
    a.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_paths(a, b) as (ta, tb):
            ta.write_text("new")
            raise RuntimeError("the second write fails")
    assert a.read_text() == "old" and not b.exists() and not b.parent.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    with atomic_paths(a, None, b) as (ta, none, tb):
        assert none is None
        ta.write_text("A")
        tb.write_text("B")
    assert a.read_text() == "A" and b.read_text() == "B"


def test_atomic_paths_a_failed_rename_removes_what_was_committed(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    b.mkdir()
    (b / "keep").write_text("k")  # renaming a file over a non-empty folder fails
    with pytest.raises(OSError):
        with atomic_paths(a, b) as (ta, tb):
            ta.write_text("A")
            tb.write_text("B")
    assert not a.exists() and (b / "keep").read_text() == "k"


def test_every_reader_refuses_a_truncated_nifti(tmp_path):
    """read_volume (training data, bb-eval) catches a cut .nii.gz / .nii cheaply, not only bb-segment."""
    for name in ("v.nii.gz", "v.nii"):
        path = tmp_path / name
        sitk.WriteImage(sitk.GetImageFromArray(np.arange(4 * 32 * 32, dtype=np.int16).reshape(4, 32, 32)), str(path))
        read_volume(path)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) * 2 // 3])
        with pytest.raises(InputError, match="truncated"):
            read_volume(path)


def test_dataset_with_a_truncated_case_is_refused(phantom_dataset, tmp_path):
    import shutil

    from bonebench.data.dataset import Dataset

    copy = tmp_path / "legs"
    shutil.copytree(phantom_dataset, copy)
    image = sorted((copy / "imagesTr").iterdir())[0]
    image.write_bytes(image.read_bytes()[:-1000])
    dataset = Dataset(copy)
    with pytest.raises(InputError, match="truncated"):
        for case_id in dataset.case_ids:
            dataset.load(case_id, "fibula")
