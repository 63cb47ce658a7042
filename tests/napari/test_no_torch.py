"""The plugin imports no torch, no training code and no study code (it runs where torch is absent)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

MODULES = ["bonebench.napari", "bonebench.napari.reader", "bonebench.napari.controller"]
if importlib.util.find_spec("napari") is not None:
    MODULES += ["bonebench.napari.widget", "bonebench.cli.napari_cli"]


def test_plugin_imports_without_torch():
    code = ("import sys; sys.modules['torch'] = None\n"
            f"import importlib\nfor name in {MODULES!r}: importlib.import_module(name)\n"
            "bad = sorted(m for m in sys.modules if m.startswith(('bonebench.train', 'bonebench.study', "
            "'bonebench.evaluate')))\n"
            "assert not bad, bad\nprint('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
