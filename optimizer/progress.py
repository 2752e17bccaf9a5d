"""The year in motion: progress against the targets, districts, red/yellow lists, bottlenecks, 调度 snapshots.

Pure functions of a workbook (with its ``actuals`` sheet and ``as_of`` setting, docs/workbook.md) and of
a plan evaluated on it (an ``AllocationResult`` or a ``PlanEvaluation``: anything with the ``targets``,
``allocation`` and ``resources`` frames). No Streamlit: the cockpit (ui/year_panels.py), the 调度 page
and the 调度通报 documents (reports/) all read the same figures from here.

The words:

- *achieved*: Σ value of the candidates whose actuals row says ``succeeded`` (certain, docs/workbook.md
  "actuals");
- *expected*: the plan's expectation by year end (achieved included, as the contract's Eₜ);
- *chance*: P(meeting the goal) — achieved successes certain, the rest Poisson-binomial;
- *time share*: the part of the calendar year gone by on ``as_of`` (06-30 → 0.5); a target is *behind
  pace* when achieved / goal is below it (the departments' 时间过半、任务过半 rule);
- *pace needed*: what is still missing divided by the months left.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from data.schema import NONE_OPTION, Workbook
from data.vocabulary import NOT_STARTED
from data.workbook.issues import WorkbookIssue
from optimizer.odds import prob_at_least

ACTUAL_STATUSES = ("supported", "succeeded", "failed")
ACTUALS_COLUMNS = ["candidate_id", "status", "option", "date"]
DISTRICT_GOAL_COLUMNS = ["district", "target", "goal"]

DEFAULT_STALL_DAYS = 60.0  # as the assumption ``stall_days`` (data/assumptions.py)
STALLED_COLUMNS = [
    "project_id",
    "name",
    "stage",
    "stage_entered",
    "days_in_stage",
    "annual_investment",
    "district",
    "lead_department",
]
TARGET_PROGRESS_COLUMNS = [
    "target",
    "unit",
    "goal",
    "weight",
    "achieved",
    "achieved_share",
    "expected",
    "p_meet",
    "time_share",
    "on_pace_level",
    "pace_needed",
    "months_left",
    "light",
]
DISTRICT_PROGRESS_COLUMNS = ["district", "target", "goal", "achieved", "expected", "p_meet"]
RANKING_COLUMNS = ["district", "goals", "completion", "expected_share", "p_meet", "rank"]
CAPACITY_COLUMNS = ["resource", "used", "capacity", "share", "light"]
BOTTLENECK_COLUMNS = ["resource", "lead_department", "used", "capacity", "share"]
COMPARISON_COLUMNS = ["measure", "target", "before", "after", "change"]

# Lights: green on pace; yellow behind pace but still likely (需加力推进); red behind pace and
# unlikely (完成难度大). The cut for "likely" is the cockpit's own (ui/widgets.py light_of).
LIKELY = 0.5
TIGHT_SHARE = 0.95  # a resource used to this share of its capacity is on the yellow list


class PlanLike(Protocol):
    """What the progress functions read from a plan (``AllocationResult`` and ``PlanEvaluation`` have it)."""

    @property
    def targets(self) -> pd.DataFrame: ...

    @property
    def allocation(self) -> pd.DataFrame: ...

    @property
    def resources(self) -> pd.DataFrame: ...


# -------------------------------------------------------------------------------------------------
# Dates


def as_of_date(wb: Workbook, today: date | None = None) -> date:
    """The date the workbook's data describe: its ``as_of`` setting, else ``today``.

    Parameters
    ----------
    wb : Workbook
        ``settings["as_of"]`` is an ISO date (text; a date typed in Excel reads back as ISO too).
    today : date, optional
        The fallback; the calendar date in Weihai when omitted.
    """
    stamp = pd.to_datetime(str(wb.settings.get("as_of", "")).strip() or None, errors="coerce")
    if stamp is None or pd.isna(stamp):
        return today or datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return stamp.date()


def time_share(as_of: date) -> float:
    """The share of the calendar year gone by at the end of ``as_of`` (2026-06-30 → 0.5)."""
    days = 366 if calendar.isleap(as_of.year) else 365
    return min(1.0, as_of.timetuple().tm_yday / days)


def months_left(as_of: date) -> float:
    """Months from the end of ``as_of`` to the end of the year (06-30 → 6.0, 06-15 → 6.5)."""
    in_month = calendar.monthrange(as_of.year, as_of.month)[1]
    return (12 - as_of.month) + (in_month - as_of.day) / in_month


# -------------------------------------------------------------------------------------------------
# Actuals


def actuals_of(wb: Workbook) -> pd.DataFrame:
    """The workbook's actuals sheet (``ACTUALS_COLUMNS`` first), empty when it has none."""
    frame = getattr(wb, "actuals", None)
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ACTUALS_COLUMNS})
    out = frame.copy()
    for column in ACTUALS_COLUMNS:
        if column not in out.columns:
            out[column] = ""
    out["option"] = out["option"].fillna("").astype(str).replace("", NONE_OPTION)
    out["status"] = out["status"].fillna("").astype(str)
    out["date"] = out["date"].fillna("").astype(str)
    return out


def check_actuals(wb: Workbook, frame: pd.DataFrame) -> list[WorkbookIssue]:
    """Check an actuals table (typed in the app) by docs/workbook.md's rules for the ``actuals`` sheet.

    Every problem names the sheet, the Excel row (the first data row is row 2, as in an import) and
    the column. An empty list means the table may be stored.
    """
    issues: list[WorkbookIssue] = []
    sheet = "actuals"
    missing = [c for c in ("candidate_id", "status") if c not in frame.columns]
    for column in missing:
        issues.append(WorkbookIssue(sheet, None, column, "required column is missing"))
    if missing:
        return issues
    candidates = set(wb.candidates["candidate_id"].astype(str))
    options: dict[str, set[str]] = {}
    for cid, option in zip(
        wb.options["candidate_id"].astype(str), wb.options["option"].astype(str), strict=True
    ):
        options.setdefault(cid, set()).add(option)
    locked = set(wb.locks["candidate_id"].astype(str)) if not wb.locks.empty else set()
    seen: set[str] = set()

    def text(value: object) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        return str(value).strip()

    for i, row in enumerate(frame.to_dict("records")):
        excel_row = i + 2
        cid = text(row.get("candidate_id"))
        status = text(row.get("status"))
        option = text(row.get("option")) or NONE_OPTION
        when = text(row.get("date"))
        if not cid:
            issues.append(WorkbookIssue(sheet, excel_row, "candidate_id", "is blank"))
        elif cid not in candidates:
            issues.append(
                WorkbookIssue(sheet, excel_row, "candidate_id", f"unknown candidate {cid!r}")
            )
        elif cid in seen:
            issues.append(
                WorkbookIssue(sheet, excel_row, "candidate_id", f"{cid!r} appears more than once")
            )
        elif cid in locked:
            issues.append(
                WorkbookIssue(sheet, excel_row, "candidate_id", f"{cid!r} is also in locks")
            )
        seen.add(cid)
        if status not in ACTUAL_STATUSES:
            issues.append(
                WorkbookIssue(
                    sheet,
                    excel_row,
                    "status",
                    f"{status!r} is not one of {', '.join(ACTUAL_STATUSES)}",
                )
            )
        if cid in candidates and option != NONE_OPTION and option not in options.get(cid, set()):
            issues.append(
                WorkbookIssue(
                    sheet, excel_row, "option", f"{option!r} is not one of {cid!r}'s options"
                )
            )
        if when:
            try:
                date.fromisoformat(when)
            except ValueError:
                issues.append(
                    WorkbookIssue(sheet, excel_row, "date", f"{when!r} is not a date YYYY-MM-DD")
                )
    return issues


def _values(wb: Workbook) -> pd.DataFrame:
    """Contributions with the candidate's district and kind: candidate_id, target, value, district, kind."""
    cand = wb.candidates[["candidate_id", "district", "kind"]]
    return wb.contributions[["candidate_id", "target", "value"]].merge(
        cand, on="candidate_id", how="left"
    )


def achieved_by_target(wb: Workbook) -> pd.Series:
    """Σ value of the succeeded candidates per target (every target listed, 0 where none)."""
    actuals = actuals_of(wb)
    won = set(actuals.loc[actuals["status"] == "succeeded", "candidate_id"].astype(str))
    contrib = wb.contributions
    mask = contrib["candidate_id"].astype(str).isin(won)
    sums = contrib.loc[mask].groupby("target")["value"].sum()
    return sums.reindex(wb.targets["target"], fill_value=0.0).astype(float)


def money_spent(wb: Workbook) -> pd.DataFrame:
    """Up-front money of the support recorded in actuals, per fund line: fund_line, spent (万元).

    Support given is money spent or committed whatever the outcome (docs/workbook.md "actuals").
    """
    actuals = actuals_of(wb)
    given = actuals[actuals["option"] != NONE_OPTION][["candidate_id", "option"]]
    if given.empty:
        return pd.DataFrame({"fund_line": pd.Series(dtype=object), "spent": pd.Series(dtype=float)})
    merged = given.merge(wb.options, on=["candidate_id", "option"], how="left")
    merged = merged[merged["cost"].fillna(0.0) > 0]
    out = merged.groupby("fund_line", sort=True)["cost"].sum().rename("spent").reset_index()
    return out


def actuals_counts(wb: Workbook) -> dict[str, int]:
    """How many actuals rows of each kind: starts, recognitions, failures, supported (support given)."""
    actuals = actuals_of(wb)
    kind = actuals["candidate_id"].map(wb.candidates.set_index("candidate_id")["kind"])
    won = actuals["status"] == "succeeded"
    return {
        "starts": int((won & (kind == "project")).sum()),
        "recognitions": int((won & (kind == "enterprise")).sum()),
        "failures": int((actuals["status"] == "failed").sum()),
        "supported": int((actuals["option"] != NONE_OPTION).sum()),
    }


def with_actuals(wb: Workbook, actuals: pd.DataFrame, as_of: str | None = None) -> Workbook:
    """The workbook with ``actuals`` as its actuals sheet (and ``as_of`` set, when given).

    The frame must have passed `check_actuals`; blank options become ``none`` and dates text.
    """
    out = wb.copy()
    frame = actuals.copy()
    for column in ACTUALS_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame[ACTUALS_COLUMNS + [c for c in frame.columns if c not in ACTUALS_COLUMNS]]
    for column in ACTUALS_COLUMNS:
        frame[column] = frame[column].fillna("").astype(str).str.strip().astype(object)
    frame["option"] = frame["option"].replace("", NONE_OPTION)
    frame = frame.reset_index(drop=True)
    out.actuals = frame
    if as_of is not None:
        out.settings["as_of"] = as_of
    return out


# -------------------------------------------------------------------------------------------------
# Targets


def _light(behind: bool, p_meet: float) -> str:
    if not behind:
        return "green"
    return "yellow" if (not math.isnan(p_meet) and p_meet >= LIKELY) else "red"


def target_progress(wb: Workbook, plan: PlanLike, as_of: date | None = None) -> pd.DataFrame:
    """Per target: goal, achieved to date, expected by year end, chance, and the pace.

    Returns
    -------
    pandas.DataFrame
        ``TARGET_PROGRESS_COLUMNS``: ``achieved_share`` = achieved / goal; ``time_share`` the year
        gone by; ``on_pace_level`` = goal × time_share (what "on pace" needs by now); ``pace_needed``
        = (goal − achieved) / months left, per month (0 when met); ``light`` green / yellow / red.
    """
    day = as_of or as_of_date(wb)
    share = time_share(day)
    left = months_left(day)
    achieved = achieved_by_target(wb)
    plan_targets = plan.targets.set_index("target") if not plan.targets.empty else None
    rows = []
    for target in wb.targets.to_dict("records"):
        name = str(target["target"])
        goal = float(target["goal"])
        got = float(achieved.get(name, 0.0))
        expected = p_meet = float("nan")
        if plan_targets is not None and name in plan_targets.index:
            expected = float(plan_targets.at[name, "expected"])
            p_meet = float(plan_targets.at[name, "p_meet"])
        missing = max(0.0, goal - got)
        behind = got < goal * share - 1e-9
        rows.append(
            {
                "target": name,
                "unit": str(target.get("unit", "") or ""),
                "goal": goal,
                "weight": float(target.get("weight", 1.0)),
                "achieved": got,
                "achieved_share": got / goal if goal > 0 else float("nan"),
                "expected": expected,
                "p_meet": p_meet,
                "time_share": share,
                "on_pace_level": goal * share,
                "pace_needed": (missing / left if left > 0 else missing),
                "months_left": left,
                "light": _light(behind, p_meet),
            }
        )
    return pd.DataFrame(rows, columns=TARGET_PROGRESS_COLUMNS)


def behind_pace(progress: pd.DataFrame) -> pd.DataFrame:
    """The targets behind pace (light yellow or red), red first, from `target_progress`."""
    out = progress[progress["light"] != "green"].copy()
    out["_order"] = (out["light"] != "red").astype(int)
    out = out.sort_values(["_order", "p_meet"]).drop(columns="_order")
    return out.reset_index(drop=True)


# -------------------------------------------------------------------------------------------------
# Districts


def default_district_goals(wb: Workbook) -> pd.DataFrame:
    """The city's goals broken down by district, in proportion to what each district's candidates
    would bring with no support (Σ value × base_probability).

    Count targets are split into whole numbers by largest remainder, so a target's district goals
    add up to the city's goal (rounded up to a whole number); amount targets keep two decimals.
    Districts with nothing toward a target get no row for it.
    """
    values = _values(wb)
    base = wb.candidates.set_index("candidate_id")["base_probability"]
    values["weight"] = values["value"] * values["candidate_id"].map(base).astype(float)
    rows: list[dict[str, object]] = []
    for target in wb.targets.to_dict("records"):
        name, goal = str(target["target"]), float(target["goal"])
        part = values[values["target"] == name].groupby("district", sort=True)["weight"].sum()
        part = part[part > 0]
        if part.empty:
            continue
        raw = part / part.sum() * goal
        counts = (wb.contributions.loc[wb.contributions["target"] == name, "value"] == 1).all()
        if counts:
            whole = np.floor(raw.to_numpy())
            short = int(math.ceil(goal - 1e-9) - whole.sum())
            order = np.argsort(-(raw.to_numpy() - whole), kind="stable")
            whole[order[: max(0, short)]] += 1
            split = dict(zip(raw.index, whole, strict=True))
        else:
            split = dict(zip(raw.index, np.round(raw.to_numpy(), 2), strict=True))
        for district, share in split.items():
            if share > 0:
                rows.append({"district": str(district), "target": name, "goal": float(share)})
    return pd.DataFrame(rows, columns=DISTRICT_GOAL_COLUMNS)


def check_district_goals(wb: Workbook, frame: pd.DataFrame) -> list[WorkbookIssue]:
    """Check a ``district_goals`` sheet (a product extension, docs/workbook.md): district a district
    some candidate has, target a known target, goal a number > 0, at most one row per pair."""
    sheet = "district_goals"
    issues = [
        WorkbookIssue(sheet, None, c, "required column is missing")
        for c in DISTRICT_GOAL_COLUMNS
        if c not in frame.columns
    ]
    if issues:
        return issues
    districts = set(wb.candidates["district"].astype(str))
    targets = set(wb.targets["target"].astype(str))
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(frame.to_dict("records")):
        excel_row = i + 2
        district = "" if pd.isna(row["district"]) else str(row["district"]).strip()
        target = "" if pd.isna(row["target"]) else str(row["target"]).strip()
        if district not in districts:
            issues.append(
                WorkbookIssue(sheet, excel_row, "district", f"unknown district {district!r}")
            )
        if target not in targets:
            issues.append(WorkbookIssue(sheet, excel_row, "target", f"unknown target {target!r}"))
        try:
            goal = float(row["goal"])
        except (TypeError, ValueError):
            goal = float("nan")
        if not (math.isfinite(goal) and goal > 0):
            issues.append(WorkbookIssue(sheet, excel_row, "goal", "must be a number > 0"))
        if (district, target) in seen:
            issues.append(
                WorkbookIssue(
                    sheet, excel_row, "district", f"{district!r} × {target!r} appears twice"
                )
            )
        seen.add((district, target))
    return issues


def _plan_probability(wb: Workbook, plan: PlanLike) -> pd.Series:
    """Each candidate's chance this year under the plan, actuals applied (succeeded 1, failed 0)."""
    alloc = plan.allocation
    if alloc.empty:
        prob = wb.candidates.set_index("candidate_id")["base_probability"].astype(float)
    else:
        prob = alloc.set_index("candidate_id")["probability"].astype(float)
    prob = prob.copy()
    actuals = actuals_of(wb)
    for cid, status in zip(actuals["candidate_id"], actuals["status"], strict=True):
        if cid in prob.index and status in ("succeeded", "failed"):
            prob.at[cid] = 1.0 if status == "succeeded" else 0.0
    return prob


def district_progress(wb: Workbook, plan: PlanLike, goals: pd.DataFrame) -> pd.DataFrame:
    """Per district and target with a district goal: goal, achieved, expected, chance.

    ``goals`` is a ``district_goals`` table (`default_district_goals` when the city has set none).
    Chance is the exact Poisson-binomial (normal approximation for amounts) over the district's
    candidates, succeeded ones certain.
    """
    if goals.empty:
        return pd.DataFrame(columns=DISTRICT_PROGRESS_COLUMNS)
    values = _values(wb)
    prob = _plan_probability(wb, plan)
    values["p"] = values["candidate_id"].map(prob).fillna(0.0).astype(float)
    actuals = actuals_of(wb)
    won = set(actuals.loc[actuals["status"] == "succeeded", "candidate_id"].astype(str))
    values["won"] = values["candidate_id"].astype(str).isin(won)
    groups = {key: part for key, part in values.groupby(["district", "target"], sort=False)}
    rows = []
    for row in goals.to_dict("records"):
        district, target, goal = str(row["district"]), str(row["target"]), float(row["goal"])
        part = groups.get((district, target))
        if part is None:
            achieved = expected = 0.0
            chance = 0.0
        else:
            v, p = part["value"].to_numpy(float), part["p"].to_numpy(float)
            achieved = float(v[part["won"].to_numpy()].sum())
            expected = float(v @ p)
            chance = prob_at_least(v, p, goal)[0]
        rows.append(
            {
                "district": district,
                "target": target,
                "goal": goal,
                "achieved": achieved,
                "expected": expected,
                "p_meet": chance,
            }
        )
    return pd.DataFrame(rows, columns=DISTRICT_PROGRESS_COLUMNS)


def district_ranking(
    progress: pd.DataFrame, weights: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Districts ranked by completion to date: the weighted mean of min(1, achieved / goal) over
    their goals (target weights, 1 when not given); ties by expected share, then chance.

    Returns ``RANKING_COLUMNS`` (``goals``: how many goals; ``rank`` 1 = best).
    """
    if progress.empty:
        return pd.DataFrame(columns=RANKING_COLUMNS)
    frame = progress.copy()
    frame["w"] = frame["target"].map(lambda t: float((weights or {}).get(t, 1.0)))
    frame["done"] = np.minimum(1.0, frame["achieved"] / frame["goal"]) * frame["w"]
    frame["exp"] = np.minimum(1.0, frame["expected"] / frame["goal"]) * frame["w"]
    frame["pm"] = frame["p_meet"] * frame["w"]
    grouped = frame.groupby("district", sort=False)
    out = pd.DataFrame(
        {
            "goals": grouped.size(),
            "completion": grouped["done"].sum() / grouped["w"].sum(),
            "expected_share": grouped["exp"].sum() / grouped["w"].sum(),
            "p_meet": grouped["pm"].sum() / grouped["w"].sum(),
        }
    ).reset_index()
    out = out.sort_values(
        ["completion", "expected_share", "p_meet", "district"],
        ascending=[False, False, False, True],
    ).reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out[RANKING_COLUMNS]


def with_district_targets(wb: Workbook, goals: pd.DataFrame, weight: float = 1.0) -> Workbook:
    """The workbook with each district goal as a target of its own, so the plan counts it.

    Each (district, target) goal becomes target ``<target>@<district>`` with that goal, ``weight``,
    the city target's unit, and a contribution from every candidate of the district that contributes
    to the city target (same value). The city targets stay as they are. Pure: ``wb`` is not changed.
    """
    out = wb.copy()
    if goals.empty or weight <= 0:
        return out
    units = wb.targets.set_index("target")["unit"].astype(str).to_dict()
    values = _values(wb)
    new_targets, new_contrib = [], []
    for row in goals.to_dict("records"):
        district, target, goal = str(row["district"]), str(row["target"]), float(row["goal"])
        name = district_target_name(target, district)
        part = values[(values["district"] == district) & (values["target"] == target)]
        if part.empty:
            continue
        new_targets.append(
            {"target": name, "goal": goal, "weight": float(weight), "unit": units.get(target, "")}
        )
        new_contrib.append(
            pd.DataFrame(
                {"candidate_id": part["candidate_id"], "target": name, "value": part["value"]}
            )
        )
    if not new_targets:
        return out
    targets = pd.concat([out.targets, pd.DataFrame(new_targets)], ignore_index=True)
    for column in targets.columns:
        if targets[column].dtype == object:
            targets[column] = targets[column].fillna("")
    out.targets = targets
    out.contributions = pd.concat([out.contributions, *new_contrib], ignore_index=True)
    for column in out.contributions.columns:
        if out.contributions[column].dtype == object:
            out.contributions[column] = out.contributions[column].fillna("")
    return out


def without_district_targets(wb: Workbook) -> Workbook:
    """The workbook without the targets `with_district_targets` added (names ``target@district`` of a
    city target and a district), nor their contributions."""
    districts = set(wb.candidates["district"].astype(str))
    city = set(wb.targets["target"].astype(str))
    names = {
        name
        for name in city
        if "@" in name and name.rsplit("@", 1)[0] in city and name.rsplit("@", 1)[1] in districts
    }
    out = wb.copy()
    if names:
        out.targets = out.targets[~out.targets["target"].isin(names)].reset_index(drop=True)
        keep = ~out.contributions["target"].isin(names)
        out.contributions = out.contributions[keep].reset_index(drop=True)
    return out


def district_target_name(target: str, district: str) -> str:
    """The name of a district goal made a target by `with_district_targets`: ``target@district``."""
    return f"{target}@{district}"


# -------------------------------------------------------------------------------------------------
# Red and yellow lists


def stall_days(wb: Workbook) -> float:
    """Days in one stage after which a waiting plan-library project counts as stalled.

    The workbook's ``stall_days`` setting (the demo copies the assumption there), else 60.
    """
    try:
        value = float(str(wb.settings.get("stall_days", "")).strip())
    except ValueError:
        return DEFAULT_STALL_DAYS
    return value if math.isfinite(value) and value >= 0 else DEFAULT_STALL_DAYS


def days_in_stage(projects: pd.DataFrame, as_of: date) -> pd.Series:
    """Whole days each project has been in its current stage on ``as_of`` (NaN without a date)."""
    if "stage_entered" not in projects.columns:
        return pd.Series(float("nan"), index=projects.index)
    entered = pd.to_datetime(projects["stage_entered"].astype(str), errors="coerce")
    return (pd.Timestamp(as_of) - entered).dt.days.astype(float)


def stalled_mask(projects: pd.DataFrame, days: pd.Series, limit_days: float) -> pd.Series:
    """The stall rule: True for each plan-library project not yet started that has been in its
    stage more than ``limit_days`` (``days``: `days_in_stage`, NaN never counts).

    A sheet without a ``library`` column counts every project as in the plan library.
    """
    mask = projects["stage"].astype(str).isin(NOT_STARTED) & (days > limit_days)
    if "library" in projects.columns:
        mask &= projects["library"].astype(str) == "plan"
    return mask


def stalled_projects(
    wb: Workbook, as_of: date | None = None, limit_days: float | None = None
) -> pd.DataFrame:
    """推进缓慢项目: plan-library projects not yet started, in their stage longer than the limit.

    Parameters
    ----------
    wb : Workbook
        Needs the descriptive ``projects`` sheet with ``stage`` and ``stage_entered`` (an empty
        result without them: a workbook that does not record when stages began cannot say).
        Projects whose start is recorded as succeeded in actuals are not stalled.
    as_of : date, optional
        The day to count to; `as_of_date` by default.
    limit_days : float, optional
        Days in one stage before a project counts as stalled; `stall_days` by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``STALLED_COLUMNS`` (missing descriptive ones blank), the largest annual planned
        investment first, then the longest wait.
    """
    projects = wb.projects
    if projects.empty or not {"stage", "stage_entered"} <= set(projects.columns):
        return pd.DataFrame(columns=STALLED_COLUMNS)
    frame = projects.copy()
    for column in STALLED_COLUMNS:
        if column not in frame.columns:
            frame[column] = float("nan") if column == "annual_investment" else ""
    frame["days_in_stage"] = days_in_stage(frame, as_of or as_of_date(wb))
    frame["annual_investment"] = pd.to_numeric(frame["annual_investment"], errors="coerce")
    limit = stall_days(wb) if limit_days is None else limit_days
    mask = stalled_mask(frame, frame["days_in_stage"], limit)
    started = started_projects(wb)
    if started:
        mask &= ~frame["project_id"].astype(str).isin(started)
    out = frame.loc[mask, STALLED_COLUMNS].sort_values(
        ["annual_investment", "days_in_stage"], ascending=False, na_position="last"
    )
    return out.reset_index(drop=True)


def started_projects(wb: Workbook) -> set[str]:
    """Project ids whose start candidate succeeded in actuals (through the ``entity_id`` column)."""
    actuals = actuals_of(wb)
    if actuals.empty or "entity_id" not in wb.candidates.columns:
        return set()
    won = actuals.loc[actuals["status"] == "succeeded", "candidate_id"]
    entity = wb.candidates.set_index("candidate_id")["entity_id"]
    return {str(e) for e in won.map(entity).dropna()}


def capacity_use(plan: PlanLike) -> pd.DataFrame:
    """Each resource's use under the plan: ``CAPACITY_COLUMNS``, most used first; light red over
    capacity, yellow from `TIGHT_SHARE` of it, else green."""
    res = plan.resources
    if res.empty:
        return pd.DataFrame(columns=CAPACITY_COLUMNS)
    out = res[["resource", "used", "capacity"]].copy()
    out["share"] = out["used"] / out["capacity"].where(out["capacity"] > 0)
    over = out["used"] > out["capacity"] + 1e-9
    out["light"] = np.where(over, "red", np.where(out["share"] >= TIGHT_SHARE, "yellow", "green"))
    return out.sort_values("share", ascending=False).reset_index(drop=True)[CAPACITY_COLUMNS]


def over_capacity(plan: PlanLike) -> pd.DataFrame:
    """Departments (resources) used to at least `TIGHT_SHARE` of capacity: the red/yellow rows of
    `capacity_use`."""
    use = capacity_use(plan)
    return use[use["light"] != "green"].reset_index(drop=True)


def bottlenecks(wb: Workbook, plan: PlanLike) -> pd.DataFrame:
    """Each resource × lead department: what the plan uses of the resource for the department's
    candidates, against the resource's whole capacity (``BOTTLENECK_COLUMNS``, largest share first).

    Candidates without a ``lead_department`` column count under ``""``.
    """
    alloc = plan.allocation
    res = plan.resources
    if alloc.empty or res.empty:
        return pd.DataFrame(columns=BOTTLENECK_COLUMNS)
    lead = (
        wb.candidates.set_index("candidate_id")["lead_department"].astype(str)
        if "lead_department" in wb.candidates.columns
        else pd.Series("", index=wb.candidates["candidate_id"])
    )
    dept = alloc["candidate_id"].map(lead).fillna("")
    capacity = res.set_index("resource")["capacity"].astype(float)
    rows = []
    for resource in res["resource"].astype(str):
        if resource not in alloc.columns:
            continue
        used = alloc[resource].astype(float).groupby(dept).sum()
        for department, amount in used.items():
            if amount <= 0:
                continue
            cap = float(capacity[resource])
            rows.append(
                {
                    "resource": resource,
                    "lead_department": str(department),
                    "used": float(amount),
                    "capacity": cap,
                    "share": float(amount) / cap if cap > 0 else float("nan"),
                }
            )
    out = pd.DataFrame(rows, columns=BOTTLENECK_COLUMNS)
    return out.sort_values("share", ascending=False).reset_index(drop=True)


@dataclass
class Watchlists:
    """The red/yellow lists of a 调度通报: stalled projects, targets behind pace, tight departments."""

    stalled: pd.DataFrame
    behind_pace: pd.DataFrame
    over_capacity: pd.DataFrame

    @property
    def empty(self) -> bool:
        return self.stalled.empty and self.behind_pace.empty and self.over_capacity.empty


def watchlists(wb: Workbook, plan: PlanLike, as_of: date | None = None) -> Watchlists:
    """The three red/yellow lists for the workbook and plan (`stalled_projects`, `behind_pace`,
    `over_capacity`)."""
    return Watchlists(
        stalled=stalled_projects(wb, as_of),
        behind_pace=behind_pace(target_progress(wb, plan, as_of)),
        over_capacity=over_capacity(plan),
    )


# -------------------------------------------------------------------------------------------------
# Snapshots


def snapshot_figures(wb: Workbook, plan: PlanLike | None = None) -> dict[str, Any]:
    """The key figures kept with a 调度 snapshot (JSON-ready).

    ``as_of``; ``counts`` (`actuals_counts`); ``spent`` (total 万元 of support given) and
    ``spent_by_line``; ``targets``: per target goal, achieved and — with a plan — expected and p_meet.
    """
    progress = (
        target_progress(wb, plan)
        if plan is not None
        else pd.DataFrame(
            {
                "target": wb.targets["target"].astype(str),
                "goal": wb.targets["goal"].astype(float),
                "achieved": achieved_by_target(wb).to_numpy(),
            }
        )
    )
    spent = money_spent(wb)

    def num(value: object) -> float | None:
        number = float(value)  # type: ignore[arg-type]  # a figure from the frames above
        return number if math.isfinite(number) else None

    targets = {}
    for row in progress.to_dict("records"):
        entry = {"goal": num(row["goal"]), "achieved": num(row["achieved"])}
        if plan is not None:
            entry["expected"] = num(row["expected"])
            entry["p_meet"] = num(row["p_meet"])
        targets[str(row["target"])] = entry
    return {
        "as_of": as_of_date(wb).isoformat(),
        "counts": actuals_counts(wb),
        "spent": float(spent["spent"].sum()),
        "spent_by_line": {
            str(k): float(v) for k, v in zip(spent["fund_line"], spent["spent"], strict=True)
        },
        "targets": targets,
    }


def choices_with_actuals(choices: Mapping[str, str], wb: Workbook) -> dict[str, str]:
    """A plan's choices with every decided candidate's recorded option (docs/workbook.md "actuals":
    its option is fixed as by a lock)."""
    out = dict(choices)
    actuals = actuals_of(wb)
    out.update(zip(actuals["candidate_id"].astype(str), actuals["option"].astype(str), strict=True))
    return out


def figures_at(
    wb: Workbook,
    actuals: pd.DataFrame,
    as_of: str,
    choices: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """`snapshot_figures` of a round recorded as ``actuals`` on ``as_of``: with ``choices`` (the
    plan in use), expected and chance come from evaluating that plan on the round's workbook with
    the round's recorded options (`choices_with_actuals`)."""
    from optimizer.evaluate import evaluate_plan  # lazy: evaluation compiles the problem

    at = with_actuals(wb, actuals, as_of)
    if choices is None:
        return snapshot_figures(at, None)
    plan = evaluate_plan(at, available_choices(at, choices_with_actuals(choices, at)))
    return snapshot_figures(at, plan)


def available_choices(wb: Workbook, choices: Mapping[str, str]) -> dict[str, str]:
    """``choices`` with every option the workbook does not offer replaced by ``none``: an option
    whose act-by date is before ``as_of`` is gone unless actuals record it (docs/workbook.md), so a
    plan made at one date may name options another date's workbook no longer has."""
    from optimizer.problem import compile_problem  # lazy: only a plan from elsewhere needs it

    problem = compile_problem(wb)
    out: dict[str, str] = {}
    for i, cid in enumerate(problem.candidate_ids):
        option = str(choices.get(cid, NONE_OPTION))
        names = list(problem.option_names[i])
        ok = option in names and bool(problem.valid[i, names.index(option)])
        out[cid] = option if ok else NONE_OPTION
    return out


def complete_figures(
    wb: Workbook, snapshot: Mapping[str, Any], choices: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A stored snapshot's figures, computed by `figures_at` where the round kept none (the demo's
    seeded rounds): ``snapshot`` is `data.store.Store.get_snapshot`'s dict."""
    kept = dict(snapshot.get("figures") or {})
    if kept.get("targets"):
        return {**kept, "as_of": str(snapshot["as_of"])}
    return figures_at(wb, snapshot["actuals"], str(snapshot["as_of"]), choices)


def compare_snapshots(before: Mapping[str, Any], after: Mapping[str, Any]) -> pd.DataFrame:
    """What changed from one snapshot's figures to another's (`snapshot_figures`), in one table.

    Rows (``COMPARISON_COLUMNS``): ``starts``, ``recognitions``, ``failures``, ``supported``,
    ``spent`` (blank target), then per target ``achieved`` and ``p_meet`` (the chance moved; blank
    when a snapshot has no plan figures). ``change`` = after − before.
    """
    rows: list[dict[str, object]] = []
    b_counts, a_counts = before.get("counts", {}), after.get("counts", {})
    for measure in ("starts", "recognitions", "failures", "supported"):
        x, y = float(b_counts.get(measure, 0)), float(a_counts.get(measure, 0))
        rows.append({"measure": measure, "target": "", "before": x, "after": y, "change": y - x})
    x, y = float(before.get("spent", 0.0)), float(after.get("spent", 0.0))
    rows.append({"measure": "spent", "target": "", "before": x, "after": y, "change": y - x})
    b_targets, a_targets = before.get("targets", {}), after.get("targets", {})
    names = list(a_targets) + [n for n in b_targets if n not in a_targets]
    for measure in ("achieved", "p_meet"):
        for name in names:
            x = _figure(b_targets.get(name, {}), measure)
            y = _figure(a_targets.get(name, {}), measure)
            rows.append(
                {"measure": measure, "target": name, "before": x, "after": y, "change": y - x}
            )
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def _figure(entry: Mapping[str, Any], key: str) -> float:
    value = entry.get(key)
    return float("nan") if value is None else float(value)


def trend(snapshots: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The targets over the snapshots, for a line chart: as_of, target, achieved_share, p_meet.

    ``snapshots`` are `snapshot_figures` dicts (each with its ``as_of``), in any order.
    """
    rows = []
    for snap in snapshots:
        for name, entry in snap.get("targets", {}).items():
            goal = _figure(entry, "goal")
            rows.append(
                {
                    "as_of": str(snap.get("as_of", "")),
                    "target": name,
                    "achieved_share": _figure(entry, "achieved") / goal
                    if goal > 0
                    else float("nan"),
                    "p_meet": _figure(entry, "p_meet"),
                }
            )
    out = pd.DataFrame(rows, columns=["as_of", "target", "achieved_share", "p_meet"])
    return out.sort_values(["as_of", "target"]).reset_index(drop=True)


# -------------------------------------------------------------------------------------------------
# Everything a 调度通报 needs


@dataclass
class YearProgress:
    """One 调度 round's figures, as the cockpit and the 调度通报 show them.

    Attributes
    ----------
    as_of : date
    targets : DataFrame
        `target_progress`.
    districts : DataFrame
        `district_progress` (per district and target).
    ranking : DataFrame
        `district_ranking`.
    watch : Watchlists
        Stalled projects, targets behind pace, tight departments.
    bottlenecks : DataFrame
        `bottlenecks`.
    comparison : DataFrame
        `compare_snapshots` of the last two snapshots given (empty with fewer than two).
    trend : DataFrame
        `trend` over the snapshots given.
    """

    as_of: date
    targets: pd.DataFrame
    districts: pd.DataFrame
    ranking: pd.DataFrame
    watch: Watchlists
    bottlenecks: pd.DataFrame
    comparison: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=COMPARISON_COLUMNS)
    )
    trend: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["as_of", "target", "achieved_share", "p_meet"]
        )
    )


def year_progress(
    wb: Workbook,
    plan: PlanLike,
    district_goals: pd.DataFrame | None = None,
    snapshots: Sequence[Mapping[str, Any]] = (),
) -> YearProgress:
    """All the year's figures for the workbook and plan.

    Parameters
    ----------
    district_goals : DataFrame, optional
        The ``district_goals`` table; `default_district_goals` when None or empty.
    snapshots : sequence of dict
        `snapshot_figures` of the stored 调度 snapshots, oldest first (the store keeps them as
        ``figures``); the last two are compared.
    """
    day = as_of_date(wb)
    goals = (
        district_goals
        if district_goals is not None and not district_goals.empty
        else default_district_goals(without_district_targets(wb))
    )
    progress = target_progress(wb, plan, day)
    districts = district_progress(wb, plan, goals)
    weights = wb.targets.set_index("target")["weight"].astype(float).to_dict()
    snaps = list(snapshots)
    return YearProgress(
        as_of=day,
        targets=progress,
        districts=districts,
        ranking=district_ranking(districts, weights),
        watch=Watchlists(
            stalled=stalled_projects(wb, day),
            behind_pace=behind_pace(progress),
            over_capacity=over_capacity(plan),
        ),
        bottlenecks=bottlenecks(wb, plan),
        comparison=(
            compare_snapshots(snaps[-2], snaps[-1])
            if len(snaps) >= 2
            else pd.DataFrame(columns=COMPARISON_COLUMNS)
        ),
        trend=trend(snaps),
    )
