"""The analyses' re-solvable model: same optimum as optimizer.solve, feasible plans, dual signs."""

from __future__ import annotations

import dataclasses
import math

import highspy
import numpy as np
import pulp
import pytest

from data.workbook import validate_tables
from optimizer import evaluate_plan, solve
from optimizer.analysis import ANY_OPTION, PlanModel, pulp_shadow_price, shadow_price_from_highs
from optimizer.instances import random_workbook
from optimizer.quiet import quiet_stdout
from tests.conftest import raw_from_csv

# One fund line of 10 万元, one count target far from its goal (so attainment is linear): A's option
# buys 0.5 expected successes for 10 万元, B's 0.3 for 10 万元, C's 0.2 for 5 万元 (best per 万元
# after A's).
LINEAR_SHEETS = {
    "budgets": "fund_line,amount,pooled\nfund,10,N\n",
    "resources": "resource,capacity,unit\nstaff,100,day\n",
    "targets": "target,goal,weight,unit\nfirms,10,1,firms\n",
    "candidates": (
        "candidate_id,name,kind,district,base_probability,award,award_line\n"
        "A,甲,enterprise,环翠区,0.1,,\n"
        "B,乙,enterprise,文登区,0.1,,\n"
        "C,丙,enterprise,文登区,0.1,,\n"
    ),
    "contributions": "candidate_id,target,value\nA,firms,1\nB,firms,1\nC,firms,1\n",
    "options": (
        "candidate_id,option,probability,fund_line,cost,staff\n"
        "A,coaching,0.6,fund,10,1\n"
        "B,coaching,0.4,fund,10,1\n"
        "C,coaching,0.3,fund,5,1\n"
    ),
}


def linear_workbook(**changes: str):
    sheets = dict(LINEAR_SHEETS, **changes)
    return validate_tables({k: raw_from_csv(v) for k, v in sheets.items()})


def test_linear_case_by_hand():
    model = PlanModel(linear_workbook(), mip_gap=0)
    out = model.solve()
    # 10 万元: A alone (0.5 for 10) beats C alone (0.2 for 5, and B does not fit beside it)
    assert out.choices == {"A": "coaching"}
    assert out.attainment == pytest.approx((0.6 + 0.1 + 0.1) / 10)
    assert out.expected["firms"] == pytest.approx(0.8)
    more = model.solve(budgets={"fund": 15})
    assert more.choices == {"A": "coaching", "C": "coaching"}
    locked = model.solve(locks={"B": ANY_OPTION})
    assert locked.choices == {"B": "coaching"}
    none = model.solve(locks={"A": "none"})
    assert none.choices == {"B": "coaching"}  # 0.3 for 10 beats 0.2 for 5 with 5 unused
    assert model.solve(budgets={"fund": 0}).choices == {}
    assert model.solve(capacities={"staff": 0}).choices == {}


@pytest.mark.parametrize("seed", range(24))
def test_same_optimum_as_optimizer(seed):
    wb = random_workbook(
        10,
        seed=seed,
        n_locks=seed % 3,
        floors={"D1": 0.2} if seed % 4 == 1 else None,
        pool_share=0.2 if seed % 2 else 0.0,
        award_share=0.2,
    )
    with quiet_stdout():
        ref = solve(wb, mip_gap=0, baselines=False, method="milp")
    out = PlanModel(wb, mip_gap=0).solve()
    if ref.status == "infeasible":
        assert out.status == "infeasible" or not out.choices
        return
    assert out.status == "optimal"
    assert out.attainment == pytest.approx(ref.objective, abs=1e-7)
    check = evaluate_plan(wb, out.choices)
    assert check.feasible, check.violations
    assert check.objective == pytest.approx(out.attainment, abs=1e-9)


def test_core_path_on_a_larger_instance_is_within_the_gap():
    wb = random_workbook(400, seed=3, n_fund_lines=3, n_resources=2, n_targets=3)
    fast = PlanModel(wb, mip_gap=1e-3).solve()
    exact = PlanModel(wb, mip_gap=0).solve()
    assert fast.feasible and exact.status == "optimal"
    assert fast.attainment <= exact.attainment + 1e-9
    assert fast.attainment >= exact.attainment * (1 - 1e-3) - 1e-9
    assert fast.bound >= exact.attainment - 1e-6  # the LP bound certifies the gap
    assert evaluate_plan(wb, fast.choices).feasible


def test_resolves_stop_at_the_certified_gap_and_keep_every_rule():
    """Re-solves from a reference stop once within mip_gap of the LP bound, not before."""
    wb = random_workbook(400, seed=5, n_fund_lines=3, n_resources=2, n_targets=3)
    model = PlanModel(wb, mip_gap=5e-3)
    base = model.solve()
    line = model.fund_lines[0]
    for amount in (0.8 * model.amounts[0], 1.2 * model.amounts[0]):
        out = model.solve(budgets={line: amount}, warm_start=base)
        changed = wb.copy()
        changed.budgets.loc[changed.budgets["fund_line"] == line, "amount"] = amount
        exact = PlanModel(changed, mip_gap=0).solve()
        assert out.feasible and 0 <= out.gap <= 5e-3
        assert out.bound >= exact.attainment - 1e-6  # the bound it is measured against is valid
        assert exact.attainment * (1 - 5e-3) - 1e-9 <= out.attainment <= exact.attainment + 1e-9
        assert evaluate_plan(changed, out.choices).feasible


def test_todays_plan_is_solved_once_and_handed_out_as_a_copy():
    model = PlanModel(random_workbook(60, seed=2, n_fund_lines=2, n_resources=1, n_targets=2))
    first = model.solve()
    first.choices.clear()
    first.selected[:] = 0
    again = model.solve()
    assert again.choices and again.seconds == model._base_outcome.seconds
    assert (again.selected != 0).any()
    assert model.with_probabilities(model.col_prob)._base_outcome is None


def test_keep_if_better_never_returns_worse():
    model = PlanModel(linear_workbook(), mip_gap=0)
    better = model.solve(budgets={"fund": 20})
    worse_limits = model.solve(budgets={"fund": 30}, keep_if_better=better)
    assert worse_limits.attainment >= better.attainment


def test_highs_dual_sign_for_maximisation():
    """A binding ≤ row in a maximisation: HiGHS's dual is the gain per unit when posed as max."""
    wb = linear_workbook(
        budgets="fund_line,amount,pooled\nfund,12,N\n",
    )
    model = PlanModel(wb)
    lp = model.solve_relaxation()
    up = model.solve_relaxation(budgets={"fund": 13})
    down = model.solve_relaxation(budgets={"fund": 11})
    price = lp["fund_lines"]["fund"]
    assert price > 0
    # LP with fund 12: A fully, then 2 万元 of C at 0.04/万元 attainment... 0.2/5/10 = 0.004 per 万元
    assert price == pytest.approx(0.004, rel=1e-3)
    assert up["objective"] - lp["objective"] == pytest.approx(price, rel=1e-3)
    assert lp["objective"] - down["objective"] == pytest.approx(price, rel=1e-3)
    # the sign convention itself: a minimisation's dual is flipped
    assert shadow_price_from_highs(0.5, highspy.ObjSense.kMaximize) == 0.5
    assert shadow_price_from_highs(-0.5, highspy.ObjSense.kMinimize) == 0.5


def test_pulp_highs_pi_is_flipped_for_maximisation():
    """PuLP gives HiGHS ``min −f``: its ``pi`` for a binding ≤ row of a max problem is negative."""

    def solve_with(rhs: float) -> tuple[float, float]:
        prob = pulp.LpProblem("dual_sign", pulp.LpMaximize)
        x = prob.add_variable("x", 0, 3)
        y = prob.add_variable("y", 0)
        prob += 3 * x + 2 * y
        prob += x + y <= rhs, "budget"
        with quiet_stdout():
            prob.solve(pulp.HiGHS(msg=False))
        return pulp.value(prob.objective), prob.get_constraint_by_name("budget").pi

    objective, pi = solve_with(4)
    more, _ = solve_with(5)
    assert pi < 0  # the raw value has the wrong sign for a maximisation
    assert pulp_shadow_price(pi, maximise=True) == pytest.approx(more - objective)
    assert pulp_shadow_price(pi, maximise=True) == pytest.approx(2.0)


def test_pooled_line_price_includes_transfer_allowance():
    wb = linear_workbook(
        budgets="fund_line,amount,pooled\nfund,10,Y\nother,100,Y\n",
        settings="key,value\npool_share,0.1\n",
    )
    model = PlanModel(wb)
    lp = model.solve_relaxation()
    step = 1.0
    up = model.solve_relaxation(budgets={"other": 100 + step})
    assert (up["objective"] - lp["objective"]) / step == pytest.approx(
        lp["fund_lines"]["other"], rel=1e-3, abs=1e-9
    )
    assert lp["fund_lines"]["other"] > 0  # 10% of "other" may flow to "fund", which is short


def test_with_probabilities_and_unknown_lock():
    model = PlanModel(linear_workbook(), mip_gap=0)
    # make B's option the best value for money
    probs = model.col_prob.copy()
    probs[model.option_col[("B", "coaching")]] = 0.95
    other = model.with_probabilities(probs)
    assert other.solve().choices == {"B": "coaching"}
    assert model.solve().choices == {"A": "coaching"}  # the original is untouched
    with pytest.raises(ValueError, match="unknown option"):
        model.solve(locks={"A": "nonsense"})
    assert math.isnan(model.solve(budgets={"fund": -5}).attainment)
    assert np.all(model.reserve_per_column() == 0)


@pytest.mark.parametrize("seed", range(6))
def test_plan_check_is_the_evaluators(seed):
    """PlanModel checks a plan with the evaluator's rules: on random plans both say the same."""
    wb = random_workbook(
        12,
        seed=seed,
        floors={"D1": 0.2} if seed % 2 else None,
        pool_share=0.2 if seed % 3 else 0.0,
        award_share=0.3,
    )
    model = PlanModel(wb)
    rng = np.random.default_rng(seed)
    seen: set[bool] = set()
    for _ in range(40):
        # mostly "none", so that both kept and broken rules come up
        selected = np.array(
            [
                rng.integers(model.cand_start[i], model.cand_start[i + 1])
                if rng.random() < 0.3
                else model.cand_start[i]
                for i in range(model.n_candidates)
            ]
        )
        choices = model.evaluate_selected(selected).choices
        fits = model.plan_fits(selected, model.amounts, model.capacities, {})
        # no locks passed: compare with the evaluator on the workbook without its locks
        check = evaluate_plan(dataclasses.replace(wb, locks=wb.locks.iloc[0:0]), choices)
        assert fits == check.feasible, check.violations
        seen.add(fits)
    assert seen == {True, False}


@pytest.mark.parametrize("seed", range(4))
def test_any_option_lock_is_the_best_single_option_lock(seed):
    """``ANY_OPTION`` (any option but none) is one rule of the optimizer's model: forcing a candidate
    in is worth exactly the best of locking it to each of its options, and the plan keeps every rule."""
    wb = random_workbook(
        10, seed=seed, floors={"D1": 0.2} if seed % 2 else None, pool_share=0.2, award_share=0.2
    )
    model = PlanModel(wb, mip_gap=0)
    base = model.solve()
    for cand in [c for c in model.candidate_ids if c not in model.base_locks][:3]:
        forced = model.solve(locks={**model.base_locks, cand: ANY_OPTION})
        options = [o for (c, o) in model.option_col if c == cand and o != "none"]
        singles = [model.solve(locks={**model.base_locks, cand: o}) for o in options]
        feasible = [s.attainment for s in singles if s.feasible]
        if not feasible:
            assert not forced.feasible
            continue
        assert forced.feasible and forced.funded(cand)
        assert forced.attainment == pytest.approx(max(feasible), abs=1e-7)
        assert forced.attainment <= base.attainment + 1e-9
        check = evaluate_plan(wb, forced.choices)
        assert check.feasible, check.violations


def test_any_option_lock_in_the_evaluator():
    """A plan that leaves an ``ANY_SLOT`` candidate without support breaks a rule the evaluator names."""
    from optimizer.evaluate import evaluate_slots, is_feasible
    from optimizer.problem import ANY_SLOT, compile_problem

    problem = compile_problem(linear_workbook())
    problem.lock[1] = ANY_SLOT
    nothing = np.zeros(problem.n, dtype=np.int64)
    assert not is_feasible(problem, nothing)
    assert any(
        "locked to some support option" in v
        for v in evaluate_slots(problem, nothing, odds=False).violations
    )
    b_only = nothing.copy()
    b_only[1] = 1
    assert is_feasible(problem, b_only)


def test_lp_support_is_the_relaxations_share_of_a_candidate():
    # 10 万元 per support; A gives 0.5, C 0.2 for 5 万元, B 0.3: the LP funds A, then C, then B with
    # what is left (B is the weakest per 万元), so B's share grows by a tenth per 万元 above 15.
    model = PlanModel(linear_workbook(), mip_gap=0)
    assert [model.lp_support(c) for c in "ABC"] == pytest.approx([1, 0, 0])
    assert model.lp_support("B", budgets={"fund": 19}) == pytest.approx(0.4)
    assert model.lp_support("B", budgets={"fund": 25}) == pytest.approx(1.0)
    locked = PlanModel(linear_workbook(locks="candidate_id,option\nA,none\nC,coaching"), mip_gap=0)
    assert locked.lp_support("A", budgets={"fund": 100}) == 0.0
    assert locked.lp_support("C", budgets={"fund": 0}) == 1.0
