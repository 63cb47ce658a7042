"""bb-train, bb-export, bb-eval and bb-data against hostile input: exit 2, one stderr line, no traceback,
nothing written, inputs unchanged."""

from __future__ import annotations

import pytest

from bonebench.cli.data_cli import app as data_app
from bonebench.cli.eval_cli import app as eval_app
from bonebench.cli.export_cli import app as export_app
from bonebench.cli.train_cli import app as train_app
from tests.hostile.conftest import refuse, runner


def _seg(data, out, *extra):
    return ["seg", "--data", data, "--label", "fibula", "--patients", "1", "--preset", "tiny", "--quiet",
            "--out", out, *extra]


# ---------------------------------------------------------------- bb-train
@pytest.mark.parametrize("extra, message", [
    (["--lr", "-1"], "--lr"), (["--lr", "0"], "--lr"), (["--lr", "nan"], "--lr"), (["--lr", "inf"], "--lr"),
    (["--lr", "fast"], "--lr"), (["--iterations", "0"], "--iterations"), (["--batch-size", "-2"], "--batch-size"),
    (["--patch-size", "40"], "multiple of 16"), (["--patch-size", "8"], "--patch-size"),
    (["--val-every", "0"], "--val-every"), (["--patients", "0"], "--patients"),
    (["--preset", "huge"], "unknown preset"), (["--loss", "focal"], "unknown loss"),
    (["--init", "/nonexistent/best.pt"], "no such file"), (["--split", "/nonexistent/s.json"], "no such file"),
])
def test_train_bad_numbers_and_paths(phantom_dataset, tmp_path, capfd, extra, message):
    out = tmp_path / "run"
    refuse(train_app, _seg(phantom_dataset, out, *extra), capfd, inputs=[phantom_dataset], outputs=[out],
           message=message)
    assert not out.exists()


def test_inter_bad_rates(phantom_dataset, tmp_path, capfd):
    for extra, message in ((["--background-rate", "1.5"], "--background-rate"),
                           (["--click-sigma", "-1"], "click-sigma"), (["--max-interactions", "0"], "--max-interactions"),
                           (["--bone-end-rate", "2"], "--bone-end-rate"),
                           (["--bone-end-rate", "0.5"], "add --neighbour-mask")):
        args = ["inter", "--data", phantom_dataset, "--label", "fibula", "--patients", "1", "--preset", "tiny",
                "--out", tmp_path / "run", *extra]
        refuse(train_app, args, capfd, inputs=[phantom_dataset], outputs=[tmp_path / "run"], message=message)


def test_resume_on_a_folder_without_a_run(phantom_dataset, tmp_path, capfd):
    out = tmp_path / "new"
    refuse(train_app, _seg(phantom_dataset, out, "--resume"), capfd, inputs=[phantom_dataset], outputs=[out],
           message="no training run to resume")
    assert not out.exists()


def test_resume_with_the_dataset_spelled_another_way(phantom_dataset, tmp_path, capfd, monkeypatch):
    """A run started with --data relative resumes with the same folder spelled absolute; another
    dataset (a copy elsewhere) is still refused, naming the setting."""
    import shutil

    monkeypatch.chdir(phantom_dataset.parent)
    out = tmp_path / "run"
    first = runner.invoke(train_app, [str(a) for a in _seg(phantom_dataset.name, out, "--iterations", "2",
                                                            "--val-every", "2", "--device", "cpu")])
    assert first.exit_code == 0, first.output
    again = runner.invoke(train_app, [str(a) for a in _seg(phantom_dataset.resolve(), out, "--iterations", "2",
                                                            "--val-every", "2", "--device", "cpu", "--resume")])
    assert again.exit_code == 0, again.output
    other = shutil.copytree(phantom_dataset, tmp_path / "other")
    refuse(train_app, _seg(other, out, "--iterations", "2", "--val-every", "2", "--device", "cpu", "--resume"),
           capfd, inputs=[other, out], message="different settings (data)")


def test_out_is_a_file(phantom_dataset, tmp_path, capfd):
    afile = tmp_path / "run"
    afile.write_text("mine")
    refuse(train_app, _seg(phantom_dataset, afile), capfd, inputs=[phantom_dataset, afile], message="is a file")
    refuse(train_app, _seg(phantom_dataset, afile / "sub"), capfd, inputs=[phantom_dataset, afile],
           message="which is a file")


def test_sweep_bad_sizes(phantom_dataset, tmp_path, capfd):
    for sizes in ("0", "1,-2", "1,x", ""):
        args = ["sweep", "--data", phantom_dataset, "--label", "fibula", "--patients", sizes, "--preset", "tiny",
                "--out", tmp_path / "r"]
        refuse(train_app, args, capfd, inputs=[phantom_dataset], outputs=[tmp_path / "r"], message="--patients")


def test_default_preset_is_printed_and_fits_the_machine(phantom_dataset, tmp_path, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    result = runner.invoke(train_app, ["seg", "--data", str(phantom_dataset), "--label", "fibula", "--patients",
                                       "1", "--iterations", "2", "--val-every", "2", "--quiet",
                                       "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("preset cpu (no GPU seen")
    assert result.stdout.splitlines()[1].startswith("Seg1: precision ")
    import json

    assert json.loads((tmp_path / "run" / "config.json").read_text())["preset"] == "cpu"
    from bonebench.cli.train_cli import default_preset

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert default_preset() == "fast"


# ---------------------------------------------------------------- bb-export
@pytest.fixture(scope="module")
def checkpoint(tiny_checkpoints):
    return tiny_checkpoints["inter"]


@pytest.mark.parametrize("opset", ["99", "12", "0", "-1", "21"])
def test_export_opset_out_of_range(checkpoint, tmp_path, capfd, opset):
    out = tmp_path / "m.onnx"
    refuse(export_app, [checkpoint, "-o", out, "--opset", opset], capfd, inputs=[checkpoint], outputs=[out],
           message="--opset")


@pytest.mark.parametrize("name, message", [("m.txt", "cannot write a model as .txt"), ("m", "without extension")])
def test_export_bad_output(checkpoint, tmp_path, capfd, name, message):
    refuse(export_app, [checkpoint, "-o", tmp_path / name], capfd, inputs=[checkpoint], outputs=[tmp_path / name],
           message=message)


def test_export_output_under_a_file_or_onto_the_checkpoint(checkpoint, tmp_path, capfd):
    afile = tmp_path / "afile"
    afile.write_text("x")
    refuse(export_app, [checkpoint, "-o", afile / "m.onnx"], capfd, inputs=[checkpoint, afile],
           message="which is a file")
    link = tmp_path / "link.onnx"
    link.symlink_to(checkpoint)
    refuse(export_app, [checkpoint, "-o", link], capfd, inputs=[checkpoint], message="is the input")


def test_export_missing_or_foreign_checkpoint(tmp_path, capfd):
    out = tmp_path / "m.onnx"
    refuse(export_app, [tmp_path / "nope.pt", "-o", out], capfd, outputs=[out], message="nope.pt: no such file")
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    refuse(export_app, [junk, "-o", out], capfd, inputs=[junk], outputs=[out], message="not a bonebench checkpoint")


# ---------------------------------------------------------------- bb-eval
def test_eval_missing_path_is_named(tmp_path, capfd):
    refuse(eval_app, [tmp_path / "missing-path"], capfd, message="missing-path: no such file or folder")


def test_eval_folder_without_a_sweep_names_sweep_json(tmp_path, capfd):
    (tmp_path / "run").mkdir()
    refuse(eval_app, [tmp_path / "run"], capfd, message="sweep.json")


def test_eval_pt_without_its_split_names_the_split(phantom_dataset, checkpoint, tmp_path, capfd):
    import shutil

    lone = tmp_path / "other.pt"
    shutil.copy(checkpoint, lone)
    refuse(eval_app, [lone, "--data", phantom_dataset, "--label", "fibula"], capfd, inputs=[lone],
           outputs=[tmp_path / "other.onnx"], message=str(tmp_path / "split.json"))


def test_eval_other_pt_is_never_replaced_by_best(phantom_dataset, tiny_checkpoints, tmp_path, capfd):
    """bb-eval other.pt never scores the folder's best.pt instead: it refuses, naming best.pt."""
    import shutil

    run = tmp_path / "run"
    run.mkdir()
    shutil.copy(tiny_checkpoints["inter"], run / "other.pt")
    shutil.copy(tiny_checkpoints["seg"], run / "best.pt")  # a different model beside it
    shutil.copy(tiny_checkpoints["inter"].parent / "split.json", run / "split.json")
    refuse(eval_app, [run / "other.pt", "--data", phantom_dataset, "--label", "fibula", "--device", "cpu"], capfd,
           inputs=[run], outputs=[run / "model.onnx", run / "other.onnx"], message="best.pt")


@pytest.mark.parametrize("name", ["notes.txt", "model.nii.gz"])
def test_eval_unknown_file_kind(tmp_path, capfd, name):
    target = tmp_path / name
    target.write_text("x")
    refuse(eval_app, [target], capfd, inputs=[target], message="expected a sweep folder")


# ---------------------------------------------------------------- bb-data
def test_data_split_output_checks(phantom_dataset, tmp_path, capfd):
    for out, message in ((tmp_path / "s.txt", "as .txt"), (phantom_dataset / "dataset.json", "is the input"),
                         (tmp_path, "is a folder")):
        refuse(data_app, ["split", phantom_dataset, "-o", out], capfd, inputs=[phantom_dataset], message=message)


def test_data_phantoms_into_a_file_or_too_big(tmp_path, capfd):
    afile = tmp_path / "legs"
    afile.write_text("mine")
    refuse(data_app, ["phantoms", afile, "--cases", "1"], capfd, inputs=[afile], message="is a file")
    refuse(data_app, ["phantoms", tmp_path / "x", "--size", "100000"], capfd, outputs=[tmp_path / "x"],
           message="--size")


def test_phantoms_never_overwrite_another_dataset(openkbp_like, tmp_path, capfd):
    refuse(data_app, ["phantoms", openkbp_like, "--cases", "1", "--size", "32", "--slices", "2"], capfd,
           inputs=[openkbp_like], message="holds other files")


def test_phantoms_may_be_remade_in_place(tmp_path):
    for _ in range(2):
        result = runner.invoke(data_app, ["phantoms", str(tmp_path / "legs"), "--cases", "1", "--size", "32",
                                          "--slices", "2"])
        assert result.exit_code == 0, result.output


@pytest.fixture
def openkbp_like(tmp_path):
    """A folder that holds someone's dataset (not phantoms)."""
    root = tmp_path / "real"
    (root / "imagesTr").mkdir(parents=True)
    (root / "dataset.json").write_text('{"name": "OpenKBP-Mandible", "labels": {"background": 0}}')
    (root / "imagesTr" / "pt_1_0000.nii.gz").write_bytes(b"precious")
    return root


def test_train_out_inside_the_dataset_is_refused(phantom_dataset, capfd):
    for out in (phantom_dataset, phantom_dataset / "imagesTr"):
        refuse(train_app, _seg(phantom_dataset, out), capfd, inputs=[phantom_dataset], message="dataset folder")


def test_blend_refusals(tiny_checkpoints, tmp_path, capfd):
    """bb-train blend: a share outside 0..1, a start of another kind, an output on an input or of
    another format, a missing start: one line, exit 2, nothing written."""
    tuned, out = tiny_checkpoints["inter"], tmp_path / "blend.pt"
    for extra, message in ((["--start", tuned, "--share", "1.5", "-o", out], "--share"),
                           (["--start", tiny_checkpoints["seg"], "-o", out], "cannot be the start"),
                           (["--start", tuned, "-o", tuned], "would destroy it"),
                           (["--start", tuned, "-o", tmp_path / "blend.onnx"], "use .pt"),
                           (["--start", tmp_path / "missing.onnx", "-o", out], "no such file")):
        refuse(train_app, ["blend", tuned, *extra], capfd, inputs=[tuned], outputs=[out], message=message)
