"""Shared fixtures: small seeded volumes and datasets, and the real OpenKBP data when present."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

OPENKBP = Path(__file__).resolve().parents[2] / "shared" / "data" / "openkbp-mandible"

TINY_PHANTOM = dict(cases=5, seed=7, size=128, slices=16)


@pytest.fixture(scope="session")
def phantom_dataset(tmp_path_factory) -> Path:
    """A 5-patient leg phantom dataset (128x128x16) on disk, made once per session."""
    from bonebench.data.phantoms import PhantomShape, write_phantom_dataset

    root = tmp_path_factory.mktemp("legs")
    write_phantom_dataset(root, TINY_PHANTOM["cases"], TINY_PHANTOM["seed"],
                          PhantomShape(size_xy=TINY_PHANTOM["size"], slices=TINY_PHANTOM["slices"]))
    return root


@pytest.fixture(scope="session")
def openkbp() -> Path:
    if not (OPENKBP / "dataset.json").is_file():
        pytest.skip(f"real CT data not found at {OPENKBP} (it lives in the project's shared/ folder, "
                    "beside the clone, not in it)")
    return OPENKBP


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)
