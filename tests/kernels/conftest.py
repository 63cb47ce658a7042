"""Hypothesis strategies for kernel tests: random masks of many shapes, including 1xN and Nx1."""

import numpy as np
from hypothesis import strategies as st


@st.composite
def masks(draw, ndim=2, max_side=24):
    shape = tuple(draw(st.integers(1, max_side)) for _ in range(ndim))
    density = draw(st.sampled_from([0.0, 0.1, 0.4, 0.7, 0.95, 1.0]))
    seed = draw(st.integers(0, 2 ** 31 - 1))
    return np.random.default_rng(seed).random(shape) < density


EDGE_CASES_2D = {
    "empty": np.zeros((7, 9), bool),
    "full": np.ones((7, 9), bool),
    "one pixel": np.pad(np.ones((1, 1), bool), ((3, 2), (4, 1))),
    "1xN": np.array([[1, 1, 0, 1, 0, 0, 1, 1, 1]], bool),
    "Nx1": np.array([[1], [0], [1], [1], [0]], bool),
    "touching borders": np.pad(np.zeros((3, 3), bool), 1, constant_values=True),
    "diagonal": np.eye(6, dtype=bool),
    "checkerboard": (np.add.outer(np.arange(6), np.arange(7)) % 2).astype(bool),
}
