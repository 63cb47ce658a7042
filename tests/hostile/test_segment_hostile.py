"""bb-segment and bb-demo against hostile input: every case refused with exit 2, one stderr line, no
traceback, no ITK lines, no output file, the input byte-identical."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bonebench.cli.segment_cli import app, demo_app
from tests.conftest import V1_MODEL, leak
from tests.hostile.conftest import as_root, make_onnx, refuse, runner, shipped_info


def _seg(ct, out, *extra, click=True):
    path, _, _, xyz = ct
    return [path] + (["--click", xyz] if click else []) + ["-o", out, "--device", "cpu", *extra]


# ---------------------------------------------------------------- output paths
def test_output_is_the_input(ct, tmp_path, capfd):
    path = ct[0]
    refuse(app, _seg(ct, path), capfd, inputs=[path], message="is the input")


def test_output_is_a_symlink_to_the_input(ct, tmp_path, capfd):
    link = tmp_path / "link.nii.gz"
    link.symlink_to(ct[0])
    refuse(app, _seg(ct, link), capfd, inputs=[ct[0]], message="is the input")
    assert link.is_symlink()


def test_output_is_a_hard_link_to_the_input(ct, tmp_path, capfd):
    copy = tmp_path / "ct.nii.gz"
    copy.write_bytes(ct[0].read_bytes())
    hard = tmp_path / "hard.nii.gz"
    os.link(copy, hard)
    args = [copy, "--click", ct[3], "-o", hard, "--device", "cpu"]
    refuse(app, args, capfd, inputs=[copy, hard], message="is the input")


def test_output_through_a_relative_path_to_the_input(ct, capfd, monkeypatch):
    monkeypatch.chdir(ct[0].parent)
    refuse(app, _seg(ct, f"../{ct[0].parent.name}/./ct.nii.gz"), capfd, inputs=[ct[0]], message="is the input")


def test_preview_is_a_link_to_the_input(ct, tmp_path, capfd):
    link = tmp_path / "p.png"
    link.symlink_to(ct[0])
    refuse(app, _seg(ct, tmp_path / "m.nii.gz", "--preview", link), capfd, inputs=[ct[0]],
           outputs=[tmp_path / "m.nii.gz"], message="--preview")


def test_output_is_the_model(ct, tmp_path, capfd):
    model = make_onnx(tmp_path / "m.nii.gz")  # a model file named like a mask
    refuse(app, _seg(ct, model, "--model", model), capfd, inputs=[ct[0], model], message="is the input")


@pytest.mark.parametrize("name, message", [("m.txt", "cannot write a mask as .txt"),
                                           ("mask", "without extension"),
                                           ("m.gz", ".gz"), ("m.png", ".png"), ("m.mhd", ".mhd"),
                                           ("m.nii.gz.bak", ".bak")])
def test_output_with_a_wrong_extension(ct, tmp_path, capfd, name, message):
    refuse(app, _seg(ct, tmp_path / name), capfd, inputs=[ct[0]], outputs=[tmp_path / name], message=message)


def test_output_is_an_existing_folder(ct, tmp_path, capfd):
    folder = tmp_path / "out.nii.gz"
    folder.mkdir()
    refuse(app, _seg(ct, folder), capfd, inputs=[ct[0]], message="is a folder")
    assert folder.is_dir() and not any(folder.iterdir())


def test_output_under_a_file(ct, tmp_path, capfd):
    afile = tmp_path / "afile"
    afile.write_text("x")
    refuse(app, _seg(ct, afile / "sub" / "m.nii.gz"), capfd, inputs=[ct[0], afile], message="which is a file")


@pytest.mark.skipif(as_root(), reason="runs as root: root writes into read-only folders, so nothing refuses")
def test_output_in_a_read_only_folder(ct, tmp_path, capfd):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        refuse(app, _seg(ct, folder / "m.nii.gz"), capfd, inputs=[ct[0]], message="read-only")
        refuse(app, _seg(ct, tmp_path / "m.nii.gz", "--preview", folder / "p.png"), capfd, inputs=[ct[0]],
               outputs=[tmp_path / "m.nii.gz"], message="read-only")
    finally:
        folder.chmod(0o755)


def test_unwritable_folder_is_probed_not_guessed(tmp_path, monkeypatch):
    """As root os.access says yes everywhere; the check creates a file to find out, so a folder where
    creating fails is refused whoever runs the tests."""
    import tempfile

    from bonebench.data.checks import check_output_path
    from bonebench.errors import InputError

    def failing_mkstemp(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", failing_mkstemp)
    with pytest.raises(InputError, match="cannot write in"):
        check_output_path(tmp_path / "m.nii.gz", "mask")


@pytest.mark.parametrize("name, message", [("p.jpg", "cannot write a preview as .jpg"), ("p", "without extension"),
                                           ("p.nii.gz", ".nii.gz")])
def test_preview_with_a_wrong_extension(ct, tmp_path, capfd, name, message):
    refuse(app, _seg(ct, tmp_path / "m.nii.gz", "--preview", tmp_path / name), capfd, inputs=[ct[0]],
           outputs=[tmp_path / "m.nii.gz", tmp_path / name], message=message)


def test_preview_under_a_file_or_a_folder(ct, tmp_path, capfd):
    afile = tmp_path / "afile"
    afile.write_text("x")
    folder = tmp_path / "p.png"
    folder.mkdir()
    for preview, message in ((afile / "p.png", "which is a file"), (folder, "is a folder")):
        refuse(app, _seg(ct, tmp_path / "m.nii.gz", "--preview", preview), capfd, inputs=[ct[0], afile],
               outputs=[tmp_path / "m.nii.gz"], message=message)


# ---------------------------------------------------------------- clicks
@pytest.mark.parametrize("option, text, message", [
    ("--click", "nan,1,2", "finite"), ("--click", "inf,1,2", "finite"), ("--click", "1,-inf,2", "finite"),
    ("--click", "1,2", "three numbers"), ("--click", "1,2,3,4", "three numbers"), ("--click", "a,b,c", "three numbers"),
    ("--click", "1.5,2,3", "whole numbers"), ("--click", "64,10,2", "outside the volume"),
    ("--click", "-1,10,2", "outside the volume"), ("--click", "10,10,8", "outside the volume"),
    ("--click", "1e300,1,1", "outside the volume"),
])
def test_bad_click(ct, tmp_path, capfd, option, text, message):
    out = tmp_path / "m.nii.gz"
    args = [ct[0], option, text, "-o", out, "--device", "cpu"]
    line = refuse(app, args, capfd, inputs=[ct[0]], outputs=[out], message=message)
    assert line.startswith(f"error: {option} ")


@pytest.mark.parametrize("text, message", [("nan,1,2", "finite"), ("inf,0,0", "finite"),
                                           ("1e308,1e308,1e308", "outside"), ("99999,0,0", "outside")])
def test_bad_click_in_millimetres(ct, tmp_path, capfd, text, message):
    out = tmp_path / "m.nii.gz"
    line = refuse(app, [ct[0], "--click", text, "--click-mm", "-o", out, "--device", "cpu"], capfd,
                  inputs=[ct[0]], outputs=[out], message=message)
    assert "--click " in line


@pytest.mark.parametrize("text", ["64,1,1", "1,1,-1", "nan,1,1", "1,2"])
def test_bad_background_click_is_named_bg_click(ct, tmp_path, capfd, text):
    out = tmp_path / "m.nii.gz"
    line = refuse(app, _seg(ct, out, "--bg-click", text), capfd, inputs=[ct[0]], outputs=[out])
    assert line.startswith("error: --bg-click "), line


_number = st.one_of(st.integers(-10**6, 10**6).map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.sampled_from(["", " ", "nan", "-inf", "1e999", "0x10", "1_0", "--", "½"]))


@st.composite
def bad_clicks(draw):
    """Click texts that are not a voxel of the 64x64x8 volume: wrong count, non-finite, fractional or
    outside. (Valid ones are filtered out so every example must be refused.)"""
    parts = draw(st.lists(_number, min_size=1, max_size=5))
    text = ",".join(parts)
    try:
        values = [float(p) for p in text.split(",")]
        valid = (len(values) == 3 and all(np.isfinite(values)) and all(v == round(v) for v in values)
                 and all(0 <= v < n for v, n in zip(values, (64, 64, 8))))
    except ValueError:
        valid = False
    if valid:
        text = text + ",0"  # four numbers: still refused
    return text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(option=st.sampled_from(["--click", "--bg-click"]), text=bad_clicks())
def test_any_bad_click_text_is_refused_naming_its_option(ct, tmp_path, capfd, option, text):
    out = tmp_path / "m.nii.gz"
    extra = ["--click", ct[3]] if option == "--bg-click" else []
    line = refuse(app, [ct[0], *extra, option, text, "-o", out, "--device", "cpu"], capfd,
                  inputs=[ct[0]], outputs=[out])
    assert line.startswith(f"error: {option} "), line


# ---------------------------------------------------------------- numbers and choices
@pytest.mark.parametrize("extra, message", [(["--threads", "0"], "--threads"), (["--threads", "-3"], "--threads"),
                                            (["--threads", "two"], "--threads"), (["--device", "tpu"], "unknown device"),
                                            (["--intensity-offset", "nan"], "--intensity-offset"),
                                            (["--intensity-offset", "inf"], "--intensity-offset"),
                                            (["--clik", "1,2,3"], "--clik"), (["--model"], "--model")])
def test_bad_numbers_and_options(ct, tmp_path, capfd, extra, message):
    out = tmp_path / "m.nii.gz"
    refuse(app, _seg(ct, out, *extra), capfd, inputs=[ct[0]], outputs=[out], message=message)


def test_no_output_option(ct, capfd):
    refuse(app, [ct[0], "--click", ct[3]], capfd, inputs=[ct[0]], message="--out")


# ---------------------------------------------------------------- input files
def _cut(src, dst, keep=0.5):
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * keep)])
    return dst


def test_nii_gz_cut_in_half_is_truncated(ct, tmp_path, capfd):
    cut = _cut(ct[0], tmp_path / "cut.nii.gz")
    out = tmp_path / "m.nii.gz"
    refuse(app, [cut, "--click", ct[3], "-o", out, "--device", "cpu"], capfd, inputs=[cut], outputs=[out],
           message="file is truncated")


def test_nii_gz_that_decompresses_short_is_truncated(ct, tmp_path, capfd):
    """A complete gzip stream of a NIfTI whose voxels stop early: the header's count catches it."""
    raw = gzip.decompress(ct[0].read_bytes())
    short = tmp_path / "short.nii.gz"
    short.write_bytes(gzip.compress(raw[: len(raw) - 1000]))
    out = tmp_path / "m.nii.gz"
    refuse(app, [short, "--click", ct[3], "-o", out, "--device", "cpu"], capfd, inputs=[short], outputs=[out],
           message="file is truncated")


@pytest.mark.parametrize("suffix", [".nii", ".nrrd", ".mha"])
def test_uncompressed_and_other_formats_cut_short(ct, tmp_path, capfd, suffix):
    whole = tmp_path / f"whole{suffix}"
    sitk.WriteImage(sitk.ReadImage(str(ct[0])), str(whole), useCompression=False)
    cut = _cut(whole, tmp_path / f"cut{suffix}", 0.6)
    out = tmp_path / "m.nii.gz"
    refuse(app, [cut, "--click", ct[3], "-o", out, "--device", "cpu"], capfd, inputs=[cut], outputs=[out],
           message="file is truncated")


def test_gzip_checksum_mismatch(ct, tmp_path, capfd):
    data = bytearray(ct[0].read_bytes())
    data[-6] ^= 0xFF  # inside the CRC32 trailer
    bad = tmp_path / "crc.nii.gz"
    bad.write_bytes(bytes(data))
    out = tmp_path / "m.nii.gz"
    refuse(app, [bad, "--click", ct[3], "-o", out, "--device", "cpu"], capfd, inputs=[bad], outputs=[out],
           message="corrupt")


@pytest.mark.parametrize("content, name, message", [(b"", "empty.nii.gz", "empty"),
                                                    (b"\x1f\x8b", "two.nii.gz", "truncated"),
                                                    (os.urandom(4096), "random.nii", "cannot read volume"),
                                                    (b"hello", "text.mha", "cannot read volume")])
def test_broken_files(tmp_path, capfd, content, name, message):
    bad = tmp_path / name
    bad.write_bytes(content)
    out = tmp_path / "m.nii.gz"
    refuse(app, [bad, "--click", "1,1,1", "-o", out, "--device", "cpu"], capfd, inputs=[bad], outputs=[out],
           message=message)


def test_missing_input(tmp_path, capfd):
    out = tmp_path / "m.nii.gz"
    refuse(app, [tmp_path / "nope.nii.gz", "--click", "1,1,1", "-o", out], capfd, outputs=[out],
           message="nope.nii.gz: no such file")


def test_dicom_folder_without_dicom_prints_no_itk_lines(tmp_path, capfd):
    folder = tmp_path / "series"
    folder.mkdir()
    (folder / "IM0001.dcm").write_text("not dicom")
    (folder / "notes.txt").write_text("hello")
    out = tmp_path / "m.nii.gz"
    refuse(app, [folder, "--click", "1,1,1", "-o", out, "--device", "cpu"], capfd, inputs=[folder], outputs=[out],
           message="no DICOM series")


def test_tiny_volume_is_too_small_for_the_model(tmp_path, capfd):
    tiny = tmp_path / "tiny.nii.gz"
    array = np.full((5, 5, 5), -1000, np.int16)
    array[2, 2, 2] = 1200
    sitk.WriteImage(sitk.GetImageFromArray(array), str(tiny))
    out = tmp_path / "m.nii.gz"
    refuse(app, [tiny, "--click", "2,2,2", "-o", out, "--device", "cpu"], capfd, inputs=[tiny], outputs=[out],
           message="too small for the model")


# ---------------------------------------------------------------- intensities that are not HU
def _stored(ct, tmp_path, name, convert):
    path = tmp_path / name
    sitk.WriteImage(sitk.GetImageFromArray(convert(ct[1])), str(path))
    return path


@pytest.mark.parametrize("name, convert, extra", [
    ("plus1024.nii.gz", lambda hu: (hu.astype(np.int32) + 1024).clip(0, 4095).astype(np.uint16), []),
    ("bytes.nii.gz", lambda hu: ((hu.clip(-1024, 1500) + 1024) / 2524 * 255).astype(np.uint8), []),
    ("unit.nrrd", lambda hu: ((hu.clip(-1024, 3000) + 1024) / 4024).astype(np.float32), []),
    ("bytes-shifted.nii.gz", lambda hu: ((hu.clip(-1024, 1500) + 1024) / 2524 * 255).astype(np.uint8),
     ["--intensity-offset", "-1024"]),
])
def test_volume_not_in_hu_is_refused(ct, tmp_path, capfd, name, convert, extra):
    path = _stored(ct, tmp_path, name, convert)
    out = tmp_path / "m.nii.gz"
    line = refuse(app, [path, "--click", ct[3], "-o", out, "--device", "cpu", *extra], capfd, inputs=[path],
                  outputs=[out], message="does not look like CT in Hounsfield units")
    assert "--intensity-offset" in line


def test_hu_plus_1024_with_the_offset_is_segmented(leg_volume, tmp_path):
    """The way forward the message names works: the same mask as from the HU volume."""
    source, hu, _, _, (x, y, z) = leg_volume
    image = sitk.ReadImage(str(source))
    stored = sitk.GetImageFromArray((hu.astype(np.int32) + 1024).clip(0, 4095).astype(np.uint16))
    stored.CopyInformation(image)
    path = tmp_path / "plus1024.nii.gz"
    sitk.WriteImage(stored, str(path))
    a, b = tmp_path / "a.nii.gz", tmp_path / "b.nii.gz"
    click = f"{x},{y},{z}"
    r1 = runner.invoke(app, [str(path), "--click", click, "-o", str(a), "--device", "cpu", "--no-propagate",
                             "--intensity-offset", "-1024"])
    r2 = runner.invoke(app, [str(source), "--click", click, "-o", str(b), "--device", "cpu", "--no-propagate"])
    assert r1.exit_code == 0 and r2.exit_code == 0, r1.output + r2.output
    assert sitk.GetArrayFromImage(sitk.ReadImage(str(a))).sum() > 0
    np.testing.assert_array_equal(sitk.GetArrayFromImage(sitk.ReadImage(str(a))),
                                  sitk.GetArrayFromImage(sitk.ReadImage(str(b))))


# ---------------------------------------------------------------- model files
@pytest.mark.parametrize("kwargs, message", [
    (dict(height=96, width=96), "fixed size 96x96"),
    (dict(out_rank=3), "expected one output of shape (N, 1, H, W)"),
    (dict(info={**shipped_info(), "in_channels": 4, "neighbour_mask": True, "check": "SegInter102"}, channels=4),
     "expected one output of shape (N, 2, H, W)"),  # a walk model with a check gives two channels
    (dict(channels=1), "expected one input of shape (N, 3, H, W)"),
    (dict(info=None), "not a bonebench model"),
    (dict(info="[1, 2]"), "metadata is unreadable"),
    (dict(info={**shipped_info(), "in_channels": True}), "'in_channels' has the wrong type"),
    (dict(info="{not json"), "metadata is unreadable"),
    (dict(info={**shipped_info(), "in_channels": "3"}), "'in_channels' has the wrong type"),
    (dict(info={**shipped_info(), "click_sigma": "two"}), "'click_sigma' has the wrong type"),
    (dict(info={**shipped_info(), "fp16": 1}), "'fp16' has the wrong type"),
    (dict(info={**shipped_info(), "hu_window": [-1024, "3000"]}), "'hu_window' has the wrong type"),
    (dict(info={**shipped_info(), "training_patients": "leg_000"}), "'training_patients' has the wrong type"),
    (dict(info={**shipped_info(), "kind": "magic"}), "inconsistent"),
    (dict(info={**shipped_info(), "in_channels": 4}, channels=4), "inconsistent"),  # 4 inputs, no 4th map named
    (dict(info={k: v for k, v in shipped_info().items() if k != "group"}), "metadata is unreadable"),
])
def test_bad_model_files(ct, tmp_path, capfd, kwargs, message):
    model = make_onnx(tmp_path / "bad.onnx", **kwargs)
    out = tmp_path / "m.nii.gz"
    refuse(app, _seg(ct, out, "--model", model), capfd, inputs=[ct[0], model], outputs=[out], message=message)


def test_a_well_formed_tiny_model_is_accepted(tmp_path):
    """The control for the cases above: the same builder with nothing wrong opens fine."""
    from bonebench.runtime.session import Model

    model = Model(make_onnx(tmp_path / "good.onnx"), device="cpu")
    assert model.info.in_channels == 3 and model(np.zeros((1, 3, 32, 32), np.float32)).shape == (1, 32, 32)


@pytest.mark.parametrize("content", [b"", b"not onnx", os.urandom(2048)])
def test_model_that_is_not_onnx(ct, tmp_path, capfd, content):
    model = tmp_path / "m.onnx"
    model.write_bytes(content)
    out = tmp_path / "m.nii.gz"
    refuse(app, _seg(ct, out, "--model", model), capfd, inputs=[ct[0], model], outputs=[out], message="not an ONNX")


# ---------------------------------------------------------------- after inference: nothing left
def test_failure_while_saving_leaves_neither_mask_nor_preview(ct, tmp_path, monkeypatch):
    import bonebench.runtime.segment_file as segment_file

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(segment_file, "write_preview", broken)
    out, png = tmp_path / "new" / "m.nii.gz", tmp_path / "new" / "p.png"
    result = runner.invoke(app, _str(_seg(ct, out, "--preview", png, "--no-propagate")))
    assert result.exit_code != 0
    assert not out.exists() and not png.exists() and not (tmp_path / "new").exists()


def _str(args):
    return [str(a) for a in args]


def test_demo_refuses_an_output_folder_that_is_a_file(tmp_path, capfd):
    afile = tmp_path / "demo"
    afile.write_text("mine")
    refuse(demo_app, ["--out", afile, "--device", "cpu"], capfd, inputs=[afile], message="which is a file")


def test_dicom_seg_of_a_non_dicom_input_is_refused_before_work(ct, tmp_path, capfd):
    out = tmp_path / "m.dcm"
    refuse(app, _seg(ct, out), capfd, inputs=[ct[0]], outputs=[out], message="DICOM-SEG")


def test_output_overwriting_a_file_inside_the_input_dicom_folder(tmp_path, capfd):
    folder = tmp_path / "series"
    folder.mkdir()
    victim = folder / "old.nii.gz"
    victim.write_bytes(b"keep me")
    refuse(app, [folder, "--click", "1,1,1", "-o", victim, "--device", "cpu"], capfd, inputs=[folder],
           message="or a file in it")


# ---------------------------------------------------------------- issue 20: the values the model will see
@pytest.mark.parametrize("name, convert, offset, message", [
    ("plus1024.nii.gz", lambda hu: (hu.astype(np.int32) + 1024).clip(0, 4095).astype(np.uint16), "1024",
     "pass --intensity-offset -1024"),
    ("plus1024.nii.gz", lambda hu: (hu.astype(np.int32) + 1024).clip(0, 4095).astype(np.uint16), "0",
     "pass --intensity-offset -1024"),
    ("hu.nii.gz", lambda hu: hu, "-1024", "run without --intensity-offset"),
])
def test_wrong_intensity_offset_names_the_one_it_needs(ct, tmp_path, capfd, name, convert, offset, message):
    path = _stored(ct, tmp_path, name, convert)
    out = tmp_path / "m.nii.gz"
    line = refuse(app, _seg((path, *ct[1:]), out, "--intensity-offset", offset), capfd, inputs=[path],
                  outputs=[out], message=message)
    assert f"after --intensity-offset {offset}" in line


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_voxels_anywhere_are_refused_naming_where(ct, tmp_path, capfd, value):
    hu = ct[1].astype(np.float32)
    hu[1, 2, 3] = value  # (z, y, x): far from the click
    path = _stored((None, hu), tmp_path, "nan.nrrd", lambda v: v)  # ITK writes NaN to NIfTI as 0
    out = tmp_path / "m.nii.gz"
    refuse(app, _seg((path, *ct[1:]), out), capfd, inputs=[path], outputs=[out],
           message="1 NaN or infinite voxel(s), the first at voxel 3,2,1")


# ---------------------------------------------------------------- issue 20: geometry before inference
@pytest.mark.parametrize("spacing, message", [((1000.0, 1.0, 2.0), "spacing x = 1000 mm"),
                                              ((1.0, 1e-4, 2.0), "spacing y = 0.0001 mm"),
                                              ((1.0, 1.0, 1000.0), "spacing z = 1000 mm")])
def test_spacing_outside_the_clinical_range_is_refused(ct, tmp_path, capfd, spacing, message):
    image = sitk.GetImageFromArray(ct[1])
    image.SetSpacing(spacing)
    path = tmp_path / "odd.nii.gz"
    sitk.WriteImage(image, str(path))
    out = tmp_path / "m.nii.gz"
    refuse(app, _seg((path, *ct[1:]), out), capfd, inputs=[path], outputs=[out], message=message)


@pytest.mark.parametrize("positions, message", [
    ([k * 2.5 for k in range(8) if k != 4], "slice003.dcm and slice004.dcm are 5 mm apart, the other slices "
                                            "2.5 mm, about 1 slice(s) missing"),
    ([0.0, 2.5, 5.0, 8.5, 10.0, 12.5, 15.0, 17.5], "uneven DICOM series"),
])
def test_dicom_series_with_a_missing_or_uneven_slice_is_refused(ct, tmp_path, capfd, positions, message):
    from tests.dicom_series import write_ct_series

    folder = tmp_path / "series"
    hu = ct[1][: len(positions)]
    write_ct_series(folder, hu, spacing=(1.0, 1.0, 2.5), positions=[(0.0, 0.0, z) for z in positions])
    out = tmp_path / "m.nii.gz"
    refuse(app, [folder, "--click", "10,10,1", "-o", out, "--device", "cpu"], capfd, inputs=[folder],
           outputs=[out], message=message)


# ---------------------------------------------------------------- issue 20: clicks that contradict the volume
def test_the_same_voxel_as_bone_and_background_is_refused(ct, tmp_path, capfd):
    out = tmp_path / "m.nii.gz"
    x, y, z = ct[3].split(",")
    line = refuse(app, _seg(ct, out, "--bg-click", f"{x},{y},{z}"), capfd, inputs=[ct[0]], outputs=[out],
                  message="is also a --click")
    assert line.startswith("error: --bg-click ")


@pytest.mark.parametrize("option", ["--click", "--bg-click"])
def test_a_click_on_a_nan_voxel_is_named_as_such(ct, tmp_path, capfd, option):
    hu = ct[1].astype(np.float32)
    hu[2, 3, 4] = np.nan
    path = _stored((None, hu), tmp_path, "nan.nrrd", lambda v: v)  # ITK writes NaN to NIfTI as 0
    out = tmp_path / "m.nii.gz"
    extra = [option, "4,3,2"]
    line = refuse(app, _seg((path, *ct[1:]), out, *extra), capfd, inputs=[path], outputs=[out],
                  message="voxel 4,3,2 is nan in the volume")
    assert line.startswith(f"error: {option} ")


# ---------------------------------------------------------------- issue 20: messages that name the real cause
def test_model_that_is_a_folder(ct, tmp_path, capfd):
    folder = tmp_path / "models"
    folder.mkdir()
    out = tmp_path / "m.nii.gz"
    refuse(app, _seg(ct, out, "--model", folder), capfd, inputs=[ct[0], folder], outputs=[out],
           message="is a folder, expected an .onnx file")


def test_ctrl_c_while_onnxruntime_loads_is_an_interruption(ct, tmp_path, monkeypatch):
    """An ImportError of a half-imported onnxruntime, raised while handling Ctrl-C: exit 130, 'interrupted'."""
    import builtins
    import sys

    real_import = builtins.__import__

    def interrupted_import(name, *args, **kwargs):
        if name == "onnxruntime":
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt:
                raise ImportError("cannot import name 'InferenceSession' from partially initialized module") from None
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "onnxruntime", raising=False)
    monkeypatch.setattr(builtins, "__import__", interrupted_import)
    out = tmp_path / "m.nii.gz"
    result = runner.invoke(app, _str(_seg(ct, out)))
    assert result.exit_code == 130, result.output
    assert result.stderr.strip() == "interrupted" and not out.exists()


def test_unknown_bone_name_is_refused_listing_the_known_ones(ct, tmp_path, capfd):
    out = tmp_path / "m.nii.gz"
    line = refuse(app, _seg(ct, out, "--bone", "wristbone"), capfd, inputs=[ct[0]], outputs=[out],
                  message="--bone 'wristbone': unknown bone; known: calcaneus, clavicle")
    assert "'bone' for the generic" in line


@pytest.mark.parametrize("text, name", [("jawbone", "mandible"), ("Lower-Jaw", "mandible"), ("Fibula", "fibula"),
                                        ("shin bone", "tibia"), ("bone", "bone")])
def test_bone_synonyms_map_to_their_coded_bone(text, name):
    from bonebench.data.dicom_seg import bone_name

    assert bone_name(text) == name


# ---------------------------------------------------------------- a mask that cannot be the bone
def _leaking_segment(real):
    """segment() whose mask is grown 4 voxels in-plane into the soft tissue around the bone."""
    import dataclasses

    def leaking(*args, **kwargs):
        result = real(*args, **kwargs)
        return dataclasses.replace(result, mask=leak(result.mask).astype(np.uint8))
    return leaking


def test_a_leaking_mask_is_written_with_one_warning(leg_volume, tmp_path, monkeypatch):
    import bonebench.runtime.segment_file as segment_file

    monkeypatch.setattr(segment_file, "segment", _leaking_segment(segment_file.segment))
    path, *_, (x, y, z) = leg_volume
    before = path.read_bytes()
    out = tmp_path / "m.nii.gz"
    result = runner.invoke(app, _str([path, "--click", f"{x},{y},{z}", "-o", out, "--device", "cpu"]))
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: ") and "cortical" in lines[0], result.stderr
    assert out.is_file() and path.read_bytes() == before
    assert "trained on fibula, tibia" in result.stdout


def test_a_correct_segmentation_has_no_warning(leg_volume, tmp_path):
    path, *_, (x, y, z) = leg_volume
    result = runner.invoke(app, _str([path, "--click", f"{x},{y},{z}", "-o", tmp_path / "m.nii.gz", "--device", "cpu"]))
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr, result.stderr


OPENKBP = Path("/work/shared/data/openkbp-mandible")


@pytest.mark.skipif(not (OPENKBP / "labelsTr" / "pt_100.nii.gz").is_file(), reason="needs the OpenKBP mandibles")
def test_the_real_mandible_leak_is_warned(tmp_path):
    """The issue's example: on a real mandible the first shipped model (v1, legs only) fills 264 mL into
    the skull base. (The click model that is the default now stays on the mandible: no warning.)"""
    from bonebench.data.volume_io import read_volume
    from bonebench.kernels import innermost_point

    truth = read_volume(OPENKBP / "labelsTr" / "pt_100.nii.gz")[0] > 0
    z = int(np.median(np.flatnonzero(truth.any(axis=(1, 2)))))
    y, x = innermost_point(truth[z])
    out = tmp_path / "m.nii.gz"
    result = runner.invoke(app, _str([OPENKBP / "imagesTr" / "pt_100_0000.nii.gz", "--click", f"{x},{y},{z}",
                                      "-o", out, "--device", "cpu", "--model", V1_MODEL]))
    assert result.exit_code == 0 and out.is_file(), result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: "), result.stderr
