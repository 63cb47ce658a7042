"""Benchmarks share the test fixtures (seeded phantoms, the real OpenKBP data when present)."""

from tests.conftest import OPENKBP, openkbp, phantom_dataset, rng  # noqa: F401
