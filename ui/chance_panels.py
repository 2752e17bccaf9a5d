"""The studio's side-by-side of the two objectives: expected attainment and the chance of meeting the goals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from optimizer.chance import chance_plan, compare_plans
from optimizer.problem import compile_problem
from optimizer.solve import AllocationResult
from ui import state
from ui.format import percent
from ui.i18n import t
from ui.studio_context import StudioContext
from ui.tables import label_for
from ui.widgets import format_amount

# Seconds the chance-aware plan may take on screen.
CHANCE_SECONDS = 10.0


def chance_panel(plan: AllocationResult, plan_key: str, ctx: StudioContext) -> None:
    """On request: the chance-aware plan for the settings on screen, beside the plan shown, and what
    it gives up (expected attainment per target) for the chance it gains."""
    with st.expander(t("chance.title")):
        st.caption(t("chance.help"))
        runs = st.session_state.setdefault("chance.runs", {})
        button = st.empty()
        if plan_key not in runs and button.button(t("chance.run"), key="chance.run"):
            with st.spinner(t("chance.running")):
                try:
                    wb = state.scenario_workbook(ctx.wb, ctx.settings)
                    problem = compile_problem(wb)
                    rho = wb.correlation
                    start = problem.slots_from_choices(plan.choices)
                    found = chance_plan(problem, rho, time_limit=CHANCE_SECONDS, start=start)
                    runs[plan_key] = (compare_plans(problem, found, rho), found, rho)
                    button.empty()
                except Exception as exc:  # an analysis failure is a message, not a crash
                    st.error(t("solve.failed_no_plan", error=exc))
        if plan_key not in runs:
            return
        table, found, rho = runs[plan_key]
        show_comparison(table, found.objective, found.expected_objective, found.bound, rho, ctx)


def show_comparison(
    table: pd.DataFrame,
    chance_value: float,
    expected_value: float,
    bound: float,
    rho: float,
    ctx: StudioContext,
) -> None:
    """The two plans per target, the weighted chance of each and the bound."""
    units = dict(zip(ctx.wb.targets["target"], ctx.wb.targets.get("unit", ""), strict=False))
    lang, labels = ctx.lang, ctx.labels
    weight_sum = float(table["weight"].sum()) or 1.0
    c1, c2, c3 = st.columns(3)
    c1.metric(t("chance.expected_plan"), percent(expected_value / weight_sum, 1))
    c2.metric(
        t("chance.chance_plan"),
        percent(chance_value / weight_sum, 1),
        delta=t(
            "change.points", value=f"{100 * (chance_value - expected_value) / weight_sum:+.1f}"
        ),
    )
    # No bound when the time ran out before it (optimizer.chance: the plan's steps come first).
    c3.metric(
        t("chance.bound"),
        percent(bound / weight_sum, 1) if np.isfinite(bound) else t("chance2.no_bound"),
    )
    gives_up = table["chance_plan_expected"] - table["expected_plan_expected"]
    frame = pd.DataFrame(
        {
            t("common.target"): [label_for(v, labels, lang) for v in table["target"]],
            t("common.goal"): [
                format_amount(g, units.get(n, ""), lang)
                for n, g in zip(table["target"], table["goal"], strict=True)
            ],
            t("chance.expected_plan_expected"): [
                format_amount(v, units.get(n, ""), lang)
                for n, v in zip(table["target"], table["expected_plan_expected"], strict=True)
            ],
            t("chance.expected_plan_p"): [percent(v, 1) for v in table["expected_plan_p_meet"]],
            t("chance.chance_plan_expected"): [
                format_amount(v, units.get(n, ""), lang)
                for n, v in zip(table["target"], table["chance_plan_expected"], strict=True)
            ],
            t("chance.chance_plan_p"): [percent(v, 1) for v in table["chance_plan_p_meet"]],
            t("chance.change"): [
                format_amount(v, units.get(n, ""), lang) if np.isfinite(v) else "–"
                for n, v in zip(table["target"], gives_up, strict=True)
            ],
        }
    )
    st.dataframe(frame, hide_index=True)
    st.caption(t("chance.bound_help", rho=f"{rho:.2f}"))
