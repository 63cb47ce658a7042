"""First contact: bb-segment and bb-demo run without torch; every --help reads in plain words."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.conftest import runner

ROOT = Path(__file__).resolve().parents[2]
NO_TORCH = "import sys; sys.modules['torch'] = None; "


def _run_without_torch(code: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", NO_TORCH + code, *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_bb_segment_runs_without_torch(leg_volume, tmp_path):
    path, _, _, _, (x, y, z) = leg_volume
    out = tmp_path / "m.nii.gz"
    done = _run_without_torch("from bonebench.cli.segment_cli import main; main()", str(path), "--click",
                              f"{x},{y},{z}", "--no-propagate", "--device", "cpu", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.is_file() and "voxels" in done.stdout


def test_bb_segment_refusals_without_torch(tmp_path):
    done = _run_without_torch("from bonebench.cli.segment_cli import main; main()", str(tmp_path / "x.nii.gz"),
                              "--click", "1,1,1", "-o", str(tmp_path / "m.txt"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr


@pytest.mark.slow
def test_bb_demo_runs_without_torch(tmp_path):
    done = _run_without_torch("from bonebench.cli.segment_cli import demo_main; demo_main()", "--out",
                              str(tmp_path), "--device", "cpu")
    assert done.returncode == 0, done.stderr
    assert "3D Dice" in done.stdout and (tmp_path / "preview.png").is_file()


def _commands():
    from bonebench.cli import data_cli, eval_cli, export_cli, napari_cli, segment_cli, train_cli

    yield "bb-segment", segment_cli.app, []
    yield "bb-demo", segment_cli.demo_app, []
    yield "bb-export", export_cli.app, []
    yield "bb-eval", eval_cli.app, []
    yield "bb-napari", napari_cli.app, []
    for name in ("seg", "pretrain", "inter", "run", "sweep", "restoration-figure"):
        yield f"bb-train {name}", train_cli.app, [name]
    for name in ("phantoms", "split", "info"):
        yield f"bb-data {name}", data_cli.app, [name]


@pytest.mark.parametrize("name, app, prefix", list(_commands()), ids=[c[0] for c in _commands()])
def test_help_names_types_and_defaults_in_words(name, app, prefix):
    result = runner.invoke(app, [*prefix, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    text = result.output
    assert not re.search(r"<\w+>|\{\w+\}|TEXT|INTEGER|FLOAT|PATH|BOOLEAN", text), text
    options = text.split("Options:")[1]
    for line in options.splitlines():
        line = line.strip()
        if not line.startswith("-") or line.startswith("--help"):
            continue
        assert re.search(r"\s{2,}\S", line), f"{name}: option without help: {line}"
        assert "[default:" in line or "required]" in line, f"{name}: option without default: {line}"


@pytest.mark.parametrize("group", ["bb-train", "bb-data"])
def test_a_group_alone_prints_its_usage_as_help_does(group):
    from bonebench.cli import data_cli, train_cli

    app = {"bb-train": train_cli.app, "bb-data": data_cli.app}[group]
    alone, helped = runner.invoke(app, []), runner.invoke(app, ["--help"])
    assert alone.exit_code == 0 and not alone.stderr, alone.output
    assert alone.stdout.strip() == helped.stdout.strip() and "Commands:" in alone.stdout
