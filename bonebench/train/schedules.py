"""Learning-rate schedules: the factor on the configured rate at each iteration.

A pure function of (iteration, iterations), so a resumed run takes the same rate it would have had
uninterrupted, and nothing about the schedule lives in the optimiser's state. "constant" is the
study's; "cosine" decays to 1 % of the rate by the last iteration (Loshchilov & Hutter's SGDR
without restarts), for CPU runs that reach a noisy plateau at a fixed rate: the click model v2 wandered
at 0.80-0.85 validation Dice after 5,000 iterations at lr 1e-3; 10,000 more from its best with this decay
reached 0.901 (bonebench/runtime/models/README.md). "warmup" ramps the rate linearly from WARMUP_START of it
over the first WARMUP_SHARE of the iterations, then holds it: a network started from restoration weights
with a freshly reset output layer takes its first, largest gradients at a small rate, so those steps
do not undo the pretrained features. SegPretrained on 1 OpenKBP patient: test Dice 0.117 with it, 0.075
without (Seg1 0.066); on 2 patients no help (docs/results/openkbp-mandible-cpu/pretraining/).
"""

from __future__ import annotations

import math

COSINE_FLOOR = 0.01
WARMUP_SHARE, WARMUP_START = 0.1, 0.01


def _constant(iteration: int, iterations: int) -> float:
    return 1.0


def _cosine(iteration: int, iterations: int) -> float:
    progress = min(max(iteration - 1, 0) / max(iterations - 1, 1), 1.0)
    return COSINE_FLOOR + (1.0 - COSINE_FLOOR) * 0.5 * (1.0 + math.cos(math.pi * progress))


def _warmup(iteration: int, iterations: int) -> float:
    ramp = max(WARMUP_SHARE * iterations, 1.0)
    return min(WARMUP_START + (1.0 - WARMUP_START) * (iteration - 1) / ramp, 1.0)


LR_SCHEDULES = {"constant": _constant, "cosine": _cosine, "warmup": _warmup}
DEFAULT_LR_SCHEDULE = "constant"


def lr_factor(schedule: str, iteration: int, iterations: int) -> float:
    """The factor on the base learning rate for 1-based `iteration` of `iterations`."""
    return LR_SCHEDULES[schedule](iteration, iterations)
