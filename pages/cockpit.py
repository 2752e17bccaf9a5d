"""Leadership cockpit (领导驾驶舱): where each annual target stands under the scenario in use, and why."""

from __future__ import annotations

import streamlit as st

from ui import cockpit, report_downloads, state, year_panels
from ui.format import local_date
from ui.i18n import current_lang, t
from ui.insights import as_of_date
from ui.safe_text import plain
from ui.tables import name_labels
from ui.widgets import page_header, plan_or_stop, target_cards


def render() -> None:
    """Targets first (cards and chart), then money and resources, risks and districts, then the year so far."""
    lang = current_lang()
    wb, fingerprint = state.workbook()
    labels = name_labels(wb, lang)
    as_of = as_of_date(wb)

    # The head and the cards are kept compact (ui/style.py): six cards fit above the fold of a
    # 1366×768 office screen.
    with st.container(key="cockpit-head"):
        page_header("nav.cockpit", "cockpit.caption")
        st.caption(
            t("app.scenario_in_use", name=plain(state.scenario_label(wb)))
            + " · "
            + t("app.as_of", date=local_date(as_of, lang))
        )
    plan, _ = plan_or_stop()

    # Headline: one card per target, under the name the city's reports give it.
    with st.container(key="cockpit-cards"):
        st.subheader(t("cockpit.targets"))
        target_cards(plan, labels)
    cockpit.plan_summary(plan, labels, lang)
    cockpit.attainment(plan, labels, lang)
    cockpit.money_and_resources(plan, labels, lang)
    cockpit.risks(plan, wb, as_of, labels, lang)
    cockpit.districts(plan, lang)
    # The year so far: achieved, pace, trend over the 调度 rounds, districts, red/yellow lists.
    year = year_panels.year_section(wb, fingerprint, plan, state.get_store(), labels, lang)
    # The month's 调度通报 with the figures just shown (Word to edit and send, Excel for the tables).
    report_downloads.dispatch_buttons(wb, plan, lang, progress=year)


if __name__ == "__main__":  # run as a script by the old pages/ mode: go through app.py
    from pages import run_entrance

    run_entrance()
