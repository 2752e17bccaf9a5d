"""The demo city in motion: act-by dates for its options, its actuals Jan–Jun and three dated 调度 rounds.

Everything is drawn once from a seeded generator, so the rounds are consistent with one another (a
firm recognised by May is still recognised in June) and with the demo's probabilities: a candidate
succeeds this year with the probability of the option it was given (its base probability without
support), and the success falls in its month — a project's planned start month, a firm's batch.

Dates (docs/workbook.md, "product extensions": the options' ``act_by`` column):

- A project must start by ``last_start_month`` (winter stops earthwork in Shandong from mid-November)
  and needs about a month of help per two approval gates still open, so help for it must begin by the
  end of month min(planned start + 1, last start month) − ⌈open gates / 2⌉ (January at the earliest).
- A firm's rung is announced in provincial or national batches; its application window closes on the
  ``window_close_month_<rung>`` row below (the support must be given before the window closes).

The window rows have the assumptions table's layout (key, value, unit, description_en,
description_zh, source); `window_months` reads them, overridden by same-named rows of an
assumptions table when it has them.
"""

from __future__ import annotations

import calendar
import math
from datetime import date

import numpy as np
import pandas as pd

from data.schema import NONE_OPTION, Workbook
from data.vocabulary import NOT_STARTED

YEAR_AS_OF = "2026-06-30"  # the demo's actuals describe Jan–Jun
SNAPSHOT_DATES = ("2026-04-30", "2026-05-31", "2026-06-30")
LAST_START_MONTH = 10

# [E] = estimate for the demo (provincial notices move from year to year); [S] = from a source.
WINDOW_ROWS: list[tuple[str, float, str, str, str, str]] = [
    (
        "window_close_month_innovative_sme",
        9.0,
        "month",
        "Last application month for innovative SMEs (two batches; the later one)",
        "创新型中小企业评价申报截止月份（第二批）",
        "[E] batches in spring and autumn",
    ),
    (
        "window_close_month_srdi",
        7.0,
        "month",
        "Application window closes for provincial SRDI SMEs",
        "省级专精特新中小企业申报截止月份",
        "[E] provincial notice usually in the first half",
    ),
    (
        "window_close_month_little_giant",
        5.0,
        "month",
        "Application window closes for national little giants",
        "专精特新“小巨人”企业推荐申报截止月份",
        "[E] national batch recommended in spring",
    ),
    (
        "window_close_month_champion",
        8.0,
        "month",
        "Application window closes for manufacturing single champions",
        "制造业单项冠军申报截止月份",
        "[E]",
    ),
    (
        "window_close_month_above_size",
        11.0,
        "month",
        "Last month a firm can be brought into above-size statistics this year",
        "当年升规纳统最晚月份",
        "[E] monthly statistics; December is reported next year",
    ),
    (
        "window_close_month_ten_billion",
        12.0,
        "month",
        "Revenue crossing counted at year end",
        "百亿企业按年度营业收入认定",
        "[E]",
    ),
]

# The month each rung's result is announced (success or rejection falls in it).
_ANNOUNCED = {
    "innovative_sme": (5, 10),
    "srdi": (9,),
    "little_giant": (7,),
    "champion": (11,),
    "ten_billion": (12,),
}
SUPPORT_SHARE = 0.3  # share of candidates given their support in the first half (demo estimate)
PROJECT_FAILURE = 0.15  # share of projects past their start month that cannot start this year


def window_months(assumptions: pd.DataFrame | None = None) -> dict[str, int]:
    """Application window's last month per rung (``WINDOW_ROWS``, overridden by ``assumptions``)."""
    months = {key: value for key, value, *_ in WINDOW_ROWS}
    if assumptions is not None and not assumptions.empty:
        for key, value in zip(assumptions["key"], assumptions["value"], strict=True):
            if key in months:
                months[str(key)] = float(value)
    return {k.removeprefix("window_close_month_"): int(v) for k, v in months.items()}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year(wb: Workbook) -> int:
    return date.fromisoformat(YEAR_AS_OF).year


def act_by_dates(wb: Workbook, assumptions: pd.DataFrame | None = None) -> pd.Series:
    """The ``act_by`` date (ISO text) of every option row of ``wb.options``, by the rules above."""
    year = _year(wb)
    windows = window_months(assumptions)
    cand = wb.candidates.set_index("candidate_id")
    rung = cand["rung"].astype(str) if "rung" in cand.columns else pd.Series(dtype=object)
    entity = (
        cand["entity_id"].astype(str) if "entity_id" in cand.columns else pd.Series(dtype=object)
    )
    projects = wb.projects.set_index("project_id") if not wb.projects.empty else pd.DataFrame()
    by_candidate: dict[str, str] = {}
    for cid in cand.index.astype(str):
        step = str(rung.get(cid, "start"))
        if step == "start":
            planned, gates = 6.0, 0
            pid = entity.get(cid)
            if pid is not None and pid in projects.index:
                value = pd.to_numeric(projects.at[pid, "planned_start_month"], errors="coerce")
                planned = 6.0 if pd.isna(value) else float(value)
                open_gates = projects.at[pid, "open_gates"] if "open_gates" in projects else ""
                gates = len([g for g in str(open_gates or "").split(";") if g.strip()])
            month = min(int(planned) + 1, LAST_START_MONTH) - math.ceil(gates / 2)
        else:
            month = windows.get(step, 12)
        by_candidate[cid] = _month_end(year, max(1, min(12, month))).isoformat()
    return wb.options["candidate_id"].astype(str).map(by_candidate).astype(object)


def _draws(wb: Workbook, seed: int) -> pd.DataFrame:
    """One draw per candidate: the option given (or none) and when, success this year, event date."""
    rng = np.random.Generator(np.random.PCG64([seed, 12]))
    year = _year(wb)
    cand = wb.candidates.reset_index(drop=True)
    n = len(cand)
    options = wb.options[["candidate_id", "option", "probability"]]
    menus = {cid: part for cid, part in options.groupby("candidate_id", sort=False)}
    rung = (
        cand["rung"].astype(str) if "rung" in cand.columns else pd.Series("start", index=cand.index)
    )
    planned_month: dict[str, float] = {}
    if not wb.projects.empty and "planned_start_month" in wb.projects.columns:
        months = pd.to_numeric(wb.projects["planned_start_month"], errors="coerce")
        planned_month = dict(zip(wb.projects["project_id"].astype(str), months, strict=True))
    u_support, u_pick, u_success, u_day, u_fail = rng.random((5, n))
    support_month = rng.integers(1, 7, n)
    rows = []
    for i, row in enumerate(cand.to_dict("records")):
        cid = str(row["candidate_id"])
        menu = menus.get(cid)
        option, prob = NONE_OPTION, float(row["base_probability"])
        if menu is not None and len(menu) and u_support[i] < SUPPORT_SHARE:
            pick = menu.iloc[int(u_pick[i] * len(menu))]
            option, prob = str(pick["option"]), float(pick["probability"])
        step = rung.iloc[i]
        if step == "start":
            planned = planned_month.get(str(row.get("entity_id", "")), 6.0)
            planned = 6.0 if pd.isna(planned) else float(planned)
            month = int(min(12, max(1, planned)))
        elif step == "above_size":
            month = 1 + int(u_day[i] * 12)
        else:
            batches = _ANNOUNCED.get(step, (12,))
            month = batches[int(u_pick[i] * len(batches)) % len(batches)]
        last = calendar.monthrange(year, month)[1]
        event = date(year, month, 1 + int(u_day[i] * last))
        given = _month_end(year, int(support_month[i])) if option != NONE_OPTION else None
        if given is not None and given > event:
            given = date(year, month, 1)  # support comes before the outcome it helps
        rows.append(
            {
                "candidate_id": cid,
                "option": option,
                "given": given,
                "success": bool(u_success[i] < prob),
                "event": event,
                # A project past its month that will not start; a firm rejected in its rung's last
                # batch of the year (after an earlier batch it may apply again; above-size firms may
                # still cross the line in a later month).
                "fails": bool(
                    u_fail[i] < PROJECT_FAILURE
                    if step == "start"
                    else step in _ANNOUNCED and month == _ANNOUNCED[step][-1]
                ),
            }
        )
    return pd.DataFrame(rows)


def actuals_as_of(draws: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """The actuals table (candidate_id, status, option, date) the draws give on ``as_of``."""
    day = date.fromisoformat(as_of)
    rows = []
    for row in draws.to_dict("records"):
        given = row["given"] is not None and row["given"] <= day
        decided = row["event"] <= day
        if decided and row["success"]:
            status, when = "succeeded", row["event"]
        elif decided and row["fails"]:
            status, when = "failed", row["event"]
        elif given:
            status, when = "supported", row["given"]
        else:
            continue
        option = row["option"] if row["given"] is not None and row["given"] <= when else NONE_OPTION
        if status == "supported":
            option = row["option"]
        rows.append(
            {
                "candidate_id": row["candidate_id"],
                "status": status,
                "option": option,
                "date": when.isoformat(),
            }
        )
    return pd.DataFrame(rows, columns=["candidate_id", "status", "option", "date"])


def demo_snapshots(wb: Workbook, seed: int = 2026) -> list[tuple[str, pd.DataFrame]]:
    """The demo's three 调度 rounds (`SNAPSHOT_DATES`): ``(as_of, actuals)``, oldest first."""
    draws = _draws(wb, seed)
    return [(day, actuals_as_of(draws, day)) for day in SNAPSHOT_DATES]


def in_motion(wb: Workbook, seed: int = 2026, assumptions: pd.DataFrame | None = None) -> Workbook:
    """The demo workbook with its options' ``act_by`` dates and its actuals as of `YEAR_AS_OF`
    (and ``as_of`` set to it)."""
    wb.options["act_by"] = act_by_dates(wb, assumptions)
    wb.actuals = demo_snapshots(wb, seed)[-1][1]
    # A waiting project's stage date was drawn back from the population's date; the data now
    # describe YEAR_AS_OF, so it moves with it (each as long in its stage as drawn). Started
    # projects keep theirs: they started in their planned month.
    before = str(wb.settings.get("as_of", "")) or YEAR_AS_OF
    shift = pd.Timestamp(YEAR_AS_OF) - pd.Timestamp(before)
    projects = wb.projects
    if {"stage", "stage_entered"} <= set(projects.columns) and shift.days:
        entered = pd.to_datetime(projects["stage_entered"].astype(str), errors="coerce")
        waiting = projects["stage"].astype(str).isin(NOT_STARTED) & entered.notna()
        moved = (entered + shift).dt.strftime("%Y-%m-%d")
        projects["stage_entered"] = moved.where(waiting, projects["stage_entered"]).astype(object)
    wb.settings["as_of"] = YEAR_AS_OF
    return wb


def generate_demo_in_motion(seed: int = 2026, assumptions: pd.DataFrame | None = None) -> Workbook:
    """`data.demo.generate_demo` in motion (`in_motion`): what the store seeds as the demo city.

    The generator itself stays the static city its calibration describes (docs/demo-city.md); the
    demo the app opens is that city on `YEAR_AS_OF`, with its actuals.
    """
    # With its past years (the calibration page estimates from them); neither module imports this one.
    from data.demo.history import generate_demo

    return in_motion(generate_demo(seed, assumptions), seed, assumptions)
