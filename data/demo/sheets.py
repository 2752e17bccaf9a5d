"""The problem sheets of the demo: options, resources, budgets and targets, sized from the candidates.

Capacities and budgets are what every candidate at its strongest option would use, divided by the
assumptions' ratios, so that they bind; goals come from the assumptions and the plan library.
"""

from __future__ import annotations

import math

import pandas as pd

from data.demo.city import _OTHER_RESOURCES, FUND_LINES, LEAD_DEPARTMENTS, TARGETS


def _object_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as object dtype holding Python str, as the workbook reader produces them."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(
            out[column]
        ):
            out[column] = pd.Series([str(x) for x in out[column]], dtype=object, index=out.index)
        elif pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype("float64")
    return out


def _option_frame(options: list[dict], resource_names: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(options)
    for name in resource_names:
        frame[name] = frame[name].fillna(0.0).astype(float) if name in frame else 0.0
    frame["paid_on_success"] = frame.get("paid_on_success", 0.0)
    frame["paid_on_success"] = frame["paid_on_success"].fillna(0.0).astype(float)
    columns = [
        "candidate_id",
        "option",
        "probability",
        "fund_line",
        "cost",
        "paid_on_success",
        *resource_names,
    ]
    return _object_text(frame[columns])


def _strongest(options: pd.DataFrame) -> pd.DataFrame:
    """Each candidate's strongest option (the highest probability)."""
    options = options.reset_index(drop=True)
    idx = options.groupby("candidate_id", sort=False)["probability"].idxmax()
    return options.loc[idx]


def _resources(options: list[dict], values: dict[str, float]) -> pd.DataFrame:
    frame = pd.DataFrame(options)
    strongest = _strongest(frame)
    rows = []
    for dept, resource, label_en in LEAD_DEPARTMENTS:
        rows.append(
            (
                resource,
                "staff days",
                f"{dept}工作人员人日",
                f"{label_en} staff days",
                "resource_ratio",
            )
        )
    rows.extend(_OTHER_RESOURCES)
    out = []
    for resource, unit, label_zh, label_en, ratio_key in rows:
        demand = float(strongest[resource].fillna(0.0).sum()) if resource in strongest else 0.0
        capacity = float(math.ceil(demand / values[ratio_key]))
        out.append(
            {
                "resource": resource,
                "capacity": capacity,
                "unit": unit,
                "label_zh": label_zh,
                "label_en": label_en,
            }
        )
    return _object_text(pd.DataFrame(out))


def _budgets(
    candidates: pd.DataFrame, options: pd.DataFrame, values: dict[str, float]
) -> pd.DataFrame:
    strongest = _strongest(options)
    # up-front money plus the reserve for what is paid on success (docs/workbook.md, options)
    prudence = values["award_prudence"]
    on_success = strongest["paid_on_success"] * (prudence * strongest["probability"]).clip(upper=1)
    upfront = (strongest["cost"] + on_success).groupby(strongest["fund_line"]).sum()
    award_p = candidates.set_index("candidate_id")["award"]
    reserve_strong = float(
        (
            award_p.loc[strongest["candidate_id"]].to_numpy() * strongest["probability"].to_numpy()
        ).sum()
    )
    reserve_base = float((candidates["award"] * candidates["base_probability"]).sum())
    rows = []
    for line, pooled, label_zh, label_en in FUND_LINES:
        demand = float(upfront.get(line, 0.0))
        amount = demand / values["budget_ratio"]
        if line == "enterprise_awards":
            demand += reserve_strong * values["award_prudence"]
            amount = max(
                demand / values["budget_ratio"],
                values["awards_margin"] * reserve_base * values["award_prudence"],
            )
        rows.append(
            {
                "fund_line": line,
                "amount": float(round(amount, -1)),
                "pooled": pooled,
                "label_zh": label_zh,
                "label_en": label_en,
            }
        )
    frame = _object_text(pd.DataFrame(rows))
    frame["pooled"] = frame["pooled"].astype(bool)
    return frame


def _targets(
    projects: pd.DataFrame,
    candidates: pd.DataFrame,
    contributions: pd.DataFrame,
    values: dict[str, float],
) -> pd.DataFrame:
    # plan-library key projects: new starts to count, 续建 projects due to be completed, and what
    # every candidate would add to the year's investment (new starts phased by start month)
    plan = projects[projects["library"] == "plan"]
    new_starts = plan[plan["construction"] == "new_start"]
    started = int(new_starts["stage"].isin(["started", "production"]).sum())
    projects_goal = max(
        1.0, float(math.ceil(values["projects_started_plan_share"] * len(new_starts)) - started)
    )
    due = plan["completion_planned"] == "Y"
    completed_goal = float(math.ceil(values["projects_completed_plan_share"] * int(due.sum())))
    plan_ids = set(plan["project_id"])
    in_plan = candidates.loc[candidates["entity_id"].isin(plan_ids), "candidate_id"]
    amounts = contributions[contributions["candidate_id"].isin(set(in_plan))]
    by_target = amounts.groupby("target")["value"].sum()
    investment_goal = float(
        round(values["investment_goal_share"] * by_target.get("investment_completed", 0.0), -2)
    )
    layout_goal = float(
        round(values["major_layout_goal_share"] * by_target.get("major_layout_investment", 0.0), -2)
    )
    goals = {
        "new_srdi_champion": values["goal_new_srdi_champion"],
        "new_above_size": values["goal_new_above_size"],
        "new_ten_billion": values["goal_new_ten_billion"],
        "new_ten_billion_stretch": values["goal_new_ten_billion_stretch"],
        "new_innovative_sme": values["goal_new_innovative_sme"],
        "projects_started": projects_goal,
        "projects_completed": completed_goal,
        "investment_completed": investment_goal,
        "major_layout_investment": layout_goal,
    }
    weights = {
        "new_innovative_sme": values["weight_new_innovative_sme"],
        "new_ten_billion_stretch": values["weight_new_ten_billion_stretch"],
        "major_layout_investment": values["weight_major_layout"],
    }
    present = set(contributions["target"])
    rows = [
        {
            "target": t,
            "goal": float(goals[t]),
            "weight": float(weights.get(t, 1.0)),
            "unit": unit,
            "label_zh": zh,
            "label_en": en,
        }
        for t, unit, zh, en in TARGETS
        if t in present and goals[t] > 0
    ]
    return _object_text(pd.DataFrame(rows))
