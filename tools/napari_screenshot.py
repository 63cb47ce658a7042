"""Refresh the README's napari screenshot (docs/img/napari.png).

The rendering test (tests/napari/test_render.py) draws the bb-napari window over the leg phantom, clicks
the right fibula and propagates; a test writes only into its temporary folder, so this tool runs it with
BONEBENCH_NAPARI_SCREENSHOT pointing at the docs image. Needs a display: run it on a desktop, or under
Xvfb (`sudo bash ../shared/tools/headless-gui.sh` once, then this tool starts xvfb-run itself when no
DISPLAY is set).

    python tools/napari_screenshot.py [--out docs/img/napari.png]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST = "tests/napari/test_render.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "napari.png", help="PNG to write")
    args = parser.parse_args()
    env = dict(os.environ, BONEBENCH_NAPARI_SCREENSHOT=str(args.out.resolve()))
    env.pop("QT_QPA_PLATFORM", None)  # the test skips on the offscreen platform: it must render
    command = [sys.executable, "-m", "pytest", "-q", "-rs", TEST]
    if not env.get("DISPLAY") and shutil.which("xvfb-run"):
        command = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", *command]
    done = subprocess.run(command, cwd=ROOT, env=env)
    if done.returncode != 0 or not args.out.is_file():
        print(f"error: the rendering test did not write {args.out} (see its output above)", file=sys.stderr)
        return done.returncode or 1
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
