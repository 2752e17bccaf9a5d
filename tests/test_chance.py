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


def concentration_workbook():
    """Two count targets of goal 3, four firms each at 35 %, coaching (90 %) for four of the eight.

    The expected-attainment plan spreads the coaching two and two (each target expects 2.5 of 3;
    three and one would waste expected firms above the first goal); the chance of meeting a goal
    pays for concentration: four coached firms meet theirs 95 % of the time, two and two 43 %.
    """
    import io

    import pandas as pd

    from data.workbook import validate_tables

    firms = [f"{t}{i}" for t in "AB" for i in range(1, 5)]
    sheets = {
        "resources": "resource,capacity,unit\nstaff_days,20,day\n",
        "budgets": "fund_line,amount,pooled\nindustry,40,N\n",
        "targets": "target,goal,weight\na,3,1\nb,3,1\n",
        "candidates": "candidate_id,name,kind,district,base_probability\n"
        + "".join(f"{c},{c},enterprise,D,0.35\n" for c in firms),
        "contributions": "candidate_id,target,value\n"
        + "".join(f"{c},{c[0].lower()},1\n" for c in firms),
        "options": "candidate_id,option,probability,fund_line,cost\n"
        + "".join(f"{c},coaching,0.9,industry,10\n" for c in firms),
    }
    tables = {
        name: pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        for name, text in sheets.items()
    }
    return validate_tables(tables)


@pytest.mark.parametrize("rho", [0.0, 0.3])
def test_chance_plan_concentrates_where_concentration_pays(rho):
    problem = compile_problem(concentration_workbook())
    plan = chance_plan(problem, rho, time_limit=10)
    expected_slots = plan.expected_slots
    assert expected_slots is not None and plan.slots is not None
    # The expected plan: two and two; its weighted chance is what the plan reports it started from.
    coached = expected_slots > 0
    assert coached[:4].sum() == 2 and coached[4:].sum() == 2
    assert plan.expected_objective == pytest.approx(chance_objective(problem, expected_slots, rho))
    # The chance plan: all four on one target, the enumerated best, clearly above the expected plan.
    coached = plan.slots > 0
    assert sorted([int(coached[:4].sum()), int(coached[4:].sum())]) == [0, 4]
    assert plan.objective == pytest.approx(enumerate_best(problem, rho), abs=1e-9)
    assert plan.objective > plan.expected_objective + 0.09
    # It gives up expected firms on the other target for it (none in total: same four coached).
    table = compare_plans(problem, plan, rho)
    assert table["chance_plan_expected"].sum() == pytest.approx(
        table["expected_plan_expected"].sum()
    )
    assert plan.bound >= plan.objective


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


def test_the_command_line_skips_the_baselines_odds_as_its_json_shows_none():
    """`baseline_odds=False` (the command line's): the plan's p_meet under ρ as before, none for
    the baselines; the JSON is the same either way."""
    from optimizer.solve import solve

    wb = random_workbook(30, seed=5, n_targets=2, amount_targets=1)
    wb.settings["correlation"] = 0.3
    full = solve(wb, time_limit=5)
    lean = solve(wb, time_limit=5, baseline_odds=False)
    np.testing.assert_allclose(lean.targets["p_meet"], full.targets["p_meet"])
    nothing = lean.baselines["do_nothing"]
    assert "p_meet_independent" not in nothing.targets
    assert nothing.targets["p_meet"].isna().all()
    assert nothing.objective == full.baselines["do_nothing"].objective
    assert lean.to_json()["baselines"] == full.to_json()["baselines"]
