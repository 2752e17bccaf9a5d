"""Files the dashboard hands out, and the slower analyses it runs on request (cached by their inputs).

Download bytes are built by plain functions (tested directly); pages pass them to
``st.download_button`` as callables so a file is only built when someone clicks. The analyses are
``optimizer.analysis``'s, cached by the data's fingerprint and the scenario settings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from data.scenario import apply_scenario, normalise_settings
from data.schema import Workbook
from optimizer.analysis import frontier, marginal_values
from optimizer.solve import AllocationResult
from ui.settings import ScenarioSettings
from ui.tables import allocation_csv_bytes


def file_stem(label: str, key: str = "") -> str:
    """A safe file-name stem from a scenario's name (Chinese kept, punctuation dropped)."""
    stem = re.sub(r"[^\w\-]+", "_", label, flags=re.UNICODE).strip("_") or "scenario"
    return f"{stem[:40]}_{key[:6]}" if key else stem[:40]


def allocation_csv(
    plan: AllocationResult, lang: str, labels: Mapping[str, str], resources: Sequence[str]
) -> Callable[[], bytes]:
    """A callable building the allocation CSV (UTF-8 with BOM) with headers in ``lang``."""
    return lambda: allocation_csv_bytes(plan.allocation, lang, labels, resources)


def allocation_xlsx(
    plan: AllocationResult,
    lang: str,
    labels: Mapping[str, str],
    resources: Sequence[str],
    *,
    settings: Mapping[str, Any] | None = None,
    data_version: str = "",
    scenario: str = "",
) -> Callable[[], bytes]:
    """A callable building the report-ready allocation XLSX in ``lang``
    (`reports.allocation_xlsx`: supported candidates, all candidates, targets, fund lines,
    resources, and the settings, locks and data version that produced the plan)."""
    from reports.allocation_xlsx import allocation_xlsx_bytes as report_xlsx

    frozen = dict(normalise_settings(settings)) if settings is not None else None
    return lambda: report_xlsx(
        plan,
        lang=lang,
        names=labels,
        resources=resources,
        settings=frozen,
        data_version=data_version,
        scenario=scenario,
    )


def import_report_frame(issues: Sequence[Any], lang: str) -> pd.DataFrame:
    """A refused import's problems (``WorkbookIssue``) as a table: sheet, row, column, problem."""
    heads = IMPORT_REPORT_HEADERS[lang]
    return pd.DataFrame(
        {
            heads[0]: [str(i.sheet) for i in issues],
            heads[1]: [i.row if i.row is not None else None for i in issues],
            heads[2]: [i.column or "" for i in issues],
            heads[3]: [str(i.message) for i in issues],
        }
    )


IMPORT_REPORT_HEADERS = {
    "zh": ("工作表", "行", "列", "问题"),
    "en": ("Sheet", "Row", "Column", "Problem"),
}


def import_report_xlsx_bytes(issues: Sequence[Any], lang: str) -> bytes:
    """The import report as a formatted ``.xlsx`` (frozen header, filters, fitted widths)."""
    from openpyxl import Workbook as XlsxBook

    from reports.office import Col, workbook_bytes, write_sheet

    frame = import_report_frame(issues, lang)
    heads = list(frame.columns)
    cols = [Col(h, h, h, "int" if k == 1 else "text") for k, h in enumerate(heads)]
    book = XlsxBook()
    sheet = book.active
    sheet.title = "导入检查报告" if lang == "zh" else "Import report"
    write_sheet(sheet, frame, cols, lang)
    return workbook_bytes(book)


def import_report_button(issues: Sequence[Any], lang: str, container: Any = None) -> None:
    """A download button for a refused import's report (``.xlsx``), built only when clicked."""
    place = container if container is not None else st
    place.download_button(
        "下载检查报告（Excel）" if lang == "zh" else "Download the report (Excel)",
        data=lambda: import_report_xlsx_bytes(issues, lang),
        file_name="导入检查报告.xlsx" if lang == "zh" else "import_report.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="data.report_download",
        on_click="ignore",
    )


def scenario_workbook_bytes(wb: Workbook, settings: Mapping[str, Any]) -> bytes:
    """The whole planning workbook with the scenario's settings applied, as ``.xlsx`` bytes."""
    from data.workbook import workbook_to_xlsx_bytes

    return workbook_to_xlsx_bytes(apply_scenario(wb, settings))


def scenario_workbook(wb: Workbook, settings: Mapping[str, Any]) -> Callable[[], bytes]:
    """A callable building :func:`scenario_workbook_bytes` (only when the button is clicked)."""
    frozen = normalise_settings(settings)
    return lambda: scenario_workbook_bytes(wb, frozen)


# ---------------------------------------------------------------------------------------------
# analyses on request


@st.cache_data(show_spinner=False, max_entries=16)
def _marginal_cached(fingerprint: str, settings: ScenarioSettings, _wb: Workbook) -> pd.DataFrame:
    # The workbook is excluded from the cache key (leading underscore); its fingerprint stands in.
    return marginal_values(apply_scenario(_wb, settings), lp_check=True).table


def marginal_values_table(
    wb: Workbook, fingerprint: str, settings: Mapping[str, Any]
) -> pd.DataFrame:
    """``optimizer.analysis.marginal_values`` for these settings on this data, cached."""
    return _marginal_cached(fingerprint, ScenarioSettings.from_mapping(settings), wb)


def analysis_frontier(
    wb: Workbook,
    settings: Mapping[str, Any],
    points_count: int,
    max_scale: float,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """The total-budget frontier (``optimizer.analysis.frontier``) as
    ``scale, total_budget, objective, status`` (objective: the plan's weighted attainment)."""
    table = frontier(
        apply_scenario(wb, settings),
        points_count=points_count,
        max_scale=max_scale,
        progress=progress,
    ).table
    return pd.DataFrame(
        {
            "scale": table["scale"].astype(float),
            "total_budget": table["total_budget"].astype(float),
            "objective": table["attainment"].astype(float),
            "status": table["status"].astype(str),
        }
    )
