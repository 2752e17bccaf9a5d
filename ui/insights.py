"""Plain-data summaries the pages show: risks, funnels, breakdowns, candidates near a threshold.

Pure functions of the workbook and the plan (no Streamlit), so they are tested directly.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from data.schema import NONE_OPTION, Workbook

STAGES = (
    "reserve",
    "review_integration",
    "assisted_handling",
    "factor_guarantee",
    "started",
    "production",
)
NOT_STARTED = STAGES[:4]
QUALITY_TIERS = ("none", "innovative_sme", "srdi", "little_giant", "champion")
SIZE_TIERS = ("seed", "quasi_above_size", "above_size", "large", "ten_billion")
RUNGS = ("above_size", "innovative_sme", "srdi", "little_giant", "champion", "ten_billion")
GATES = (
    "approval",
    "land",
    "planning",
    "environment",
    "energy",
    "construction_permit",
    "sea_use",
)


def stalled_projects(wb: Workbook, month: int) -> pd.DataFrame:
    """Plan-library projects whose planned start month has passed but which have not started.

    Parameters
    ----------
    wb : Workbook
        Needs the descriptive ``projects`` sheet (empty result without it).
    month : int
        The current month (1–12).
    """
    projects = wb.projects
    needed = {"stage", "planned_start_month", "name"}
    if projects.empty or not needed <= set(projects.columns):
        return pd.DataFrame(columns=["project_id", "name", "stage", "planned_start_month"])
    frame = projects.copy()
    frame["planned_start_month"] = pd.to_numeric(frame["planned_start_month"], errors="coerce")
    mask = frame["stage"].astype(str).isin(NOT_STARTED) & (frame["planned_start_month"] < month)
    if "library" in frame.columns:
        mask &= frame["library"].astype(str) == "plan"
    return frame[mask].sort_values(["planned_start_month", "stage"]).reset_index(drop=True)


def resource_demand(wb: Workbook) -> dict[str, float]:
    """How much of each resource the candidates would use if each got its most demanding option."""
    demand: dict[str, float] = {}
    for resource in wb.resource_names:
        if resource in wb.options.columns:
            demand[resource] = float(
                wb.options.groupby("candidate_id")[resource].max().fillna(0.0).sum()
            )
    return demand


def tight_resources(plan: Any, wb: Workbook | None = None, threshold: float = 0.95) -> pd.DataFrame:
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


def district_breakdown(plan: Any) -> pd.DataFrame:
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


def candidate_view(wb: Workbook, plan: Any) -> pd.DataFrame:
    """Candidates with their descriptive columns and their plan: option, probability, cost."""
    columns = ["candidate_id", "option", "probability", "cost", "fund_line"]
    plan_part = plan.allocation[[c for c in columns if c in plan.allocation.columns]]
    out = wb.candidates.merge(plan_part, on="candidate_id", how="left")
    out["option"] = out["option"].fillna(NONE_OPTION)
    out["probability"] = out["probability"].fillna(out["base_probability"])
    return out


def project_table(wb: Workbook, plan: Any) -> pd.DataFrame:
    """Projects joined with their start candidate's plan (option, chance of starting this year)."""
    projects = wb.projects.copy()
    if projects.empty:
        return projects
    view = candidate_view(wb, plan)
    if "entity_id" in view.columns:
        starts = view[view.get("rung", pd.Series("start", index=view.index)).astype(str) == "start"]
        starts = starts[
            ["entity_id", "candidate_id", "option", "probability", "base_probability", "cost"]
        ]
        projects = projects.merge(starts, left_on="project_id", right_on="entity_id", how="left")
        projects = projects.drop(columns=["entity_id"])
    return projects


def firm_candidates(wb: Workbook, plan: Any) -> pd.DataFrame:
    """Enterprise candidates (one per firm and rung) with the firm's descriptive columns and the plan."""
    view = candidate_view(wb, plan)
    view = view[view["kind"].astype(str) == "enterprise"]
    if "entity_id" not in view.columns or wb.enterprises.empty:
        return view
    firm_cols = [c for c in wb.enterprises.columns if c not in view.columns or c == "firm_id"]
    return view.merge(
        wb.enterprises[firm_cols], left_on="entity_id", right_on="firm_id", how="left"
    )
