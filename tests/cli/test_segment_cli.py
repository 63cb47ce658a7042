"""bb-segment and bb-demo through typer: geometry kept, bad input as one line, exit 2, no file."""

import numpy as np
import SimpleITK as sitk
from typer.testing import CliRunner

from bonebench.cli.segment_cli import app, demo_app
from bonebench.data.volume_io import read_volume
from bonebench.kernels import dice
from tests.conftest import right_fibula, one_line_error

runner = CliRunner()




def test_click_mask_keeps_flipped_geometry(leg_volume, tmp_path):
    path, hu, labels, geometry, (x, y, z) = leg_volume
    out = tmp_path / "mask.nrrd"
    result = runner.invoke(app, [str(path), "--click", f"{x},{y},{z}", "-o", str(out), "--device", "cpu",
                                 "--preview", str(tmp_path / "p.png")])
    assert result.exit_code == 0, result.output
    assert "voxels" in result.output and "mL" in result.output and "inference" in result.output
    mask, mask_geometry = read_volume(out)
    assert mask_geometry.size == geometry.size
    np.testing.assert_allclose(mask_geometry.direction, geometry.direction)
    np.testing.assert_allclose(mask_geometry.origin, geometry.origin, atol=1e-4)
    # the mask sits on the same physical voxels as the bone in the input
    ct, m = sitk.ReadImage(str(path)), sitk.ReadImage(str(out))
    point = ct.TransformIndexToPhysicalPoint((x, y, z))
    assert m.GetPixel(*m.TransformPhysicalPointToIndex(point)) == 1
    assert dice(right_fibula(labels), mask) > 0.9
    assert sitk.ReadImage(str(tmp_path / "p.png")).GetNumberOfComponentsPerPixel() == 3


def test_click_in_millimetres_equals_click_in_voxels(leg_volume, tmp_path):
    path, _, _, _, (x, y, z) = leg_volume
    point = sitk.ReadImage(str(path)).TransformIndexToPhysicalPoint((x, y, z))
    a = runner.invoke(app, [str(path), "--click", f"{x},{y},{z}", "-o", str(tmp_path / "a.nii.gz"),
                            "--no-propagate", "--device", "cpu"])
    b = runner.invoke(app, [str(path), "--click", ",".join(f"{v:.3f}" for v in point), "--click-mm",
                            "-o", str(tmp_path / "b.nii.gz"), "--no-propagate", "--device", "cpu"])
    assert a.exit_code == 0 and b.exit_code == 0, a.output + b.output
    np.testing.assert_array_equal(read_volume(tmp_path / "a.nii.gz")[0], read_volume(tmp_path / "b.nii.gz")[0])


def test_demo_command(tmp_path):
    result = runner.invoke(demo_app, ["--out", str(tmp_path), "--device", "cpu"])
    assert result.exit_code == 0, result.output
    score = float(result.output.split("right fibula ")[1].split(";")[0])
    assert score > 0.9
    assert (tmp_path / "preview.png").is_file() and (tmp_path / "fibula_mask.nii.gz").is_file()
    assert "warning" not in result.stderr and "trained on fibula, tibia" in result.stdout  # the true fibula


def _bad_cases(tmp_path, path, hu, geometry, xyz):
    x, y, z = xyz
    corrupt = tmp_path / "corrupt.nii.gz"
    corrupt.write_bytes(b"\x1f\x8bnot a volume")
    flat = tmp_path / "flat.nii.gz"
    sitk.WriteImage(sitk.GetImageFromArray(np.zeros((20, 30), np.int16)), str(flat))
    nan = tmp_path / "nan.nrrd"
    data = hu[:8].astype(np.float32)
    data[2, 3, 4] = np.nan
    sitk.WriteImage(sitk.GetImageFromArray(data), str(nan))
    huge = tmp_path / "huge.mha"
    sitk.WriteImage(sitk.GetImageFromArray(np.zeros((2, 2, 2), np.int16)), str(huge))
    header = huge.read_bytes().replace(b"DimSize = 2 2 2", b"DimSize = 40000 40000 40000")
    huge.write_bytes(header)
    not_onnx = tmp_path / "model.onnx"
    not_onnx.write_text("no")
    click = f"{x},{y},{z}"
    return [
        ([str(tmp_path / "missing.nii.gz"), "--click", click], "no such file"),
        ([str(corrupt), "--click", click], "cannot read volume"),
        ([str(flat), "--click", "1,1,0"], "expected a 3D volume"),
        ([str(nan), "--click", "1,1,1"], "NaN"),
        ([str(huge), "--click", "1,1,1"], "too large"),
        ([str(path), "--click", f"{x},{y},{hu.shape[0]}"], "outside the volume"),
        ([str(path), "--click", "0,0,0"], "lands on air"),
        ([str(path), "--click", "1,2"], "expected three numbers"),
        ([str(path), "--click", click, "--model", str(not_onnx)], "not an ONNX model"),
        ([str(path)], "needs at least one --click"),
    ]


def test_bad_input_gives_one_line_exit_2_and_no_file(leg_volume, tmp_path):
    path, hu, _, geometry, xyz = leg_volume
    for args, message in _bad_cases(tmp_path, path, hu, geometry, xyz):
        out = tmp_path / "out.nii.gz"
        line = one_line_error(runner.invoke(app, args + ["-o", str(out), "--device", "cpu"]))
        assert message in line, (args, line)
        assert not out.exists()
        assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_automatic_model(tiny_checkpoints, leg_volume, tmp_path):
    from bonebench.export.onnx_export import export_checkpoint

    export_checkpoint(tiny_checkpoints["seg"], tmp_path / "seg.onnx")
    path, hu, _, _, (x, y, z) = leg_volume
    result = runner.invoke(app, [str(path), "--model", str(tmp_path / "seg.onnx"), "-o", str(tmp_path / "m.nii.gz"),
                                 "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert read_volume(tmp_path / "m.nii.gz")[0].shape == hu.shape
    line = one_line_error(runner.invoke(app, [str(path), "--model", str(tmp_path / "seg.onnx"), "--click", f"{x},{y},{z}",
                                      "-o", str(tmp_path / "n.nii.gz"), "--device", "cpu"]))
    assert "takes no clicks" in line and not (tmp_path / "n.nii.gz").exists()
