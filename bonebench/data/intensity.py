"""The study's only intensity normalisation: HU clipped to [-1024, 3000], scaled to [0, 1]."""

from __future__ import annotations

import numpy as np

HU_MIN = -1024.0
HU_MAX = 3000.0


def window_hu(hu: np.ndarray, lo: float = HU_MIN, hi: float = HU_MAX) -> np.ndarray:
    """Clip HU to [lo, hi] and scale linearly to float32 [0, 1]."""
    out = np.clip(np.asarray(hu, dtype=np.float32), lo, hi)
    out -= lo
    out *= 1.0 / (hi - lo)
    return out


def clip_hu_int16(hu: np.ndarray, lo: float = HU_MIN, hi: float = HU_MAX) -> np.ndarray:
    """Clip HU into the window and store as int16: exact, and half the memory of float32."""
    return np.clip(np.rint(hu), lo, hi).astype(np.int16)


# ---------------------------------------------------------------- is this CT in HU?
AIR_BELOW_HU = -800.0  # air is -1000 HU; lung and noisy air stay below -800; FOV padding (-1024..-3024) too
MIN_AIR_SHARE = 0.001  # at least 0.1 % of the voxels must be air
TISSUE_ABOVE_HU = 100.0  # the brightest 0.1 % of a body CT is bone or contrast, far above 100 HU
SAMPLE_VOXELS = 2_000_000  # the rule looks at an even subsample; percentiles of 2 M voxels are exact enough


def hu_problem(values: np.ndarray, *, confirmed: bool = False) -> str | None:
    """Why `values` do not look like CT in Hounsfield units, or None when they do.

    The rule, and why: every CT in HU puts air at -1000 (water at 0, bone at +400..+2000). A scan
    holds air around or inside the body, so at least MIN_AIR_SHARE (0.1 %) of its voxels are at or
    below AIR_BELOW_HU (-800); real scans hold far more (the OpenKBP head-and-neck CT 87-97 %, the
    leg phantoms 78 %). And its brightest voxels are tissue or bone: the 99.9th percentile is at least
    TISSUE_ABOVE_HU (+100; OpenKBP 800-1340). Volumes stored another way fail: HU + 1024 in uint16 has
    air near 0 and nothing negative; an 8-bit picture (0..255) or a [0, 1] float has no air at all.
    A CT cropped so tightly that it holds no air fails the air test although it is in HU: the user
    confirms the scale with an explicit offset (`confirmed`), and then only the tissue test applies.
    Any rescale slope and intercept of the file are already applied when this runs (SimpleITK applies
    DICOM's Rescale Slope/Intercept and NIfTI's scl_slope/scl_inter when reading).
    """
    flat = np.asarray(values).ravel()
    flat = flat[:: max(1, flat.size // SAMPLE_VOXELS)].astype(np.float32)
    if flat.size == 0:
        return "the volume is empty"
    low, high = np.percentile(flat, [0.1, 99.9])
    air = float(np.mean(flat <= AIR_BELOW_HU))
    found = (f"values run from {low:.0f} to {high:.0f} (0.1st to 99.9th percentile), "
             f"{air:.1%} of voxels at or below {AIR_BELOW_HU:.0f}")
    if high < TISSUE_ABOVE_HU:
        return f"{found}: no tissue or bone brighter than {TISSUE_ABOVE_HU:.0f} HU"
    if air < MIN_AIR_SHARE and not confirmed:
        hint = ("it looks like HU + 1024 (air near 0)" if -50 <= low <= 200 and high > 1000
                else "CT in HU has air near -1000")
        return f"{found}; {hint}"
    return None


# ---------------------------------------------------------------- the offset a volume needs
STORAGE_STEP = 1024.0  # storage offsets are multiples of 1024 (HU + 1024 in uint16; 32768 for int16 shifts)
FAT_BELOW_HU = -50.0  # fat is about -100 HU: a body CT (cropped or not) holds something darker than -50
PADDING_BELOW_HU = -2500.0  # scanner padding outside the field of view (-3024) is not air
AIR_LEVEL_HU = (-1200.0, -800.0)  # where air (and -1024 padding) lies in HU


def air_shift(values: np.ndarray) -> float | None:
    """The multiple of STORAGE_STEP to add so that air lands at -1000 HU, or None when it already does.

    Two ways a volume is shifted, whatever offset was applied: its darkest 0.1 % is brighter than
    FAT_BELOW_HU (no air, no fat: it is air moved up, e.g. HU + 1024 read as HU; a CT in HU always holds
    fat or air), or the median of its dark voxels (at or below AIR_BELOW_HU, scanner padding below
    PADDING_BELOW_HU left out) lies outside AIR_LEVEL_HU (air moved down, e.g. -1024 added to HU).
    No shift is named when the shifted volume would hold no tissue (an 8-bit picture is not shifted HU).
    """
    flat = np.asarray(values).ravel()
    flat = flat[:: max(1, flat.size // SAMPLE_VOXELS)].astype(np.float32)
    if flat.size == 0:
        return None
    low, high = (float(v) for v in np.percentile(flat, [0.1, 99.9]))
    if low >= FAT_BELOW_HU:
        shift = STORAGE_STEP * min(-1.0, round((-1000.0 - low) / STORAGE_STEP))
        return shift if high + shift >= TISSUE_ABOVE_HU else None
    dark = flat[(flat <= AIR_BELOW_HU) & (flat > PADDING_BELOW_HU)]
    if dark.size < MIN_AIR_SHARE * flat.size:
        return None
    level = float(np.median(dark))
    if AIR_LEVEL_HU[0] <= level <= AIR_LEVEL_HU[1]:
        return None
    return STORAGE_STEP * round((-1000.0 - level) / STORAGE_STEP) or None
