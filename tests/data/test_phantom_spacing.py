"""Phantoms at a chosen pixel and slice size (bb-data phantoms --pixel-mm/--slice-mm): the same
patient as the seed draws, on the asked-for grid; legs keep their own voxels."""

from dataclasses import replace

import numpy as np
import pytest
from typer.testing import CliRunner

from bonebench.cli.data_cli import app
from bonebench.data.dataset import Dataset
from bonebench.data.phantoms import PhantomShape, make_phantom, make_region_phantom
from bonebench.data.phantoms import knee
from bonebench.data.phantoms.spread import draw_patient
from bonebench.errors import InputError
from tests.conftest import one_line_error


def test_fixed_spacing_changes_only_the_spacing():
    drawn = draw_patient(np.random.default_rng(4), 128, 20, knee.CORE_MM)
    fixed = draw_patient(np.random.default_rng(4), 128, 20, knee.CORE_MM, fixed=(0.7, 4.5))
    assert fixed.spacing == (0.7, 0.7, 4.5)
    # noise follows the slice thickness and the offset the field of view; the rest is the seed's patient
    assert replace(fixed, spacing=drawn.spacing, noise_hu=drawn.noise_hu, offset=drawn.offset) == drawn


def test_region_phantom_on_the_asked_grid():
    hu, labels, geometry = make_region_phantom("knee", 3, PhantomShape(size_xy=160, slices=12, pixel_mm=0.8,
                                                                       slice_mm=5.0))
    assert geometry.spacing == (0.8, 0.8, 5.0) and hu.shape == (12, 160, 160)
    assert len(np.unique(labels)) >= 3  # femur and tibia at least: the core anatomy is in the field
    with pytest.raises(InputError, match="legs phantoms size their own voxels"):
        make_phantom(0, PhantomShape(size_xy=64, slices=4, pixel_mm=1.0))


def test_cli_writes_the_chosen_spacing(tmp_path):
    out = tmp_path / "hip"
    result = CliRunner().invoke(app, ["phantoms", str(out), "--region", "hip", "--cases", "1", "--size", "128",
                                      "--slices", "6", "--pixel-mm", "1.25", "--slice-mm", "0.6"])
    assert result.exit_code == 0, result.output
    dataset = Dataset(out)
    assert dataset.meta["bonebench_phantom"]["pixel_mm"] == 1.25
    case = dataset.load_labels(dataset.case_ids[0], ["femur", "pelvis"])
    np.testing.assert_allclose(case.geometry.spacing, (1.25, 1.25, 0.6), rtol=1e-6)
    legs = CliRunner().invoke(app, ["phantoms", str(tmp_path / "legs"), "--cases", "1", "--pixel-mm", "1"])
    assert "needs another --region" in one_line_error(legs)
