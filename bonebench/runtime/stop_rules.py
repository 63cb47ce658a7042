"""Propagation's stop rules at the volume's slice thickness (issue 17).

The rules (runtime.interactive: SHRINK, LEAK, MIN_OVERLAP) were set on phantoms with ~2-3 mm slices.
Between two slices a bone changes in proportion to their distance, so one set of numbers stops
inside bones at 5 mm and lets a walk drift through a joint at 0.6 mm. The phantoms' truth at fixed
thicknesses (`python tools/propagation_rules.py --cases 2 --size 160 --pixel-mm 1.5 --slice-mm T`,
docs/results/propagation-rules.md), per step of one bone, regions other than the thorax's rib label:
overlap p1 0.72 (0.6 mm), 0.60 (1.25), 0.49 (2.5), 0.29 (5); area ratio p1 / p99 0.61 / 2.30
(0.6 mm, thorax included), 0.36 / 2.06 (2.5), 0.08 / 4.01 (5); a neighbour's next slice overlaps the
clicked bone by p95 <= 0.12 up to 2.5 mm and 0.24 (hip) at 5 mm. The thresholds run geometrically in
the thickness from THIN (0.6 mm) to THICK (5 mm): overlap 0.30 -> 0.25 (under every region's p1,
above the 5 mm slips' p95), shrink 0.10 -> 0.05 and leak 4 -> 6 (outside p1 / p99).
Stricter thin-slice rules (overlap 0.40, shrink 0.30, leak 3: still outside the truth's p1 / p99)
were tried with the shipped model (`python tools/propagation_thickness.py --pixel-mm 1.2`): they
stopped its walks inside thorax and knee bones (Dice 0.38 -> 0.22, 0.45 -> 0.37) and caught none of
its crossings, which are the model's leaks, not slips between slices; so at 0.6 mm only the leak
rule is tighter than the phantom-set one. Without a slice thickness the old rules hold unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

THIN_MM, THICK_MM = 0.6, 5.0
THIN = dict(min_overlap=0.30, shrink=0.10, leak=4.0)
THICK = dict(min_overlap=0.25, shrink=0.05, leak=6.0)


@dataclass(frozen=True)
class StopRules:
    """When a propagated slice is no longer the bone of the previous one."""

    shrink: float = 0.1  # area below this share of the previous slice's
    leak: float = 6.0  # area above this multiple of it
    min_overlap: float = 0.3  # share of the new mask that must overlap the previous slice's mask

    @classmethod
    def for_slices(cls, slice_mm: float | None) -> "StopRules":
        """The rules at a slice thickness (mm); the phantom-set defaults when it is unknown."""
        if slice_mm is None:
            return cls()
        s = min(max(math.log(slice_mm / THIN_MM) / math.log(THICK_MM / THIN_MM), 0.0), 1.0)
        return cls(**{k: THIN[k] * (THICK[k] / THIN[k]) ** s for k in THIN})

    def broken(self, result, previous) -> str:
        """The rule a propagated slice's mask breaks against the previous slice's ("" if it is still
        the same bone): empty, shrink, leak or overlap."""
        import numpy as np

        return self.broken_by(np.count_nonzero(result), np.count_nonzero(previous),
                              lambda: np.count_nonzero(result & previous))

    def broken_by(self, area: int, before: int, overlap) -> str:
        """`broken` from the counts: the new mask's area, the previous mask's, and `overlap()`, their
        common pixels (asked only when the area rules pass); for callers that hold a mask in a window."""
        if area == 0:
            return "empty"
        if area < self.shrink * before:
            return "shrink"
        if area > self.leak * before:
            return "leak"
        return "overlap" if overlap() < self.min_overlap * area else ""
