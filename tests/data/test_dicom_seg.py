"""DICOM series in, DICOM-SEG out: each array slice finds its source instance whatever the file names,
acquisition order or slice normal; frames, references, codes and algorithm read back with highdicom."""

import subprocess
import sys

import numpy as np
import pytest

highdicom = pytest.importorskip("highdicom")
import pydicom  # noqa: E402
from pydicom.sr.codedict import codes  # noqa: E402

from bonebench.data.dicom_seg import BONE_CODES, SegAlgorithm, bone_codes, write_dicom_seg  # noqa: E402
from bonebench.data.mask_output import DICOM_SEG, VOLUME, choose_mask_format  # noqa: E402
from bonebench.data.volume_io import read_volume_with_source, write_volume  # noqa: E402
from bonebench.data.geometry import VolumeGeometry  # noqa: E402
from bonebench.errors import InputError  # noqa: E402
from tests.dicom_series import write_ct_series  # noqa: E402

NZ, NY, NX = 6, 20, 24
SPACING = (0.8, 0.7, 2.5)
EMPTY_SLICE = 2  # written slice with no bone: its SEG frame is omitted and must read back as zeros
# (name, in-plane orientation, slice positions in writing order, file names in writing order)
SERIES = {
    "z decreases, names shuffled": ((1, 0, 0, 0, 1, 0), [(-10.0, -20.0, 50.0 - 2.5 * k) for k in range(NZ)],
                                    [f"im{(5 * k + 3) % NZ}.dcm" for k in range(NZ)]),
    "normal flipped, names reversed": ((1, 0, 0, 0, -1, 0), [(-10.0, 20.0, -30.0 + 2.5 * k) for k in range(NZ)],
                                       [f"im{NZ - k:02d}.dcm" for k in range(NZ)]),
}


def _known_hu() -> np.ndarray:
    """Written slice k holds a bright rectangle at rows k.., columns 2k.. (none on EMPTY_SLICE):
    every slice differs and none is symmetric, so any slice, row or column mix-up shows."""
    hu = np.full((NZ, NY, NX), -1000, np.int16)
    for k in range(NZ):
        if k != EMPTY_SLICE:
            hu[k, k:k + 3 + k, 2 * k:2 * k + 5] = 1200
    return hu


@pytest.fixture(params=list(SERIES))
def series(request, tmp_path):
    orientation, positions, names = SERIES[request.param]
    hu = _known_hu()
    written = write_ct_series(tmp_path / "ct", hu, spacing=SPACING, positions=positions,
                              orientation=orientation, names=names)
    return tmp_path, hu, written


def test_dicom_source_lists_files_in_array_order(series):
    _, hu, written = series
    array, geometry, source = read_volume_with_source(written[0].path.parent)
    by_uid = {w.sop_instance_uid: w for w in written}
    assert [f.name for f in source.files] != [w.path.name for w in written]  # the case is not trivial
    assert source.series_instance_uid and len(source.files) == NZ
    for z in range(NZ):
        w = by_uid[source.sop_instance_uids[z]]
        assert source.files[z] == w.path
        np.testing.assert_allclose(source.positions[z], w.position)
        np.testing.assert_array_equal(array[z], hu[w.index])
    source.check_matches(geometry)


def test_known_mask_round_trips_by_source_instance(series):
    tmp_path, hu, written = series
    array, geometry, source = read_volume_with_source(written[0].path.parent)
    mask = (array > 0).astype(np.uint8)  # the mask in SimpleITK's array order, as a model would give it
    out = tmp_path / "out" / "mask.dcm"
    write_dicom_seg(out, mask, geometry, source, bone="Fibula",
                    algorithm=SegAlgorithm("SegInter1", interactive=True))
    seg = highdicom.seg.segread(out)
    assert seg.Modality == "SEG" and seg.SegmentationType == "BINARY"
    ct = pydicom.dcmread(written[0].path, stop_before_pixels=True)
    assert (seg.StudyInstanceUID, seg.PatientID, seg.FrameOfReferenceUID) == (
        ct.StudyInstanceUID, ct.PatientID, ct.FrameOfReferenceUID)
    assert seg.SeriesInstanceUID != ct.SeriesInstanceUID
    referenced = seg.get_source_image_uids()
    assert {r[1] for r in referenced} == {source.series_instance_uid}
    assert {r[2] for r in referenced} == {w.sop_instance_uid for w in written}
    assert seg.NumberOfFrames == NZ - 1  # the empty slice's frame is omitted
    frames = seg.get_pixels_by_source_instance([w.sop_instance_uid for w in written], segment_numbers=[1],
                                               assert_missing_frames_are_empty=True)
    for w in written:
        np.testing.assert_array_equal(frames[w.index, :, :, 0], hu[w.index] > 0, err_msg=w.path.name)
    assert not any(p.name.startswith(".") for p in out.parent.iterdir())  # no temporary left behind


def test_segment_names_the_bone_and_the_algorithm(series):
    tmp_path, _, written = series
    array, geometry, source = read_volume_with_source(written[0].path.parent)
    out = tmp_path / "mandible.dcm"
    write_dicom_seg(out, array > 0, geometry, source, bone="mandible",
                    algorithm=SegAlgorithm("Seg10", interactive=False, version="9.8.7"))
    description = highdicom.seg.segread(out).get_segment_description(1)
    assert description.segment_label == "mandible"
    assert description.segmented_property_type == codes.SCT.Mandible
    assert description.segmented_property_type.value == "91609006"
    assert description.segmented_property_category == codes.SCT.AnatomicalStructure
    assert description.algorithm_type == highdicom.seg.SegmentAlgorithmTypeValues.AUTOMATIC
    algorithm = description.algorithm_identification[0]
    assert (algorithm.AlgorithmName, algorithm.AlgorithmVersion) == ("bonebench", "9.8.7")
    assert "Seg10" in algorithm.AlgorithmParameters and algorithm.AlgorithmSource == "Seg10"


def test_empty_mask_writes_nothing(series):
    tmp_path, _, written = series
    array, geometry, source = read_volume_with_source(written[0].path.parent)
    out = tmp_path / "empty.dcm"
    with pytest.raises(InputError, match="empty"):
        write_dicom_seg(out, np.zeros_like(array, np.uint8), geometry, source, bone="fibula",
                        algorithm=SegAlgorithm("SegInter1", interactive=True))
    assert not out.exists() and not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_a_source_that_does_not_fit_the_geometry_is_refused(series):
    _, _, written = series
    array, geometry, source = read_volume_with_source(written[0].path.parent)
    shifted = VolumeGeometry(geometry.size, geometry.spacing,
                             tuple(np.add(geometry.origin, (0.0, 0.0, 2.0 * SPACING[2]))), geometry.direction)
    with pytest.raises(InputError, match="lies"):
        source.check_matches(shifted)


def test_every_bone_name_has_a_snomed_code_and_others_are_generic_bone():
    for name in BONE_CODES:
        category, concept = bone_codes(name)
        assert concept.scheme_designator == "SCT" and concept.value.isdigit(), name
        assert category == codes.SCT.AnatomicalStructure
    assert bone_codes("Fibula")[1].value == "87342007" and bone_codes("tibia")[1].value == "12611008"
    category, concept = bone_codes("fibula,tibia")  # a multi-bone model's label: no single bone
    assert (category, concept) == (codes.SCT.Tissue, codes.SCT.Bone) and concept.value == "272673000"


def test_mask_format_from_extension_or_request(series):
    tmp_path, _, written = series
    folder, nifti = written[0].path.parent, tmp_path / "ct.nii.gz"
    assert choose_mask_format(folder, tmp_path / "m.dcm") == DICOM_SEG
    assert choose_mask_format(folder, tmp_path / "m.DCM") == DICOM_SEG
    assert choose_mask_format(folder, tmp_path / "m.nii.gz") == VOLUME
    assert choose_mask_format(folder, tmp_path / "m.seg", "dicom-seg") == DICOM_SEG
    assert choose_mask_format(nifti, tmp_path / "m.dcm", "volume") == VOLUME
    with pytest.raises(InputError, match="--format"):
        choose_mask_format(folder, tmp_path / "m.dcm", "rtstruct")
    with pytest.raises(InputError, match="needs a DICOM series folder"):
        choose_mask_format(nifti, tmp_path / "m.dcm")


def test_volume_files_have_no_dicom_source(tmp_path):
    geometry = VolumeGeometry((4, 3, 2), (1.0, 1.0, 1.0), (0.0, 0.0, 0.0), (1, 0, 0, 0, 1, 0, 0, 0, 1))
    write_volume(tmp_path / "v.nii.gz", np.zeros((2, 3, 4), np.int16), geometry)
    assert read_volume_with_source(tmp_path / "v.nii.gz")[2] is None


def test_writer_needs_no_torch(series):
    """The DICOM-SEG path (series reading, codes, highdicom) works with torch unimportable."""
    tmp_path, _, written = series
    code = f"""
import sys
sys.modules['torch'] = None
from pathlib import Path
from bonebench.data.dicom_seg import SegAlgorithm, write_dicom_seg
from bonebench.data.volume_io import read_volume_with_source
array, geometry, source = read_volume_with_source(Path({str(written[0].path.parent)!r}))
write_dicom_seg(Path({str(tmp_path / 'nt.dcm')!r}), array > 0, geometry, source, bone='tibia',
                algorithm=SegAlgorithm('SegInter1', interactive=True))
loaded = [m for m in sys.modules if sys.modules[m] is not None]
assert not [m for m in loaded if m == 'torch' or m.startswith(('bonebench.train', 'bonebench.study'))], loaded
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "nt.dcm").is_file()
