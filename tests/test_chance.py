"""The chance-aware plan (objective = chance) against enumeration of every plan on tiny instances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from optimizer.chance import chance_objective, chance_plan, compare_plans, target_odds
from optimizer.evaluate import is_feasible
from optimizer.instances import random_workbook
from optimizer.problem import compile_problem


def enumerate_best(problem, rho):
    """The best weighted chance over every plan that keeps the rules."""
    choices = [np.nonzero(problem.valid[i])[0] for i in range(problem.n)]
    best = -1.0
    for combo in itertools.product(*choices):
        slots = np.array(combo, dtype=np.int64)
        if is_feasible(problem, slots):
            best = max(best, chance_objective(problem, slots, rho))
    return best


@pytest.mark.parametrize(("seed", "rho"), [(s, r) for s in range(4) for r in (0.0, 0.3)])
def test_tiny_instances_reach_the_enumerated_best(seed, rho):
    wb = random_workbook(6, seed=seed, n_targets=2, max_options=2, tightness=0.35, amount_targets=0)
    problem = compile_problem(wb)
    # Goals near what the candidates can reach, so that the chance is neither 0 nor 1.
    problem.goal[:] = np.maximum(1.0, np.round(problem.values.sum(axis=0) * 0.5))
    plan = chance_plan(problem, rho, time_limit=20)
    best = enumerate_best(problem, rho)
    assert plan.slots is not None and is_feasible(problem, plan.slots)
    assert plan.objective == pytest.approx(best, abs=1e-9)
    assert plan.objective >= plan.expected_objective - 1e-12
    assert plan.bound >= best - 1e-9
    np.testing.assert_allclose(plan.p_meet, target_odds(problem, plan.slots, rho))


def test_chance_plan_no_worse_than_the_expected_plan_and_below_its_bound():
    # Two count targets under one budget, with year swings.
    wb = random_workbook(120, seed=3, n_targets=2, tightness=0.25, amount_targets=0)
    problem = compile_problem(wb)
    plan = chance_plan(problem, 0.1, time_limit=15)
    assert plan.objective >= plan.expected_objective
    assert plan.bound >= plan.objective
    table = compare_plans(problem, plan, 0.1)
    assert list(table.columns[:3]) == ["target", "goal", "weight"]
    weighted = (table["chance_plan_p_meet"] * table["weight"]).sum()
    assert weighted == pytest.approx(plan.objective)


def test_solve_and_command_line_use_the_chance_objective(tmp_path, capsys):
    import json

    from data.workbook import write_workbook
    from optimizer.cli import main
    from optimizer.solve import solve

    wb = random_workbook(30, seed=5, n_targets=2, amount_targets=1)
    wb.settings["objective"] = "chance"
    wb.settings["correlation"] = 0.2
    result = solve(wb, time_limit=5)
    problem = compile_problem(wb)
    slots = problem.slots_from_choices(result.choices)
    assert result.method == "chance"
    assert result.objective == pytest.approx(chance_objective(problem, slots, 0.2))
    np.testing.assert_allclose(result.targets["p_meet"], target_odds(problem, slots, 0.2))
    write_workbook(wb, tmp_path / "wb")
    assert main(["solve", str(tmp_path / "wb"), "--out", str(tmp_path / "a.csv")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "chance" and out["status"] in ("optimal", "feasible")
    # The run has a time limit, so its plan may differ from the one above: check it on its own.
    import pandas as pd

    allocation = pd.read_csv(tmp_path / "a.csv", dtype=str)
    cli_slots = problem.slots_from_choices(
        dict(zip(allocation.candidate_id, allocation.option, strict=True))
    )
    assert out["objective"] == pytest.approx(chance_objective(problem, cli_slots, 0.2), abs=1e-6)
    assert {"expected", "p_meet"} <= set(out["targets"][0])


def test_year_swings_apply_to_the_plan_and_its_baselines_with_the_independent_odds_kept():
    from optimizer.solve import solve

    wb = random_workbook(30, seed=5, n_targets=2, amount_targets=1)
    independent = solve(wb, time_limit=5)
    wb.settings["correlation"] = 0.3
    result = solve(wb, time_limit=5)
    problem = compile_problem(wb)
    slots = problem.slots_from_choices(result.choices)
    np.testing.assert_allclose(result.targets["p_meet"], target_odds(problem, slots, 0.3))
    np.testing.assert_allclose(
        result.targets["p_meet_independent"], target_odds(problem, slots, 0.0), atol=1e-9
    )
    # The change against no support compares like with like: both under the year swings.
    nothing = result.baselines["do_nothing"]
    none_slots = problem.slots_from_choices(nothing.choices)
    np.testing.assert_allclose(nothing.targets["p_meet"], target_odds(problem, none_slots, 0.3))
    assert independent.choices == result.choices  # ρ changes the odds, not the expected plan
