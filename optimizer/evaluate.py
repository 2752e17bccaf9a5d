"""Evaluation of any plan: expected results, odds of meeting each target, money and resource use, rule checks."""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from data.schema import Workbook
from optimizer.odds import prob_at_least
from optimizer.problem import (
    ANY_SLOT,
    FAILED,
    FEASIBILITY_TOL,
    SUCCEEDED,
    Problem,
    compile_problem,
)

if TYPE_CHECKING:
    import pandas as pd

TRANSFER_COLUMNS = ["from_line", "to_line", "amount"]


def _no_transfers() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(columns=TRANSFER_COLUMNS)


@dataclass
class PlanEvaluation:
    """A plan and everything docs/workbook.md's rules say about it.

    Attributes
    ----------
    choices : dict[str, str]
        Option per candidate (``"none"`` for no support), every candidate listed.
    objective : float
        Weighted expected attainment Σ_t weight_t × min(1, expected_t / goal_t).
    allocation, targets, fund_lines, resources, transfers : DataFrame
        Per candidate, per target, per fund line, per resource, and the money moved between pooled
        lines (``from_line, to_line, amount``: the least movement that covers every line). Per
        target: ``achieved`` (successes recorded in actuals), ``expected`` (achieved included) and
        ``p_meet`` (achieved successes certain). Per candidate: ``reserve`` (award and
        paid-on-success reserves), ``paid_on_success_reserve`` and the actuals ``status``.
    feasible : bool
        Whether every rule holds, exactly (a rule on its limit is decided in decimal arithmetic).
    violations : list[str]
        Each broken rule in words.
    """

    choices: dict[str, str]
    objective: float
    allocation: pd.DataFrame
    targets: pd.DataFrame
    fund_lines: pd.DataFrame
    resources: pd.DataFrame
    feasible: bool
    violations: list[str]
    transfers: pd.DataFrame = field(default_factory=_no_transfers)
    expected_beyond: float = 0.0  # Σ_t weight_t × expected_t / goal_t (the first tie-break)
    spending: float = 0.0  # total up-front cost (the second tie-break)


def fmt(x: float) -> str:
    """Money or a quantity as a planner reads it: at most two decimals, thousands separated."""
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def plan_scores(problem: Problem, slots: np.ndarray) -> tuple[float, float, float]:
    """(attainment, Σ weight × expected/goal, spending) of a plan: the objective and its tie-breaks."""
    p = problem.prob[np.arange(problem.n), slots]
    expected = p @ problem.values
    ratio = expected / problem.goal
    attainment = float(problem.weight @ np.minimum(1.0, ratio))
    beyond = float(problem.weight @ ratio)
    spending = float(problem.cost[np.arange(problem.n), slots].sum())
    return attainment, beyond, spending


def fund_needs(problem: Problem, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(up-front cost, reserves) per fund line under a plan (`Problem.fund_needs`)."""
    return problem.fund_needs(np.asarray(slots, dtype=np.int64))


def plan_transfers(
    problem: Problem, need: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[tuple[str, str, float]], float]:
    """The least money movement among pooled lines that covers each line's need.

    Returns inflow, outflow per line, the transfers ``(from, to, amount)`` and the shortfall left
    uncovered (0 when the plan's money works out). A line may give at most pool_share × its amount and
    only what it does not need itself; only pooled lines give or receive.
    """
    nf = len(problem.fund_lines)
    inflow, outflow = np.zeros(nf), np.zeros(nf)
    surplus = problem.amount - need
    can_pool = problem.pooled & (problem.pool_share > 0)
    givers = [
        [f, min(problem.pool_share * problem.amount[f], surplus[f])]
        for f in np.argsort(-surplus)
        if can_pool[f] and surplus[f] > 0
    ]
    transfers: list[tuple[str, str, float]] = []
    shortfall = 0.0
    for f in np.argsort(surplus):
        if surplus[f] >= -FEASIBILITY_TOL:
            break
        if not can_pool[f]:
            shortfall += -surplus[f]
            continue
        missing = -surplus[f]
        for g in givers:
            if missing <= 0:
                break
            moved = min(missing, g[1])
            if moved <= 0:
                continue
            g[1] -= moved
            missing -= moved
            inflow[f] += moved
            outflow[g[0]] += moved
            transfers.append((problem.fund_lines[g[0]], problem.fund_lines[f], moved))
        shortfall += max(0.0, missing)
    return inflow, outflow, transfers, shortfall


def evaluate_slots(problem: Problem, slots: np.ndarray, *, odds: bool = True) -> PlanEvaluation:
    """Evaluate a plan given as one slot per candidate (see `optimizer.problem`)."""
    import pandas as pd

    slots = np.asarray(slots, dtype=np.int64)
    rows = np.arange(problem.n)
    violations: list[str] = []
    bad_slot = ~problem.valid[rows, slots]
    if bad_slot.any():
        raise ValueError(
            f"{int(bad_slot.sum())} candidates have a choice that is not among their options"
        )

    p = problem.prob[rows, slots]
    cost = problem.cost[rows, slots]
    line = problem.line[rows, slots]
    award_reserve = problem.reserve[rows, slots]
    success_reserve = problem.success_reserve[rows, slots]
    attainment, beyond, spending = plan_scores(problem, slots)

    # Per target. A success recorded in actuals has probability 1, so it counts in the expectation
    # and as certain in the odds (docs/workbook.md, actuals).
    expected = p @ problem.values
    expected_base = problem.base_prob @ problem.values
    p_meet, methods = [], []
    for t in range(len(problem.targets)):
        if odds:
            pm, method = prob_at_least(problem.values[:, t], p, problem.goal[t])
        else:
            pm, method = float("nan"), ""
        p_meet.append(pm)
        methods.append(method)
    targets = pd.DataFrame(
        {
            "target": problem.targets,
            "unit": problem.target_units,
            "goal": problem.goal,
            "weight": problem.weight,
            "expected_base": expected_base,
            "achieved": problem.achieved,
            "expected": expected,
            "attainment": np.minimum(1.0, expected / problem.goal),
            "p_meet": p_meet,
            "p_meet_method": methods,
        }
    )

    # Fund lines and the transfers they need.
    upfront, reserve = fund_needs(problem, slots)
    need = upfront + reserve
    inflow, outflow, transfers, shortfall = plan_transfers(problem, need)
    available = problem.amount + inflow - outflow
    fund_lines = pd.DataFrame(
        {
            "fund_line": problem.fund_lines,
            "amount": problem.amount,
            "pooled": problem.pooled,
            "inflow": inflow,
            "outflow": outflow,
            "available": available,
            "upfront": upfront,
            "reserve": reserve,
            "used": need,
            "remaining": available - need,
        }
    )
    for f, name in enumerate(problem.fund_lines):
        short = need[f] - available[f]
        if short > FEASIBILITY_TOL:
            how = (
                "even after moving what pooled lines can spare"
                if problem.pooled[f] and problem.pool_share > 0
                else "and it cannot receive pooled money"
                if not problem.pooled[f]
                else "and pool_share is 0, so no money can move"
            )
            violations.append(
                f"Fund line {name} needs {fmt(need[f])} 万元 (up-front {fmt(upfront[f])}, reserves "
                f"for awards and payments on success {fmt(reserve[f])}) but has {fmt(available[f])} 万元 {how}: short by {fmt(short)} 万元."
            )

    # Resources.
    used = np.einsum("ir->r", problem.use[rows, slots]) if problem.resources else np.zeros(0)
    resources = pd.DataFrame(
        {
            "resource": problem.resources,
            "unit": problem.resource_units,
            "capacity": problem.capacity,
            "used": used,
            "remaining": problem.capacity - used,
        }
    )
    for r, name in enumerate(problem.resources):
        over = used[r] - problem.capacity[r]
        if over > FEASIBILITY_TOL:
            unit = f" {problem.resource_units[r]}" if problem.resource_units[r] else ""
            violations.append(
                f"Resource {name} is over-committed: {fmt(used[r])}{unit} used of {fmt(problem.capacity[r])}"
                f"{unit} (over by {fmt(over)}{unit})."
            )

    # Locks.
    locked = np.nonzero((problem.lock >= 0) & (problem.lock != slots))[0]
    for i in locked:
        violations.append(
            f"Candidate {problem.candidate_ids[i]} is locked to {problem.option_names[i][problem.lock[i]]!r} "
            f"but the plan gives it {problem.option_names[i][slots[i]]!r}."
        )
    for i in np.nonzero((problem.lock == ANY_SLOT) & (slots == 0))[0]:
        violations.append(
            f"Candidate {problem.candidate_ids[i]} is locked to some support option "
            "but the plan gives it none."
        )

    # District floors (up-front money only).
    for d, district in enumerate(problem.floor_districts):
        in_d = float(cost[problem.district_index == d].sum())
        required = problem.floor_share[d] * spending
        if required - in_d > FEASIBILITY_TOL:
            violations.append(
                f"District {district} gets {fmt(in_d)} 万元 of {fmt(spending)} 万元 up-front support "
                f"({in_d / spending:.1%}), below its floor of {problem.floor_share[d]:.1%} "
                f"(needs {fmt(required - in_d)} 万元 more)."
            )

    if not violations and np.any(rule_excess(problem, slots) >= -FEASIBILITY_TOL):
        # A rule sits on its limit (to float precision): decide it exactly.
        violations = exact_violations(problem, slots)

    # Every column at once (a column set after the frame is made costs more than building it):
    # a key given twice keeps its first place and its last value, as setting it again would.
    columns: dict[str, object] = {
        "candidate_id": problem.candidate_ids,
        "name": problem.names,
        "kind": problem.kinds,
        "district": problem.districts,
        "option": [problem.option_names[i][s] for i, s in enumerate(slots.tolist())],
        "probability": p,
        "base_probability": problem.base_prob,
        "fund_line": [problem.fund_lines[f] if f >= 0 else "" for f in line.tolist()],
        "cost": cost,
        "reserve": award_reserve + success_reserve,
    }
    use = problem.use[rows, slots]
    for r, name in enumerate(problem.resources):
        columns[name] = use[:, r]
    columns["award_line"] = [
        problem.fund_lines[f] if f >= 0 else "" for f in problem.award_line.tolist()
    ]
    columns["paid_on_success_reserve"] = success_reserve
    columns["status"] = problem.status.tolist()  # actuals; "" when not decided yet
    allocation = pd.DataFrame(columns)
    return PlanEvaluation(
        choices=problem.choices_from_slots(slots),
        objective=attainment,
        allocation=allocation,
        targets=targets,
        fund_lines=fund_lines,
        resources=resources,
        feasible=not violations,
        violations=violations,
        transfers=pd.DataFrame(transfers, columns=TRANSFER_COLUMNS),
        expected_beyond=beyond,
        spending=spending,
    )


def rule_excess(problem: Problem, slots: np.ndarray) -> np.ndarray:
    """How far a plan is over each rule, in floats (> 0 broken, ≤ 0 kept).

    One entry per fund line that cannot take pooled money (need − amount), one for the pooled lines
    together (Σ max(need − amount, −pool_share × amount)), one per resource (use − capacity) and one
    per district floor (min_share × all up-front money − the district's). Locks are not included.
    """
    rows = np.arange(problem.n)
    upfront, reserve = fund_needs(problem, slots)
    short = upfront + reserve - problem.amount
    can_pool = problem.pooled & (problem.pool_share > 0)
    parts = [short[~can_pool]]
    if can_pool.any():
        give = problem.pool_share * problem.amount[can_pool]
        parts.append(np.array([np.maximum(short[can_pool], -give).sum()]))
    if problem.resources:
        parts.append(problem.use[rows, slots].sum(axis=0) - problem.capacity)
    if problem.floor_districts:
        cost = problem.cost[rows, slots]
        in_floor = problem.district_index >= 0
        by_d = np.bincount(
            problem.district_index[in_floor],
            weights=cost[in_floor],
            minlength=len(problem.floor_districts),
        )
        parts.append(problem.floor_share * cost.sum() - by_d)
    return np.concatenate(parts) if parts else np.zeros(0)


# Exact decimal arithmetic. A float's shortest repr has at most 17 significant digits between 1e-324
# and 1e308, so no sum or product below needs more than about 700 digits; Inexact is trapped so that a
# rounding could never pass unseen.
_EXACT = decimal.Context(
    prec=1000, traps=[decimal.Inexact, decimal.Overflow, decimal.InvalidOperation]
)


def _exact(values: np.ndarray) -> list[decimal.Decimal]:
    """Numbers as the decimals they were written as (the shortest repr of each float), exactly."""
    return [decimal.Decimal(repr(v)) for v in np.asarray(values, dtype=float).tolist()]


def _exact_sum(values: np.ndarray, groups: np.ndarray, n_groups: int) -> list[decimal.Decimal]:
    """Σ values per group (groups[i] in 0..n_groups-1; negative = none), exactly."""
    totals = [decimal.Decimal(0)] * n_groups
    keep = (groups >= 0) & (values != 0)
    for g, v in zip(groups[keep].tolist(), _exact(values[keep]), strict=True):
        totals[g] = _EXACT.add(totals[g], v)
    return totals


def exact_violations(problem: Problem, slots: np.ndarray) -> list[str]:
    """The rules a plan breaks, decided in exact decimal arithmetic (no tolerance at all).

    Every workbook number is taken as the decimal it was written as, so 0.1 + 0.2 staff slots fit a
    capacity of 0.3, and 3.3333333 + 6.6666668 万元 do not fit 10. Slower than the float checks, so
    `is_feasible` and `evaluate_slots` call it only when a rule is within `FEASIBILITY_TOL` of binding.
    """
    p = problem
    lines = np.ones(len(p.fund_lines), dtype=bool)
    resources = np.ones(len(p.resources), dtype=bool)
    # The integer sums decide as the decimal ones do (tests/test_exact.py) in a fraction of the
    # time; only a plan that breaks a rule needs the decimal sums, which word the messages.
    if _scaled_tables(p) is not None and _exact_ok(p, slots, lines, resources, True):
        return []
    return _exact_check(p, slots, lines, resources, True)


def _exact_check(
    problem: Problem,
    slots: np.ndarray,
    lines: np.ndarray,
    resources: np.ndarray,
    floors: bool,
) -> list[str]:
    """`exact_violations` for the fund lines and resources marked in ``lines`` / ``resources``
    (a pooled line needs every pooled line) and, when ``floors``, the district floors: the exact sums
    are the slow part, so `is_feasible` asks only about the rules its float check left open."""
    p = problem
    rows = np.arange(p.n)
    cost = p.cost[rows, slots]
    nf = len(p.fund_lines)
    line = p.line[rows, slots]
    asked = (line >= 0) & lines[np.maximum(line, 0)] if nf else np.zeros(p.n, dtype=bool)
    need = _exact_sum(cost, np.where(asked, line, -1), nf)
    # Reserves (`Problem.reserve_share`): min(1, prudence × p) × owed, whole once succeeded, 0 once failed.
    award_asked = lines[np.maximum(p.award_line, 0)] if nf else np.zeros(p.n, dtype=bool)
    has_award = (p.award_line >= 0) & (p.award > 0) & award_asked
    paid = p.paid_on_success[rows, slots]
    has_paid = asked & (paid > 0)
    owing = np.nonzero(has_award | has_paid)[0]
    if len(owing):
        prudence = _exact(np.array([p.award_prudence]))[0]
        probs = _exact(p.prob[owing, slots[owing]])
        awards = _exact(p.award[owing])
        paids = _exact(paid[owing])
        for i, prob, award, owed in zip(owing.tolist(), probs, awards, paids, strict=True):
            if p.status[i] == SUCCEEDED:
                share = decimal.Decimal(1)
            elif p.status[i] == FAILED:
                share = decimal.Decimal(0)
            else:
                share = min(decimal.Decimal(1), _EXACT.multiply(prudence, prob))
            if has_award[i]:
                f = int(p.award_line[i])
                need[f] = _EXACT.add(need[f], _EXACT.multiply(share, award))
            if has_paid[i]:
                f = int(line[i])
                need[f] = _EXACT.add(need[f], _EXACT.multiply(share, owed))
    used = [decimal.Decimal(0)] * len(p.resources)
    if p.resources:
        use = p.use[rows, slots]
        for r in np.nonzero(resources)[0].tolist():
            used[r] = _exact_sum(use[:, r], np.zeros(p.n, dtype=np.int64), 1)[0]
    spent, by_district = decimal.Decimal(0), []
    if p.floor_districts and floors:
        spent = _exact_sum(cost, np.zeros(p.n, dtype=np.int64), 1)[0]
        by_district = _exact_sum(cost, p.district_index, len(p.floor_districts))
    return _verdicts(p, need, used, spent, by_district, lines, resources, floors)


def _verdicts(
    p: Problem,
    need: list[decimal.Decimal],
    used: list[decimal.Decimal],
    spent: decimal.Decimal,
    by_district: list[decimal.Decimal],
    lines: np.ndarray,
    resources: np.ndarray,
    floors: bool,
) -> list[str]:
    """The rules broken, from a plan's exact sums: money needed per fund line, resources used, all
    up-front money and each floor district's (only the entries ``lines``, ``resources`` and
    ``floors`` ask about are read). One decision for the decimal and the integer sums."""
    out: list[str] = []
    amounts = _exact(p.amount)
    pool_share = _exact(np.array([p.pool_share]))[0]
    pooled_sum = decimal.Decimal(0)
    for f, name in enumerate(p.fund_lines):
        if not lines[f]:
            continue
        short = _EXACT.subtract(need[f], amounts[f])
        if p.pooled[f] and pool_share > 0:
            give = _EXACT.multiply(pool_share, amounts[f])
            pooled_sum = _EXACT.add(pooled_sum, max(short, -give))
        elif short > 0:
            out.append(
                f"Fund line {name} needs {need[f]} 万元 but has {amounts[f]} 万元: over by {short} "
                "万元 (exact arithmetic)."
            )
    if pooled_sum > 0:
        out.append(
            "The pooled fund lines together need more than they have after moving what "
            f"pool_share allows: short by {pooled_sum} 万元 (exact arithmetic)."
        )
    if p.resources:
        capacity = _exact(p.capacity)
        for r, name in enumerate(p.resources):
            if resources[r] and used[r] > capacity[r]:
                out.append(
                    f"Resource {name} is over-committed: {used[r]} used of {capacity[r]} "
                    "(exact arithmetic)."
                )
    if p.floor_districts and floors:
        for d, (district, share) in enumerate(
            zip(p.floor_districts, _exact(p.floor_share), strict=True)
        ):
            required = _EXACT.multiply(share, spent)
            if by_district[d] < required:
                out.append(
                    f"District {district} gets {by_district[d]} 万元, below its floor of {required} "
                    "万元 (exact arithmetic)."
                )
    return out


def is_feasible(problem: Problem, slots: np.ndarray) -> bool:
    """Whether a plan keeps every rule (fast: no tables, no odds).

    Floats decide when a rule is clearly kept or clearly broken; a rule within `FEASIBILITY_TOL` of
    binding is decided exactly, every number taken as the decimal it was written as: in integer sums
    (`_exact_ok`), which decide as the decimal check (`exact_violations`) does.
    """
    if np.any((problem.lock >= 0) & (problem.lock != slots)):
        return False
    if np.any((problem.lock == ANY_SLOT) & (slots == 0)):
        return False
    excess = rule_excess(problem, slots)
    if np.any(excess > FEASIBILITY_TOL):
        return False
    near = excess >= -FEASIBILITY_TOL
    if not near.any():
        return True
    # Map the rules left open back to fund lines, resources and floors (rule_excess's order).
    can_pool = problem.pooled & (problem.pool_share > 0)
    lines = np.zeros(len(problem.fund_lines), dtype=bool)
    own = np.nonzero(~can_pool)[0]
    lines[own] = near[: len(own)]
    at = len(own)
    if can_pool.any():
        lines[can_pool] = near[at]
        at += 1
    resources = near[at : at + len(problem.resources)]
    floors = bool(near[at + len(problem.resources) :].any())
    return _exact_ok(problem, slots, lines, resources, floors)


# ---------------------------------------------------------------------------------------------
# The exact check in integers. A plan's sums are the slow part of `_exact_check` (a decimal per
# candidate, every call), and the search asks it dozens of times per re-solve because an optimised
# plan fills its limits. So each per-slot array is written once as integers at a power of ten —
# exactly the decimals its floats were written as — and a plan's sums are integer sums: int64 where
# workbook numbers allow (万元 to one or two places, staff days, probabilities to four decimals; the
# sums over all candidates then stay below 2^62), Python integers where they do not (a robustness
# sample's probabilities have 17 digits). Only numbers with more than `_MAX_PLACES` decimals (tiny
# values such as 1e-45) leave the decision to `_exact_check`.
_MAX_PLACES = 40
_INT_LIMIT = 2**62


@dataclass
class _ScaledTables:
    """A problem's numbers as integers × 10^−scale (`_scaled_tables`)."""

    scale: int  # line needs are integers × 10^-scale
    # each table int64, or Python ints (object) when its sums could pass 2^62
    own_need: np.ndarray  # (n, K): cost + paid-on-success reserve, on the slot's line
    award_need: np.ndarray  # (n, K): entitlement reserve, on the award line
    use_scale: int
    use: np.ndarray  # (n, K, R)
    cost_scale: int
    cost: np.ndarray  # (n, K), for the district floors


def _as_ints(values: np.ndarray) -> tuple[np.ndarray, int] | None:
    """The floats as integers at one power of ten, exactly the decimals of their shortest reprs:
    (ints, places) with value = int × 10^-places, as int64 where they fit, else as Python ints.
    None when a value needs more than `_MAX_PLACES` decimals or is not finite."""
    values = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(values)):
        return None
    quick = _as_ints_quick(values)
    if quick is not None:
        return quick
    unique, inverse = np.unique(values, return_inverse=True)
    exact = [decimal.Decimal(repr(v)) for v in unique.tolist()]
    places = max((-int(d.as_tuple().exponent) for d in exact), default=0)
    if places > _MAX_PLACES:
        return None
    ints = [int(d.scaleb(places, context=_EXACT)) for d in exact]
    table = np.asarray(ints, dtype=np.int64 if _fits(ints, _INT_LIMIT) else object)
    return table[inverse].reshape(values.shape), places


def _as_ints_quick(values: np.ndarray) -> tuple[np.ndarray, int] | None:
    """`_as_ints` without a decimal per value, for floats of at most 15 significant digits: the
    fewest places P at which every value v has an integer N (|N| < 10^15) with N / 10^P == v in
    floats. A decimal of at most 15 significant digits is the only one of its length that rounds
    to its float (IEEE doubles carry 15.95 digits), and the division is correctly rounded, so N ×
    10^-P is then exactly the value's shortest repr. None when no P up to 15 works."""
    for places in range(16):
        scale = 10.0**places
        ints = np.rint(values * scale)
        if np.all(np.abs(ints) < 1e15) and np.array_equal(ints / scale, values):
            return ints.astype(np.int64), places
        if np.any(np.abs(values) * scale >= 1e15):
            return None
    return None


def _fits(ints: object, limit: int) -> bool:
    values = np.asarray(ints)
    return values.size == 0 or int(np.abs(values).max()) < limit


def _product(a: np.ndarray, b: np.ndarray | int, limit: int) -> np.ndarray:
    """a × b exactly: in int64 when every product stays below ``limit``, else in Python ints."""
    if isinstance(b, np.ndarray):
        wide = a.dtype == object or b.dtype == object
        big_b = 0 if b.size == 0 else int(np.abs(b).max())
    else:
        wide, big_b = a.dtype == object, abs(int(b))
    big_a = 0 if a.size == 0 else int(np.abs(a).max())
    if not wide and big_a < limit and big_b < limit and big_a * big_b < limit:
        return a * b
    return a.astype(object) * (b.astype(object) if isinstance(b, np.ndarray) else int(b))


def _compact(a: np.ndarray, limit: int) -> np.ndarray:
    """int64 when every entry is below ``limit`` (sums over all candidates then stay below 2^62),
    else Python ints."""
    return a.astype(np.int64) if _fits(a, limit) else a.astype(object)


def _scaled_tables(problem: Problem) -> _ScaledTables | None:
    """The problem's `_ScaledTables`, made once per set of arrays (`Problem.derived`), or None when
    some number has more decimals than `_MAX_PLACES`."""
    return problem.derived("exact", lambda: _make_scaled_tables(problem))


def _make_scaled_tables(p: Problem) -> _ScaledTables | None:
    limit = _INT_LIMIT // max(1, p.n)  # so that a sum over every candidate stays below 2^62
    found: list[tuple[np.ndarray, int]] = []
    for values in (
        p.cost,
        p.use,
        p.award,
        p.paid_on_success,
        p.prob,
        np.array([p.award_prudence]),
    ):
        got = _as_ints(values)
        if got is None:
            return None
        found.append(got)
    (cost, sc), (use, su), (award, sa), (paid, sw), (prob, sq), (prudence, sp) = found
    # reserve share min(1, prudence × p) at scale sp + sq; 1 once succeeded, 0 once failed
    one = 10 ** (sp + sq)
    share = _product(prob, int(prudence[0]), _INT_LIMIT)
    if one >= _INT_LIMIT:
        share = share.astype(object)
    share = np.minimum(share, one)
    share[p.status == SUCCEEDED] = one
    share[p.status == FAILED] = 0
    # Every line need at one scale: cost (scale sc), share × award and share × paid.
    scale = max(sc, sp + sq + sa, sp + sq + sw)
    own = _product(cost, 10 ** (scale - sc), _INT_LIMIT)
    award_part = _product(share, award[:, None], _INT_LIMIT)
    reserve = _product(award_part, 10 ** (scale - sp - sq - sa), _INT_LIMIT)
    paid_part = _product(share, paid, _INT_LIMIT)
    paid_reserve = _product(paid_part, 10 ** (scale - sp - sq - sw), _INT_LIMIT)
    # Owed only where there is something to owe, as `_exact_check` counts them (validation refuses a
    # negative paid_on_success; a Problem built in code could still carry one).
    paid_reserve = np.where(p.paid_on_success > 0, paid_reserve, 0)
    half = _INT_LIMIT // 2
    if own.dtype != object and _fits(own, half) and _fits(paid_reserve, half):
        own = own + paid_reserve
    else:
        own = own.astype(object) + paid_reserve.astype(object)
    has_award = (p.award_line >= 0) & (p.award > 0)
    reserve = np.where(has_award[:, None], reserve, 0)
    return _ScaledTables(
        scale=scale,
        own_need=_compact(own, limit),
        award_need=_compact(reserve, limit),
        use_scale=su,
        use=_compact(use, limit),
        cost_scale=sc,
        cost=_compact(cost, limit),
    )


def _decimal_of(ints: int, scale: int) -> decimal.Decimal:
    return decimal.Decimal(ints).scaleb(-scale, context=_EXACT)


def _exact_ok(
    problem: Problem,
    slots: np.ndarray,
    lines: np.ndarray,
    resources: np.ndarray,
    floors: bool,
) -> bool:
    """Whether the plan keeps the rules `_exact_check` is asked about (no rule it names is broken),
    in exact integer sums where the problem's numbers allow it (`_scaled_tables`)."""
    t = _scaled_tables(problem)
    if t is None:
        return not _exact_check(problem, slots, lines, resources, floors)
    p = problem
    rows = np.arange(p.n)
    zero = decimal.Decimal(0)
    need = [zero] * len(p.fund_lines)
    if lines.any():
        line = p.line[rows, slots]
        own = t.own_need[rows, slots]
        reserve = t.award_need[rows, slots]
        for f in np.nonzero(lines)[0].tolist():
            total = int(own[line == f].sum()) + int(reserve[p.award_line == f].sum())
            need[f] = _decimal_of(total, t.scale)
    used = [zero] * len(p.resources)
    if p.resources and resources.any():
        sums = t.use[rows, slots].sum(axis=0)
        for r in np.nonzero(resources)[0].tolist():
            used[r] = _decimal_of(int(sums[r]), t.use_scale)
    spent, by_district = zero, []
    if p.floor_districts and floors:
        cost = t.cost[rows, slots]
        spent = _decimal_of(int(cost.sum()), t.cost_scale)
        by_district = [
            _decimal_of(int(cost[p.district_index == d].sum()), t.cost_scale)
            for d in range(len(p.floor_districts))
        ]
    return not _verdicts(p, need, used, spent, by_district, lines, resources, floors)


def evaluate_plan(wb: Workbook, choices: Mapping[str, str]) -> PlanEvaluation:
    """Evaluate any plan against a workbook's rules and targets.

    Parameters
    ----------
    wb : Workbook
        The planning workbook.
    choices : Mapping[str, str]
        Option per candidate id; candidates left out get ``"none"``.

    Returns
    -------
    PlanEvaluation
        Achieved (actuals), expected value, attainment and P(meeting the goal) per target; fund-line use with the least
        transfers between pooled lines; resource use; whether every rule holds and, if not, why.

    Raises
    ------
    ValueError
        When a candidate or an option is unknown.
    """
    problem = compile_problem(wb)
    return evaluate_slots(problem, problem.slots_from_choices(dict(choices)))
