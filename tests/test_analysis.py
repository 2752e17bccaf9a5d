"""Decision analytics: every number they state is re-checked here by a direct re-solve."""

from __future__ import annotations

import numpy as np
import pytest

from data.workbook import validate_tables
from optimizer import solve
from optimizer.analysis import (
    PlanModel,
    explain_candidate,
    frontier,
    lock_prices,
    marginal_values,
    robustness,
)
from optimizer.analysis.common import limit_step, nice_number
from optimizer.instances import random_workbook
from optimizer.quiet import quiet_stdout
from tests.conftest import raw_from_csv
from tests.test_analysis_model import LINEAR_SHEETS, linear_workbook


def direct(wb, **limits) -> float:
    """Weighted attainment of a fresh exact solve of a modified copy of the workbook."""
    wb = wb.copy()
    for line, amount in limits.get("budgets", {}).items():
        wb.budgets.loc[wb.budgets["fund_line"] == line, "amount"] = amount
    for res, cap in limits.get("capacities", {}).items():
        wb.resources.loc[wb.resources["resource"] == res, "capacity"] = cap
    return PlanModel(wb, mip_gap=0).solve().attainment


@pytest.fixture(scope="module")
def random_wb():
    return random_workbook(40, seed=7, n_fund_lines=3, n_resources=2, n_targets=3, n_locks=2)


def test_nice_steps():
    assert nice_number(437) == 500
    assert nice_number(100) == 100
    assert nice_number(13.2) == 10
    assert limit_step(2000, 50) == 100  # 5% of a 2,000 万元 line
    assert limit_step(200, 3) == 10  # 10 staff days on 200
    assert limit_step(2000 * 1.0, 0) == 100  # 100 mu on 2,000
    assert limit_step(0, 37) == 50  # an empty line steps by about one option
    assert limit_step(10, 1) == 1  # never below one unit


def test_marginal_values_by_hand():
    mv = marginal_values(linear_workbook(), mip_gap=0)
    row = mv.table.set_index("name").loc["fund"]
    assert row["step"] == 1  # 5% of 10 万元, at least 1 万元
    assert row["gain_up"] == pytest.approx(0.0)  # 11 万元 buys nothing more than 10
    # 9 万元: A no longer fits; C (0.2 expected) is the best left
    assert row["loss_down"] == pytest.approx((0.5 - 0.2) / 10)
    assert row["expected_down:firms"] == pytest.approx(-0.3)
    assert row["points_down"] == pytest.approx(100 * 0.03)
    # The LP estimate on the same 0–100 scale as the re-solves.
    assert row["points_lp"] == pytest.approx(
        row["lp_per_step"] * row["points_down"] / row["loss_down"]
    )
    staff = mv.table.set_index("name").loc["staff"]
    assert staff["gain_up"] == pytest.approx(0.0) and staff["loss_down"] == pytest.approx(0.0)
    js = mv.to_json()
    assert js["limits"][0]["delta_attainment_down"] == pytest.approx(-0.03)


def test_marginal_values_agree_with_direct_resolves(random_wb):
    mv = marginal_values(random_wb, mip_gap=0)
    base = PlanModel(random_wb, mip_gap=0).solve().attainment
    assert mv.base.attainment == pytest.approx(base, abs=1e-9)
    for rec in mv.table.to_dict("records"):
        key = "budgets" if rec["kind"] == "fund_line" else "capacities"
        up = direct(random_wb, **{key: {rec["name"]: rec["current"] + rec["step"]}})
        down = direct(random_wb, **{key: {rec["name"]: rec["current"] - rec["step_down"]}})
        assert rec["gain_up"] == pytest.approx(up - base, abs=1e-9)
        assert rec["loss_down"] == pytest.approx(base - down, abs=1e-9)
        assert rec["gain_up"] >= 0 and rec["loss_down"] >= 0
        # the LP cross-check is an upper estimate scale of the same thing, never negative
        assert rec["lp_price"] >= -1e-9


def test_marginal_agrees_with_the_optimizer_itself(random_wb):
    mv = marginal_values(random_wb, mip_gap=0, lp_check=False)
    rec = mv.table.iloc[0]
    wb = random_wb.copy()
    wb.budgets.loc[0, "amount"] = rec["current"] + rec["step"]
    with quiet_stdout():
        ref = solve(wb, mip_gap=0, baselines=False, method="milp")
    assert rec["attainment_up"] == pytest.approx(ref.objective, abs=1e-7)


def test_frontier_never_falls_and_reports_progress(random_wb):
    calls = []
    fr = frontier(random_wb, points_count=21, progress=lambda d, t: calls.append((d, t)))
    # 21 evenly spaced points (7.5% apart) and today's budget, which is not on that grid
    assert calls == [(k, 22) for k in range(1, 23)]
    table = fr.table
    assert len(table) == 22
    assert table["scale"].iloc[0] == 0 and table["scale"].iloc[-1] == pytest.approx(1.5)
    feasible = table[table["status"] != "infeasible"]
    assert len(feasible) >= 10  # below about half, locks and entitlement reserves do not fit
    assert np.all(np.diff(feasible["attainment"].to_numpy()) >= -1e-12)
    assert np.all(np.diff(feasible["value"].to_numpy()) > 0)
    # scale 1.0 is today's plan
    today = table.loc[np.isclose(table["scale"], 1.0)].iloc[0]
    exact = PlanModel(random_wb, mip_gap=0).solve().attainment
    assert today["attainment"] <= exact + 1e-9
    assert today["attainment"] >= exact * (1 - 1e-3) - 1e-9
    js = fr.to_json()
    assert len(js["points"]) == 22 and set(js["points"][0]["expected"]) == set(fr.targets)


def test_frontier_of_one_line_and_one_resource(random_wb):
    for scope in ("fund_1", "res_1"):
        fr = frontier(random_wb, scope=scope, points_count=6, mip_gap=0)
        feasible = fr.table[fr.table["status"] != "infeasible"]
        assert np.all(np.diff(feasible["attainment"].to_numpy()) >= -1e-12)
        last = fr.table.iloc[-1]
        key = "budgets" if scope.startswith("fund") else "capacities"
        assert last["attainment"] == pytest.approx(
            direct(random_wb, **{key: {scope: last["value"]}}), abs=1e-9
        )
    with pytest.raises(ValueError):
        frontier(random_wb, scope="nonsense")


def test_frontier_keeps_the_previous_plan_when_the_solver_does_worse():
    """A deliberately loose gap: the carried plan keeps the frontier from falling."""
    wb = random_workbook(150, seed=11, n_fund_lines=2, n_resources=1, n_targets=2)
    fr = frontier(wb, points_count=31, mip_gap=0.05)
    feasible = fr.table[fr.table["status"] != "infeasible"]
    assert np.all(np.diff(feasible["attainment"].to_numpy()) >= -1e-12)


def test_frontier_keeps_entitlements_by_default_and_says_why_a_point_has_no_plan():
    """Entitlements are owed at any budget: by default only the money above them scales."""
    # D (no options) holds an award of 40 万元 at base probability 0.2: 8 万元 reserve on "awards"
    wb = linear_workbook(
        budgets="fund_line,amount,pooled\nfund,11,N\nawards,10,N\n",
        candidates=(
            "candidate_id,name,kind,district,base_probability,award,award_line\n"
            "A,甲,enterprise,环翠区,0.1,,\n"
            "B,乙,enterprise,文登区,0.1,,\n"
            "C,丙,enterprise,文登区,0.1,,\n"
            "D,丁,enterprise,文登区,0.2,40,awards\n"
        ),
    )
    kept = frontier(wb, points_count=3, mip_gap=0)  # scales 0, 0.75, 1 (today), 1.5
    assert kept.committed == {"fund": 0.0, "awards": pytest.approx(8.0)}
    table = kept.table
    assert (table["status"] != "infeasible").all() and (table["note_en"] == "").all()
    # scale 0: awards 8 (the reserve), fund 0: do nothing, 0.3 expected of a goal of 10
    assert table["total_budget"].iloc[0] == pytest.approx(8.0)
    assert table["attainment"].iloc[0] == pytest.approx(0.03)
    # scale 0.75: fund 8.25 buys C (0.3 for 5); awards 8 + 0.75 × 2
    assert table["total_budget"].iloc[1] == pytest.approx(8.25 + 9.5)
    assert table["attainment"].iloc[1] == pytest.approx(0.05)

    scaled = frontier(wb, points_count=3, mip_gap=0, entitlements="scaled")
    table = scaled.table
    assert list(table["status"].iloc[:2]) == ["infeasible", "infeasible"]
    assert "cannot cover the entitlements" in table["note_en"].iloc[1]
    assert (
        "needs 8 万元" in table["note_en"].iloc[1]
        and "holds 8 万元" not in table["note_en"].iloc[1]
    )
    assert "兑现准备金" in table["note_zh"].iloc[0]
    assert list(table["note_en"].iloc[2:]) == ["", ""]
    # today and 150% agree either way (150%: A and C, 15 of 16.5 万元)
    assert np.allclose(table["attainment"].iloc[2:], kept.table["attainment"].iloc[2:])
    assert table["attainment"].iloc[-1] == pytest.approx((0.6 + 0.1 + 0.3) / 10)
    with pytest.raises(ValueError):
        frontier(wb, entitlements="sometimes")


def test_what_it_would_take_by_hand():
    wb = linear_workbook()
    ex = explain_candidate(wb, "B", mip_gap=0)
    assert not ex.funded and ex.considered_option == "coaching"
    assert ex.fund_line == "fund" and ex.money == pytest.approx(10)
    # with 15: A and C; with 20: A and B (0.8 > A and C's 0.7)
    assert ex.takes == 10 and ex.takes_checked_below == 9
    assert ex.limit == "fund" and ex.limit_kind == "fund_line"
    # forcing B in: the best plan with B uses its 10 万元 → lose A's 0.5, gain B's 0.3
    assert ex.forced_loss == pytest.approx((0.5 - 0.3) / 10)
    assert ex.forced_option == "coaching"
    assert [c["candidate_id"] for c in ex.changes] == ["A"]
    assert ex.per_100 == pytest.approx(100 * (0.3 / 10) / 10 * 100)
    assert ex.cutoff_per_100 == pytest.approx(100 * (0.5 / 10) / 10 * 100)
    assert any("10 万元 more" in s for s in ex.sentences["en"])
    assert any("增加10万元即可入选" in s for s in ex.sentences["zh"])

    funded = explain_candidate(wb, "A", mip_gap=0)
    assert funded.funded and funded.option == "coaching"
    assert funded.drop_loss == pytest.approx((0.5 - 0.3) / 10)  # B takes its place
    assert funded.takes is None


@pytest.mark.parametrize("where", ["lp", "low", "high", "middle"])
def test_what_it_would_take_is_minimal(random_wb, monkeypatch, where):
    # The narrowing starts from where the LP relaxation takes the candidate ("lp"); wherever inside
    # the bracket that step lies (forced low, high, in the middle), the walk out from it and the
    # bisection end on a Δ that funds it and a Δ − 1 that does not (both re-solved afresh).
    import optimizer.analysis.explain as explain

    used = []
    if where != "lp":

        def guess(model, candidate_id, limit, amount, resolution, lo, hi):
            step = {"low": lo + 1, "high": hi - 1, "middle": (lo + hi) // 2}[where]
            used.append((lo, step, hi))
            return step

        monkeypatch.setattr(explain, "_lp_threshold", guess)
    model = PlanModel(random_wb, mip_gap=0)
    base = model.solve()
    unfunded = [c for c in model.candidate_ids if not base.funded(c)]
    unfunded = [c for c in unfunded if c not in model.base_locks]
    checked = 0
    for cand in unfunded[:6]:
        ex = explain_candidate(model, cand, base=base)
        if ex.takes is None or ex.takes == 0 or ex.fund_line is None:
            continue
        amount = model.budgets_dict()[ex.fund_line]
        fresh = PlanModel(random_wb, mip_gap=0)
        at = fresh.solve(budgets={ex.fund_line: amount + ex.takes}, warm_start=base.selected)
        below = fresh.solve(budgets={ex.fund_line: amount + ex.takes - 1}, warm_start=base.selected)
        assert at.funded(cand)
        assert not below.funded(cand)
        # forced in: equals the difference of two solves
        forced = fresh.solve(locks={**model.base_locks, cand: ex.forced_option})
        assert ex.forced_loss == pytest.approx(base.attainment - forced.attainment, abs=1e-9)
        checked += 1
    assert checked >= 2
    assert where == "lp" or used  # the forced step was asked for and used


def test_lp_threshold_is_where_the_relaxation_takes_the_candidate(random_wb):
    from optimizer.analysis.explain import _lp_threshold

    model = PlanModel(random_wb, mip_gap=0)
    base = model.solve()
    found = 0
    for cand in [c for c in model.candidate_ids if not base.funded(c)][:8]:
        for line, amount in model.budgets_dict().items():
            top = int(4 * amount) + 2
            step = _lp_threshold(model, cand, line, amount, 1.0, 0, top)
            if step is None:
                continue
            found += 1
            assert 0 < step < top
            assert model.lp_support(cand, budgets={line: amount + step}) >= 0.5
            assert model.lp_support(cand, budgets={line: amount + step - 1}) < 0.5
    assert found >= 1


def test_lock_prices_equal_difference_of_two_solves(random_wb):
    lp = lock_prices(random_wb, mip_gap=0)
    assert len(lp.table) == len(random_wb.locks) + 1  # each lock, then all together
    for rec in lp.table.to_dict("records"):
        wb = random_wb.copy()
        if rec["candidate_id"] == "*":
            wb.locks = wb.locks.iloc[0:0]
        else:
            wb.locks = wb.locks[wb.locks["candidate_id"] != rec["candidate_id"]]
        without = PlanModel(wb, mip_gap=0).solve().attainment
        with_ = PlanModel(random_wb, mip_gap=0).solve().attainment
        assert rec["price"] == pytest.approx(without - with_, abs=1e-9)
        assert rec["price"] >= 0
        assert rec["sentence_en"] and rec["sentence_zh"]


def test_lock_price_by_hand():
    wb = linear_workbook(locks="candidate_id,option\nB,coaching\n")
    lp = lock_prices(wb, mip_gap=0)
    rec = lp.table.iloc[0]
    assert rec["price"] == pytest.approx((0.5 - 0.3) / 10)
    assert rec["changes"] == [
        {"candidate_id": "A", "name": "甲", "before": "none", "after": "coaching"}
    ]
    assert "甲（none→coaching）" in rec["sentence_zh"]
    # explaining a locked candidate says so and does not search
    ex = explain_candidate(wb, "B", mip_gap=0)
    assert ex.locked == "coaching" and ex.drop_loss is None
    assert "locked by leadership" in ex.sentences["en"][0]


def test_robustness_is_seeded_and_classifies(random_wb):
    calls = []
    a = robustness(random_wb, samples=8, seed=5, progress=lambda d, t: calls.append(d))
    b = robustness(random_wb, samples=8, seed=5)
    assert calls == list(range(1, 9))
    assert a.candidates["share_funded"].tolist() == b.candidates["share_funded"].tolist()
    share = a.candidates["share_funded"]
    klass = a.candidates["class"]
    assert (klass[share >= 0.9] == "core").all()
    assert (klass[share <= 0.1] == "exterior").all()
    assert (klass[(share > 0.1) & (share < 0.9)] == "borderline").all()
    assert sum(a.counts().values()) == len(a.candidates)
    t = a.targets.iloc[0]
    assert t["expected_min"] <= t["expected_p10"] <= t["expected_median"] <= t["expected_max"]
    js = a.to_json()
    assert js["samples"] == 8 and "core" in js["counts"]
    # zero spread: every sample is the base plan
    still = robustness(random_wb, samples=3, spread=0.0, seed=1)
    funded = still.candidates["base_option"] != "none"
    assert (still.candidates.loc[funded, "class"] == "core").all()


def test_explain_unknown_candidate(random_wb):
    with pytest.raises(KeyError):
        explain_candidate(random_wb, "nobody")


def test_tiny_shared_workbook_end_to_end(tiny_workbook):
    """The shared tiny workbook (pooling, a lock, a floor, an award): every analysis runs."""
    mv = marginal_values(tiny_workbook, mip_gap=0)
    assert set(mv.table["name"]) == {"industry", "projects", "staff_days"}
    fr = frontier(tiny_workbook, points_count=7, mip_gap=0)  # 0, 25%, ..., 150%: today is on it
    assert len(fr.table) == 7
    for cand in tiny_workbook.candidates["candidate_id"]:
        ex = explain_candidate(tiny_workbook, cand, mip_gap=0)
        assert ex.sentences["zh"] and ex.sentences["en"]
    lp = lock_prices(tiny_workbook, mip_gap=0)
    assert len(lp.table) == 1


def test_raw_sheet_helper_is_shared():
    # the linear case is built from the same inline CSV helper as the shared fixtures
    assert raw_from_csv(LINEAR_SHEETS["budgets"]).iloc[0]["fund_line"] == "fund"
    assert validate_tables({k: raw_from_csv(v) for k, v in LINEAR_SHEETS.items()}) is not None


def test_year_swings_keep_each_probability_on_average():
    from scipy.stats import norm

    from optimizer.analysis.robustness import year_conditioned

    p = np.array([0.0, 0.05, 0.3, 0.7, 0.99, 1.0])
    assert np.array_equal(year_conditioned(p, 1.3, 0.0), p)
    # E_z[p | z] = p (Gauss–Hermite quadrature over z ~ N(0, 1))
    z, w = np.polynomial.hermite_e.hermegauss(60)
    mean = sum(wk * year_conditioned(p, zk, 0.4) for zk, wk in zip(z, w, strict=True)) / w.sum()
    assert mean == pytest.approx(p, abs=1e-6)
    bad_year = year_conditioned(p, 2.0, 0.4)  # z > 0: a bad year lowers every probability
    assert bad_year[0] == 0.0 and bad_year[-1] == 1.0
    assert (bad_year[1:-1] < p[1:-1]).all()
    expected = norm.cdf((norm.ppf(0.3) - np.sqrt(0.4) * 2.0) / np.sqrt(0.6))
    assert bad_year[2] == pytest.approx(expected)


def test_robustness_in_money_and_goals(random_wb):
    rb = robustness(random_wb, samples=6, seed=3)
    money = rb.money()
    c = rb.candidates
    assert money["total"] == pytest.approx(c["money"].sum())
    assert money["in_doubt"] == pytest.approx(c.loc[c["class"] != "core", "money"].sum())
    assert (c.loc[c["base_option"] == "none", "money"] == 0).all()
    assert ((rb.targets["samples_met"] >= 0) & (rb.targets["samples_met"] <= 6)).all()
    js = rb.to_json()
    assert set(js["goals_met"]) == set(rb.targets["target"]) and js["correlation"] == 0.0
    assert js["money"]["in_doubt"] == pytest.approx(money["in_doubt"])
    # no spread, no correlation: every sample is today's plan at today's probabilities
    still = robustness(random_wb, samples=2, spread=0.0, seed=1)
    met = still.base.expected
    for rec in still.targets.to_dict("records"):
        assert rec["samples_met"] == (2 if met[rec["target"]] >= rec["goal"] - 1e-9 else 0)


def test_robustness_correlation_from_the_workbook_or_the_call(random_wb):
    wb = random_wb.copy()
    wb.settings["correlation"] = 0.3
    from_settings = robustness(wb, samples=4, seed=2)
    given = robustness(random_wb, samples=4, seed=2, correlation=0.3)
    assert from_settings.correlation == given.correlation == 0.3
    assert from_settings.candidates["share_funded"].tolist() == (
        given.candidates["share_funded"].tolist()
    )
    with pytest.raises(ValueError):
        robustness(random_wb, samples=1, correlation=1.0)


def test_analyses_give_the_same_answers_on_the_pool(random_wb):
    """The executor's local pool (2 workers) against this process: the same numbers."""
    from optimizer.executor import Executor

    pool = Executor(workers=2)
    model = PlanModel(random_wb, mip_gap=0)
    a = robustness(model, samples=4, seed=4, correlation=0.2)
    b = robustness(model, samples=4, seed=4, correlation=0.2, executor=pool)
    assert a.candidates.equals(b.candidates)
    assert a.targets.equals(b.targets)
    mv_a = marginal_values(model)
    mv_b = marginal_values(model, executor=pool)
    cols = ["gain_up", "loss_down", "lp_price"]
    assert np.allclose(mv_a.table[cols], mv_b.table[cols], atol=1e-9, equal_nan=True)
    calls = []
    fr_a = frontier(model, points_count=5)
    fr_b = frontier(model, points_count=5, executor=pool, progress=lambda d, t: calls.append(d))
    assert calls[-1] == len(fr_b.table)
    assert np.allclose(
        fr_a.table["attainment"], fr_b.table["attainment"], atol=1e-9, equal_nan=True
    )
    base = model.solve()
    for cand in [c for c in model.candidate_ids if not base.funded(c)][:2]:
        one = explain_candidate(model, cand, base=base)
        two = explain_candidate(model, cand, base=base, executor=pool)
        assert (one.takes, one.takes_checked_below) == (two.takes, two.takes_checked_below)


def test_robustness_draws_from_the_history_fit_when_there_is_one():
    """With a history sheet the probabilities move by the fit's own uncertainty: wider with less
    history, seeded, and `uncertainty="spread"` gives the samples of a workbook without history."""
    from optimizer.analysis.robustness import sample_probabilities
    from optimizer.analysis.uncertainty import fit_uncertainty
    from tests.test_calibrate import known_world

    wb = known_world(seed=2, years=5, per_year=400)
    model = PlanModel(wb)
    fit = fit_uncertainty(model)
    assert fit is not None and fit.covered.all()  # every candidate's rung has history
    few = known_world(seed=2, years=5, per_year=40)
    fit_few = fit_uncertainty(PlanModel(few))
    assert fit_few is not None

    def spread_of(f) -> float:
        rng = np.random.default_rng(0)
        return float(np.std([f.shifts(rng) for _ in range(200)], axis=0).mean())

    assert spread_of(fit_few) > 2 * spread_of(fit)  # ten times fewer rows: about √10 wider
    # the draws move log-odds around today's probabilities, 0 and 1 stay
    p = sample_probabilities(model, 200, 0.2, 0, 0.0, fit)
    assert np.allclose(np.median(p, axis=0), model.col_prob, atol=0.05)
    a = robustness(model, samples=3, seed=1)
    b = robustness(wb, samples=3, seed=1)
    assert a.uncertainty == "fit" and a.fit_share == 1.0
    assert a.candidates["share_funded"].tolist() == b.candidates["share_funded"].tolist()
    flat = robustness(model, samples=3, seed=1, uncertainty="spread")
    no_history = wb.copy()
    no_history.history = no_history.history.iloc[0:0]
    plain = robustness(no_history, samples=3, seed=1)
    assert flat.uncertainty == plain.uncertainty == "spread"
    assert flat.candidates["share_funded"].tolist() == plain.candidates["share_funded"].tolist()
    with pytest.raises(ValueError, match="history"):
        robustness(no_history, samples=1, uncertainty="fit")
    with pytest.raises(ValueError):
        robustness(model, samples=1, uncertainty="guess")


def test_robustness_summary_speaks_in_targets_and_money(random_wb):
    rb = robustness(random_wb, samples=5, seed=3)
    summary = rb.summary()
    money = rb.money()
    assert summary["kept"] == pytest.approx(money["core"])
    assert summary["kept"] + summary["in_doubt"] == pytest.approx(summary["total"])
    for row, rec in zip(summary["targets"], rb.targets.to_dict("records"), strict=True):
        assert row["assured"] == pytest.approx(rec["base_plan_expected_p10"])
        assert row["met"] == rec["samples_met"] and row["samples"] == 5
    js = rb.to_json()
    assert js["summary"]["total"] == pytest.approx(money["total"], rel=1e-6)
    assert js["uncertainty"] == "spread"


def test_marginal_skips_only_re_solves_that_return_todays_plan(random_wb):
    """A re-solve `marginal_values` does not run (today's plan fits one step less, or a duality
    bound keeps it within the gap one step more) returns today's plan when run after all."""
    from optimizer.analysis.marginal import _settled, _solve_at, plan_limits

    model = PlanModel(random_wb, mip_gap=0.02)
    base = model.solve()
    lp = model.solve_relaxation()
    settled = 0
    for lim in plan_limits(model):
        for value, up in ((lim.current + lim.step, True), (lim.current - lim.step, False)):
            if value < 0 or _settled(model, lim, value, up, base, lp) is None:
                continue
            settled += 1
            again = _solve_at(model, lim, value, warm_start=base)
            assert again.attainment == pytest.approx(base.attainment, abs=1e-12)
    assert settled >= 1


def test_explain_keeps_the_models_own_solver_and_locks(random_wb):
    """Forced-in and dropped re-solves run on the model's twin: the model's solver is not rebuilt
    (its LP stays hot for "what would it take"), and answers do not change."""
    model = PlanModel(random_wb, mip_gap=0)
    base = model.solve()
    own = model._model()
    highs = own.highs_model()
    funded = next(c for c in model.candidate_ids if base.funded(c) and c not in model.base_locks)
    unfunded = next(
        c for c in model.candidate_ids if not base.funded(c) and c not in model.base_locks
    )
    for cand in (funded, unfunded):
        ex = explain_candidate(model, cand, base=base)
        fresh = explain_candidate(PlanModel(random_wb, mip_gap=0), cand)
        assert (ex.drop_loss, ex.forced_loss) == pytest.approx((fresh.drop_loss, fresh.forced_loss))
    assert model._model() is own and own.highs_model() is highs


# --- robust3
def test_a_robustness_sample_is_one_search_at_the_models_gap(random_wb, monkeypatch):
    """A sample (a model with other probabilities) never gets today's plan's polish (a second
    search to 0.7 × the gap), even when its first search stops short of that, and it searches
    within `SAMPLE_TIME_LIMIT`."""
    from dataclasses import replace

    from optimizer.analysis.robustness import SAMPLE_TIME_LIMIT, _solve_sample
    from optimizer.solve import AllocationModel

    model = PlanModel(random_wb, mip_gap=1e-3)
    model.solve()
    real = AllocationModel.search
    calls = []

    def search(self, **kw):
        calls.append((kw["mip_gap"], kw["time_limit"]))
        found = real(self, **kw)
        # a plan just above 0.7 × the gap: today's plan would be polished from here
        return found if found.slots is None else replace(found, gap=9e-4)

    monkeypatch.setattr(AllocationModel, "search", search)
    factor = np.random.default_rng(3).uniform(0.8, 1.2, model.n_x)
    out = _solve_sample(model, (np.clip(model.col_prob * factor, 0, 1), None))
    assert out.feasible
    assert calls == [(1e-3, SAMPLE_TIME_LIMIT)]
    assert model.solve(locks=dict(model.base_locks)).attainment == pytest.approx(
        model.solve().attainment
    )  # naming today's locks is today's problem


def test_robustness_sends_one_sample_per_task_on_the_local_pool():
    """One sample per task on the local pool; on Dask (each task carries the model's bytes) and in
    this process, `map_jobs`' default chunks."""
    from optimizer.analysis.robustness import sample_chunks
    from optimizer.executor import Executor

    pool = Executor(workers=2)
    assert [list(c) for c in sample_chunks(3, pool)] == [[0], [1], [2]]
    assert sample_chunks(0, pool) == []
    assert sample_chunks(3, Executor("tcp://127.0.0.1:1")) is None  # no connection is made
    assert sample_chunks(3, Executor(workers=1)) is None


def test_highs_model_one_option_rows_match_the_candidates(random_wb):
    """The one-option rows built in whole arrays: one row per candidate with two or more option
    variables or that must get an option (`ANY_SLOT`: row = 1, empty when none is left), holding
    exactly that candidate's variables; a lone variable of a free candidate gets no row."""
    import copy

    from optimizer.model import HighsModel, linear_form
    from optimizer.problem import ANY_SLOT, compile_problem

    problem = copy.copy(compile_problem(random_wb))
    problem.lock = problem.lock.copy()
    free = np.nonzero(problem.lock < 0)[0]
    problem.lock[free[:3]] = ANY_SLOT
    form = linear_form(problem)
    # and one required candidate left without any option variable (its row is empty: infeasible)
    form.required = np.append(form.required, free[-1])
    keep = form.var_cand != free[-1]
    for name in ("var_cand", "var_slot", "coupling", "target_coef", "objective_x"):
        setattr(form, name, getattr(form, name)[keep])
    hm = HighsModel(problem, form)
    lp = hm.h.getLp()
    start = np.asarray(lp.a_matrix_.start_)
    index = np.asarray(lp.a_matrix_.index_)
    lower = np.asarray(lp.row_lower_)
    required = set(form.required.tolist())
    # The expected rows from a plain loop over the candidates (not from the code under test).
    by_candidate: dict[int, list[int]] = {}
    for j, cand in enumerate(form.var_cand.tolist()):
        by_candidate.setdefault(int(cand), []).append(j)
    expected = [
        (cols, 1.0 if cand in required else -np.inf)
        for cand, cols in sorted(by_candidate.items())
        if len(cols) > 1 or cand in required
    ] + [([], 1.0)]
    first = lp.num_row_ - len(expected)
    assert first == hm.n_coupling + len(form.target_index) + (1 if len(form.transfer_lines) else 0)
    got = [
        (
            sorted(
                index[start[r] : (start[r + 1] if r + 1 < lp.num_row_ else len(index))].tolist()
            ),
            float(lower[r]),
        )
        for r in range(first, lp.num_row_)
    ]
    assert got == expected
    for r, (members, _) in enumerate(expected):
        assert (hm.assign_row[members] == first + r).all()
    lone = np.ones(form.nv, dtype=bool)
    for members, _ in expected:
        lone[members] = False
    assert (hm.assign_row[lone] == -1).all()
