"""The structured method (optimizer/structured.py): its dual bound is the LP bound and holds for every
price, and its plans keep every rule and match the exact MILP within the gap asked for."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from optimizer import AllocationModel, evaluate_plan, solve, structured
from optimizer.evaluate import is_feasible
from optimizer.instances import random_workbook
from optimizer.model import primary_bound
from optimizer.problem import ANY_SLOT, compile_problem

CASES = [
    dict(seed=1),
    dict(seed=2, n_locks=8, floors={"D1": 0.2}, pool_share=0.3),
    dict(seed=3, n_fund_lines=1, n_resources=0, n_targets=1, tightness=0.1),
    dict(seed=4, award_share=0.15, award_prudence=1.5, pool_share=0.0, floors={"D2": 0.2}),
    dict(seed=5, n_targets=3, amount_targets=0, tightness=0.6, pool_share=1.0),
    dict(seed=6, max_options=1, n_locks=3, floors={"D1": 0.1, "D3": 0.1}),
]


def small_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cores far smaller than the instance, so that the Lagrangian plan really fixes most candidates."""
    monkeypatch.setattr(structured, "CORE_MIN", 30)
    monkeypatch.setattr(structured, "CORE_PER_ROW", 1)


@pytest.mark.parametrize("case", CASES, ids=[str(c["seed"]) for c in CASES])
def test_the_dual_minimum_is_the_lp_bound_and_every_price_gives_a_bound(case):
    model = AllocationModel(random_workbook(300, **case))
    lp_status, _, lp_value, _ = model.highs_model().solve_lp(time_limit=30)
    assert lp_status == "optimal"
    dual = structured.Lagrangian(model.problem, model.form)
    best, _ = structured.minimise_dual(dual, tolerance=1e-9, deadline=float("inf"))
    assert best.value == pytest.approx(lp_value, rel=1e-5, abs=1e-7)
    # Weak duality: any prices at all bound the LP (and so every plan) from above.
    rng = np.random.default_rng(case["seed"])
    for _ in range(20):
        prices = rng.exponential(0.3, dual.dim)
        prices[dual.m :] = np.minimum(prices[dual.m :], dual.weight)
        assert dual.evaluate(prices).value >= lp_value - 1e-9


@pytest.mark.parametrize("case", CASES, ids=[str(c["seed"]) for c in CASES])
def test_structured_plan_keeps_every_rule_and_matches_the_exact_milp(case, monkeypatch):
    small_cores(monkeypatch)
    wb = random_workbook(300, **case)
    exact = solve(wb, method="milp", mip_gap=1e-3, time_limit=60, baselines=False)
    fast = solve(wb, method="structured", mip_gap=1e-3, time_limit=60, baselines=False)
    assert exact.status == "optimal"
    assert fast.status == "optimal", fast.message
    assert fast.method.startswith("structured")
    ev = evaluate_plan(wb, fast.choices)
    assert ev.feasible, ev.violations
    assert fast.objective == pytest.approx(ev.objective, abs=1e-12)
    # The bound is proven (no plan beats it) and the plan is within the gap of it.
    assert fast.bound >= exact.objective - 1e-6
    assert fast.gap <= 1e-3 + 1e-6
    # Both are within 0.1% of the optimum, so neither is more than that below the other.
    assert fast.objective >= exact.objective * (1 - 1e-3) - 1e-6
    assert exact.objective >= fast.objective * (1 - 1e-3) - 1e-6


def test_auto_uses_the_structured_method_above_the_threshold(monkeypatch):
    # optimizer.solve the module (the package exports the function under the same name)
    monkeypatch.setattr(importlib.import_module("optimizer.solve"), "STRUCTURED_MIN_VARS", 100)
    wb = random_workbook(300, seed=1)
    result = solve(wb, mip_gap=1e-3, time_limit=30, baselines=False)
    assert result.method.startswith("structured"), result.method
    assert result.status == "optimal" and evaluate_plan(wb, result.choices).feasible


def test_candidates_that_must_get_an_option_get_one(monkeypatch):
    small_cores(monkeypatch)
    model = AllocationModel(random_workbook(200, seed=12, pool_share=0.2))
    lock = model.problem.lock.copy()
    lock[:5] = ANY_SLOT
    model.set_locks(lock)
    found = model.search(method="structured", mip_gap=1e-3, time_limit=30)
    assert found.slots is not None
    assert (found.slots[:5] > 0).all()
    assert is_feasible(model.problem, found.slots)


def test_dropping_supports_until_the_plan_keeps_every_rule():
    problem = compile_problem(random_workbook(400, seed=4, tightness=0.2, floors={"D1": 0.1}))
    everything = problem.valid.shape[1] - 1 - np.argmax(problem.valid[:, ::-1], axis=1)
    assert not is_feasible(problem, everything)
    kept = structured.drop_until_feasible(problem, everything)
    assert is_feasible(problem, kept)
    assert ((kept == everything) | (kept == 0)).all()
    assert (kept > 0).sum() > 0


def test_the_bound_of_the_structured_method_is_the_primary_bound_of_the_dual():
    model = AllocationModel(random_workbook(300, seed=2, n_locks=8, floors={"D1": 0.2}))
    dual = structured.Lagrangian(model.problem, model.form)
    best, _ = structured.minimise_dual(dual, tolerance=1e-9, deadline=float("inf"))
    found = model.search(method="structured", mip_gap=1e-3, time_limit=30)
    assert found.bound <= primary_bound(model.form, best.value) + 1e-9


def test_a_start_plan_is_the_first_incumbent(monkeypatch):
    # No core MIP at all: what comes back is the best of the start and the recovered plans.
    monkeypatch.setattr(structured, "core_mip", lambda *a, **k: ("no_solution", None, np.nan))
    wb = random_workbook(300, seed=2, n_locks=8, floors={"D1": 0.2}, pool_share=0.3)
    exact = solve(wb, method="milp", mip_gap=1e-4, time_limit=60, baselines=False)
    fast = solve(
        wb, method="structured", mip_gap=1e-3, time_limit=30, baselines=False, start=exact.choices
    )
    assert fast.objective >= exact.objective - 1e-9
    assert fast.status == "optimal", fast.message
    assert evaluate_plan(wb, fast.choices).feasible


def test_a_start_plan_that_breaks_a_rule_is_not_handed_back(monkeypatch):
    small_cores(monkeypatch)
    wb = random_workbook(300, seed=4, tightness=0.2, floors={"D1": 0.1})
    problem = compile_problem(wb)
    everything = problem.valid.shape[1] - 1 - np.argmax(problem.valid[:, ::-1], axis=1)
    assert not is_feasible(problem, everything)
    fast = solve(
        wb,
        method="structured",
        mip_gap=1e-3,
        time_limit=30,
        baselines=False,
        start=problem.choices_from_slots(everything),
    )
    assert fast.status == "optimal", fast.message
    assert evaluate_plan(wb, fast.choices).feasible


def test_a_re_solve_starts_from_the_previous_prices(monkeypatch):
    passes: list[int] = []
    search = structured.search_dual

    def counted(*args, **kwargs):
        found = search(*args, **kwargs)
        passes.append(found.iterations)
        return found

    monkeypatch.setattr(structured, "search_dual", counted)
    model = AllocationModel(random_workbook(2000, seed=7, n_locks=4, floors={"D1": 0.15}))
    assert model.dual_prices is None
    first = model.search(method="structured", mip_gap=1e-3, time_limit=30)
    assert model.dual_prices is not None and len(model.dual_prices) == len(
        model.form.row_kind
    ) + len(model.form.target_index)
    line = model.problem.fund_lines[0]
    model.set_budget(line, model.problem.amount[0] * 1.02)
    again = model.search(method="structured", mip_gap=1e-3, time_limit=30)
    assert first.status == again.status == "optimal"
    # warm prices: the second dual search needs fewer passes than the cold first one
    assert passes[1] < passes[0], passes


def test_the_master_recovers_a_plan_even_when_the_search_is_cut_short(monkeypatch):
    model = AllocationModel(random_workbook(300, seed=1))
    dual = structured.Lagrangian(model.problem, model.form)
    full = structured.search_dual(dual, tolerance=1e-9, deadline=float("inf"))
    assert full.recovered is not None
    choice, fractional, weight = full.recovered
    # an LP vertex has few fractional candidates: at most about one per priced row
    assert fractional.sum() <= 3 * dual.dim
    assert ((weight > 0) & (weight <= 1 + 1e-9)).all()
    monkeypatch.setattr(structured, "MAX_ITERATIONS", 5)
    short = structured.search_dual(dual, tolerance=1e-9, deadline=float("inf"))
    assert short.iterations == 5 and short.recovered is not None
