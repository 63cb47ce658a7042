"""The npe2 manifest napari reads: it parses, and its commands point at the reader and the widget."""

from __future__ import annotations

from pathlib import Path

import pytest

npe2 = pytest.importorskip("npe2", reason="npe2 (comes with napari) is not installed")

import bonebench.napari  # noqa: E402

MANIFEST = Path(bonebench.napari.__file__).with_name("napari.yaml")


def test_manifest_names_the_reader_and_the_widget():
    manifest = npe2.PluginManifest.from_file(MANIFEST)
    assert manifest.name == "bonebench"
    commands = {c.id: c for c in manifest.contributions.commands}
    from bonebench.napari.reader import get_reader

    assert _resolve(commands["bonebench.get_reader"].python_name) is get_reader
    [reader] = manifest.contributions.readers
    assert reader.accepts_directories and "*.nii.gz" in reader.filename_patterns
    [widget] = manifest.contributions.widgets
    assert widget.display_name == "bonebench"
    assert commands[widget.command].python_name == "bonebench.napari.widget:BonebenchWidget"


def test_pyproject_registers_the_manifest():
    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert '[project.entry-points."napari.manifest"]' in text
    assert 'bonebench = "bonebench.napari:napari.yaml"' in text
    assert '"bonebench.napari" = ["napari.yaml"]' in text  # shipped in the wheel


def _resolve(python_name: str):
    import importlib

    module, attr = python_name.split(":")
    return getattr(importlib.import_module(module), attr)


def test_napari_opens_a_volume_through_the_plugin(leg):
    """napari's own open path (File → Open) reaches bonebench's reader through the manifest."""
    pytest.importorskip("napari", reason="napari is not installed")
    import numpy as np
    from napari.components import ViewerModel

    manager = npe2.PluginManager.instance()
    if "bonebench" not in manager._manifests:  # an editable install elsewhere may not register this tree
        manager.register(npe2.PluginManifest.from_file(MANIFEST))
    [layer] = ViewerModel().open(str(leg.path), plugin="bonebench")
    np.testing.assert_allclose(layer.scale, leg.geometry.spacing[::-1])
    np.testing.assert_allclose(layer.translate, leg.geometry.origin[::-1])
    assert layer.metadata["bonebench"]["source"] == str(leg.path)


def test_bb_napari_refuses_a_missing_volume_before_opening_a_window(tmp_path):
    pytest.importorskip("napari", reason="napari is not installed")
    from typer.testing import CliRunner

    from bonebench.cli.napari_cli import app

    result = CliRunner().invoke(app, [str(tmp_path / "missing.nii.gz")])
    assert result.exit_code == 2 and "no such file" in result.output
