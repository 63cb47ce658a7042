"""Shared fixtures: small seeded volumes and datasets, and the real OpenKBP data when present."""

from __future__ import annotations

import locale
from pathlib import Path

import numpy as np
import pytest

from bonebench.data.geometry import VolumeGeometry
from bonebench.data.phantoms import FIBULA, PhantomShape, make_phantom
from bonebench.data.volume_io import write_volume
from bonebench.kernels import innermost_point
from bonebench.runtime.session import DEFAULT_MODEL

OPENKBP = Path(__file__).resolve().parents[2] / "shared" / "data" / "openkbp-mandible"

TINY_PHANTOM = dict(cases=5, seed=7, size=128, slices=16)

# the first shipped model (leg phantoms, fibula and tibia, exported before models knew their pixel
# size), beside the default: tests of a model without a pixel size use it
V1_MODEL = DEFAULT_MODEL.with_name("click_v1.onnx")


@pytest.fixture(autouse=True)
def _process_locale_kept():
    """Put back the process locale a test changed: ITK's DICOM writer (the tests' series helpers) sets
    LC_CTYPE to C, and every later test that reads text with the default encoding would read ASCII."""
    before = locale.setlocale(locale.LC_ALL, None)
    yield
    if locale.setlocale(locale.LC_ALL, None) != before:
        locale.setlocale(locale.LC_ALL, before)


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


def _tiny_run(root: Path, data: Path, group: str, iterations: int) -> Path:
    from bonebench.train.config import make_config
    from bonebench.train.loop import train

    config = make_config("tiny", data=str(data), label="fibula", patients=1, group=group, device="cpu",
                         iterations=iterations, val_every=iterations)
    train(config, root, show_progress=False)
    return root / "best.pt"


@pytest.fixture(scope="session")
def tiny_checkpoints(phantom_dataset, tmp_path_factory) -> dict:
    """Checkpoints of a few iterations per kind (weights that are not a fresh init, quickly)."""
    root = tmp_path_factory.mktemp("checkpoints")
    return {group: _tiny_run(root / group, phantom_dataset, group, 6) for group in ("seg", "inter", "inter-prev", "inter-walk")}


# ---------------------------------------------------------------- runtime: a phantom on disk
FLIPPED = (-1.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 1.0)
PHANTOM_SEED = 3  # not among the shipped model's training phantoms (seed 11 dataset)


def right_fibula(labels: np.ndarray) -> np.ndarray:
    """The right leg's fibula on every slice: the phantom's fibula in the image's left half (LPS:
    the patient's right has the smaller x index)."""
    out = labels == FIBULA
    out[:, :, labels.shape[2] // 2:] = False
    return out


@pytest.fixture(scope="session")
def leg_volume(tmp_path_factory):
    """(path, hu, labels, geometry, click xyz): a 256x256x60 phantom written with direction diag(-1,-1,1)."""
    hu, labels, geometry = make_phantom(PHANTOM_SEED, PhantomShape(size_xy=256, slices=60))
    geometry = VolumeGeometry(geometry.size, geometry.spacing, (200.0, 150.0, -80.0), FLIPPED)
    path = tmp_path_factory.mktemp("volume") / "leg.nii.gz"
    write_volume(path, hu, geometry)
    z = hu.shape[0] // 2
    y, x = innermost_point(right_fibula(labels)[z])
    return path, hu, labels, geometry, (int(x), int(y), z)


def one_line_error(result) -> str:
    """The contract for bad input through a typer app: exit 2, one 'error: ' line, no traceback."""
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output, result.output
    return lines[0]


@pytest.fixture(scope="session")
def pixel_model(leg_volume, tmp_path_factory) -> Path:
    """The first shipped model's weights (V1_MODEL), told that they work at the leg phantom's pixel size
    (1.19 mm, about that of the phantoms it was trained on): a model that knows its pixel size."""
    import json

    import onnx

    from bonebench.protocol.model_info import METADATA_KEY

    proto = onnx.load(str(V1_MODEL))
    entry = next(p for p in proto.metadata_props if p.key == METADATA_KEY)
    entry.value = json.dumps({**json.loads(entry.value), "pixel_mm": round(leg_volume[3].spacing[0], 3)})
    path = tmp_path_factory.mktemp("models") / "pixel.onnx"
    onnx.save(proto, str(path))
    return path


LEG_MIDDLE = 16  # slices around the leg phantom's click: enough to follow the fibula, little CPU


def rescanned_leg(leg_volume, factor: float):
    """The middle LEG_MIDDLE slices of the leg phantom on a grid `factor` times finer in-plane (the
    same anatomy, other pixels): HU, right-fibula truth, geometry and the click (x, y, z)."""
    from dataclasses import replace

    from bonebench.data.resample import resampled_geometry
    from bonebench.kernels import resize_labels, resize_linear

    _, hu, labels, geometry, (x, y, z) = leg_volume
    z0 = z - LEG_MIDDLE // 2
    hu, truth = hu[z0:z0 + LEG_MIDDLE].astype(np.float32), right_fibula(labels)[z0:z0 + LEG_MIDDLE]
    geometry = replace(geometry, size=(*geometry.size[:2], LEG_MIDDLE))
    if factor == 1:
        return hu, truth, geometry, (x, y, LEG_MIDDLE // 2)
    shape = (round(hu.shape[1] * factor), round(hu.shape[2] * factor))
    click = (int((x + 0.5) * factor), int((y + 0.5) * factor), LEG_MIDDLE // 2)
    return (resize_linear(hu, shape), resize_labels(truth.astype(np.uint8), shape).astype(bool),
            resampled_geometry(geometry, shape), click)


@pytest.fixture(scope="session")
def fine_leg(leg_volume, tmp_path_factory):
    """(path, hu, truth, geometry, click): the leg's middle rescanned at half its pixel size (0.6 mm), on disk."""
    hu, truth, geometry, click = rescanned_leg(leg_volume, 2.0)
    path = tmp_path_factory.mktemp("fine") / "leg_fine.nii.gz"
    write_volume(path, np.rint(hu).astype(np.int16), geometry)
    return path, hu, truth, geometry, click


def leak(mask: np.ndarray, voxels: int = 4) -> np.ndarray:
    """A mask grown `voxels` in-plane (4-neighbour) into what surrounds it: a leak into soft tissue."""
    out = mask > 0
    for _ in range(voxels):
        grown = out.copy()
        grown[:, 1:] |= out[:, :-1]
        grown[:, :-1] |= out[:, 1:]
        grown[:, :, 1:] |= out[:, :, :-1]
        grown[:, :, :-1] |= out[:, :, 1:]
        out = grown
    return out
