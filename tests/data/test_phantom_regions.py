"""Region phantoms: labels, HU, split bones, joint spaces, the spread of geometry, determinism, CLI."""

import json

import numpy as np
import pytest
from scipy import ndimage
from typer.testing import CliRunner

from bonebench.cli.data_cli import app as data_app
from bonebench.data.dataset import Dataset
from bonebench.data.phantoms import (BONE_LABELS, REGIONS, PhantomShape, hip, make_phantom, make_region_phantom,
                                     region_labels)
from bonebench.data.phantoms.registry import region
from bonebench.data.phantoms.spread import JOINT_GAP_MM, PIXEL_MM, SLICE_MM, draw_patient
from bonebench.errors import InputError

SMALL = PhantomShape(size_xy=96, slices=24)
ANATOMICAL = ["knee", "hip", "shoulder", "arm", "thorax"]
SEEDS = (0, 1, 2, 3)


@pytest.fixture(scope="module")
def cases():
    return {(name, seed): make_region_phantom(name, seed, SMALL) for name in ANATOMICAL for seed in SEEDS}


def test_registry_names_the_regions():
    assert list(REGIONS) == ["legs", "knee", "hip", "shoulder", "arm", "thorax", "mixed"]
    assert set(region_labels("mixed")) == {"background", *BONE_LABELS}
    assert region_labels("legs") == {"background": 0, "fibula": 1, "tibia": 2}


@pytest.mark.parametrize("name", ANATOMICAL)
def test_every_named_bone_is_there_and_nothing_else(cases, name):
    for seed in SEEDS:
        hu, labels, geometry = cases[(name, seed)]
        assert hu.shape == labels.shape == geometry.shape_zyx == (24, 96, 96)
        assert hu.dtype == np.int16 and labels.dtype == np.uint8
        counts = {b: int((labels == v).sum()) for b, v in region_labels(name).items() if v}
        assert all(n > 20 for n in counts.values()), (name, seed, counts)
        assert set(np.unique(labels)) == set(region_labels(name).values()), (name, seed)


@pytest.mark.parametrize("name", ANATOMICAL)
def test_bones_are_the_brightest_tissue(cases, name):
    """On the coarse test volumes thin cortex is blurred by partial volume; bone still stands out."""
    for seed in SEEDS:
        hu, labels, _ = cases[(name, seed)]
        bone = labels > 0
        soft = hu[~ndimage.binary_dilation(bone, iterations=2)]
        assert np.percentile(hu[bone], 99) > 400, (name, seed)  # ribs at 2.5 mm pixels: partial volume
        assert np.percentile(hu[bone], 99) > np.percentile(soft, 95) + 200, (name, seed)
        assert np.median(soft) < 100  # fat, muscle, lung, air


@pytest.mark.parametrize("seed", [1, 2, 3, 4])  # seed 0 has a metal screw
def test_cortex_and_marrow_hounsfield_units_follow_the_patient(seed):
    """At a fine pixel the femoral shaft's cortex reaches the drawn cortical HU and the femoral
    head's interior has the drawn trabecular HU (young 200-400, osteoporotic 60-150)."""
    shape = PhantomShape(size_xy=300, slices=24)
    hu, labels, geometry = make_region_phantom("hip", seed, shape)
    patient = _patient("hip", seed, shape)
    assert not patient.metal
    femur = labels == BONE_LABELS["femur"]
    low = femur[: 6]  # the shaft and trochanters, where the cortex is thickest
    assert patient.cortical_hu - 450 < np.percentile(hu[:6][low], 99.5) < patient.cortical_hu + 250, patient
    k = round(-geometry.origin[2] / geometry.spacing[2])  # the slice through the head centre
    head = ndimage.binary_erosion(femur[k], iterations=3)
    assert head.sum() > 40
    assert abs(np.median(hu[k][head]) - patient.trabecular_hu) < 120, (np.median(hu[k][head]), patient)


def test_hip_femur_splits_into_head_and_trochanter_on_some_slice(cases):
    femur = BONE_LABELS["femur"]
    for seed in SEEDS:
        labels = cases[("hip", seed)][1]
        pieces = [ndimage.label(labels[z] == femur)[1] for z in range(labels.shape[0])]
        assert max(pieces) >= 2, (seed, pieces)


def _patient(name, seed, shape):
    rng = np.random.default_rng(seed)
    module = {"hip": hip}.get(name)
    return draw_patient(rng, shape.size_xy, shape.slices, module.CORE_MM)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 5, 8])
def test_hip_joint_space_is_the_drawn_one(seed):
    shape = PhantomShape(size_xy=128, slices=48)
    _, labels, geometry = make_region_phantom("hip", seed, shape)
    gap = _patient("hip", seed, shape).joint_gap
    assert JOINT_GAP_MM[0] <= gap <= JOINT_GAP_MM[1]
    sampling = geometry.spacing[::-1]
    to_pelvis = ndimage.distance_transform_edt(labels != BONE_LABELS["pelvis"], sampling=sampling)
    nearest = to_pelvis[labels == BONE_LABELS["femur"]].min()
    # Voxel centres lie inside their bones, so they are at least the gap apart (less a slab's
    # label rounding along z); the closest pair is within one voxel diagonal of the surfaces.
    assert gap - 0.5 * sampling[0] <= nearest <= gap + float(np.linalg.norm(sampling)), (gap, nearest, sampling)


def test_geometry_spreads_over_the_documented_ranges():
    big = PhantomShape(size_xy=512, slices=400)
    patients = [_patient("hip", seed, big) for seed in range(300)]
    pixels = np.array([p.spacing[0] for p in patients])
    slices = np.array([p.spacing[2] for p in patients])
    assert ((pixels >= PIXEL_MM[0]) & (pixels <= PIXEL_MM[1]) | (pixels == 3.0)).all()
    assert pixels.min() < 0.6 and pixels[pixels < 3].max() > 1.3 and 0.05 < (pixels == 3.0).mean() < 0.3
    assert slices.min() >= SLICE_MM[0] and slices.max() <= SLICE_MM[1]
    assert slices.min() < 0.8 and slices.max() > 4.0
    flipped = np.array([p.direction[0] < 0 for p in patients])
    assert 0.35 < flipped.mean() < 0.65
    gaps = np.array([p.joint_gap for p in patients])
    assert gaps.min() < 0.7 and gaps.max() > 3.5
    assert 0.15 < np.mean([p.osteoporotic for p in patients]) < 0.45
    assert 0.05 < np.mean([p.metal for p in patients]) < 0.3


def test_small_volumes_get_coarser_voxels_and_both_orientations(cases):
    geometries = [cases[("hip", s)][2] for s in SEEDS] + [make_region_phantom("hip", s, SMALL)[2] for s in (4, 5, 6, 7)]
    for g in geometries:
        assert hip.CORE_MM[0] / 96 - 1e-3 <= g.spacing[0] <= 3.0
        assert hip.CORE_MM[2] / 24 - 1e-3 <= g.spacing[2] <= SLICE_MM[1]
        assert g.direction in ((1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0), (-1.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 1.0))
    assert len({g.direction for g in geometries}) == 2 and len({g.spacing for g in geometries}) >= 2


def test_flipped_orientation_puts_the_anatomy_at_the_same_physical_place():
    """The femoral head centre is the region origin: in physical space it lands near (0, 0, 0)
    plus nothing, whichever direction matrix the case has."""
    for seed in SEEDS:
        _, labels, g = make_region_phantom("hip", seed, PhantomShape(128, 48))
        head = np.argwhere(labels == BONE_LABELS["femur"])
        top = head[head[:, 0] >= head[:, 0].max() - 2].mean(axis=0)  # femur's top: head near its centre
        d = np.asarray(g.direction).reshape(3, 3)
        point = np.asarray(g.origin) + d @ (np.array([top[2], top[1], top[0]]) * np.asarray(g.spacing))
        patient = _patient("hip", seed, PhantomShape(128, 48))
        lateral = point[0] * patient.side
        assert abs(point[1]) < 15 and -25 < lateral < 60, (seed, point, g.direction)


def test_same_seed_same_arrays_other_seed_other_arrays():
    for name in ANATOMICAL + ["mixed"]:
        a, b = make_region_phantom(name, 5, SMALL), make_region_phantom(name, 5, SMALL)
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
        assert a[2] == b[2]
        assert not np.array_equal(make_region_phantom(name, 6, SMALL)[0], a[0])


def test_legs_region_is_the_historical_phantom():
    for seed in (0, 3):
        old, new = make_phantom(seed, SMALL), make_region_phantom("legs", seed, SMALL)
        np.testing.assert_array_equal(old[0], new[0])
        np.testing.assert_array_equal(old[1], new[1])


def test_mixed_draws_several_regions():
    seen = set()
    for seed in range(12):
        labels = make_region_phantom("mixed", seed, PhantomShape(48, 8))[1]
        values = set(np.unique(labels)) - {0}
        owners = [n for n in ANATOMICAL + ["legs"] if values <= set(region_labels(n).values())]
        seen.update(owners[:1])
    assert len(seen) >= 4, seen


runner = CliRunner()


def test_cli_writes_a_hip_dataset_that_loads(tmp_path):
    out = tmp_path / "hip"
    result = runner.invoke(data_app, ["phantoms", str(out), "--region", "hip", "--cases", "2", "--seed", "4",
                                      "--size", "64", "--slices", "12"])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "dataset.json").read_text())
    assert meta["labels"] == {"background": 0, "femur": 3, "pelvis": 5}
    ds = Dataset(out)
    assert ds.case_ids == ["hip_000", "hip_001"]
    case = ds.load("hip_001", "femur")
    hu, labels, geometry = make_region_phantom("hip", 4 * 100_003 + 1, PhantomShape(64, 12))
    np.testing.assert_array_equal(case.hu, np.clip(hu, -1024, 3071))
    np.testing.assert_array_equal(case.target, labels == 3)
    assert case.geometry.direction == pytest.approx(geometry.direction)
    assert case.geometry.spacing == pytest.approx(geometry.spacing)


def test_cli_unknown_region_is_one_line_and_exit_2(tmp_path):
    result = runner.invoke(data_app, ["phantoms", str(tmp_path / "x"), "--region", "elbow"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == ["error: unknown region 'elbow'; valid regions: " + ", ".join(REGIONS)]
    assert not (tmp_path / "x").exists()
    with pytest.raises(InputError, match="valid regions: legs, knee, hip"):
        region("elbow")


@pytest.mark.parametrize("name", ANATOMICAL + ["mixed"])
def test_dataset_json_names_exactly_the_bones_in_the_volumes(tmp_path, name):
    from bonebench.data.phantoms import write_region_dataset

    ids = write_region_dataset(tmp_path / name, name, 2, seed=9, shape=PhantomShape(80, 20))
    ds = Dataset(tmp_path / name)
    assert ds.case_ids == ids
    present = set()
    for case_id in ids:
        present |= set(np.unique(ds.load_labels(case_id, [b for b in ds.labels if b != "background"]).target))
    named = set(ds.labels.values())
    assert present <= named
    if name != "mixed":
        assert present == named, (name, present, named)
