"""The widget's logic without Qt or napari: click, propagate, undo, background clicks, bones, save."""

from __future__ import annotations


import numpy as np
import pytest

from bonebench.data.volume_io import read_volume
from bonebench.errors import InputError
from bonebench.kernels import dice
from bonebench.napari.controller import Controller
from tests.conftest import leak
from tests.napari.conftest import MIN_DICE


@pytest.fixture
def controller(leg, model):
    return Controller(leg.hu, leg.geometry, model, source=leg.path)


def test_click_segments_the_slice_and_propagate_the_bone(controller, leg):
    x, y, z = leg.click
    controller.click(x, y, z)
    assert set(np.unique(controller.labels)) == {0, 1}
    assert controller.labels[:z].max() == 0 and controller.labels[z + 1:].max() == 0  # only its slice
    assert dice(leg.fibula[z], controller.labels[z] == 1) >= MIN_DICE
    assert "click" in controller.timings
    first, last = controller.propagate()
    assert dice(leg.fibula, controller.labels == 1) >= MIN_DICE
    assert last - first + 1 >= 0.8 * leg.hu.shape[0]
    assert "propagate" in controller.timings and "slices" in controller.status_text()


def test_undo_restores_the_previous_mask(controller, leg):
    x, y, z = leg.click
    controller.click(x, y, z)
    after_click = controller.labels.copy()
    controller.propagate()
    assert (controller.labels != after_click).any()
    assert controller.undo()
    np.testing.assert_array_equal(controller.labels, after_click)
    assert controller.undo()
    assert not controller.labels.any() and controller.clicks() == []
    assert not controller.undo()


def test_background_click_at_the_edge_takes_that_part_away(controller, leg):
    """A background click on the mask's edge removes the pixel under it and shrinks the slice,
    while the bone under the positive click stays."""
    x, y, z = leg.click
    controller.click(x, y, z)
    before = controller.labels[z] == 1
    edge_x = int(np.flatnonzero(before[y]).min())  # the leftmost mask pixel on the click's row
    controller.click(edge_x, y, z, positive=False)
    after = controller.labels[z] == 1
    assert not after[y, edge_x] and after[y, x]
    assert after.sum() < before.sum() and not (after & ~before).any()
    assert dice(leg.fibula[z], after) >= 0.85  # still the fibula, only trimmed
    assert [c.positive for c in controller.clicks()] == [True, False]


def test_a_click_that_cuts_the_walk_redraws_every_slice_it_cleared(controller, leg):
    """A background click on the middle of a propagated slice cuts the walk there: the labels lose that
    slice and the slices the walk filled beyond it at once, as the session does (the controller once
    redrew only the clicked slice, so the labels, and a save, kept the cleared slices)."""
    from bonebench.kernels import innermost_point

    x, y, z = leg.click
    controller.click(x, y, z)
    controller.propagate()
    cut = z + 5
    assert controller.labels[cut:].any(axis=(1, 2)).all()  # the walk filled every slice beyond the cut
    cy, cx = innermost_point(controller.labels[cut] == 1)
    controller.click(int(cx), int(cy), cut, positive=False)
    assert not controller.labels[cut:].any()
    np.testing.assert_array_equal(controller.labels == 1, controller.bones[1].session.mask > 0)


def test_new_bone_gets_the_next_label_and_keeps_the_first(controller, leg):
    x, y, z = leg.click
    assert controller.new_bone() == 1  # nothing clicked yet: the same label is reused
    controller.click(x, y, z)
    fibula = controller.labels == 1
    assert controller.new_bone() == 2
    ty, tx = np.argwhere(leg.tibia[z])[len(np.argwhere(leg.tibia[z])) // 2]
    controller.click(int(tx), int(ty), z)
    assert (controller.labels == 2).sum() > 0
    np.testing.assert_array_equal(controller.labels == 1, fibula)  # the first bone is untouched
    assert dice(leg.tibia[z], controller.labels[z] == 2) >= 0.8
    controller.clear()  # clears bone 2 only
    np.testing.assert_array_equal(controller.labels > 0, fibula)
    assert controller.undo() is False  # bone 2 has nothing left to undo; bone 1 is not affected
    np.testing.assert_array_equal(controller.labels > 0, fibula)


def test_clicks_outside_or_on_air_are_refused(controller, leg):
    x, y, z = leg.click
    with pytest.raises(InputError, match="outside"):
        controller.click(x, y, leg.hu.shape[0])
    with pytest.raises(InputError, match="air"):
        controller.click(0, 0, z)
    assert not controller.labels.any() and controller.clicks() == []


def test_save_keeps_the_input_geometry(controller, leg, tmp_path):
    x, y, z = leg.click
    controller.click(x, y, z)
    written, message = controller.save(tmp_path / "out" / "mask.nii.gz")
    assert written == tmp_path / "out" / "mask.nii.gz" and "saved" in message
    mask, geometry = read_volume(written)
    assert geometry == leg.geometry  # size, spacing, origin and the flipped direction
    np.testing.assert_array_equal(mask, controller.labels)
    assert "save" in controller.timings


def test_dicom_seg_needs_a_dicom_input(controller, tmp_path):
    with pytest.raises(InputError, match="DICOM series"):
        controller.save(tmp_path / "mask.dcm")  # the input is a NIfTI file
    assert not list(tmp_path.iterdir())


def test_dicom_input_saves_a_dicom_seg_with_the_same_frames(model, tmp_path):
    """A phantom as a CT series (file names against the slice order): click, propagate, save .dcm;
    highdicom reads back frames equal to the labels, instance by instance."""
    highdicom = pytest.importorskip("highdicom")
    from bonebench.data.phantoms import PhantomShape, make_phantom
    from bonebench.data.volume_io import read_volume_with_source
    from bonebench.kernels import innermost_point
    from tests.conftest import PHANTOM_SEED, right_fibula
    from tests.dicom_series import write_ct_series

    hu, labels, geometry = make_phantom(PHANTOM_SEED, PhantomShape(size_xy=256, slices=8))
    positions = [(geometry.origin[0], geometry.origin[1], geometry.origin[2] + k * geometry.spacing[2])
                 for k in range(8)]
    write_ct_series(tmp_path / "ct", hu, spacing=geometry.spacing, positions=positions,
                    names=[f"IM{8 - k:04d}" for k in range(8)])
    volume, read_geometry, source = read_volume_with_source(tmp_path / "ct")
    controller = Controller(volume, read_geometry, model, source=tmp_path / "ct")
    y, x = innermost_point(right_fibula(labels)[4])
    controller.click(int(x), int(y), 4)
    controller.propagate()
    written, message = controller.save(tmp_path / "mask.dcm")
    assert written == tmp_path / "mask.dcm" and "DICOM-SEG" in message
    assert controller.labels.any()
    seg = highdicom.seg.segread(written)
    frames = seg.get_pixels_by_source_instance(list(source.sop_instance_uids), segment_numbers=[1],
                                               assert_missing_frames_are_empty=True)
    np.testing.assert_array_equal(frames[..., 0], controller.labels == 1)


def test_a_volume_that_does_not_match_its_geometry_is_refused(leg, model):
    with pytest.raises(InputError, match="does not match"):
        Controller(leg.hu[:-1], leg.geometry, model)


def test_status_warns_when_the_mask_cannot_be_the_bone(controller, leg):
    x, y, z = leg.click
    controller.click(x, y, z)
    controller.propagate()
    assert "warning" not in controller.status_text()  # the true fibula
    mask = controller.bones[1].session.mask
    mask[leak(mask, 4)] = 1  # 4 voxels in-plane into the soft tissue
    status = controller.status_text().splitlines()
    assert len(status) == 2 and status[1].startswith("warning: ") and "cortical" in status[1]
