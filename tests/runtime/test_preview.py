"""The preview a reader can check: panels of at least 256 px, slice numbers, the click marked, the
mask outlined, a legend."""

import numpy as np
import SimpleITK as sitk

from bonebench.runtime.preview import GAP_PX, MASK_RGB, PANEL_PX, overlay, write_preview


def _case():
    hu = np.full((12, 64, 80), -50.0, np.float32)
    mask = np.zeros(hu.shape, np.uint8)
    mask[2:10, 20:40, 30:50] = 1
    hu[mask > 0] = 900.0
    return hu, mask


def _read(path):
    return sitk.GetArrayFromImage(sitk.ReadImage(str(path)))


def test_panels_are_at_least_256_px_with_a_legend_below(tmp_path):
    hu, mask = _case()
    slices = write_preview(tmp_path / "p.png", hu, mask, focus=5, clicks=[(40, 30, 5)])
    picture = _read(tmp_path / "p.png")
    assert 5 in slices and len(slices) == 5
    assert picture.shape[0] > PANEL_PX  # a 64-pixel slice enlarged to 256, the legend under it
    assert picture.shape[1] >= len(slices) * PANEL_PX


def test_the_click_is_marked_on_its_slice(tmp_path):
    hu, mask = _case()
    write_preview(tmp_path / "plain.png", hu, mask, focus=5)
    slices = write_preview(tmp_path / "click.png", hu, mask, focus=5, clicks=[(40, 30, 5)])
    plain, marked = _read(tmp_path / "plain.png"), _read(tmp_path / "click.png")
    scale = PANEL_PX // 64
    row, col = 30 * scale, 40 * scale + slices.index(5) * (80 * scale + GAP_PX)
    around = np.s_[row - 12:row + 13, col - 12:col + 13]
    assert (plain[around] != marked[around]).any(axis=2).sum() > 40


def test_each_panel_has_its_slice_number(tmp_path):
    hu, mask = _case()
    write_preview(tmp_path / "p.png", hu, mask, focus=5)
    corner = _read(tmp_path / "p.png")[:24, :100]
    white = (corner == 255).all(axis=2)
    assert white.sum() > 100  # "SLICE 2" in white on its black box
    assert (corner == 0).all(axis=2).sum() > 100


def test_the_mask_is_outlined_not_only_filled():
    hu, mask = _case()
    rgb = overlay(hu[5], mask[5], scale=4)
    red = (rgb == MASK_RGB).all(axis=2)
    assert red[20 * 4, 35 * 4] and not red[30 * 4, 40 * 4]  # the edge pure red, the inside blended
