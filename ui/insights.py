"""Plain-data summaries the pages show: risks, funnels, breakdowns, candidates near a threshold.

Pure functions of the workbook and the plan (no Streamlit), so they are tested directly.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from data.schema import NONE_OPTION, Workbook

# The domain's codes in their order come from the one vocabulary; pages import them from here too.
from data.vocabulary import GATES as GATES
from data.vocabulary import NOT_STARTED, PROJECT_RUNGS, STAGES
from data.vocabulary import QUALITY_TIERS as QUALITY_TIERS
from data.vocabulary import RUNGS as RUNGS
from data.vocabulary import SIZE_TIERS as SIZE_TIERS

# The stall rule and the data's date live with the year's other figures (the 调度通报 reads them
# there too, below the screens); pages import them from here as before.
from optimizer.progress import DEFAULT_STALL_DAYS as DEFAULT_STALL_DAYS
from optimizer.progress import STALLED_COLUMNS as STALLED_COLUMNS
from optimizer.progress import as_of_date as as_of_date
from optimizer.progress import days_in_stage as days_in_stage
from optimizer.progress import stall_days as stall_days
from optimizer.progress import stalled_mask as stalled_mask
from optimizer.progress import stalled_projects as stalled_projects
from optimizer.progress import started_projects as started_projects

if TYPE_CHECKING:  # for the annotations only: these summaries need no solver at run time
    from optimizer.solve import AllocationResult


def planned_starts_by_month(projects: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Projects not yet started by planned start month, split into overdue and still to come.

    Returns columns ``month`` (1–12), ``count`` and ``due`` (``overdue`` for months before the
    month of ``as_of``: the planned start has passed and the project has not started; else
    ``upcoming``). Months without projects are kept, so the axis always shows the whole year.
    """
    pending = projects[projects["stage"].astype(str).isin(NOT_STARTED)]
    months = (
        pd.to_numeric(pending.get("planned_start_month"), errors="coerce")
        .dropna()
        .astype(int)
        .value_counts()
        .reindex(range(1, 13), fill_value=0)
        .rename_axis("month")
        .reset_index(name="count")
    )
    months["due"] = ["overdue" if m < as_of.month else "upcoming" for m in months["month"]]
    return months


def resource_demand(wb: Workbook) -> dict[str, float]:
    """How much of each resource the candidates would use if each got its most demanding option."""
    demand: dict[str, float] = {}
    for resource in wb.resource_names:
        if resource in wb.options.columns:
            demand[resource] = float(
                wb.options.groupby("candidate_id")[resource].max().fillna(0.0).sum()
            )
    return demand


def tight_resources(
    plan: AllocationResult, wb: Workbook | None = None, threshold: float = 0.95
) -> pd.DataFrame:
    """Resources (e.g. a department's staff days) used to at least ``threshold`` of capacity.

    Returns columns ``resource, used, capacity, share, demand_share`` (demand: see
    :func:`resource_demand`; NaN without the workbook), most used first.
    """
    res = plan.resources.copy()
    columns = ["resource", "used", "capacity", "share", "demand_share"]
    if res.empty:
        return pd.DataFrame(columns=columns)
    res["share"] = res["used"] / res["capacity"].where(res["capacity"] > 0)
    demand = resource_demand(wb) if wb is not None else {}
    res["demand_share"] = [
        demand.get(str(r), float("nan")) / c if c > 0 else float("nan")
        for r, c in zip(res["resource"], res["capacity"], strict=True)
    ]
    out = res[res["share"] >= threshold].sort_values("share", ascending=False)
    return out[columns].reset_index(drop=True)


def district_breakdown(plan: AllocationResult) -> pd.DataFrame:
    """Per district: candidates, how many get support, up-front money, expected successes."""
    allocation = plan.allocation
    if allocation.empty:
        return pd.DataFrame(
            columns=["district", "candidates", "supported", "money", "expected_base", "expected"]
        )
    frame = allocation.assign(
        supported=(allocation["option"].astype(str) != NONE_OPTION).astype(int),
        money=allocation["cost"].astype(float),
    )
    out = (
        frame.groupby("district", sort=False)
        .agg(
            candidates=("candidate_id", "count"),
            supported=("supported", "sum"),
            money=("money", "sum"),
            expected_base=("base_probability", "sum"),
            expected=("probability", "sum"),
        )
        .reset_index()
        .sort_values("expected", ascending=False)
    )
    return out.reset_index(drop=True)


def funnel_counts(projects: pd.DataFrame) -> pd.DataFrame:
    """Projects that reached each service stage (at it or beyond), in funnel order.

    The first row counts every project in either library; ``plan`` counts those in the plan library,
    and the service stages count plan-library projects, so each step is part of the one before.
    """
    rows: list[tuple[str, int]] = [("all", len(projects))]
    served = projects
    if "library" in projects.columns:
        served = projects[projects["library"].astype(str) == "plan"]
        rows.append(("plan", len(served)))
    if "stage" in projects.columns:
        order = {s: i for i, s in enumerate(STAGES)}
        index = served["stage"].astype(str).map(order)
        for i, stage in enumerate(STAGES[1:], start=1):
            rows.append((stage, int((index >= i).sum())))
    return pd.DataFrame(rows, columns=["step", "count"])


def open_gates(value: object) -> list[str]:
    """The approval gates still open, from the ``;``-separated ``open_gates`` cell."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [g.strip() for g in str(value).split(";") if g.strip()]


def candidate_view(wb: Workbook, plan: AllocationResult) -> pd.DataFrame:
    """Candidates with their descriptive columns and their plan: option, probability, cost."""
    columns = ["candidate_id", "option", "probability", "cost", "fund_line"]
    plan_part = plan.allocation[[c for c in columns if c in plan.allocation.columns]]
    out = wb.candidates.merge(plan_part, on="candidate_id", how="left")
    out["option"] = out["option"].fillna(NONE_OPTION)
    out["probability"] = out["probability"].fillna(out["base_probability"])
    return out


def project_table(wb: Workbook, plan: AllocationResult) -> pd.DataFrame:
    """Projects joined with their candidate's plan (option, chance of starting this year or, under
    construction, of completing the year plan)."""
    projects = wb.projects.copy()
    if projects.empty:
        return projects
    view = candidate_view(wb, plan)
    if "entity_id" in view.columns:
        # a project's one candidacy: its start, or for one under construction its year plan
        rung = view.get("rung", pd.Series("start", index=view.index)).astype(str)
        starts = view[rung.isin(PROJECT_RUNGS)]
        starts = starts[
            ["entity_id", "candidate_id", "option", "probability", "base_probability", "cost"]
        ]
        projects = projects.merge(starts, left_on="project_id", right_on="entity_id", how="left")
        projects = projects.drop(columns=["entity_id"])
    return projects


def firm_candidates(wb: Workbook, plan: AllocationResult) -> pd.DataFrame:
    """Enterprise candidates (one per firm and rung) with the firm's descriptive columns and the plan."""
    view = candidate_view(wb, plan)
    view = view[view["kind"].astype(str) == "enterprise"]
    if "entity_id" not in view.columns or wb.enterprises.empty:
        return view
    firm_cols = [c for c in wb.enterprises.columns if c not in view.columns or c == "firm_id"]
    return view.merge(
        wb.enterprises[firm_cols], left_on="entity_id", right_on="firm_id", how="left"
    )


def money_by_robustness(allocation: pd.DataFrame, classes: pd.DataFrame) -> dict[str, float]:
    """Share of the plan's money (up-front cost plus entitlement reserve) per robustness class.

    ``classes`` is ``optimizer.analysis.robustness(...).candidates`` (``candidate_id``, ``class``:
    core / borderline / exterior). Counting candidates says little when most are near-ties (about
    1,650 of the demo's 2,598 are borderline under ±20 %); the money says how much of the plan stands
    whatever the estimates. Returns shares summing to 1 over the classes present; empty when the plan
    spends nothing.
    """
    if allocation.empty or classes.empty:
        return {}
    money = allocation["cost"].astype(float)
    if "reserve" in allocation.columns:
        money = money + allocation["reserve"].astype(float).fillna(0.0)
    klass = allocation["candidate_id"].map(classes.set_index("candidate_id")["class"])
    total = float(money.sum())
    if total <= 0:
        return {}
    return {
        str(name): float(value) / total
        for name, value in money.groupby(klass.fillna("exterior")).sum().items()
    }
