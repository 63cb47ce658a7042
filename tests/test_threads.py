"""bonebench.threads: one number sets torch's, Numba's and onnxruntime's threads and the prefetch thread."""

import numba
import pytest
import torch

from bonebench import threads
from bonebench.errors import InputError


def test_one_count_for_every_library_and_restored_after():
    before = torch.get_num_threads()
    with threads.using_threads(1) as count:
        assert count == 1 and torch.get_num_threads() == 1 and numba.get_num_threads() == 1
        assert threads.onnxruntime_threads() == 1 and not threads.prefetch_thread()
    assert torch.get_num_threads() == before


def test_default_is_every_core_and_prefetch_needs_two():
    with threads.using_threads(None) as count:
        assert count == threads.cpu_cores() == torch.get_num_threads()
        assert threads.prefetch_thread() == (count >= 2)


@pytest.mark.parametrize("bad", [0, -2, 1.5])
def test_bad_counts(bad):
    with pytest.raises(InputError, match="--threads must be"):
        threads.set_threads(bad)
