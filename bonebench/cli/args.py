"""Command-line values a user types, checked before any heavy work: number lists and ranges (clicks
are the runtime's: runtime.click_text). Each refusal names the option the bad value came from."""

from __future__ import annotations

import math
from bonebench.errors import InputError


def parse_whole_numbers(text: str, option: str, minimum: int = 1) -> tuple[int, ...]:
    """A comma list of whole numbers, each at least `minimum`."""
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise InputError(f"{option} {text!r}: expected whole numbers separated by commas") from None
    if not values or any(v < minimum for v in values):
        raise InputError(f"{option} {text!r}: expected whole numbers of at least {minimum}, separated by commas")
    return values


def check_positive(value: float | None, option: str) -> None:
    """None (not given) or a finite number above zero."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise InputError(f"{option} {value}: must be a number above 0")


def check_range(value: float | None, option: str, low: float, high: float) -> None:
    """None (not given) or a finite number in [low, high]."""
    if value is not None and not (math.isfinite(value) and low <= value <= high):
        raise InputError(f"{option} {value}: must be between {low:g} and {high:g}")

