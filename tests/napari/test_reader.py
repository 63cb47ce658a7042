"""The napari reader: which paths it claims, and the physical scale and translate of its layers."""

from __future__ import annotations

import numpy as np

from bonebench.napari.reader import META_KEY, geometry_of, get_reader, read_layers, source_of


def test_reader_claims_volumes_only(leg, tmp_path):
    assert get_reader(str(leg.path)) is read_layers
    assert get_reader([str(leg.path)]) is read_layers
    (tmp_path / "notes.txt").write_text("no volume")
    assert get_reader(str(tmp_path / "notes.txt")) is None
    assert get_reader(str(tmp_path)) is None  # a folder without a DICOM series


def test_layer_keeps_spacing_and_origin_in_zyx_order(leg):
    [(data, kwargs, kind)] = read_layers(str(leg.path))
    assert kind == "image" and data.shape == leg.hu.shape
    np.testing.assert_array_equal(data, leg.hu)
    assert kwargs["scale"] == leg.geometry.spacing[::-1]  # (z, y, x) from ITK's (x, y, z)
    assert kwargs["translate"] == leg.geometry.origin[::-1]
    assert kwargs["name"] == "leg"
    assert geometry_of(kwargs["metadata"], data.shape, kwargs["scale"], kwargs["translate"]) == leg.geometry
    assert source_of(kwargs["metadata"]) == leg.path


def test_geometry_of_a_foreign_layer_comes_from_scale_and_translate():
    geometry = geometry_of({}, (4, 5, 6), (3.0, 0.5, 0.7), (-10.0, 2.0, 1.0))
    assert geometry.size == (6, 5, 4) and geometry.spacing == (0.7, 0.5, 3.0)
    assert geometry.origin == (1.0, 2.0, -10.0) and geometry.direction == (1, 0, 0, 0, 1, 0, 0, 0, 1)
    stale = {META_KEY: {"geometry": {"size": (9, 9, 9), "spacing": (1, 1, 1), "origin": (0, 0, 0),
                                     "direction": (1, 0, 0, 0, 1, 0, 0, 0, 1)}}}
    assert geometry_of(stale, (4, 5, 6), (3.0, 0.5, 0.7), (0, 0, 0)).size == (6, 5, 4)  # shape changed: not used
