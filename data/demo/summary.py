"""The demo's main counts and totals (docs/demo-city.md is generated from this)."""

from __future__ import annotations

from typing import cast

import pandas as pd

from data import criteria
from data.demo.city import POPULATION
from data.demo.sheets import _strongest
from data.schema import Workbook


def demo_summary(wb: Workbook) -> dict[str, pd.DataFrame]:
    """The demo's main counts and totals, as small tables.

    Parameters
    ----------
    wb : Workbook
        A workbook from `generate_demo`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``city`` (projects and firms), ``candidates`` (per rung: count, mean base and strongest
        probability), ``targets`` (goal, expectation with no support and with every candidate at
        its strongest option), ``budgets`` and ``resources`` (amount or capacity, strongest demand,
        ratio).
    """
    p, e, c = wb.projects, wb.enterprises, wb.candidates
    strongest = _strongest(wb.options).set_index("candidate_id")
    plan = p["library"] == "plan"
    started = p["stage"].isin(["started", "production"])
    small = e["size_tier"].isin(["seed", "quasi_above_size"])
    city = pd.DataFrame(
        [
            ("Key projects", len(p)),
            ("  in the plan library / started or producing", f"{int(plan.sum())} / {int(started.sum())}"),
            ("  新开工 (new start) / 续建 (continued) / due for 竣工投产", f"{int((p['construction'] == 'new_start').sum())} / {int((p['construction'] == 'continued').sum())} / {int((p['completion_planned'] == 'Y').sum())}"),
            *[(f"  {category} ({lead})", int(n)) for (category, lead), n in p.groupby(["category", "lead_department"], sort=False).size().items()],
            ("  province / city / county level", "/".join(str(int((p["level"] == lv).sum())) for lv in ("province", "city", "county"))),
            ("  waiting in the plan library / stalled in a stage", _stalled_summary(wb)),
            ("  major productivity layout / bidding for the provincial list / engine (reserve library)", f"{int((p['major_layout'] == 'Y').sum())} / {int((p['provincial_bid'] == 'Y').sum())} / {int((p['engine'] == 'Y').sum())}"),
            ("  with emissions (环境容量 needed)", int((p["emission_t"] > 0).sum())),
            ("  total investment (亿元)", f"{p['total_investment'].sum() / 1e4:,.0f}"),
            ("  mean total investment (万元)", f"{p['total_investment'].mean():,.0f}"),
            ("  annual planned ÷ total investment", f"{p['annual_investment'].sum() / p['total_investment'].sum():.2f}"),
            ("Firms", len(e)),
            ("  seed + quasi-above-size: below / at or above 2000万元", f"{int((small & (e['revenue'] < 2000)).sum())} / {int((small & (e['revenue'] >= 2000)).sum())}"),
            ("  above-size / large / ten-billion", "/".join(str(int((e["size_tier"] == t).sum())) for t in ("above_size", "large", "ten_billion"))),
            ("  innovative SME / SRDI / little giant / champion", "/".join(str(int((e["quality_tier"] == t).sum())) for t in criteria.QUALITY_LADDER[1:])),
            ("  at 7–10 billion yuan", int(e["revenue"].between(700_000, 1_000_000, inclusive="left").sum())),
            ("  manufacturing (C) / SME (< 1000 employees or < 40000万元 last year)", f"{int((e['sector'] == 'C').sum())} / {int(((e['employees'] < 1000) | (e['revenue_last_year'] < 40_000)).sum())}"),
            ("Candidates / options", f"{len(c)} / {len(wb.options)}"),
        ],
        columns=["item", "value"],
    )  # fmt: skip
    c = c.assign(strongest=strongest.loc[c["candidate_id"], "probability"].to_numpy())
    rungs = (
        c.groupby("rung", sort=False)
        .agg(candidates=("candidate_id", "size"), base=("base_probability", "mean"), strongest=("strongest", "mean"))
        .round(3)
        .reset_index()
    )  # fmt: skip
    k = wb.contributions.merge(c[["candidate_id", "base_probability", "strongest"]])
    expected = pd.DataFrame(
        {
            "base": (k["value"] * k["base_probability"]).groupby(k["target"]).sum(),
            "strongest": (k["value"] * k["strongest"]).groupby(k["target"]).sum(),
        }
    )
    targets = wb.targets[["target", "goal", "weight", "unit"]].join(expected, on="target")
    targets["base"] = targets["base"].round(1)
    targets["strongest"] = targets["strongest"].round(1)
    # up-front money plus the reserve for what is paid on success (docs/workbook.md, options)
    prudence = float(cast(float, wb.settings.get("award_prudence", 1.0)))
    on_success = strongest["paid_on_success"] * (prudence * strongest["probability"]).clip(upper=1)
    upfront = (strongest["cost"] + on_success).groupby(strongest["fund_line"]).sum()
    award = c.set_index("candidate_id")["award"]
    reserve = float((award * c.set_index("candidate_id")["strongest"]).sum())
    budgets = wb.budgets[["fund_line", "amount", "pooled"]].copy()
    budgets["strongest"] = [
        round(float(upfront.get(line, 0.0)) + (reserve if line == "enterprise_awards" else 0.0), 1)
        for line in budgets["fund_line"]
    ]
    budgets["ratio"] = (budgets["strongest"] / budgets["amount"]).round(2)
    resources = wb.resources[["resource", "capacity", "unit"]].copy()
    resources["strongest"] = [float(strongest[r].sum()) for r in resources["resource"]]
    resources["ratio"] = (resources["strongest"] / resources["capacity"]).round(2)
    return {
        "city": city,
        "candidates": rungs,
        "targets": targets,
        "budgets": budgets,
        "resources": resources,
    }


def _stalled_summary(wb: Workbook) -> str:
    """Plan-library projects not started, and those longer than ``stall_days`` in their stage."""
    p = wb.projects
    waiting = (p["library"] == "plan") & ~p["stage"].isin(["started", "production"])
    as_of = pd.Timestamp(str(wb.settings.get("as_of", POPULATION.as_of)))
    days = (as_of - pd.to_datetime(p["stage_entered"], format="%Y-%m-%d")).dt.days
    stall_days = float(cast(float | str, wb.settings.get("stall_days", 60)))  # a number or its text
    stalled = waiting & (days > stall_days)
    rule = f"> {wb.settings.get('stall_days')} days on {as_of.date()}"
    return f"{int(waiting.sum())} / {int(stalled.sum())} ({rule})"


def _markdown_table(frame: pd.DataFrame) -> str:
    def cell(value: object) -> str:
        if isinstance(value, bool):
            return "Y" if value else "N"
        if isinstance(value, int):
            return f"{value:,}"
        if isinstance(value, float):
            return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.0f}"
        return str(value)

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines)


def summary_markdown(wb: Workbook) -> str:
    """`demo_summary` as Markdown tables (the generated part of docs/demo-city.md)."""
    titles = {
        "city": "The city",
        "candidates": "Candidates by rung (mean probability with no support and at the strongest option)",
        "targets": "Targets: goal and expectation with no support / every candidate at its strongest option",
        "budgets": "Fund lines (万元): amount and the cost of every candidate at its strongest option",
        "resources": "Resources: capacity and the use of every candidate at its strongest option",
    }
    parts = []
    for name, frame in demo_summary(wb).items():
        parts.append(f"#### {titles[name]}\n\n{_markdown_table(frame)}\n")
    return "\n".join(parts)
