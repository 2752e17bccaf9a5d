"""Scenarios (情景对比): save, list, rename, delete, set a baseline, compare, frontier, shareable link."""

from __future__ import annotations

import streamlit as st

from data.scenario import settings_from_workbook
from ui import scenario_panels, state
from ui.i18n import current_lang, t
from ui.safe_text import plain
from ui.tables import name_labels
from ui.widgets import page_header, plan_or_stop


def render() -> None:
    """Save the settings in use, the saved list, a comparison, the frontier and a link."""
    lang = current_lang()
    wb, fingerprint = state.workbook()
    labels = name_labels(wb, lang)
    store = state.get_store()  # its writes check the role and log the signed-in user
    stored_settings = settings_from_workbook(wb)

    page_header("nav.scenarios", "scenarios.caption")
    st.caption(t("app.scenario_in_use", name=plain(state.scenario_label(wb))))
    plan, plan_key = plan_or_stop()
    scenario_panels.show_flash()
    scenario_panels.save_form(wb, fingerprint, store, plan)
    saved = scenario_panels.saved_list(wb, store, stored_settings)
    scenario_panels.comparison(wb, fingerprint, store, plan, saved, stored_settings, labels, lang)
    scenario_panels.frontier_panel(
        wb, fingerprint, store, plan, plan_key, saved, stored_settings, lang
    )
    scenario_panels.share_link(stored_settings, lang)


if __name__ == "__main__":  # run as a script by the old pages/ mode: go through app.py
    from pages import run_entrance

    run_entrance()
