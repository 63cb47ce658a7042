"""Whether Numba's on-disk cache of the kernels is cold, so the CLIs can say why the first run is slow.

Every kernel is compiled with `cache=True`: the first run after an install compiles them all (about
12 of bb-demo's 13.5 s on the 2-core dev machine; the second run loads them in 1.4 s). Numba writes one
index file (.nbi) per kernel beside the source (or in its user cache folder when that is read-only);
the cache is cold when none of them exists yet. Numba has no public call for this, so the index path
is read from its FunctionCache; if that changes the answer is "warm" and only the hint is lost.
"""

from __future__ import annotations

import os

COMPILING = "compiling kernels (first run only)..."


def _index_paths() -> list[str]:
    from numba.core.registry import CPUDispatcher

    from bonebench.kernels import _kernels

    paths = []
    for value in vars(_kernels).values():
        if isinstance(value, CPUDispatcher):
            try:
                paths.append(value._cache._cache_file._index_path)
            except AttributeError:  # another numba's internals: no hint
                return []
    return paths


def cache_is_cold() -> bool:
    """True when no kernel has a cached compilation on disk yet (the next use compiles)."""
    paths = _index_paths()
    return bool(paths) and not any(os.path.exists(p) for p in paths)
