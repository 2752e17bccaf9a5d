"""The data page's panels: importing a planning workbook (with its validation report) and the
workbook downloads (current data, blank template, demo city)."""

from __future__ import annotations

import streamlit as st

from data.schema import Workbook
from ui import state
from ui.auth import can
from ui.i18n import current_lang, t
from ui.safe_text import plain

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(show_spinner=False, max_entries=2)
def _demo_bytes() -> bytes:
    from data.demo import generate_demo
    from data.workbook import workbook_to_xlsx_bytes

    return workbook_to_xlsx_bytes(generate_demo())


def _template() -> bytes:
    from data.workbook import template_xlsx_bytes

    return template_xlsx_bytes()


def import_panel(store: state.GuardedStore) -> None:
    """Upload a workbook: its validation report, or a summary and the import button (``import``)."""
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
            from ui.issue_text import issues_frame, raw_upload_tables, row_keys

            st.error(t("data.invalid", n=exc.total))
            lang = current_lang()
            # In Chinese each problem reads in Chinese and its row is named by its key (the fund
            # line, the candidate), read back from the upload; English keeps the checker's text.
            keys = (
                row_keys(raw_upload_tables(upload.name, upload.getvalue())) if lang == "zh" else {}
            )
            report = issues_frame(list(exc.issues), lang, keys).rename(
                columns={
                    "sheet": t("data.sheet"),
                    "row": t("data.row"),
                    "column": t("data.column"),
                    "message": t("data.message"),
                }
            )
            st.dataframe(report, hide_index=True, width="stretch", key="data.report")
            from ui.downloads import import_report_button

            import_report_button(exc.issues, lang)
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


def workbook_downloads(wb: Workbook) -> None:
    """The stored workbook, the blank template and the demo city, as ``.xlsx``."""

    def _current() -> bytes:
        from data.workbook import workbook_to_xlsx_bytes

        return workbook_to_xlsx_bytes(wb)

    st.subheader(t("data.downloads"))
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
