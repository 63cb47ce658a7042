"""Numba kernels for click tooling and metrics; no torch."""
