"""bb-segment on a DICOM series folder with -o mask.dcm: a DICOM-SEG that highdicom reads back with the
source's references, the fibula's code, and frames equal to the mask, source instance by instance."""

import numpy as np
import pytest
from typer.testing import CliRunner

highdicom = pytest.importorskip("highdicom")
from pydicom.sr.codedict import codes  # noqa: E402

from bonebench.cli.segment_cli import app  # noqa: E402
from bonebench.data.phantoms import PhantomShape, make_phantom  # noqa: E402
from bonebench.data.volume_io import read_volume, write_volume  # noqa: E402
from bonebench.kernels import dice, innermost_point  # noqa: E402
from bonebench.runtime.session import Model  # noqa: E402
from tests.conftest import PHANTOM_SEED, right_fibula, one_line_error  # noqa: E402
from tests.dicom_series import write_ct_series  # noqa: E402

runner = CliRunner()


@pytest.fixture(scope="module")
def dicom_leg(tmp_path_factory):
    """A 256x256x16 leg phantom as a CT series whose file names run against the slice order, and a
    click (x, y, z) on the right fibula in SimpleITK's index order (z ascending along the normal).
    256 pixels across: at 128 the fibula is a few pixels wide and the shipped model reaches only
    Dice ~0.65 on it, whatever the file format."""
    hu, labels, geometry = make_phantom(PHANTOM_SEED, PhantomShape(size_xy=256, slices=16))
    nz = hu.shape[0]
    positions = [(geometry.origin[0], geometry.origin[1], geometry.origin[2] + k * geometry.spacing[2])
                 for k in range(nz)]
    folder = tmp_path_factory.mktemp("dicom") / "ct"
    written = write_ct_series(folder, hu, spacing=geometry.spacing, positions=positions,
                              names=[f"IM{nz - k:04d}" for k in range(nz)])
    z = nz // 2
    y, x = innermost_point(right_fibula(labels)[z])
    return folder, hu, labels, written, (int(x), int(y), z)




def test_click_on_dicom_series_writes_a_dicom_seg(dicom_leg, tmp_path):
    folder, hu, labels, written, (x, y, z) = dicom_leg
    click = ["--click", f"{x},{y},{z}", "--device", "cpu"]
    result = runner.invoke(app, [str(folder), *click, "--bone", "fibula", "-o", str(tmp_path / "fibula.dcm")])
    assert result.exit_code == 0, result.output
    nifti = runner.invoke(app, [str(folder), *click, "-o", str(tmp_path / "fibula.nii.gz")])
    assert nifti.exit_code == 0, nifti.output
    mask = read_volume(tmp_path / "fibula.nii.gz")[0]  # SimpleITK order: ascending z = written slice k

    seg = highdicom.seg.segread(tmp_path / "fibula.dcm")
    referenced = seg.get_source_image_uids()
    assert {r[1] for r in referenced} == {_series_uid(written)}
    assert {r[2] for r in referenced} == {w.sop_instance_uid for w in written}
    frames = seg.get_pixels_by_source_instance([w.sop_instance_uid for w in written], segment_numbers=[1],
                                               assert_missing_frames_are_empty=True)[..., 0]
    assert mask.any() and frames.shape == mask.shape
    np.testing.assert_array_equal(frames, mask)  # frames[k] belongs to the file written from slice k
    assert dice(right_fibula(labels), frames > 0) > 0.9
    description = seg.get_segment_description(1)
    assert description.segment_label == "fibula"
    assert description.segmented_property_type == codes.SCT.Fibula
    algorithm = description.algorithm_identification[0]
    assert algorithm.AlgorithmName == "bonebench" and algorithm.AlgorithmSource in result.output


def _series_uid(written) -> str:
    import pydicom

    return str(pydicom.dcmread(written[0].path, stop_before_pixels=True).SeriesInstanceUID)


def test_format_option_and_a_multi_bone_model_without_bone_name(dicom_leg, tmp_path):
    """The shipped model segments fibula or tibia, whichever is clicked: without --bone the segment is the
    generic "Bone" (SNOMED CT 272673000), never a guess; --format writes a DICOM-SEG whatever the name."""
    folder, _, _, _, (x, y, z) = dicom_leg
    out = tmp_path / "mask.seg"
    result = runner.invoke(app, [str(folder), "--click", f"{x},{y},{z}", "--device", "cpu", "--no-propagate",
                                 "--format", "dicom-seg", "-o", str(out)])
    assert result.exit_code == 0, result.output
    description = highdicom.seg.segread(out).get_segment_description(1)
    assert "," in Model(None, device="cpu").info.label  # the premise: the shipped model is multi-bone
    assert description.segment_label == "bone" and description.segmented_property_type == codes.SCT.Bone


def test_dicom_seg_of_a_non_dicom_input_is_refused_before_inference(dicom_leg, tmp_path):
    _, hu, _, _, (x, y, z) = dicom_leg
    from bonebench.data.geometry import VolumeGeometry

    volume = tmp_path / "ct.nii.gz"
    write_volume(volume, hu, VolumeGeometry(hu.shape[::-1], (1.0, 1.0, 2.0), (0.0, 0.0, 0.0),
                                            (1, 0, 0, 0, 1, 0, 0, 0, 1)))
    missing_model = tmp_path / "no-such-model.onnx"  # never loaded: the format check comes first
    for args in (["-o", str(tmp_path / "m.dcm")], ["--format", "dicom-seg", "-o", str(tmp_path / "m.nrrd")]):
        result = runner.invoke(app, [str(volume), "--click", f"{x},{y},{z}", "--model", str(missing_model), *args])
        assert "needs a DICOM series folder" in one_line_error(result)
    assert not [p for p in tmp_path.iterdir() if p.name != "ct.nii.gz"]


def test_empty_mask_gives_one_line_and_no_file(dicom_leg, tmp_path):
    folder, hu, labels, _, _ = dicom_leg
    x, y, z = 83, 164, 0  # subcutaneous fat of this phantom: the shipped model finds no bone there
    assert -150 < hu[z, y, x] < -60 and labels[z, y, x] == 0
    args = [str(folder), "--click", f"{x},{y},{z}", "--device", "cpu", "--no-propagate"]
    volume = runner.invoke(app, [*args, "-o", str(tmp_path / "fat.nii.gz")])
    assert volume.exit_code == 0 and ": 0 voxels" in volume.output, volume.output  # the premise
    out = tmp_path / "fat.dcm"
    assert "empty" in one_line_error(runner.invoke(app, [*args, "-o", str(out)]))
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["fat.nii.gz"]


def test_help_names_dicom_seg():
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})
    assert result.exit_code == 0 and "dicom-seg" in result.output.lower() and "--format" in result.output
