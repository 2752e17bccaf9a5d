"""The efficient frontier: best weighted attainment as the budget (or one line or resource) scales."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data.schema import NONE_OPTION, Workbook
from optimizer.executor import Executor

from .common import Progress, as_model, points, round_or_none
from .model import PlanModel, PlanOutcome
from .parallel import executor_for, map_jobs

TOTAL_BUDGET = "total_budget"


# Relative room added to the entitlement reserves a frontier keeps (see `frontier`).
COMMITTED_ROOM = 1e-9


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
        ``spend`` (up-front money, 万元), ``seconds``, ``gap`` (relative distance of the plan from
        its bound), ``note_en`` / ``note_zh`` (why a point has no
        plan, in a sentence; empty otherwise), and ``expected:<target>`` per target.
    targets : list[str]
    seconds : float
    entitlements : str
        ``kept`` (default): the entitlement reserves that doing nothing already needs stay whole on
        every point and only the money above them scales; ``scaled``: whole amounts scale.
    committed : dict[str, float]
        Per fund line, the 万元 that did not scale (the entitlement reserves at base probabilities,
        at most the line's amount; all zero when ``entitlements="scaled"``).

    Notes
    -----
    More money never hurts: the plan at one point stays feasible at the next (fund-line rules only get
    looser; district floors are shares, not amounts). The solver is offered the previous point's plan
    as a warm start, and if it still returns a worse plan (possible within the MIP gap) that plan is
    kept, so the frontier never falls. Points with too little money for the locks (or, with
    ``entitlements="scaled"``, for the entitlement reserves) are ``infeasible`` and say why in
    ``note_en`` / ``note_zh``.
    """

    scope: str
    kind: str
    table: pd.DataFrame
    targets: list[str]
    seconds: float
    entitlements: str = "kept"
    committed: dict[str, float] = field(default_factory=dict)

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
                    "gap": round_or_none(rec["gap"], 9),
                    "note_en": rec["note_en"],
                    "note_zh": rec["note_zh"],
                    "expected": {t: round_or_none(rec[f"expected:{t}"]) for t in self.targets},
                }
            )
        return {
            "scope": self.scope,
            "kind": self.kind,
            "entitlements": self.entitlements,
            "committed": {f: round_or_none(v) for f, v in self.committed.items()},
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
    entitlements: str = "kept",
    executor: Executor | None = None,
) -> Frontier:
    """Best weighted attainment as a limit scales from 0% to ``max_scale`` of today's value.

    Entitlements (awards paid on success, whatever support a firm got) are owed at any budget, so
    by default a fund line scales only above the entitlement reserves that doing nothing already
    needs: amount(s) = committed + s × (amount − committed), committed = min(amount, reserves at
    base probabilities). Scale 0 is then "no discretionary money" (do nothing, or what the locks
    force), scale 1 is today. Lines without entitlements scale whole.

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
    entitlements : str
        ``kept`` (default, see above) or ``scaled`` (whole amounts scale; at low scales the
        entitlement reserves may not fit, and those points say so).
    executor : Executor, optional
        Where the re-solves run (default: a local pool for a large model, else this process).

    Returns
    -------
    Frontier

    Raises
    ------
    ValueError
        If ``scope`` is neither ``total_budget`` nor a fund line or resource of the workbook, or
        ``entitlements`` is neither ``kept`` nor ``scaled``.
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
    if entitlements not in ("kept", "scaled"):
        raise ValueError(f"entitlements must be 'kept' or 'scaled', not {entitlements!r}")
    points_count = len(scales)
    budgets_today = model.budgets_dict()
    committed = dict.fromkeys(budgets_today, 0.0)
    if entitlements == "kept":
        do_nothing = model.line_use(model.cand_start[:-1])  # entitlement reserves only
        # With a hair of room (10⁻⁹ of it): the float sum of the reserves can be a rounding below
        # their exact sum, and the optimizer checks a binding rule exactly, so at scale 0 doing
        # nothing "broke" the award line by 10⁻¹² 万元 and the point had no plan — after half a
        # minute of repairs (docs/analytics.md, "Frontier").
        committed = {
            f: float(min(a, do_nothing[i] * (1.0 + COMMITTED_ROOM)))
            for i, (f, a) in enumerate(budgets_today.items())
        }

    def scaled(line: str, scale: float) -> float:
        return committed[line] + scale * (budgets_today[line] - committed[line])

    point_limits: list[dict] = []
    values: list[float] = []
    for scale in scales:
        if kind == TOTAL_BUDGET:
            budgets = {f: scaled(f, scale) for f in budgets_today}
            point_limits.append({"budgets": budgets})
            values.append(float(sum(budgets.values())))
        elif kind == "fund_line":
            values.append(scaled(scope, scale))
            point_limits.append({"budgets": {scope: values[-1]}})
        else:
            values.append(model.capacities_dict()[scope] * scale)
            point_limits.append({"capacities": {scope: values[-1]}})

    # Chains of points, each solved in order from the previous point's plan: one chain in this
    # process; on a pool, interleaved chains (every second point, ...) so each worker's next point
    # is still close to its last one. The pass below keeps the frontier from falling between chains.
    run_on = executor_for(model, executor)
    count = 1 if run_on.kind == "inline" else max(1, min(len(scales), run_on.parallelism()))
    chains = [list(range(c, len(scales), count)) for c in range(count)]
    if count == 1:
        solved = [_solve_chain(model, point_limits, progress)]
    else:
        n_points = len(scales)

        def chains_done(done: int, total: int) -> None:
            if progress is not None:
                progress(round(done * n_points / total), n_points)

        solved = map_jobs(
            model,
            _solve_chain,
            [[point_limits[k] for k in chain] for chain in chains],
            executor=run_on,
            chunks=[[c] for c in range(count)],
            progress=chains_done,
        )
    outcomes: list[PlanOutcome | None] = [None] * len(scales)
    for chain, chain_outcomes in zip(chains, solved, strict=True):
        for k, solved_point in zip(chain, chain_outcomes, strict=True):
            outcomes[k] = solved_point
    records = []
    previous: PlanOutcome | None = None
    for k, scale in enumerate(scales):
        limits, value = point_limits[k], values[k]
        point = outcomes[k]
        assert point is not None
        outcome = point
        if previous is not None and count > 1:
            outcome = model.kept_if_better(outcome, previous, **limits)
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
            "gap": outcome.gap,
            "note_en": "",
            "note_zh": "",
        }
        if not outcome.feasible:
            rec["note_en"], rec["note_zh"] = why_no_plan(model, limits)
        for t in model.target_names:
            rec[f"expected:{t}"] = outcome.expected[t]
        records.append(rec)
    return Frontier(
        scope=scope,
        kind=kind,
        table=pd.DataFrame.from_records(records),
        targets=model.target_names,
        seconds=time.perf_counter() - t0,
        entitlements=entitlements,
        committed=committed,
    )


def _solve_chain(
    model: PlanModel, chain: list[dict], progress: Progress | None = None
) -> list[PlanOutcome]:
    """Frontier points in increasing order, each warm-started from the last plan (kept when the
    solver's own is worse, see `Frontier`); ``progress(done, total)`` after each."""
    out: list[PlanOutcome] = []
    previous: PlanOutcome | None = None
    for limits in chain:
        outcome = model.solve(
            **limits,
            warm_start=previous if previous is not None and previous.feasible else None,
            keep_if_better=previous,
        )
        if outcome.feasible:
            previous = outcome
        out.append(outcome)
        if progress is not None:
            progress(len(out), len(chain))
    return out


def why_no_plan(model: PlanModel, limits: dict) -> tuple[str, str]:
    """Why no plan keeps every rule under these limits, in English and Chinese.

    Checks, in order: the entitlement reserves that doing nothing needs (they are owed whatever
    the plan), then the locked options on top of them, else the rules conflict together (e.g. a
    district floor with the locked spending).
    """
    amounts, caps = model._limit_arrays(limits.get("budgets"), limits.get("capacities"))
    budgets = model.wb.budgets

    def label(f: int, lang: str) -> str:
        column = f"label_{lang}"
        text = budgets[column].iloc[f] if column in budgets.columns else None
        return str(text) if isinstance(text, str) and text.strip() else model.fund_lines[f]

    do_nothing = model.cand_start[:-1]
    if not model.plan_fits(do_nothing, amounts, caps, {}):
        need = model.line_use(do_nothing)
        short = [f for f in range(len(model.fund_lines)) if need[f] > amounts[f] + 1e-6]
        en = "; ".join(
            f"{label(f, 'en')} needs {_wan(need[f])} 万元 "
            f"for entitlement reserves but holds {_wan(amounts[f])} 万元"
            for f in short
        )
        zh = "；".join(
            f"{label(f, 'zh')}需兑现准备金 {_wan(need[f])} 万元，仅有 {_wan(amounts[f])} 万元"
            for f in short
        )
        return (
            f"No plan: the award lines cannot cover the entitlements ({en}; pooled lines cannot "
            "lend enough).",
            f"无可行方案：奖励资金不足以覆盖兑现准备金（{zh}；可调剂资金不足以弥补）。",
        )
    locked = model.selected_from_choices(
        {c: o for c, o in model.base_locks.items() if o != NONE_OPTION}
    )
    if not model.plan_fits(locked, amounts, caps, model.base_locks):
        return (
            "No plan: the locked options and the entitlement reserves need more money or "
            "resources than this point allows.",
            "无可行方案：锁定的支持方式与兑现准备金所需资金或资源超过此点的额度。",
        )
    return (
        "No plan: the rules conflict at this point (e.g. a district floor with the locked "
        "spending).",
        "无可行方案：此点各项规则相互冲突（如区县下限与锁定支出）。",
    )


def _total_budget(budgets_today: dict[str, float], limits: dict) -> float:
    merged = dict(budgets_today)
    merged.update(limits.get("budgets", {}))
    return float(sum(merged.values()))


def _wan(x: float) -> str:
    """万元 for a sentence: whole numbers plain (6,303), otherwise one decimal (7.5)."""
    return f"{x:,.0f}" if abs(x - round(x)) < 0.05 else f"{x:,.1f}"
