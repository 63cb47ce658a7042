"""Learning-rate schedules: the factor on the configured rate at each iteration.

A pure function of (iteration, iterations), so a resumed run takes the same rate it would have had
uninterrupted, and nothing about the schedule lives in the optimiser's state. "constant" is the
study's; "cosine" decays to 1 % of the rate by the last iteration (Loshchilov & Hutter's SGDR
without restarts), for CPU runs that reach a noisy plateau at a fixed rate: the click model v2 wandered
at 0.80-0.85 validation Dice after 5,000 iterations at lr 1e-3; 10,000 more from its best with this decay
reached 0.901 (bonebench/runtime/models/README.md).
"""

from __future__ import annotations

import math

COSINE_FLOOR = 0.01


def _constant(iteration: int, iterations: int) -> float:
    return 1.0


def _cosine(iteration: int, iterations: int) -> float:
    progress = min(max(iteration - 1, 0) / max(iterations - 1, 1), 1.0)
    return COSINE_FLOOR + (1.0 - COSINE_FLOOR) * 0.5 * (1.0 + math.cos(math.pi * progress))


LR_SCHEDULES = {"constant": _constant, "cosine": _cosine}
DEFAULT_LR_SCHEDULE = "constant"


def lr_factor(schedule: str, iteration: int, iterations: int) -> float:
    """The factor on the base learning rate for 1-based `iteration` of `iterations`."""
    return LR_SCHEDULES[schedule](iteration, iterations)
