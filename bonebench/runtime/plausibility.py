"""Is the mask plausibly the clicked bone? Two cheap checks on every result, each a warning (the
mask is still written, exit 0): a bone's mask ends at its cortex, so most of its rim (mask voxels
with an in-plane neighbour outside the mask) is bright; a mask that leaked into soft tissue (or
filled the floor of the mouth inside the mandible's arch) has a dim rim. And a mask far larger than
any bone the model was trained on has run into something else.

Thresholds measured by `tools/plausibility_thresholds.py` (it prints these numbers) on the truth
masks of the phantoms (`bb-data phantoms OUT --region R --cases 2` for legs, hip, knee, shoulder,
arm, thorax) and 20 OpenKBP mandibles (/work/shared/data/openkbp-mandible), against plausible
failures: the truth dilated 3 voxels in-plane into soft tissue, and the mandible's per-slice convex
hull (the floor of the mouth filled), and the shipped model's own results on those mandibles (one
click each; it was trained on leg bones). The command:

    for r in legs hip knee shoulder arm thorax; do bb-data phantoms /tmp/ph/$r --region $r --cases 2; done
    python tools/plausibility_thresholds.py /tmp/ph /work/shared/data/openkbp-mandible --mandibles 20

    rim fraction at HU >= 250     min   5th pct  median  max
      truth (52 bones, 14 kinds)  0.58  0.75     0.96    1.00
      dilated 3 voxels            0.00  0.00     0.04    0.36
      mandible hull (20)          0.18  0.23     0.31    0.42
    (at 200 HU: truth min 0.61, failures max 0.44; at 300 HU: 0.55 and 0.39)

    the shipped model on mandibles: the 264 mL leak into the skull base (pt_100, Dice 0.13) 0.63;
    the under-segmentations (Dice 0.02-0.47) 0.36-0.83

MIN_RIM_FRACTION = 0.65 lies above the failures' maximum (0.42) and the real leak (0.63), below all
truths but one (a mandible at 5 mm pixels, 0.58; the next 0.72): a warning on 1 of 52 true bones.
The rim does not tell a too-small mask (its edge is still bone); the warning is for leaks.
Volumes: the largest truth of each bone is BONE_ML; a dilated mask is only 1.2-3.9x its truth and
the hull 2.4x or more, and truths of one bone spread 1.3-13x (fibula 9-127 mL), so the volume
check is for the gross failures (a wrong --intensity-offset: 80,000 mL); VOLUME_FACTOR = 4 leaves
room for real adult bones, larger than the phantoms'.

Torch-free; bb-segment, bb-demo and the napari widget's status call `plausibility_warning`."""

from __future__ import annotations

import numpy as np

CORTICAL_HU = 250.0  # a rim voxel at or above this is cortical bone (partial volume included)
MIN_RIM_FRACTION = 0.65  # below it too much of the mask's edge lies outside bone
VOLUME_FACTOR = 4.0  # a mask this many times the largest truth of the bones the model knows
# the largest truth mask (mL) of each bone in the measurement set above
BONE_ML = {"clavicle": 22.1, "femur": 162.6, "fibula": 127.1, "humerus": 116.2, "mandible": 88.7,
           "patella": 23.8, "pelvis": 161.8, "radius": 45.9, "rib": 84.1, "scapula": 71.6, "sternum": 23.8,
           "tibia": 497.0, "ulna": 38.0, "vertebra": 65.1}


def rim(mask: np.ndarray) -> np.ndarray:
    """The mask's voxels with an in-plane 4-neighbour outside it (slice by slice: slices may be thick)."""
    m = mask > 0
    inner = m.copy()
    inner[:, 1:] &= m[:, :-1]
    inner[:, :-1] &= m[:, 1:]
    inner[:, :, 1:] &= m[:, :, :-1]
    inner[:, :, :-1] &= m[:, :, 1:]
    inner[:, [0, -1], :] = False
    inner[:, :, [0, -1]] = False
    return m & ~inner


def rim_cortical_fraction(hu: np.ndarray, mask: np.ndarray, level: float = CORTICAL_HU) -> float:
    """The fraction of the mask's rim voxels at cortical HU (>= `level`; 1.0 for an empty mask:
    nothing to doubt)."""
    box = _bounding_box(mask)
    if box is None:
        return 1.0
    edge = rim(mask[box])
    return float((hu[box][edge] >= level).mean())


def _bounding_box(mask: np.ndarray):
    """The slices of the mask's bounding box, one voxel wider in-plane (None: empty)."""
    where = np.nonzero(mask)
    if where[0].size == 0:
        return None
    return tuple(slice(max(int(w.min()) - (i > 0), 0), int(w.max()) + 1 + (i > 0)) for i, w in enumerate(where))


def largest_known_ml(labels: str) -> float | None:
    """The largest truth volume (mL) among a model's training labels ("fibula,tibia"); None when
    none of them was measured."""
    known = [BONE_ML[name.strip().lower()] for name in labels.split(",") if name.strip().lower() in BONE_ML]
    return max(known) if known else None


def plausibility_warning(hu: np.ndarray, mask: np.ndarray, voxel_ml: float, labels: str) -> str | None:
    """One 'warning: ...' line when the mask is unlikely to be a bone the model knows, else None.
    `labels`: the model's training labels, comma separated (ModelInfo.label)."""
    if not mask.any():
        return None
    reasons = []
    fraction = rim_cortical_fraction(hu, mask)
    if fraction < MIN_RIM_FRACTION:
        reasons.append(f"only {fraction:.0%} of its edge is at cortical bone (>= {CORTICAL_HU:.0f} HU; "
                       f"a bone's mask: {MIN_RIM_FRACTION:.0%} or more), so it may have leaked into soft tissue")
    largest, ml = largest_known_ml(labels), float(mask.sum()) * voxel_ml
    if largest is not None and ml > VOLUME_FACTOR * largest:
        reasons.append(f"{ml:.0f} mL is over {VOLUME_FACTOR:g}x the largest bone the model was trained on "
                       f"({labels.replace(',', ', ')}: up to {largest:.0f} mL)")
    if not reasons:
        return None
    return "warning: the mask may not be the clicked bone: " + "; ".join(reasons) + "; check it (--preview)"
