"""The package's layering holds: import-linter contracts (pyproject.toml) pass, a broken contract
fails, the torch-free packages import with torch made unimportable, and each fact has one owner."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "bonebench"
TORCH_FREE = ["bonebench.data", "bonebench.kernels", "bonebench.protocol", "bonebench.runtime",
              "bonebench.runtime.segment", "bonebench.study.evaluation", "bonebench.study.metrics",
              "bonebench.cli.segment_cli", "bonebench.cli.eval_cli"]


def _lint(config: Path | None = None) -> subprocess.CompletedProcess:
    args = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"]
    if config is not None:
        args += ["--config", str(config)]
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT)


def test_import_contracts_are_kept():
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_broken_contract_fails(tmp_path):
    """train does import torch: a contract forbidding it must be reported broken."""
    config = tmp_path / "broken.ini"
    config.write_text("[importlinter]\nroot_package = bonebench\ninclude_external_packages = True\n\n"
                      "[importlinter:contract:train-without-torch]\nname = train never imports torch\n"
                      "type = forbidden\nsource_modules = bonebench.train\nforbidden_modules = torch\n")
    result = _lint(config)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "bonebench.train" in result.stdout


@pytest.mark.parametrize("module", TORCH_FREE)
def test_torch_free_modules_import_without_torch(module):
    code = (f"import sys; sys.modules['torch'] = None; import {module}; "
            "assert not [m for m in sys.modules if m.startswith('bonebench.train.') and m != 'bonebench.train.groups'"
            " and m != 'bonebench.train.config']")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def _sources() -> dict[Path, str]:
    return {p: p.read_text() for p in PACKAGE.rglob("*.py")}


def test_run_folder_file_names_have_one_owner():
    names = re.compile(r"[\"'](best\.pt|last\.pt|result\.json|sweep\.json|metrics\.jsonl|split\.json|model\.onnx)[\"']")
    owners = {p.relative_to(ROOT).as_posix() for p, text in _sources().items() if names.search(text)}
    assert owners == {"bonebench/protocol/run_folders.py"}


def test_network_inputs_are_built_in_one_place():
    """Only protocol/network.py windows images into a network input or writes click-map channels."""
    pattern = re.compile(r"\bwindow_hu\(|\.maps\(")
    users = {p.relative_to(ROOT).as_posix() for p, text in _sources().items() if pattern.search(text)}
    assert users <= {"bonebench/protocol/network.py", "bonebench/protocol/clicks.py",
                     "bonebench/data/intensity.py", "bonebench/data/sampling.py"}, users
