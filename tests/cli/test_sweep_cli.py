from typer.testing import CliRunner

from bonebench.cli.eval_cli import app as eval_app
from bonebench.cli.train_cli import app as train_app

runner = CliRunner()


def test_sweep_and_eval_commands(phantom_dataset, tmp_path):
    run = tmp_path / "run"
    args = ["sweep", "--data", str(phantom_dataset), "--label", "fibula", "--groups", "seg", "--patients", "1",
            "--preset", "tiny", "--iterations", "4", "--val-every", "2", "--device", "cpu", "--out", str(run)]
    result = runner.invoke(train_app, args)
    assert result.exit_code == 0 and "Seg1: training" in result.output, result.output
    result = runner.invoke(eval_app, [str(run), "--device", "cpu"])
    assert result.exit_code == 0 and "Seg1: test Dice" in result.output, result.output
    assert (run / "table.md").is_file()
    result = runner.invoke(eval_app, [str(run / "models" / "Seg1" / "best.pt"), "--data", str(phantom_dataset),
                                      "--label", "fibula", "--device", "cpu"])
    assert result.exit_code == 0 and "model=Seg1" in result.output and "dice=" in result.output, result.output
    assert "nan" not in result.output and "noc85=-" in result.output, result.output  # issue 20: "-", not nan
    assert "note: - = does not apply: dice_propagated, noc85, noc90" in result.output, result.output


def test_sweep_bad_input(phantom_dataset, tmp_path):
    for extra, message in ((["--patients", "1,x"], "whole numbers"), (["--groups", "seg,nope"], "valid groups"),
                           (["--executor", "slurm"], "valid executors")):
        args = ["sweep", "--data", str(phantom_dataset), "--label", "fibula", "--preset", "tiny",
                "--out", str(tmp_path / "r"), "--patients", "1", *extra]
        result = runner.invoke(train_app, args)
        assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output, result.output
    result = runner.invoke(eval_app, [str(tmp_path / "nothing.pt"), "--device", "cpu"])
    assert result.exit_code == 2 and "nothing.pt: no such file" in result.output  # names the missing path
    (tmp_path / "model.pt").write_bytes(b"x")
    result = runner.invoke(eval_app, [str(tmp_path / "model.pt"), "--device", "cpu"])
    assert result.exit_code == 2 and "--data and --label" in result.output
