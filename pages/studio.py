"""Allocation studio (资源配置): change budgets, resources, goals and locks; see the new plan at once."""

from __future__ import annotations

import streamlit as st

from ui import analysis_panels, chance_panels, studio_controls, studio_results
from ui.studio_context import StudioContext
from ui.widgets import page_header, plan_or_stop


def render() -> None:
    """The controls on the left; on the right the plan: figures, tables, analyses, allocation."""
    ctx = StudioContext.load()
    page_header("nav.studio", "studio.caption")
    controls, results = st.columns([1, 2], gap="large")
    with controls:
        studio_controls.controls(ctx)
    with results:
        plan, plan_key = plan_or_stop()
        # The cockpit's figures, right above the plan, so a planner sees the effect of each change.
        studio_results.figures(plan, ctx)
        studio_results.target_table(plan, ctx)
        studio_results.use_charts(plan, ctx)
        studio_results.fund_table(plan, ctx)
        # Analyses that take several solves: on request.
        analysis_panels.marginal_panel(plan_key, ctx)
        analysis_panels.explain_panel(plan, plan_key, ctx)
        analysis_panels.robustness_panel(plan, plan_key, ctx)
        chance_panels.chance_panel(plan, plan_key, ctx)
        studio_results.allocation_table(plan, ctx)
        studio_results.download_buttons(plan, plan_key, ctx)


if __name__ == "__main__":  # run as a script by the old pages/ mode: go through app.py
    from pages import run_entrance

    run_entrance()
