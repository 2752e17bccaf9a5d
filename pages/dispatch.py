"""调度 (monthly dispatch): enter the month's actuals, keep the round, re-plan the rest of the year, compare rounds."""

from __future__ import annotations

import streamlit as st

from optimizer.progress import as_of_date
from ui import dispatch_panels, state
from ui.auth import can
from ui.format import local_date
from ui.i18n import current_lang, t
from ui.widgets import page_header, plan_or_stop


def render() -> None:
    """Planners and admins only: the actuals editor, the re-plan, the comparison, district goals."""
    page_header("nav.dispatch", "dispatch.caption")
    if not can("import"):
        st.warning(t("auth.denied"))
        st.stop()
    wb, _ = state.workbook()
    store = state.get_store()
    st.caption(t("app.as_of", date=local_date(as_of_date(wb), current_lang())))
    flash = st.session_state.pop("dispatch.flash", None)
    if flash:
        st.success(flash)

    plan, _ = plan_or_stop()
    choices = dict(plan.choices)
    enter, replan, compare, goals = st.tabs(
        [t("dispatch.enter"), t("dispatch.replan"), t("dispatch.compare"), t("dispatch.goals")]
    )
    with enter:
        dispatch_panels.actuals_editor(wb, store, choices)
    with replan:
        dispatch_panels.replan_panel(wb, plan)
    with compare:
        dispatch_panels.compare_panel(wb, store, choices)
    with goals:
        dispatch_panels.district_goals_panel(wb, store)


if __name__ == "__main__":  # run as a script by the old pages/ mode: go through app.py
    from pages import run_entrance

    run_entrance()
