"""Data (数据管理): import a planning workbook with a validation report, downloads, reset, audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import data_panels, state
from ui.auth import can
from ui.format import local_datetime
from ui.i18n import TABLE, current_lang, t
from ui.issue_text import audit_detail
from ui.roles import DEMO_USER
from ui.widgets import page_header

# Users the product itself writes to the log (data/store.py seeds as "system"; the open demo's
# visitor is ui.roles.DEMO_USER): named in the reader's language, everyone else as signed in.
_PRODUCT_USERS = {"system": "data.user_system", DEMO_USER: "data.user_demo"}


def audit_user(user: object, lang: str | None = None) -> str:
    """The audit log's user as shown: 系统 / 演示访客 for the product's own, else the sign-in name."""
    key = _PRODUCT_USERS.get(str(user))
    return t(key, lang) if key else str(user)


def render() -> None:
    """What is stored, import, downloads, reset to the demo city, the audit log."""
    wb, fingerprint = state.workbook()
    store = state.get_store()  # its writes check the role and log the signed-in user

    page_header("nav.data", "data.caption")

    for level, text in st.session_state.pop("data.flash", []):
        {"success": st.success, "error": st.error}[level](text)

    # ---- what is stored now
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("data.candidates"), f"{len(wb.candidates):,}")
    c2.metric(t("data.options"), f"{len(wb.options):,}")
    c3.metric(t("data.projects"), f"{len(wb.projects):,}")
    c4.metric(t("data.firms"), f"{len(wb.enterprises):,}")
    data_panels.import_panel(store)
    data_panels.workbook_downloads(wb)

    # ---- reset to the demo city
    st.subheader(t("data.reset"))
    if can("reset_demo"):
        confirm = st.checkbox(t("data.reset_confirm"), key="data.reset_confirm")
        if st.button(t("data.reset_button"), disabled=not confirm, key="data.reset_button"):
            with st.spinner(t("data.resetting")):
                store.seed_demo()
            st.session_state.setdefault("data.flash", []).append(("success", t("data.reset_done")))
            st.rerun()
    else:
        st.caption(t("auth.denied"))

    # ---- audit log
    st.subheader(t("data.audit"))
    if can("read_audit"):
        log = store.audit_log(limit=200)
        if log.empty:
            st.info(t("common.no_data"))
        else:
            st.dataframe(
                pd.DataFrame(
                    {
                        t("data.when"): log["ts"].map(local_datetime),
                        t("data.who"): log["user"].map(audit_user),
                        t("data.action"): log["action"].map(
                            lambda a: t(f"audit.{a}") if f"audit.{a}" in TABLE else a
                        ),
                        t("data.detail"): log["detail"].map(
                            lambda d: audit_detail(d, current_lang())
                        ),
                    }
                ),
                hide_index=True,
                width="stretch",
                height=min(400, 35 * (len(log) + 1) + 3),
            )
    else:
        st.caption(t("auth.denied"))


if __name__ == "__main__":  # run as a script by the old pages/ mode: go through app.py
    from pages import run_entrance

    run_entrance()
