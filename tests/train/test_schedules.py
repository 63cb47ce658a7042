"""Learning-rate schedules: the factor each iteration takes, and the config's check of the name."""

import pytest
import torch

from bonebench.errors import InputError
from bonebench.train.config import make_config
from bonebench.train.loop import set_learning_rate
from bonebench.train.schedules import COSINE_FLOOR, LR_SCHEDULES, WARMUP_SHARE, WARMUP_START, lr_factor


def test_cosine_decays_from_the_rate_to_its_floor_without_rising():
    factors = [lr_factor("cosine", i, 1000) for i in range(1, 1001)]
    assert factors[0] == pytest.approx(1.0) and factors[-1] == pytest.approx(COSINE_FLOOR)
    assert factors[499] == pytest.approx(0.5 * (1 + COSINE_FLOOR), abs=0.01)
    assert all(a >= b for a, b in zip(factors, factors[1:]))
    assert {lr_factor("constant", i, 1000) for i in (1, 500, 1000)} == {1.0}


def test_warmup_ramps_linearly_to_the_rate_then_holds_it():
    factors = [lr_factor("warmup", i, 1000) for i in range(1, 1001)]
    ramp_end = int(WARMUP_SHARE * 1000)
    assert factors[0] == pytest.approx(WARMUP_START)
    assert factors[ramp_end // 2] == pytest.approx((1 + WARMUP_START) / 2, abs=0.01)
    assert all(a < b for a, b in zip(factors[:ramp_end], factors[1:ramp_end + 1]))
    assert set(factors[ramp_end:]) == {1.0}
    assert lr_factor("warmup", 1, 1) == pytest.approx(WARMUP_START)  # a one-step run takes the start rate


def test_the_optimiser_takes_the_scheduled_rate_at_each_iteration(tmp_path):
    config = make_config("tiny", data=str(tmp_path), label="fibula", patients=1, device="cpu", lr=2e-3,
                         lr_schedule="cosine", iterations=100)
    optimizer = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=config.lr)
    rates = []
    for iteration in (1, 50, 100, 1):  # a resumed run takes the rate from the iteration alone
        set_learning_rate(optimizer, config, iteration)
        rates.append(optimizer.param_groups[0]["lr"])
    assert rates[0] == rates[3] == pytest.approx(2e-3)
    assert rates[2] == pytest.approx(2e-3 * COSINE_FLOOR) and rates[0] > rates[1] > rates[2]


def test_an_unknown_schedule_is_refused_with_the_valid_names(tmp_path):
    with pytest.raises(InputError, match=", ".join(LR_SCHEDULES)):
        make_config("tiny", data=str(tmp_path), label="fibula", patients=1, lr_schedule="step")
