"""bb-segment passes the file's spacing to the runtime: a model with a pixel size finds the fibula
in a leg scanned at half that pixel size, and the mask keeps the file's own grid."""

from typer.testing import CliRunner

from bonebench.cli.segment_cli import app
from bonebench.data.volume_io import read_volume
from bonebench.kernels import dice


def test_model_with_a_pixel_size_on_a_finer_scan(fine_leg, pixel_model, tmp_path):
    path, _, truth, geometry, (x, y, z) = fine_leg
    out = tmp_path / "mask.nii.gz"
    result = CliRunner().invoke(app, [str(path), "--click", f"{x},{y},{z}", "-o", str(out), "--device", "cpu",
                                      "--model", str(pixel_model)])
    assert result.exit_code == 0, result.output
    mask, mask_geometry = read_volume(out)
    assert mask_geometry.size == geometry.size
    assert all(abs(a - b) < 1e-5 for a, b in zip(mask_geometry.spacing, geometry.spacing))  # as NIfTI stores it
    assert dice(truth, mask) > 0.9
