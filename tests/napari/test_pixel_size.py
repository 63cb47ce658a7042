"""The widget's controller hands the layer's spacing to the session: a model with a pixel size
segments a finer scan at its own pixel size."""

from bonebench.kernels import dice
from bonebench.napari.controller import Controller
from bonebench.runtime.session import Model
from tests.napari.conftest import MIN_DICE


def test_controller_segments_a_finer_scan_at_the_models_pixel_size(fine_leg, pixel_model):
    path, hu, truth, geometry, (x, y, z) = fine_leg
    controller = Controller(hu, geometry, Model(pixel_model, device="cpu", threads=1), source=path)
    controller.click(x, y, z)
    controller.propagate()
    assert controller.labels.shape == hu.shape
    assert dice(truth, controller.labels == 1) >= MIN_DICE
