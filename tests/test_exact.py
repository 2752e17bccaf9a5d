"""The exact rule check in integers (`optimizer.evaluate._exact_ok`) decides as the decimal one does.

`is_feasible` settles a rule within the float noise band in exact arithmetic. The integer version is
the fast path; the decimal one (`_exact_check`, which also writes the messages) is the reference. They
must agree on every plan, above all on those that fill a limit to the last decimal.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from data.demo.actuals import generate_demo_in_motion
from optimizer.evaluate import _exact_check, _exact_ok, _scaled_tables, fund_needs
from optimizer.instances import random_workbook
from optimizer.problem import Problem, compile_problem
from optimizer.quiet import quiet_stdout


def _random_plan(p: Problem, rng: np.random.Generator, share: float) -> np.ndarray:
    slots = np.zeros(p.n, dtype=np.int64)
    for i in np.nonzero(rng.random(p.n) < share)[0]:
        slots[i] = rng.choice(np.nonzero(p.valid[i])[0])
    return slots


def _agree(p: Problem, slots: np.ndarray) -> bool:
    every = (np.ones(len(p.fund_lines), bool), np.ones(len(p.resources), bool), True)
    for lines, resources, floors in (
        every,
        (every[0], np.zeros(len(p.resources), bool), False),
        (np.zeros(len(p.fund_lines), bool), every[1], True),
    ):
        fast = _exact_ok(p, slots, lines, resources, floors)
        if fast != (not _exact_check(p, slots, lines, resources, floors)):
            return False
    return True


@pytest.fixture(scope="module")
def problems() -> list[Problem]:
    with quiet_stdout():
        motion = compile_problem(generate_demo_in_motion())
    return [
        motion,  # actuals: succeeded and failed candidates reserve all or nothing
        compile_problem(
            random_workbook(300, seed=4, pool_share=0.3, award_share=0.4, floors={"D1": 0.2})
        ),
        compile_problem(random_workbook(200, seed=9, pool_share=0.0, award_prudence=1.3)),
    ]


def test_integer_and_decimal_checks_agree_on_plans_that_fill_their_limits(problems):
    rng = np.random.default_rng(7)
    for p in problems:
        # These numbers fit: the integer path is the one tested.
        assert _scaled_tables(p) is not None
        for _ in range(25):
            slots = _random_plan(p, rng, rng.uniform(0.1, 0.9))
            assert _agree(p, slots)
            # Limits set to what the plan needs, to the last decimal and a hair either side.
            upfront, reserve = fund_needs(p, slots)
            need = upfront + reserve
            used = p.use[np.arange(p.n), slots].sum(axis=0)
            for places in (1, 4, 9):
                for nudge in (0.0, 10.0**-places, -(10.0**-places)):
                    q = copy.copy(p)
                    q.amount = np.round(need, places) + nudge
                    q.capacity = np.round(used, places) + nudge
                    assert _agree(q, slots), (places, nudge)


def test_seventeen_digit_probabilities_are_summed_in_python_integers(problems):
    # A robustness sample's probabilities have all their digits: too many for int64 reserve sums.
    p = copy.copy(problems[1])
    rng = np.random.default_rng(11)
    p.prob = np.clip(p.prob * rng.uniform(0.8, 1.2, p.prob.shape), 0, 1)
    tables = _scaled_tables(p)
    assert tables is not None and tables.own_need.dtype == object
    for _ in range(10):
        slots = _random_plan(p, rng, 0.5)
        assert _agree(p, slots)
        upfront, reserve = fund_needs(p, slots)
        q = copy.copy(p)
        q.amount = upfront + reserve  # to the last bit of the float sums
        assert _agree(q, slots)


def test_district_floors_filled_to_the_last_decimal_agree(problems):
    p = problems[1]  # a 20% floor on D1
    rng = np.random.default_rng(13)
    rows = np.arange(p.n)
    for _ in range(20):
        slots = _random_plan(p, rng, rng.uniform(0.2, 0.8))
        cost = p.cost[rows, slots]
        share = cost[p.district_index == 0].sum() / cost.sum()
        for nudge in (0.0, 1e-12, -1e-12, 1e-7, -1e-7):
            q = copy.copy(p)
            q.floor_share = np.array([share + nudge])
            assert _agree(q, slots), nudge


def test_large_scales_zero_tables_and_negative_paid_agree(problems):
    # Costs all zero beside probabilities of 17 digits and awards of two decimals: the line needs'
    # scale passes 10^19, beyond int64, for every table. And a negative paid-on-success (validation
    # refuses it; a Problem built in code may carry one) is owed by neither check.
    p = copy.copy(problems[1])
    rng = np.random.default_rng(17)
    p.cost = np.zeros_like(p.cost)
    p.award = np.round(p.award * 1.01, 2)
    p.prob = np.clip(p.prob * rng.uniform(0.8, 1.2, p.prob.shape), 0, 1)
    p.paid_on_success = np.where(p.valid, rng.uniform(-5, 30, p.prob.shape).round(1), 0.0)
    p.paid_on_success[:, 0] = 0.0
    assert _scaled_tables(p) is not None
    rows = np.arange(p.n)
    for _ in range(15):
        slots = _random_plan(p, rng, 0.6)
        assert _agree(p, slots)
        upfront, reserve = fund_needs(p, slots)
        q = copy.copy(p)
        q.amount = upfront + reserve
        q.capacity = p.use[rows, slots].sum(axis=0)
        assert _agree(q, slots)


def test_numbers_with_too_many_decimals_fall_back_to_decimals(problems):
    p = copy.copy(problems[1])
    p.prob = p.prob.copy()
    p.prob[0, 0] = 1.5e-45  # 46 decimal places
    assert _scaled_tables(p) is None
    rng = np.random.default_rng(3)
    for _ in range(10):
        assert _agree(p, _random_plan(p, rng, 0.5))


def test_tables_follow_the_arrays_of_a_copied_problem(problems):
    p = problems[1]
    first = _scaled_tables(p)
    assert _scaled_tables(p) is first  # made once
    q = copy.copy(p)
    q.prob = np.clip(p.prob * 1.1, 0, 1).round(4)
    assert _scaled_tables(q) is not first
    assert _scaled_tables(p) is first


def test_quick_integers_are_the_decimals_the_floats_were_written_as():
    from decimal import Decimal

    from optimizer.evaluate import _as_ints_quick

    rng = np.random.default_rng(5)
    used = 0
    for _ in range(400):
        values = np.round(
            rng.uniform(-1e4, 1e4, 40) / 10.0 ** rng.integers(0, 8), rng.integers(0, 13)
        )
        quick = _as_ints_quick(values)
        if quick is None:
            continue
        used += 1
        ints, places = quick
        for n, v in zip(ints.tolist(), values.tolist(), strict=True):
            assert Decimal(n).scaleb(-places) == Decimal(repr(v))
    assert used > 200
    # 16 significant digits together: no power of ten fits every value in 15 digits.
    assert _as_ints_quick(np.array([3.3333333, 123456789.123])) is None
    assert _as_ints_quick(np.array([0.1, 0.2, 0.3]))[1] == 1  # type: ignore[index]
