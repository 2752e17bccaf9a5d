"""Data (数据管理): import a planning workbook with a validation report, downloads, reset, audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import state
from ui.auth import can
from ui.format import local_datetime
from ui.i18n import TABLE, current_lang, t
from ui.safe_text import plain
from ui.widgets import page_header

lang = current_lang()
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

# ---- import
st.subheader(t("data.import"))
st.caption(t("data.import_help"))
# A fresh uploader after each import, so the imported file does not linger in the widget.
upload_round = st.session_state.setdefault("data.upload_round", 0)
upload = st.file_uploader(
    t("data.upload"),
    type=["xlsx", "zip"],
    key=f"data.upload.{upload_round}",
    disabled=not can("import"),
)
if upload is not None:
    from data.workbook import WorkbookError, read_workbook_upload, settings_notes

    try:
        imported = read_workbook_upload(upload.name, upload.getvalue())
    except WorkbookError as exc:
        st.error(t("data.invalid", n=len(exc.issues)))
        report = pd.DataFrame(
            {
                t("data.sheet"): [i.sheet for i in exc.issues],
                t("data.row"): [i.row if i.row is not None else "" for i in exc.issues],
                t("data.column"): [i.column or "" for i in exc.issues],
                t("data.message"): [i.message for i in exc.issues],
            }
        )
        st.dataframe(report, hide_index=True, width="stretch", key="data.report")
        st.caption(t("data.nothing_stored"))
    except Exception as exc:  # an unreadable file is a message, never a traceback
        st.error(t("data.unreadable", error=plain(exc)))
        st.caption(t("data.nothing_stored"))
    else:
        st.success(
            t(
                "data.valid",
                candidates=len(imported.candidates),
                options=len(imported.options),
                targets=len(imported.targets),
            )
        )
        for note in settings_notes(imported):
            st.warning(t("data.settings_note", note=plain(note)))
        if st.button(
            t("data.import_button"),
            type="primary",
            key="data.import_button",
            disabled=not can("import"),
        ):
            store.replace_workbook(imported, action="import", detail=upload.name)
            st.session_state["data.upload_round"] = upload_round + 1
            st.session_state.setdefault("data.flash", []).append(
                ("success", t("data.imported", name=plain(upload.name)))
            )
            st.rerun()

# ---- downloads
st.subheader(t("data.downloads"))


@st.cache_data(show_spinner=False, max_entries=2)
def _demo_bytes() -> bytes:
    from data.demo import generate_demo
    from data.workbook import workbook_to_xlsx_bytes

    return workbook_to_xlsx_bytes(generate_demo())


def _template() -> bytes:
    from data.workbook import template_xlsx_bytes

    return template_xlsx_bytes()


def _current() -> bytes:
    from data.workbook import workbook_to_xlsx_bytes

    return workbook_to_xlsx_bytes(wb)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
d1, d2, d3 = st.columns(3)
d1.download_button(
    t("data.download_template"),
    _template,
    "weihai_template.xlsx",
    XLSX,
    key="data.dl_template",
    on_click="ignore",
)
d2.download_button(
    t("data.download_current"),
    _current,
    "weihai_current.xlsx",
    XLSX,
    key="data.dl_current",
    on_click="ignore",
)
d3.download_button(
    t("data.download_demo"),
    _demo_bytes,
    "weihai_demo.xlsx",
    XLSX,
    key="data.dl_demo",
    on_click="ignore",
)

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
                    t("data.who"): log["user"],
                    t("data.action"): log["action"].map(
                        lambda a: t(f"audit.{a}") if f"audit.{a}" in TABLE else a
                    ),
                    t("data.detail"): log["detail"],
                }
            ),
            hide_index=True,
            width="stretch",
            height=min(400, 35 * (len(log) + 1) + 3),
        )
else:
    st.caption(t("auth.denied"))
