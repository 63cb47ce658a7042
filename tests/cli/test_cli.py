"""The command lines: real runs through typer, bad input as one line and exit code 2."""

import json

import numpy as np
import SimpleITK as sitk
from typer.testing import CliRunner

from bonebench.cli.data_cli import app as data_app
from bonebench.cli.train_cli import app as train_app

runner = CliRunner()


def _one_error_line(result):
    assert result.exit_code == 2, result.output
    lines = [l for l in result.output.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_phantoms_command_writes_a_dataset(tmp_path):
    result = runner.invoke(data_app, ["phantoms", str(tmp_path / "legs"), "--cases", "3", "--seed", "2",
                                      "--size", "64", "--slices", "4"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "legs" / "labelsTr").iterdir()) == \
        ["leg_000.nii.gz", "leg_001.nii.gz", "leg_002.nii.gz"]
    labels = sitk.GetArrayFromImage(sitk.ReadImage(str(tmp_path / "legs" / "labelsTr" / "leg_001.nii.gz")))
    assert labels.shape == (4, 64, 64) and set(np.unique(labels)) == {0, 1, 2}
    info = runner.invoke(data_app, ["info", str(tmp_path / "legs")])
    assert "3 cases" in info.output and "fibula=1" in info.output


def test_split_command(tmp_path, phantom_dataset):
    result = runner.invoke(data_app, ["split", str(phantom_dataset), "-o", str(tmp_path / "s.json")])
    assert result.exit_code == 0 and "train 3 / val 1 / test 1" in result.output


def test_train_seg_command(tmp_path, phantom_dataset):
    result = runner.invoke(train_app, ["seg", "--data", str(phantom_dataset), "--label", "fibula",
                                       "--patients", "1", "--preset", "tiny", "--iterations", "4",
                                       "--val-every", "2", "--out", str(tmp_path / "run"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Seg1: best validation Dice" in result.output
    assert (tmp_path / "run" / "best.pt").is_file() and (tmp_path / "run" / "config.json").is_file()


def test_bad_inputs_give_one_line_and_exit_2(tmp_path, phantom_dataset):
    base = ["seg", "--preset", "tiny", "--out", str(tmp_path / "run"), "--quiet"]
    cases = [
        (["--data", str(tmp_path / "missing"), "--label", "fibula", "--patients", "1"], "no dataset.json"),
        (["--data", str(phantom_dataset), "--label", "femur", "--patients", "1"], "no label 'femur'"),
        (["--data", str(phantom_dataset), "--label", "fibula", "--patients", "40"], "has only 3"),
        (["--data", str(phantom_dataset), "--label", "fibula", "--patients", "1", "--device", "tpu"],
         "unknown device"),
    ]
    for args, message in cases:
        line = _one_error_line(runner.invoke(train_app, base + args))
        assert message in line
    assert not (tmp_path / "run").exists()


def test_corrupt_volume_in_dataset(tmp_path, phantom_dataset):
    import shutil

    copy = tmp_path / "legs"
    shutil.copytree(phantom_dataset, copy)
    (copy / "imagesTr" / "leg_004_0000.nii.gz").write_bytes(b"garbage")
    for case in ("leg_000", "leg_001", "leg_002", "leg_003"):
        (copy / "imagesTr" / f"{case}_0000.nii.gz").write_bytes(b"garbage")
    line = _one_error_line(runner.invoke(train_app, ["seg", "--data", str(copy), "--label", "fibula",
                                                     "--patients", "1", "--preset", "tiny", "--quiet",
                                                     "--out", str(tmp_path / "run")]))
    assert "cannot read volume" in line
    assert not (tmp_path / "run").exists()


def test_inter_init_with_a_click_model_fine_tunes_it_at_its_pixel_size(tmp_path, phantom_dataset):
    common = ["--data", str(phantom_dataset), "--preset", "tiny", "--iterations", "2", "--val-every", "2", "--quiet",
              "--label", "fibula", "--patients", "1"]
    result = runner.invoke(train_app, ["inter", *common, "--pixel-mm", "1.5", "--out", str(tmp_path / "src")])
    assert result.exit_code == 0, result.output
    ckpt = str(tmp_path / "src" / "best.pt")
    result = runner.invoke(train_app, ["inter", *common, "--init", ckpt, "--out", str(tmp_path / "ft")])
    assert result.exit_code == 0 and "SegInter1:" in result.output, result.output
    config = json.loads((tmp_path / "ft" / "config.json").read_text())
    assert config["pixel_mm"] == 1.5 and config["init"] == ckpt and config["group"] == "inter"
    line = _one_error_line(runner.invoke(train_app, ["inter", *common, "--init", ckpt, "--pixel-mm", "1.0",
                                                     "--out", str(tmp_path / "bad")]))
    assert "pass --pixel-mm 1.5" in line and not (tmp_path / "bad").exists()


def test_pretrain_seg_init_inter_and_figure(tmp_path, phantom_dataset):
    common = ["--data", str(phantom_dataset), "--preset", "tiny", "--iterations", "4", "--val-every", "2", "--quiet"]
    result = runner.invoke(train_app, ["pretrain", *common, "--out", str(tmp_path / "restoration")])
    assert result.exit_code == 0, result.output
    assert "Restoration: best validation L1" in result.output
    ckpt = str(tmp_path / "restoration" / "best.pt")
    result = runner.invoke(train_app, ["seg", *common, "--label", "fibula", "--patients", "1", "--init", ckpt,
                                       "--out", str(tmp_path / "sp")])
    assert result.exit_code == 0 and "SegPretrained1" in result.output, result.output
    result = runner.invoke(train_app, ["inter", *common, "--label", "fibula", "--patients", "1", "--init", ckpt,
                                       "--prev-mask", "--out", str(tmp_path / "ip")])
    assert result.exit_code == 0 and "SegInterPretrainedPrev1" in result.output, result.output
    figure = tmp_path / "fig.png"
    result = runner.invoke(train_app, ["restoration-figure", ckpt, "--data", str(phantom_dataset), "-o", str(figure),
                                       "--samples", "2"])
    assert result.exit_code == 0, result.output
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # a segmentation checkpoint is not a restoration checkpoint
    line = _one_error_line(runner.invoke(train_app, ["restoration-figure", str(tmp_path / "sp" / "best.pt"),
                                                     "--data", str(phantom_dataset), "-o", str(tmp_path / "x.png")]))
    assert "not a restoration checkpoint" in line and not (tmp_path / "x.png").exists()
    line = _one_error_line(runner.invoke(train_app, ["inter", *common, "--label", "fibula", "--patients", "1",
                                                     "--loss", "focal", "--out", str(tmp_path / "bad")]))
    assert "unknown loss" in line
