"""Deterministic patient-level splits and nested training subsets, saved as JSON.

The training patients are stored in a fixed order; the N-patient training set is the first N of
them, so the 1-patient set is inside the 2-patient set, and so on, as the study's comparison needs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bonebench.data.atomic import write_text_atomic
from bonebench.errors import InputError

STUDY_TRAIN, STUDY_VAL, STUDY_TEST = 70, 9, 10


@dataclass(frozen=True)
class Split:
    seed: int
    train: tuple[str, ...]  # ordered: training subsets are prefixes
    val: tuple[str, ...]
    test: tuple[str, ...]

    def training_subset(self, n_patients: int) -> tuple[str, ...]:
        """The first n training patients (nested: a smaller set is a prefix of a larger one)."""
        if n_patients < 1:
            raise InputError(f"asked for {n_patients} training patients; need at least 1")
        if n_patients > len(self.train):
            raise InputError(
                f"asked for {n_patients} training patients but the split has only {len(self.train)}")
        return self.train[:n_patients]

    def save(self, path: str | Path) -> None:
        write_text_atomic(path, json.dumps(asdict(self), indent=1) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> "Split":
        """Read a split written by save()."""
        try:
            d = json.loads(Path(path).read_text())
            return cls(int(d["seed"]), tuple(d["train"]), tuple(d["val"]), tuple(d["test"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}: not a split file ({exc})") from None


def split_sizes(n_cases: int) -> tuple[int, int, int]:
    """(train, val, test): the study's 70/9/10, scaled down when a dataset has fewer cases."""
    if n_cases < 3:
        raise InputError(f"a split needs at least 3 cases (train, val, test); dataset has {n_cases}")
    total = STUDY_TRAIN + STUDY_VAL + STUDY_TEST
    if n_cases >= total:
        return STUDY_TRAIN, STUDY_VAL, STUDY_TEST
    n_val = max(1, round(n_cases * STUDY_VAL / total))
    n_test = max(1, round(n_cases * STUDY_TEST / total))
    return n_cases - n_val - n_test, n_val, n_test


def make_split(case_ids: list[str], seed: int = 0) -> Split:
    """Shuffle patients with the seed (order of input ignored) and cut test, val, train."""
    ids = sorted(case_ids)
    n_train, n_val, n_test = split_sizes(len(ids))
    order = [ids[i] for i in np.random.default_rng(seed).permutation(len(ids))]
    test = tuple(order[:n_test])
    val = tuple(order[n_test:n_test + n_val])
    train = tuple(order[n_test + n_val:n_test + n_val + n_train])
    return Split(seed, train, val, test)
