"""Project pipeline (项目策划生成): reserve → plan library funnel, the four service stages, project details."""

from __future__ import annotations

import streamlit as st

from ui import pipeline, sources_view, state
from ui.format import local_date
from ui.i18n import current_lang, t
from ui.insights import as_of_date, project_table, stall_days
from ui.tables import name_labels
from ui.widgets import page_header, plan_or_stop


def render() -> None:
    """Filters, headline figures, funnel and starts, breakdowns, major projects, table and detail."""
    lang = current_lang()
    wb, _ = state.workbook()
    labels = name_labels(wb, lang)
    page_header("nav.pipeline", "pipeline.caption")
    if wb.projects.empty:
        st.info(t("pipeline.no_projects"))
        st.stop()
    plan, _ = plan_or_stop()
    projects = sources_view.with_sources(project_table(wb, plan), plan)
    as_of = as_of_date(wb)
    limit = stall_days(wb)
    pipeline.mark_stalled(projects, wb, as_of, limit)
    pipeline.add_year_investment(projects, wb)
    st.caption(t("app.as_of", date=local_date(as_of, lang)))
    shown = pipeline.filtered(projects, limit, lang)
    pipeline.headline(shown, limit, lang)
    pipeline.funnel_and_starts(shown, as_of, lang)
    pipeline.breakdowns(shown, lang)
    pipeline.major_projects(shown, lang)
    pipeline.stalled_list(shown, limit, lang)
    pipeline.table_and_detail(wb, shown, labels, lang)


if __name__ == "__main__":  # run as a script by the old pages/ mode: go through app.py
    from pages import run_entrance

    run_entrance()
