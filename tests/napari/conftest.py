"""Fixtures for the napari plugin: a 256x256x30 leg phantom on disk with a non-trivial geometry, the
right fibula's truth and a click on it. Qt runs on its offscreen platform unless a display exists
(the rendering test runs under xvfb-run)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from bonebench.data.geometry import VolumeGeometry  # noqa: E402
from bonebench.data.phantoms import TIBIA, PhantomShape, make_phantom  # noqa: E402
from bonebench.data.volume_io import read_volume, write_volume  # noqa: E402
from bonebench.kernels import innermost_point  # noqa: E402
from tests.conftest import PHANTOM_SEED, right_fibula  # noqa: E402

MIN_DICE = 0.9


@dataclass(frozen=True)
class Leg:
    path: Path
    hu: np.ndarray
    geometry: VolumeGeometry
    fibula: np.ndarray  # the right fibula, bool (z, y, x)
    tibia: np.ndarray  # the right tibia
    click: tuple[int, int, int]  # x, y, z on the fibula's innermost point, mid-volume


@pytest.fixture(scope="session")
def leg(tmp_path_factory) -> Leg:
    """The phantom written as NIfTI with an origin, anisotropic spacing and a flipped direction, so
    a saved mask that keeps the geometry cannot do so by accident."""
    hu, labels, geometry = make_phantom(PHANTOM_SEED, PhantomShape(size_xy=256, slices=30))
    geometry = VolumeGeometry(geometry.size, geometry.spacing, (120.0, -35.5, -410.0),
                              (-1.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 1.0))
    path = tmp_path_factory.mktemp("napari") / "leg.nii.gz"
    write_volume(path, hu, geometry)
    geometry = read_volume(path)[1]  # as the file holds it (NIfTI keeps float32 spacing)
    fibula = right_fibula(labels)
    tibia = labels == TIBIA
    tibia[:, :, labels.shape[2] // 2:] = False
    z = hu.shape[0] // 2
    y, x = innermost_point(fibula[z])
    return Leg(path, hu, geometry, fibula, tibia, (int(x), int(y), z))


@pytest.fixture(scope="session")
def model():
    from bonebench.runtime.session import Model

    return Model(device="cpu")
