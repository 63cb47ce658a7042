"""The package's layering holds: import-linter contracts (pyproject.toml) pass, a broken contract
fails, the torch-free packages import with torch made unimportable, and each fact has one owner."""

from __future__ import annotations

import ast
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
    # its report has non-ASCII marks: decoded as UTF-8 whatever locale the process is in
    return subprocess.run(args, capture_output=True, text=True, encoding="utf-8", cwd=ROOT)


def test_import_contracts_are_kept():
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    assert "layers: cli / napari / study / export / train | runtime / protocol / data / kernels KEPT" in \
        " ".join(result.stdout.split()), result.stdout  # DESIGN's layers, stated as one contract


def test_a_broken_contract_fails(tmp_path):
    """train does import torch: a contract forbidding it must be reported broken."""
    config = tmp_path / "broken.ini"
    config.write_text("[importlinter]\nroot_package = bonebench\ninclude_external_packages = True\n\n"
                      "[importlinter:contract:train-without-torch]\nname = train never imports torch\n"
                      "type = forbidden\nsource_modules = bonebench.train\nforbidden_modules = torch\n")
    result = _lint(config)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "bonebench.train" in result.stdout


# the torch-free corner of train that the study may read: the registry, the config and its schedules
TORCH_FREE_TRAIN = ("bonebench.train.groups", "bonebench.train.config", "bonebench.train.schedules")


@pytest.mark.parametrize("module", TORCH_FREE)
def test_torch_free_modules_import_without_torch(module):
    code = (f"import sys; sys.modules['torch'] = None; import {module}; "
            "assert not [m for m in sys.modules if m.startswith('bonebench.train.') and m not in "
            f"{TORCH_FREE_TRAIN!r}]")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def _sources() -> dict[Path, str]:
    return {p: p.read_text() for p in [*PACKAGE.rglob("*.py"), *(ROOT / "tools").glob("*.py")]}


# Each fact, the pattern that spells it, and the one file that may. A pattern matches string literals
# and defaults, not prose, so docstrings may still name the files.
ONE_OWNER = {
    "run-folder names": (r"[\"'](best\.pt|last\.pt|result\.json|sweep\.json|metrics\.jsonl|split\.json|model\.onnx"
                         r"|config\.json|runs)[\"']", "bonebench/protocol/run_folders.py"),
    "click-sigma default": (r"(?i)click_sigma(\s*:\s*\w+)?\s*=\s*\d|click_sigma[\"']\s*,\s*\d"
                            r"|--click-sigma[^\n]*show_default=[\"']\d", "bonebench/protocol/network.py"),
    "opset range": (r"(?i)opset[^\n]*\b(1[3-9]|2\d)\b", "bonebench/export/opsets.py"),
    "model names": (r"\{[\w.]*display\}\{", "bonebench/train/groups.py"),
    "dataset layout": (r"[\"'](imagesTr|labelsTr|dataset\.json)[\"']|_0000", "bonebench/data/dataset_layout.py"),
    "mask extensions": (r"[\"'\w}]\.(nii\.gz|nii|nrrd|nhdr|mha|mhd|dcm)[\"']|\*\.(nii|nrrd|mha|dcm)\b",
                        "bonebench/data/formats.py"),
}


@pytest.mark.parametrize("fact", ONE_OWNER)
def test_each_fact_has_one_owner(fact):
    pattern, owner = ONE_OWNER[fact]
    spelled = {p.relative_to(ROOT).as_posix() for p, text in _sources().items() if re.search(pattern, text)}
    assert owner in spelled and spelled == {owner}, spelled


def test_network_inputs_are_built_in_one_place():
    """Only protocol/network.py windows images into a network input or writes click-map channels."""
    pattern = re.compile(r"\bwindow_hu\(|\.maps\(")
    users = {p.relative_to(ROOT).as_posix() for p, text in _sources().items() if pattern.search(text)}
    assert users <= {"bonebench/protocol/network.py", "bonebench/protocol/clicks.py",
                     "bonebench/data/intensity.py", "bonebench/data/sampling.py"}, users


# ---------------------------------------------------------------- no import cycle
def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node, module: str, is_package: bool, modules: set[str]) -> list[str]:
    """The bonebench modules one import statement names (a `from package import submodule` names
    the submodule; relative imports resolved)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = module if is_package else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        base = base.rpartition(".")[0]
    target = ".".join(p for p in (base if node.level else "", node.module or "") if p)
    return [f"{target}.{a.name}" if f"{target}.{a.name}" in modules else target for a in node.names]


def import_graph() -> dict[str, set[str]]:
    """module -> the bonebench modules it imports anywhere in its source (inside functions too)."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for module, path in files.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found |= {m for m in _imported(node, module, path.name == "__init__.py", set(files)) if m in files}
        graph[module] = found - {module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules in order, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_bonebench():
    graph = import_graph()
    assert "bonebench.study.evaluation" in graph["bonebench.cli.eval_cli"]  # imported inside a function: counted
    cycle = find_cycle(graph)
    assert cycle is None, " -> ".join(cycle)
