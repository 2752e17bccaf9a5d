"""Why no plan exists, in sentences a planner understands, found by direct checks on the data."""

from __future__ import annotations

import numpy as np

from optimizer.evaluate import fmt
from optimizer.problem import FEASIBILITY_TOL, Problem


def infeasibility_reasons(problem: Problem) -> list[str]:
    """Causes that make every plan break a rule (empty when none of these direct checks fires).

    Checks, each a certain cause when it fires:
    - a fund line cannot cover its locked options plus the entitlement reserves at the smallest
      reserve any allowed option gives (base probability for unsupported candidates), even with all
      the pooled money other lines could spare;
    - a resource is over-committed by the locked options alone;
    - a district floor cannot be met even if its district's free candidates took their most expensive
      options and no other free candidate were supported, given the locked spending elsewhere;
    - the floors add up to more than 100% while the locks force some spending.
    """
    p = problem
    reasons: list[str] = []
    rows = np.arange(p.n)
    locked = p.lock >= 0
    allowed = p.valid.copy()
    allowed[locked] = False
    allowed[np.nonzero(locked)[0], p.lock[locked]] = True

    # Least each candidate can ask of each fund line (cost + reserve), over its allowed options.
    fund = p.fund_coef()  # (n, K, F)
    least = np.where(allowed[:, :, None], fund, np.inf).min(axis=1)  # (n, F)
    need = least.sum(axis=0)
    lock_cost = np.zeros(len(p.fund_lines))
    li = np.nonzero(locked)[0]
    if len(li):
        lines = p.line[li, p.lock[li]]
        np.add.at(lock_cost, lines[lines >= 0], p.cost[li, p.lock[li]][lines >= 0])
    reserve_base = need - lock_cost
    can_pool = p.pooled & (p.pool_share > 0)
    spare = np.where(
        can_pool, np.minimum(p.pool_share * p.amount, np.maximum(0.0, p.amount - need)), 0.0
    )
    for f, name in enumerate(p.fund_lines):
        short = need[f] - p.amount[f]
        if short <= FEASIBILITY_TOL:
            continue
        others = float(spare.sum() - spare[f]) if can_pool[f] else 0.0
        if short - others > FEASIBILITY_TOL:
            how = (
                f", even with the {fmt(others)} 万元 the other pooled lines could move to it"
                if can_pool[f]
                else " (it is not pooled, or pool_share is 0, so no money can move to it)"
            )
            reasons.append(
                f"Fund line {name} has {fmt(p.amount[f])} 万元 but the locked options need "
                f"{fmt(lock_cost[f])} 万元 and the entitlement reserves at base probabilities "
                f"{fmt(reserve_base[f])} 万元: short by {fmt(short - others)} 万元{how}."
            )
    # Pooled lines together.
    if not reasons and can_pool.any():
        total = float(
            np.where(can_pool, np.maximum(need - p.amount, -p.pool_share * p.amount), 0).sum()
        )
        if total > FEASIBILITY_TOL:
            reasons.append(
                "The pooled fund lines together cannot cover the locked options and the entitlement "
                f"reserves at base probabilities: short by {fmt(total)} 万元 after moving the "
                f"{p.pool_share:.0%} of each line that pool_share allows."
            )

    # Resources over-committed by locks.
    if p.resources and len(li):
        used = p.use[li, p.lock[li]].sum(axis=0)
        for r, name in enumerate(p.resources):
            over = used[r] - p.capacity[r]
            if over > FEASIBILITY_TOL:
                unit = f" {p.resource_units[r]}" if p.resource_units[r] else ""
                reasons.append(
                    f"Resource {name} is over-committed by the locked options alone: they use "
                    f"{fmt(used[r])}{unit} of a capacity of {fmt(p.capacity[r])}{unit}."
                )

    # Floors, given locked spending.
    locked_cost = np.where(locked, p.cost[rows, np.maximum(p.lock, 0)], 0.0)
    forced = float(locked_cost.sum())
    if p.floor_districts and forced > FEASIBILITY_TOL:
        max_free = np.where(allowed & ~locked[:, None], p.cost, 0.0).max(axis=1)
        for d, district in enumerate(p.floor_districts):
            in_d = p.district_index == d
            share = p.floor_share[d]
            best = float(locked_cost[in_d].sum() + max_free[in_d].sum())
            total = forced + float(max_free[in_d].sum())
            if share * total - best > FEASIBILITY_TOL:
                reasons.append(
                    f"The floor for district {district} ({share:.0%} of up-front support) cannot be met: "
                    f"locked options spend {fmt(forced - float(locked_cost[in_d].sum()))} 万元 elsewhere, "
                    f"and {district}'s candidates can take at most {fmt(best)} 万元."
                )
        if p.floor_share.sum() > 1 + 1e-9:
            reasons.append(
                f"The district floors add up to {p.floor_share.sum():.0%} of up-front support, more than "
                "100%, and the locks force some spending."
            )
    return reasons


FALLBACK = (
    "No plan keeps every rule at once: each budget, resource, lock and floor can be met on its own, "
    "but not all together. Try removing a lock, lowering a district floor, or raising a budget."
)
