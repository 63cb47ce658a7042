"""bb-napari before any window: without a display it says so in one line (Qt would abort)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def test_without_a_display_one_line_and_exit_2(tmp_path):
    pytest.importorskip("napari", reason="napari is not installed")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-c", "from bonebench.cli.napari_cli import main; main()"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 2, done
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "display" in lines[0], done.stderr
    assert done.stdout == ""
