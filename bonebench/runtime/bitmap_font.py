"""A 3x5 pixel capital font for the preview's labels and legend: the runtime writes PNGs with
SimpleITK and has no plotting or font library, so the few words it prints are drawn from here."""

from __future__ import annotations

import numpy as np

_GLYPHS = {
    "A": "010101111101101", "B": "110101110101110", "C": "011100100100011", "D": "110101101101110",
    "E": "111100110100111", "F": "111100110100100", "G": "011100101101011", "H": "101101111101101",
    "I": "111010010010111", "J": "001001001101010", "K": "101101110101101", "L": "100100100100111",
    "M": "101111111101101", "N": "110101101101101", "O": "010101101101010", "P": "110101110100100",
    "Q": "010101101110011", "R": "110101110101101", "S": "011100010001110", "T": "111010010010010",
    "U": "101101101101111", "V": "101101101101010", "W": "101101111111101", "X": "101101010101101",
    "Y": "101101010010010", "Z": "111001010100111", "0": "111101101101111", "1": "010110010010111",
    "2": "110001010100111", "3": "110001010001110", "4": "101101111001001", "5": "111100110001110",
    "6": "011100111101111", "7": "111001010010010", "8": "111101111101111", "9": "111101111001110",
    " ": "000000000000000", "=": "000111000111000", "-": "000000111000000", ".": "000000000000010",
    ",": "000000000010100", ":": "000010000010000", "(": "001010010010001", ")": "100010010010100",
    "/": "001001010100100", "_": "000000000000111", "+": "000010111010000", "?": "110001010000010",
}
GLYPH_W, GLYPH_H = 3, 5


def text_mask(text: str, scale: int = 3) -> np.ndarray:
    """Boolean (H, W) pixels of `text` in capitals, one blank column between letters, each font
    pixel `scale` pixels square; characters the font lacks print as '?'."""
    columns = []
    for char in text.upper():
        bits = _GLYPHS.get(char, _GLYPHS["?"])
        glyph = np.array([c == "1" for c in bits], bool).reshape(GLYPH_H, GLYPH_W)
        columns += [glyph, np.zeros((GLYPH_H, 1), bool)]
    if not columns:
        return np.zeros((GLYPH_H * scale, 0), bool)
    pixels = np.concatenate(columns[:-1], axis=1)
    return pixels.repeat(scale, axis=0).repeat(scale, axis=1)


def draw_text(rgb: np.ndarray, text: str, row: int, col: int, colour=(255, 255, 255), scale: int = 3,
              box=(0, 0, 0), pad: int = 3) -> tuple[int, int]:
    """Draw `text` into an RGB uint8 image at (row, col) on a filled box (None: no box), clipped to
    the image; returns the box's (height, width)."""
    pixels = text_mask(text, scale)
    h, w = pixels.shape[0] + 2 * pad, pixels.shape[1] + 2 * pad
    region = rgb[row:row + h, col:col + w]
    if box is not None:
        region[...] = box
    inner = region[pad:pad + pixels.shape[0], pad:pad + pixels.shape[1]]
    inner[pixels[:inner.shape[0], :inner.shape[1]]] = colour
    return h, w
