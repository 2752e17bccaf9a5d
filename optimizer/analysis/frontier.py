"""The efficient frontier: best weighted attainment as the budget (or one line or resource) scales."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.schema import Workbook

from .common import Progress, as_model, points, round_or_none
from .model import PlanModel, PlanOutcome

TOTAL_BUDGET = "total_budget"


@dataclass
class Frontier:
    """The frontier of one limit.

    Attributes
    ----------
    scope : str
        ``total_budget`` (every fund line scaled together, same proportions), or the name of one
        fund line or resource.
    kind : str
        ``total_budget``, ``fund_line`` or ``resource``.
    table : pd.DataFrame
        One row per point, in increasing scale: ``scale`` (1.0 = today), ``value`` (the total budget
        in 万元, or the line's amount / the resource's capacity), ``attainment``, ``points`` (0–100),
        ``status`` (``optimal|feasible|infeasible``), ``carried`` (the previous point's plan was kept
        because the solver's plan was worse, see Notes), ``funded`` (number of candidates supported),
        ``spend`` (up-front money, 万元), ``seconds``, and ``expected:<target>`` per target.
    targets : list[str]
    seconds : float

    Notes
    -----
    More money never hurts: the plan at one point stays feasible at the next (fund-line rules only get
    looser; district floors are shares, not amounts). The solver is offered the previous point's plan
    as a warm start, and if it still returns a worse plan (possible within the MIP gap) that plan is
    kept, so the frontier never falls. Points with too little money for the locks and entitlement
    reserves are ``infeasible``.
    """

    scope: str
    kind: str
    table: pd.DataFrame
    targets: list[str]
    seconds: float

    def to_json(self) -> dict:
        """A JSON-able dict: per point the scale, the limit's value, attainment and expected per target."""
        pts = []
        for rec in self.table.to_dict("records"):
            pts.append(
                {
                    "scale": round_or_none(rec["scale"]),
                    "value": round_or_none(rec["value"]),
                    "total_budget": round_or_none(rec["total_budget"]),
                    "attainment": round_or_none(rec["attainment"]),
                    "points": round_or_none(rec["points"]),
                    "status": rec["status"],
                    "carried": bool(rec["carried"]),
                    "funded": int(rec["funded"]),
                    "expected": {t: round_or_none(rec[f"expected:{t}"]) for t in self.targets},
                }
            )
        return {
            "scope": self.scope,
            "kind": self.kind,
            "seconds": round(self.seconds, 3),
            "points": pts,
        }


def frontier(
    wb_or_model: Workbook | PlanModel,
    *,
    scope: str = TOTAL_BUDGET,
    points_count: int = 21,
    max_scale: float = 1.5,
    progress: Progress | None = None,
    mip_gap: float = 1e-3,
    time_limit: float = 10.0,
) -> Frontier:
    """Best weighted attainment as a limit scales from 0% to ``max_scale`` of today's value.

    Parameters
    ----------
    wb_or_model : Workbook or PlanModel
        The workbook, or a model already built from it.
    scope : str
        ``"total_budget"`` scales every fund line together (same proportions); the name of a fund
        line or a resource scales that one only.
    points_count : int
        Number of points, evenly spaced from 0 to ``max_scale`` (at least 2; 21 gives 7.5% steps).
        Today's value (scale 1) is added when it is not on that grid.
    max_scale : float
        The largest scale (1.5 = 150% of today).
    progress : callable, optional
        ``progress(done, total)`` after each solve.
    mip_gap, time_limit : float
        Solver options when a model is built here.

    Returns
    -------
    Frontier

    Raises
    ------
    ValueError
        If ``scope`` is neither ``total_budget`` nor a fund line or resource of the workbook.
    """
    t0 = time.perf_counter()
    model = as_model(wb_or_model, mip_gap=mip_gap, time_limit=time_limit)
    if scope == TOTAL_BUDGET:
        kind = TOTAL_BUDGET
    elif scope in model.fund_lines:
        kind = "fund_line"
    elif scope in model.resource_names:
        kind = "resource"
    else:
        raise ValueError(f"unknown fund line or resource {scope!r}")
    points_count = max(2, int(points_count))
    scales = np.linspace(0.0, max_scale, points_count)
    if max_scale >= 1.0 and not np.any(np.isclose(scales, 1.0)):
        scales = np.sort(np.append(scales, 1.0))  # always show today's plan
    points_count = len(scales)
    budgets_today = model.budgets_dict()
    records = []
    previous: PlanOutcome | None = None
    for k, scale in enumerate(scales):
        if kind == TOTAL_BUDGET:
            budgets = {f: a * scale for f, a in budgets_today.items()}
            limits: dict = {"budgets": budgets}
            value = float(sum(budgets.values()))
        elif kind == "fund_line":
            value = budgets_today[scope] * scale
            limits = {"budgets": {scope: value}}
        else:
            value = model.capacities_dict()[scope] * scale
            limits = {"capacities": {scope: value}}
        outcome = model.solve(
            **limits,
            warm_start=previous if previous is not None and previous.feasible else None,
            keep_if_better=previous,
        )
        if outcome.feasible:
            previous = outcome
        total_budget = _total_budget(budgets_today, limits)
        rec = {
            "scale": float(scale),
            "value": value,
            "total_budget": total_budget,
            "attainment": outcome.attainment,
            "points": points(outcome.attainment, model),
            "status": outcome.status,
            "carried": outcome.carried,
            "funded": len(outcome.choices),
            "spend": float(model.col_cost[outcome.selected].sum()) if outcome.feasible else np.nan,
            "seconds": outcome.seconds,
        }
        for t in model.target_names:
            rec[f"expected:{t}"] = outcome.expected[t]
        records.append(rec)
        if progress is not None:
            progress(k + 1, points_count)
    return Frontier(
        scope=scope,
        kind=kind,
        table=pd.DataFrame.from_records(records),
        targets=model.target_names,
        seconds=time.perf_counter() - t0,
    )


def _total_budget(budgets_today: dict[str, float], limits: dict) -> float:
    merged = dict(budgets_today)
    merged.update(limits.get("budgets", {}))
    return float(sum(merged.values()))
