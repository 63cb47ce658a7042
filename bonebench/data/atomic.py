"""Atomic file output: write beside the target, then rename, so a failure never leaves half a file.

`atomic_paths` does the same for several files that belong together (a mask and its preview): all
are written to temporaries and renamed only when every write succeeded; on a failure none is left,
nor any folder made for them.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

from bonebench.data.formats import NIFTI_GZ

_COMPOUND_SUFFIXES = (NIFTI_GZ, ".tar.gz")


def file_suffix(path: Path) -> str:
    """The format suffix, keeping compound ones such as .nii.gz whole."""
    name = path.name.lower()
    for suffix in _COMPOUND_SUFFIXES:
        if name.endswith(suffix):
            return path.name[-len(suffix):]
    return path.suffix


def temporary_for(target: Path) -> Path:
    """A hidden name beside `target`, with its suffix (writers pick the format from it)."""
    suffix = file_suffix(target)
    stem = target.name[: len(target.name) - len(suffix)] if suffix else target.name
    return target.with_name(f".{stem}.tmp-{os.getpid()}{suffix}")


def _make_parents(target: Path) -> list[Path]:
    """Create the missing folders above `target`; returns those created, deepest first."""
    missing = []
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    target.parent.mkdir(parents=True, exist_ok=True)
    return missing


@contextlib.contextmanager
def atomic_paths(*targets: str | os.PathLike | None) -> Iterator[list[Path | None]]:
    """Yield a temporary path per target (None stays None); when the block succeeds rename them all
    over their targets. If the block or a rename fails, the targets renamed so far are removed and so
    are the folders made for them: nothing is left."""
    paths = [Path(t) if t is not None else None for t in targets]
    created = [d for p in paths if p is not None for d in _make_parents(p)]
    temporaries = [temporary_for(p) if p is not None else None for p in paths]
    renamed: list[Path] = []
    try:
        yield temporaries
        for tmp, target in zip(temporaries, paths):
            if target is not None:
                os.replace(tmp, target)
                renamed.append(target)
    except BaseException:
        _remove([*temporaries, *renamed])
        for folder in created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    finally:
        _remove(temporaries)


def _remove(paths: list[Path | None]) -> None:
    """Delete the files that exist among `paths`."""
    for path in paths:
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path with the target's suffix; on success rename it over the target."""
    with atomic_paths(target) as (tmp,):
        yield tmp


def write_text_atomic(target: str | os.PathLike, text: str) -> None:
    with atomic_paths(target) as (tmp,):
        tmp.write_text(text, encoding="utf-8")
