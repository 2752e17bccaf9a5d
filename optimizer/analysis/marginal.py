"""Marginal value of every fund line and resource, by re-solving with the limit raised and lowered."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.schema import Workbook
from optimizer.executor import Executor
from optimizer.model import primary_bound

from .common import Progress, as_model, better_of, limit_step, points, round_or_none
from .model import PlanModel, PlanOutcome
from .parallel import executor_for, map_jobs


@dataclass
class Limit:
    """One limit of the plan a planner could change: a fund line (万元) or a resource (its unit)."""

    kind: str  # "fund_line" or "resource"
    name: str
    unit: str
    current: float
    step: float


def plan_limits(model: PlanModel, wb: Workbook | None = None) -> list[Limit]:
    """Every fund line and resource with its current value and a sensible step.

    The step is about 5% of the limit rounded to a nice figure (100 万元 on a 2,000 万元 line, 10 staff
    days on 200); a limit of zero steps by about one typical option's cost or need.
    """
    wb = wb or model.wb
    limits: list[Limit] = []
    for f, name in enumerate(model.fund_lines):
        costs = model.col_cost[(model.col_line == f) & (model.col_cost > 0)]
        typical = float(np.median(costs)) if len(costs) else 10.0
        limits.append(
            Limit(
                "fund_line",
                name,
                "万元",
                float(model.amounts[f]),
                limit_step(model.amounts[f], typical),
            )
        )
    units = dict(zip(wb.resources["resource"], wb.resources["unit"], strict=True))
    for r, name in enumerate(model.resource_names):
        uses = model.col_use[:, r][model.col_use[:, r] > 0]
        typical = float(np.median(uses)) if len(uses) else 1.0
        limits.append(
            Limit(
                "resource",
                name,
                str(units.get(name, "")),
                float(model.capacities[r]),
                limit_step(model.capacities[r], typical),
            )
        )
    return limits


def _solve_at(
    model: PlanModel,
    limit: Limit,
    value: float,
    *,
    warm_start: PlanOutcome,
    keep_if_better: PlanOutcome | None = None,
) -> PlanOutcome:
    """Re-solve with one limit (a fund line's amount or a resource's capacity) set to ``value``."""
    line = limit.kind == "fund_line"
    return model.solve(
        budgets={limit.name: value} if line else None,
        capacities=None if line else {limit.name: value},
        warm_start=warm_start,
        keep_if_better=keep_if_better,
    )


# Safety on the duality bound of `_settled`: the price × step term counts 0.1% more, plus this.
_ZERO_PRICE = 1e-9
_PRICE_MARGIN = 1.001


def _settled(
    model: PlanModel,
    lim: Limit,
    value: float,
    up: bool,
    base: PlanOutcome,
    lp: dict[str, object] | None,
) -> PlanOutcome | None:
    """Today's plan when it is provably what the re-solve at ``value`` returns, else None.

    The re-solve starts from today's plan and stops at once when that plan keeps every rule and is
    within the gap of the new LP bound (`optimizer.solve.AllocationModel.search`). Two cases settle
    that without solving (docs/analytics.md, "Marginal values"):

    - one step *less* when today's plan still fits under the lowered limit: a smaller limit can only
      lower the LP bound, so today's plan is within the gap again;
    - one step *more* when today's plan is within the gap of a bound on the raised problem: by weak
      duality the LP objective with more is at most today's LP objective plus price × step (the
      price being the LP's shadow price of the limit), and today's plan fits.
    """
    if base.status != "optimal" or not len(base.selected):
        return None
    line = lim.kind == "fund_line"
    if up:
        if lp is None or lp.get("status") != "optimal":
            return None
        prices = lp["fund_lines"] if line else lp["resources"]
        price = max(0.0, float(prices[lim.name]))  # type: ignore[index]
        objective = float(lp["objective"])  # type: ignore[arg-type]
        # A little above the duality bound: HiGHS's duals carry its tolerances.
        raised = objective + price * (value - lim.current) * _PRICE_MARGIN + _ZERO_PRICE
        bound = primary_bound(model._model().form, raised)
        if not (bound > 0 and (bound - base.attainment) / bound <= model.mip_gap):
            return None
    amounts, caps = model._limit_arrays(
        {lim.name: value} if line else None, None if line else {lim.name: value}
    )
    if not model.plan_fits(base.selected, amounts, caps, model.base_locks):
        return None
    settled = copy.deepcopy(base)
    settled.seconds = 0.0
    return settled


def _marginal_job(model: PlanModel, job: tuple[Limit, float, bool]) -> object:
    """One re-solve of `marginal_values` from today's plan (the LP prices are solved in the caller,
    and a limit of zero, which has no step down, sends no job)."""
    lim, value, up = job
    base = model.solve()
    return _solve_at(model, lim, value, warm_start=base, keep_if_better=base if up else None)


@dataclass
class MarginalValues:
    """Marginal values of a plan's limits.

    Attributes
    ----------
    base : PlanOutcome
        The plan at today's limits (the best one found by any of the solves, see Notes).
    table : pd.DataFrame
        One row per fund line and resource: ``kind``, ``name``, ``unit``, ``current``, ``step``,
        ``step_down`` (smaller when the limit is below one step), ``attainment_base``,
        ``attainment_up``, ``attainment_down``, ``gain_up`` (attainment gained with one step more),
        ``loss_down`` (attainment lost with one step less), ``points_up``, ``points_down`` (the same on
        the 0–100 scale), ``status_up``, ``status_down``, ``lp_price`` (LP-relaxation shadow price:
        attainment per unit, a cross-check only), ``lp_per_step`` (``lp_price × step``), ``points_lp``
        (the same on the 0–100 scale: smooth where the re-solves' differences are noisy), and per target
        ``expected_up:<target>`` / ``expected_down:<target>`` (change in the expected value), and
        ``gap_up`` / ``gap_down`` (each plan's relative distance from its bound, the certificate:
        differences smaller than about gap × attainment are within the solver's tolerance).
    targets : list[str]
    seconds : float
        Wall time of the whole analysis.

    Notes
    -----
    Solves stop at a relative gap, so two solves may land a little apart. A plan feasible with less is
    feasible with more, so the analysis keeps the best known plan at each level: the base is the best
    of the base solve and every "one step less" plan, and each "one step more" is at least the base.
    Gains and losses are therefore never negative.
    """

    base: PlanOutcome
    table: pd.DataFrame
    targets: list[str]
    seconds: float

    def to_json(self) -> dict:
        """A JSON-able dict: base attainment and, per limit, step, Δ attainment and Δ expected."""
        rows = []
        for rec in self.table.to_dict("records"):
            rows.append(
                {
                    "kind": rec["kind"],
                    "name": rec["name"],
                    "unit": rec["unit"],
                    "current": round_or_none(rec["current"]),
                    "step": round_or_none(rec["step"]),
                    "step_down": round_or_none(rec["step_down"]),
                    "delta_attainment_up": round_or_none(rec["gain_up"]),
                    "delta_attainment_down": round_or_none(-rec["loss_down"]),
                    "delta_points_up": round_or_none(rec["points_up"]),
                    "delta_points_down": round_or_none(-rec["points_down"]),
                    "delta_expected_up": {
                        t: round_or_none(rec[f"expected_up:{t}"]) for t in self.targets
                    },
                    "delta_expected_down": {
                        t: round_or_none(rec[f"expected_down:{t}"]) for t in self.targets
                    },
                    "status_up": rec["status_up"],
                    "status_down": rec["status_down"],
                    "gap_up": round_or_none(rec["gap_up"], 9),
                    "gap_down": round_or_none(rec["gap_down"], 9),
                    "lp_shadow_price": round_or_none(rec["lp_price"], 9),
                    "lp_delta_per_step": round_or_none(rec["lp_per_step"]),
                }
            )
        return {
            "base_attainment": round_or_none(self.base.attainment),
            "base_status": self.base.status,
            "seconds": round(self.seconds, 3),
            "limits": rows,
        }


def marginal_values(
    wb_or_model: Workbook | PlanModel,
    *,
    steps: dict[str, float] | None = None,
    lp_check: bool = True,
    progress: Progress | None = None,
    mip_gap: float = 1e-3,
    time_limit: float = 10.0,
    executor: Executor | None = None,
) -> MarginalValues:
    """Value of one more (and one less) step of every fund line and resource, by re-solving.

    Parameters
    ----------
    wb_or_model : Workbook or PlanModel
        The workbook, or a model already built from it (re-used, so repeated analyses are cheap).
    steps : dict, optional
        ``{fund_line or resource: step}`` overriding the automatic steps (about 5%, rounded).
    lp_check : bool
        Also solve the LP relaxation and report its shadow prices as a labelled cross-check.
    progress : callable, optional
        ``progress(done, total)`` after each solve.
    mip_gap, time_limit : float
        Solver options when a model is built here.
    executor : Executor, optional
        Where the re-solves run (default: a local pool for a large model, else this process).

    Returns
    -------
    MarginalValues
    """
    t0 = time.perf_counter()
    model = as_model(wb_or_model, mip_gap=mip_gap, time_limit=time_limit)
    limits = plan_limits(model)
    for lim in limits:
        if steps and lim.name in steps:
            lim.step = float(steps[lim.name])
    total = 1 + 2 * len(limits) + (1 if lp_check else 0)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    base = model.solve()
    tick()
    step_downs = [min(lim.step, lim.current) for lim in limits]
    # The LP prices first (milliseconds, in this process): they are the cross-check, and a zero
    # price settles a "one step more" without a re-solve (see `_settled`).
    lp: dict[str, object] | None = model.solve_relaxation() if lp_check or base.feasible else None
    if lp_check:
        tick()
    # One job per re-solve (up and down per limit), on the executor: each starts from today's
    # plan, so they are independent. Those `_settled` already answers are not sent.
    jobs: list[tuple[Limit, float, bool]] = []
    results: list[PlanOutcome | None] = []
    pending: list[int] = []
    for lim, step_down in zip(limits, step_downs, strict=True):
        for value, raised in ((lim.current + lim.step, True), (lim.current - step_down, False)):
            if not raised and step_down <= 0:  # a limit of zero has no step down
                results.append(None)
                tick()
                continue
            known = _settled(model, lim, value, raised, base, lp)
            if known is None:
                pending.append(len(results))
                jobs.append((lim, value, raised))
            else:
                tick()
            results.append(known)
    ticked = done

    def job_done(finished: int, total_jobs: int) -> None:
        if progress is not None:
            progress(ticked + finished, total)

    solved = map_jobs(
        model, _marginal_job, jobs, executor=executor_for(model, executor), progress=job_done
    )
    for k, value in zip(pending, solved, strict=True):
        results[k] = value
    ups: list[PlanOutcome] = []
    downs: list[PlanOutcome | None] = []
    for k, step_down in enumerate(step_downs):
        up_result = results[2 * k]
        assert up_result is not None
        ups.append(up_result)
        downs.append(results[2 * k + 1] if step_down > 0 else None)
    if not lp_check:
        lp = None
    # Every "one step less" plan is feasible today: keep the best as the base (see Notes).
    for down in downs:
        if down is not None:
            base = better_of(base, down)
    ups = [better_of(up, base) for up in ups]

    targets = model.target_names
    records = []
    for lim, up, down, step_down in zip(limits, ups, downs, step_downs, strict=True):
        down_eff = down if down is not None else base
        rec: dict[str, object] = {
            "kind": lim.kind,
            "name": lim.name,
            "unit": lim.unit,
            "current": lim.current,
            "step": lim.step,
            "step_down": step_down,
            "attainment_base": base.attainment,
            "attainment_up": up.attainment,
            "attainment_down": down_eff.attainment,
            "gain_up": up.attainment - base.attainment if up.feasible else np.nan,
            "loss_down": base.attainment - down_eff.attainment if down_eff.feasible else np.nan,
            "status_up": up.status,
            "status_down": down_eff.status if down is not None else "unchanged",
            "gap_up": up.gap,
            "gap_down": down_eff.gap,
        }
        rec["points_up"] = points(rec["gain_up"], model)  # type: ignore[arg-type]
        rec["points_down"] = points(rec["loss_down"], model)  # type: ignore[arg-type]
        if lp is not None:
            prices = lp["fund_lines"] if lim.kind == "fund_line" else lp["resources"]
            rec["lp_price"] = prices[lim.name]  # type: ignore[index]
            rec["lp_per_step"] = rec["lp_price"] * lim.step  # type: ignore[operator]
        else:
            rec["lp_price"] = np.nan
            rec["lp_per_step"] = np.nan
        rec["points_lp"] = points(rec["lp_per_step"], model)  # type: ignore[arg-type]
        for t in targets:
            rec[f"expected_up:{t}"] = up.expected[t] - base.expected[t] if up.feasible else np.nan
            rec[f"expected_down:{t}"] = (
                down_eff.expected[t] - base.expected[t] if down_eff.feasible else np.nan
            )
        records.append(rec)
    table = pd.DataFrame.from_records(records)
    return MarginalValues(base=base, table=table, targets=targets, seconds=time.perf_counter() - t0)
