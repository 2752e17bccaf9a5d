"""Calibration (概率校准): where the probabilities come from — estimated from past years, with scores."""

from __future__ import annotations

import streamlit as st

from ui import calibration_panels, state
from ui.i18n import t
from ui.widgets import page_header


def render() -> None:
    """Summary, reliability diagram, backtest, option uplifts, sources and the adopt button."""
    wb, fingerprint = state.workbook()
    page_header("nav.calibration", "calibration.caption")
    flash = st.session_state.pop("calibration.flash", None)
    if flash:
        st.success(flash)
    if len(wb.history) == 0:
        st.info(t("calibration.no_history"))
        st.stop()
    with st.spinner(t("calibration.running")):
        result = calibration_panels.calibration_for(wb, fingerprint)
    calibration_panels.summary(result)
    left, right = st.columns(2, gap="large")
    with left:
        calibration_panels.reliability_chart(result)
    with right:
        calibration_panels.backtest_table(result)
    calibration_panels.uplift_table(result)
    calibration_panels.source_table(wb, result)
    calibration_panels.adopt_panel(wb, result)


if __name__ == "__main__":  # run as a script by the old pages/ mode: go through app.py
    from pages import run_entrance

    run_entrance()
