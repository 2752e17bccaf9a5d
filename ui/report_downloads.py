"""Download buttons for the documents the city hands on: the 调度通报 (Word, Excel) and the 明白纸 (Word).

Each button gets a callable, so a document is built only when someone clicks (`reports.dispatch`,
`reports.checklist_docx`). The cockpit calls `dispatch_buttons`; the ladder page
`checklist_docx_button`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from data.schema import Workbook

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Button labels (zh, en): these documents' own words, kept beside the buttons that use them.
LABELS: dict[str, tuple[str, str]] = {
    "dispatch_docx": ("下载调度通报（Word）", "Download the dispatch bulletin (Word)"),
    "dispatch_xlsx": ("下载调度通报表格（Excel）", "Download the bulletin's tables (Excel)"),
    "dispatch_file": ("调度通报", "dispatch_bulletin"),
    "checklist_docx": ("下载明白纸（Word）", "Download the checklist (Word)"),
    "district_docx": ("下载本区市明白纸（Word）", "Download the district's checklists (Word)"),
    "checklist_file": ("明白纸", "checklist"),
}


def label(key: str, lang: str) -> str:
    """A button's label in ``lang``."""
    return LABELS[key][0 if lang == "zh" else 1]


def dispatch_document(
    wb: Workbook,
    plan: Any,
    fmt: str,
    lang: str,
    district_goals: pd.DataFrame | None = None,
    snapshots: Sequence[Mapping[str, Any]] = (),
    progress: Any = None,
) -> Callable[[], bytes]:
    """A callable building the 调度通报 as ``docx`` or ``xlsx`` bytes (from ``progress``, an
    `optimizer.progress.YearProgress`, when the page has computed it already)."""
    from reports.dispatch import dispatch_bytes

    goals = district_goals.copy() if district_goals is not None else None
    snaps = [dict(s) for s in snapshots]
    return lambda: dispatch_bytes(
        wb, plan, fmt, lang=lang, district_goals=goals, snapshots=snaps, progress=progress
    )


def dispatch_buttons(
    wb: Workbook,
    plan: Any,
    lang: str,
    *,
    district_goals: pd.DataFrame | None = None,
    snapshots: Sequence[Mapping[str, Any]] = (),
    progress: Any = None,
    container: Any = None,
    key: str = "cockpit.dispatch",
) -> None:
    """The 调度通报's two download buttons (Word and Excel), side by side.

    Parameters
    ----------
    wb, plan
        The workbook (with its actuals) and the plan the cockpit shows.
    district_goals, snapshots
        As `optimizer.progress.year_progress` takes them.
    progress
        The `optimizer.progress.YearProgress` the page shows (then the two above are not needed),
        so the document says what the cockpit shows.
    container
        Where to put the buttons (a column or container); the page by default.
    key
        Prefix of the buttons' widget keys.
    """
    place = container if container is not None else st
    row = place.container(horizontal=True, wrap=True)
    day = str(wb.settings.get("as_of", "") or "").strip()
    stem = label("dispatch_file", lang) + (f"_{day}" if day else "")
    row.download_button(
        label("dispatch_docx", lang),
        data=dispatch_document(wb, plan, "docx", lang, district_goals, snapshots, progress),
        file_name=f"{stem}.docx",
        mime=DOCX_MIME,
        key=f"{key}.docx",
        on_click="ignore",
    )
    row.download_button(
        label("dispatch_xlsx", lang),
        data=dispatch_document(wb, plan, "xlsx", lang, district_goals, snapshots, progress),
        file_name=f"{stem}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}.xlsx",
        on_click="ignore",
    )


def checklist_docx_button(
    wb: Workbook,
    lang: str,
    *,
    firm_id: str | None = None,
    district: str | None = None,
    choices: Mapping[str, str] | None = None,
    container: Any = None,
    key: str = "ladder.checklist_docx",
) -> None:
    """A download button for one firm's 明白纸 (``firm_id``) or a district's (``district``) as Word."""
    from reports.checklist_docx import checklist_docx_bytes

    if (firm_id is None) == (district is None):
        raise ValueError("give firm_id or district")
    place = container if container is not None else st
    plan = dict(choices or {})
    name = firm_id if firm_id is not None else str(district)
    place.download_button(
        label("checklist_docx" if firm_id is not None else "district_docx", lang),
        data=lambda: checklist_docx_bytes(
            wb, firm_id=firm_id, district=district, lang=lang, choices=plan
        ),
        file_name=f"{label('checklist_file', lang)}_{name}.docx",
        mime=DOCX_MIME,
        key=key,
        on_click="ignore",
    )
