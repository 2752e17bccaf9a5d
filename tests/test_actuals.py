"""Re-planning from actuals, paid-on-success reserves and act_by (docs/workbook.md): the model and the odds."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from data.schema import Workbook
from optimizer import evaluate_plan, solve
from optimizer.evaluate import is_feasible
from optimizer.instances import random_workbook
from optimizer.model import EPS_BEYOND, EPS_SPEND
from optimizer.problem import compile_problem
from tests.brute import brute_force, workbook

# Two firms toward a count target on one line, an award line, and a project in another district.
BASE = dict(
    budgets="fund_line,amount,pooled\nservice,100,N\nawards,100,N",
    resources="resource,capacity\nstaff,10",
    targets="target,goal,weight\nfirms,2,1\nstarts,1,1",
    candidates=(
        "candidate_id,name,kind,district,base_probability,award,award_line\n"
        "F1,firm one,enterprise,East,0.3,40,awards\n"
        "F2,firm two,enterprise,East,0.2,0,\n"
        "P1,project,project,West,0.5,0,"
    ),
    contributions="candidate_id,target,value\nF1,firms,1\nF2,firms,1\nP1,starts,1",
    options=(
        "candidate_id,option,probability,fund_line,cost,staff\n"
        "F1,coach,0.6,service,30,2\n"
        "F2,coach,0.7,service,30,2\n"
        "F2,grant,0.9,service,80,1\n"
        "P1,handling,0.9,service,20,5"
    ),
)


def base(**changes: str) -> Workbook:
    return workbook(**{**BASE, **changes})


# --------------------------------------------------------------------------------------------------
# Actuals fix the option; money spent stays spent
# --------------------------------------------------------------------------------------------------


def test_an_actual_fixes_the_option_as_a_lock_does():
    wb = base(actuals="candidate_id,status,option\nF2,supported,grant")
    problem = compile_problem(wb)
    i = problem.candidate_ids.index("F2")
    assert problem.option_names[i][problem.lock[i]] == "grant"
    assert problem.status.tolist() == ["", "supported", ""]
    result = solve(wb, mip_gap=0.0)
    assert result.choices["F2"] == "grant"
    ev = evaluate_plan(wb, {**result.choices, "F2": "coach"})
    assert not ev.feasible
    assert any("locked to 'grant'" in v for v in ev.violations)


def test_money_spent_stays_spent_even_when_the_solver_would_rather_not():
    # Unhelpful support already given: F2's grant (80 万元) toward a goal a certain success meets.
    free = solve(base(), mip_gap=0.0)
    assert free.choices["F2"] != "grant"
    actuals = "candidate_id,status,option\nF2,supported,grant\nF1,supported,none"
    wb = base(actuals=actuals)
    result = solve(wb, mip_gap=0.0)
    assert result.choices["F2"] == "grant"
    service = result.fund_lines.set_index("fund_line").loc["service"]
    assert service["upfront"] >= 80.0
    # 20 万元 are left: P1's handling (20) fits, F1 is decided (none), nothing else can be bought.
    assert result.choices["P1"] == "handling"
    assert service["remaining"] == pytest.approx(0.0)
    # And the resource use of the actual counts against the capacity.
    assert result.resources.loc[0, "used"] == pytest.approx(1.0 + 5.0)


def test_failed_actual_still_pays_its_up_front_cost():
    wb = base(actuals="candidate_id,status,option\nF1,failed,coach")
    ev = evaluate_plan(wb, {"F1": "coach"})
    lines = ev.fund_lines.set_index("fund_line")
    assert lines.loc["service", "upfront"] == pytest.approx(30.0)
    assert lines.loc["awards", "reserve"] == pytest.approx(0.0)  # failed: nothing owed
    assert ev.allocation.set_index("candidate_id").loc["F1", "probability"] == 0.0


# --------------------------------------------------------------------------------------------------
# Achieved successes are certain
# --------------------------------------------------------------------------------------------------


def test_achieved_counts_in_expected_and_as_certain_in_p_meet():
    wb = base(actuals="candidate_id,status,option\nF1,succeeded,coach\nP1,succeeded,")
    ev = evaluate_plan(wb, {"F1": "coach"})
    targets = ev.targets.set_index("target")
    assert targets.loc["firms", "achieved"] == 1.0
    assert targets.loc["starts", "achieved"] == 1.0
    # firms: F1 certain + F2 at its base 0.2.
    assert targets.loc["firms", "expected"] == pytest.approx(1.2)
    assert targets.loc["firms", "p_meet"] == pytest.approx(0.2)
    assert targets.loc["starts", "p_meet"] == 1.0
    assert targets.loc["starts", "attainment"] == 1.0
    problem = compile_problem(wb)
    np.testing.assert_array_equal(problem.achieved, [1.0, 1.0])


def test_p_meet_with_certain_successes_matches_enumeration():
    # Poisson-binomial with p = 1 entries: the DP starts from the certain successes.
    wb = base(
        targets="target,goal,weight\nfirms,2,1\nstarts,1,1",
        actuals="candidate_id,status,option\nF1,succeeded,coach",
    )
    ev = evaluate_plan(wb, {"F2": "coach"})
    p = {"F1": 1.0, "F2": 0.7}
    truth = sum(
        np.prod([p[c] if x else 1 - p[c] for c, x in zip(p, xs, strict=True)])
        for xs in itertools.product([0, 1], repeat=2)
        if sum(xs) >= 2
    )
    assert ev.targets.set_index("target").loc["firms", "p_meet"] == pytest.approx(truth)


# --------------------------------------------------------------------------------------------------
# Reserves: succeeded whole, failed nothing, paid on success on the option's line
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reserve"),
    [("succeeded", 40.0), ("failed", 0.0), ("supported", 0.5 * 0.6 * 40.0)],
)
def test_award_reserve_follows_the_actual(status, reserve):
    settings = "key,value\naward_prudence,0.5"
    wb = base(settings=settings, actuals=f"candidate_id,status,option\nF1,{status},coach")
    ev = evaluate_plan(wb, {"F1": "coach"})
    assert ev.fund_lines.set_index("fund_line").loc["awards", "reserve"] == pytest.approx(reserve)
    assert ev.allocation.set_index("candidate_id").loc["F1", "reserve"] == pytest.approx(reserve)


def with_paid(paid: str, prob: str = "0.6", cost: str = "30") -> str:
    return (
        "candidate_id,option,probability,fund_line,cost,paid_on_success,staff\n"
        f"F1,coach,{prob},service,{cost},{paid},2\n"
        "F2,coach,0.7,service,30,,2\n"
        "F2,grant,0.9,service,80,,1\n"
        "P1,handling,0.9,service,20,,5"
    )


def test_paid_on_success_is_reserved_on_the_option_line():
    wb = base(options=with_paid("50"), settings="key,value\naward_prudence,0.5")
    ev = evaluate_plan(wb, {"F1": "coach"})
    lines = ev.fund_lines.set_index("fund_line")
    # min(1, 0.5 × 0.6) × 50 = 15 on service; the award reserve 0.3 × 40 = 12 on awards.
    assert lines.loc["service", "upfront"] == pytest.approx(30.0)
    assert lines.loc["service", "reserve"] == pytest.approx(15.0)
    assert lines.loc["service", "used"] == pytest.approx(45.0)
    assert lines.loc["awards", "reserve"] == pytest.approx(12.0)
    row = ev.allocation.set_index("candidate_id").loc["F1"]
    assert row["paid_on_success_reserve"] == pytest.approx(15.0)
    assert row["reserve"] == pytest.approx(27.0)
    assert ev.spending == pytest.approx(30.0)  # up-front only
    problem = compile_problem(wb)
    assert problem.fund_coef()[0, 1].tolist() == pytest.approx([45.0, 12.0])


@pytest.mark.parametrize(("status", "reserve"), [("succeeded", 50.0), ("failed", 0.0)])
def test_paid_on_success_reserve_follows_the_actual(status, reserve):
    wb = base(
        options=with_paid("50"),
        settings="key,value\naward_prudence,0.5",
        actuals=f"candidate_id,status,option\nF1,{status},coach",
    )
    ev = evaluate_plan(wb, {"F1": "coach"})
    assert ev.fund_lines.set_index("fund_line").loc["service", "reserve"] == pytest.approx(reserve)


def test_paid_on_success_decides_what_fits():
    # 100 on service: F1's coach (30 + 0.6 × 200 = 150) no longer fits; without it, it does.
    plain = solve(base(), mip_gap=0.0)
    assert plain.choices["F1"] == "coach"
    heavy = solve(base(options=with_paid("200")), mip_gap=0.0)
    assert heavy.choices["F1"] == "none"
    assert heavy.evaluation is not None and heavy.evaluation.feasible


def test_paid_on_success_is_not_up_front_money_for_floors():
    # West's floor: half of up-front money. F1's 30 + P1's 30 meet it exactly; F1's 100 万元 paid on
    # success would break it if it counted.
    options = (
        "candidate_id,option,probability,fund_line,cost,paid_on_success\n"
        "F1,coach,0.6,service,30,100\n"
        "P1,handling,0.9,service,30,0"
    )
    wb = base(
        budgets="fund_line,amount,pooled\nservice,1000,N\nawards,100,N",
        options=options,
        floors="district,min_share\nWest,0.5",
    )
    ev = evaluate_plan(wb, {"F1": "coach", "P1": "handling"})
    assert ev.feasible, ev.violations
    problem = compile_problem(wb)
    assert problem.floor_coef()[0, 1, 0] == pytest.approx(30.0 * (0 - 0.5))


def test_paid_on_success_on_the_limit_is_decided_exactly():
    # 0.1 × 30 is 3.0000000000000004 in floats and exactly 3 as written: 10 + 3 fits 13.
    options = (
        "candidate_id,option,probability,fund_line,cost,paid_on_success\nF2,coach,0.1,service,10,30"
    )
    fits = base(budgets="fund_line,amount,pooled\nservice,13,N\nawards,100,N", options=options)
    assert evaluate_plan(fits, {"F2": "coach"}).feasible
    short = base(
        budgets="fund_line,amount,pooled\nservice,12.9999,N\nawards,100,N", options=options
    )
    ev = evaluate_plan(short, {"F2": "coach"})
    assert not ev.feasible and "service" in ev.violations[0]


# --------------------------------------------------------------------------------------------------
# act_by
# --------------------------------------------------------------------------------------------------


def test_an_option_past_its_act_by_is_not_available():
    options = (
        "candidate_id,option,probability,fund_line,cost,staff,act_by\n"
        "F1,coach,0.6,service,30,2,2026-05-31\n"
        "F2,coach,0.7,service,30,2,2026-07-31\n"
        "F2,grant,0.9,service,80,1,\n"
        "P1,handling,0.9,service,20,5,2026-06-30"
    )
    late = base(options=options, settings="key,value\nas_of,2026-06-30")
    problem = compile_problem(late)
    valid = {
        (c, o): bool(problem.valid[i, k])
        for i, c in enumerate(problem.candidate_ids)
        for k, o in enumerate(problem.option_names[i])
    }
    assert valid[("F1", "coach")] is False  # act_by before as_of
    assert valid[("F2", "coach")] and valid[("F2", "grant")]
    assert valid[("P1", "handling")]  # the last day itself is still in time
    result = solve(late, mip_gap=0.0)
    assert result.choices["F1"] == "none"
    # Before the date, the same option is offered (and chosen: it is the best use of the money).
    early = base(options=options, settings="key,value\nas_of,2026-05-01")
    assert solve(early, mip_gap=0.0).choices["F1"] == "coach"
    # Without as_of, act_by changes nothing.
    assert compile_problem(base(options=options)).valid.sum() == compile_problem(base()).valid.sum()


def test_an_expired_option_recorded_in_actuals_stays():
    options = (
        "candidate_id,option,probability,fund_line,cost,staff,act_by\n"
        "F1,coach,0.6,service,30,2,2026-03-31\n"
        "F2,coach,0.7,service,30,2,\n"
        "P1,handling,0.9,service,20,5,"
    )
    wb = base(
        options=options,
        settings="key,value\nas_of,2026-06-30",
        actuals="candidate_id,status,option\nF1,supported,coach",
    )
    result = solve(wb, mip_gap=0.0)
    assert result.status == "optimal"
    assert result.choices["F1"] == "coach"


def test_last_months_plan_with_an_expired_option_is_a_start_not_an_error():
    """A re-plan starts from the plan in hand; an option gone since then starts as "none"."""
    options = (
        "candidate_id,option,probability,fund_line,cost,staff,act_by\n"
        "F1,coach,0.6,service,30,2,2026-05-31\n"
        "F2,coach,0.7,service,30,2,\n"
        "P1,handling,0.9,service,20,5,"
    )
    wb = base(options=options, settings="key,value\nas_of,2026-06-30")
    result = solve(wb, mip_gap=0.0, start={"F1": "coach", "F2": "coach", "P1": "handling"})
    assert result.status == "optimal"
    assert result.choices["F1"] == "none"
    assert result.objective == pytest.approx(solve(wb, mip_gap=0.0).objective)


def test_sampled_probabilities_leave_what_happened_certain():
    """Robustness and what-ifs change probabilities; a success or failure already recorded stays."""
    from optimizer.analysis.model import PlanModel

    wb = base(actuals="candidate_id,status,option\nF1,succeeded,coach\nP1,failed,none")
    model = PlanModel(wb)
    sampled = model.with_probabilities(np.full(len(model.col_prob), 0.5))
    problem = sampled.problem
    for cand, p in (("F1", 1.0), ("P1", 0.0)):
        i = problem.candidate_ids.index(cand)
        assert problem.prob[i, problem.lock[i]] == p
    i = problem.candidate_ids.index("F2")
    assert problem.prob[i, 0] == 0.5  # an open candidate takes the sampled value


# --------------------------------------------------------------------------------------------------
# Re-plans on random instances: every rule kept; the optimum on tiny ones (brute force)
# --------------------------------------------------------------------------------------------------


def random_replan(seed: int) -> Workbook:
    """A small random workbook with random paid-on-success amounts and random actuals."""
    rng = np.random.default_rng(1000 + seed)
    n = int(rng.integers(2, 6))
    wb = random_workbook(
        n,
        seed=seed,
        n_fund_lines=int(rng.integers(1, 3)),
        n_resources=int(rng.integers(0, 2)),
        n_targets=int(rng.integers(1, 3)),
        max_options=int(rng.integers(1, 3)),
        n_districts=2,
        tightness=float(rng.choice([0.2, 0.5, 1.0])),
        pool_share=float(rng.choice([0.0, 0.3])),
        award_prudence=float(rng.choice([0.5, 1.0, 2.0])),
        award_share=0.4,
        n_locks=int(rng.choice([0, 1])),
        floors={"D1": 0.2} if rng.random() < 0.3 else None,
        amount_targets=int(rng.integers(0, 2)),
    )
    options = wb.options.copy()
    paid = np.where(rng.random(len(options)) < 0.5, rng.choice([10.0, 40.0], len(options)), 0.0)
    options["paid_on_success"] = paid
    locked = set(wb.locks["candidate_id"])
    rows = []
    for cid in wb.candidates["candidate_id"]:
        if cid in locked or rng.random() < 0.5:
            continue
        mine = options.loc[options["candidate_id"] == cid, "option"].tolist()
        option = str(rng.choice(["none", *mine]))
        status = str(rng.choice(["supported", "succeeded", "failed"]))
        rows.append((cid, status, option, ""))
    actuals = pd.DataFrame(rows, columns=["candidate_id", "status", "option", "date"])
    return Workbook(
        budgets=wb.budgets,
        resources=wb.resources,
        targets=wb.targets,
        candidates=wb.candidates,
        contributions=wb.contributions,
        options=options,
        locks=wb.locks,
        floors=wb.floors,
        actuals=actuals,
        settings=wb.settings,
    )


def test_the_brute_force_reads_actuals_paid_on_success_and_the_tie_breaks():
    """The one enumeration both optimizer test modules trust (tests/brute.py), checked by hand."""
    # F2 succeeded with coaching: fixed, counts 1. Best: coach F1 (0.6) and help P1 (0.9) on the
    # 100 万元 line (30 + 30 + 20) and 9 of 10 staff days: (0.6 + 1) / 2 + 0.9 = 1.7.
    replan = base(actuals="candidate_id,status,option\nF2,succeeded,coach")
    att, _beyond, spend, plan = brute_force(replan)  # type: ignore[misc]
    assert att == pytest.approx(1.7) and spend == pytest.approx(-80.0)
    assert plan == {"F1": "coach", "F2": "coach", "P1": "handling"}
    # 90 万元 paid on F1's success reserve 0.6 × 90 beside its 30 up front: no longer fits with
    # F2's 30, so F1 goes unhelped: (0.3 + 1) / 2 + 0.9.
    paid = base(options=with_paid("90"), actuals="candidate_id,status,option\nF2,succeeded,coach")
    att, _beyond, _spend, plan = brute_force(paid)  # type: ignore[misc]
    assert att == pytest.approx(1.55)
    assert plan == {"F1": "none", "F2": "coach", "P1": "handling"}
    # Both goals met without help (0.3 + 0.2 firms, 0.5 starts): more beyond the goals wins, then
    # less money (F2's coaching, as likely as the grant and 50 万元 cheaper).
    ties = base(
        budgets="fund_line,amount,pooled\nservice,1000,N\nawards,100,N",
        targets="target,goal,weight\nfirms,0.5,1\nstarts,0.5,1",
        options=(
            "candidate_id,option,probability,fund_line,cost,staff\n"
            "F1,coach,0.6,service,30,2\nF2,coach,0.9,service,30,2\n"
            "F2,grant,0.9,service,80,1\nP1,handling,0.9,service,20,5"
        ),
    )
    assert brute_force(ties) == (
        2.0,
        pytest.approx(4.8),
        -80.0,
        {"F1": "coach", "F2": "coach", "P1": "handling"},
    )
    # No plan keeps a line that its actuals already overspend.
    assert (
        brute_force(
            base(
                budgets="fund_line,amount,pooled\nservice,20,N\nawards,100,N",
                actuals="candidate_id,status,option\nF2,supported,grant",
            )
        )
        is None
    )


@pytest.mark.parametrize("method", ["auto", "structured"])
def test_replans_keep_every_rule_and_match_brute_force(method):
    """The structured method (large workbooks) keeps the same rules: actuals, reserves, act_by."""
    outcomes = {"optimal": 0, "infeasible": 0}
    decided = 0
    for seed in range(60):
        wb = random_replan(seed)
        decided += len(wb.actuals)
        truth = brute_force(wb)
        result = solve(wb, mip_gap=0.0, time_limit=20, method=method)
        if truth is None:
            assert result.status == "infeasible", (seed, result.choices)
            outcomes["infeasible"] += 1
            continue
        assert result.status == "optimal", (seed, result.message)
        ev = evaluate_plan(wb, result.choices)
        assert ev.feasible, (seed, ev.violations)
        problem = compile_problem(wb)
        assert is_feasible(problem, problem.slots_from_choices(result.choices))
        for cid, option in zip(wb.actuals["candidate_id"], wb.actuals["option"], strict=True):
            assert result.choices[cid] == option, seed
        w = float(wb.targets["weight"].sum()) or 1.0
        tol = (EPS_BEYOND + EPS_SPEND) * w + 1e-9
        assert result.objective == pytest.approx(truth[0], abs=tol), (seed, result.choices, truth)
        # The baselines keep the money rules too (the greedy one ignores floors only).
        for name, baseline in result.baselines.items():
            assert not [v for v in baseline.violations if v.startswith("Fund line")], (seed, name)
        outcomes["optimal"] += 1
    assert outcomes["optimal"] >= 30 and outcomes["infeasible"] >= 1, outcomes
    assert decided >= 40


def test_actuals_survive_the_workbook_round_trip(tmp_path):
    from data.workbook import read_workbook, workbooks_equal, write_workbook

    wb = base(
        options=with_paid("50"),
        actuals="candidate_id,status,option,date\nF1,succeeded,coach,2026-04-02\nP1,failed,,",
        settings="key,value\nas_of,2026-06-30\ncorrelation,0.3\nobjective,expected",
    )
    write_workbook(wb, tmp_path / "wb.xlsx")
    back = read_workbook(tmp_path / "wb.xlsx")
    assert workbooks_equal(back, wb)
    assert solve(back, mip_gap=0.0).choices == solve(wb, mip_gap=0.0).choices
