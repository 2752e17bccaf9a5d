"""Enterprise ladder (企业梯度培育): tiers, candidates near each threshold, and a firm's checklist (明白纸)."""

from __future__ import annotations

import streamlit as st

from ui import ladder, sources_view, state
from ui.i18n import current_lang, t
from ui.insights import firm_candidates
from ui.widgets import page_header, plan_or_stop


def render() -> None:
    """Tiers, this year's candidates per rung, who is near a threshold, a firm's checklist, places."""
    lang = current_lang()
    wb, fingerprint = state.workbook()
    page_header("nav.ladder", "ladder.caption")
    if wb.enterprises.empty:
        st.info(t("ladder.no_firms"))
        st.stop()
    plan, _ = plan_or_stop()
    candidates = sources_view.with_sources(firm_candidates(wb, plan), plan)
    ladder.tier_charts(wb.enterprises, lang)
    goals = dict(zip(wb.targets["target"].astype(str), wb.targets["goal"], strict=True))
    ladder.rung_cards(candidates, lang, goals)
    rung, near_ids = ladder.near_threshold(candidates, fingerprint, lang, wb, plan)
    ladder.firm_checklist(wb, candidates, plan, lang, rung, near_ids)
    ladder.by_district(candidates, lang)


if __name__ == "__main__":  # run as a script by the old pages/ mode: go through app.py
    from pages import run_entrance

    run_entrance()
