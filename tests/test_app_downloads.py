"""Download files built by ui/: allocation CSV and XLSX (headers in the chosen language), scenario workbook."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from data.scenario import apply_scenario, settings_from_workbook
from ui.downloads import file_stem, scenario_workbook_bytes
from ui.tables import allocation_csv_bytes, allocation_xlsx_bytes, name_labels


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """The tiny workbook from conftest's sheets, solved once."""
    from data.workbook import validate_tables
    from tests.conftest import TINY_SHEETS, raw_from_csv
    from ui.state import solve_settings

    wb = validate_tables({name: raw_from_csv(text) for name, text in TINY_SHEETS.items()})
    return wb, solve_settings(wb, settings_from_workbook(wb))


@pytest.mark.parametrize(
    ("lang", "id_header", "option_header"),
    [("zh", "编号", "支持方式"), ("en", "ID", "Support option")],
)
def test_allocation_csv_parses_with_headers_in_the_language(solved, lang, id_header, option_header):
    wb, plan = solved
    data = allocation_csv_bytes(plan.allocation, lang, name_labels(wb, lang), wb.resource_names)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel on a Chinese PC reads it right
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(frame.columns[:2]) == [id_header, "名称" if lang == "zh" else "Name"]
    assert option_header in frame.columns
    assert sorted(frame[id_header]) == ["E1", "E2", "P1"]
    assert "staff_days" in frame.columns  # resource columns follow the money columns
    if lang == "zh":
        assert "威海甲公司" in set(frame["名称"])


def test_allocation_xlsx_opens_with_both_sheets(solved):
    wb, plan = solved
    data = allocation_xlsx_bytes(
        plan.allocation, "en", name_labels(wb, "en"), wb.resource_names, plan.targets
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Allocation", "Targets"]
    header = [c.value for c in book["Allocation"][1]]
    assert header[:3] == ["ID", "Name", "Kind"]
    assert book["Allocation"].max_row == 4  # header + three candidates
    targets = [row[0] for row in book["Targets"].iter_rows(min_row=2, values_only=True)]
    assert targets == ["new_srdi", "starts"]


def test_scenario_workbook_reads_back_with_the_scenario_applied(solved):
    from data.workbook import read_workbook_upload

    wb, _ = solved
    settings = {"budgets": {"industry": 321.0}, "pool_share": 0.5, "locks": {}}
    data = scenario_workbook_bytes(wb, settings)
    back = read_workbook_upload("scenario.xlsx", data)
    assert back.budgets.set_index("fund_line")["amount"]["industry"] == 321.0
    assert back.pool_share == 0.5
    assert back.locks.empty
    assert settings_from_workbook(back) == settings_from_workbook(apply_scenario(wb, settings))


def test_file_stem_keeps_chinese_and_drops_punctuation():
    assert file_stem("基准 / 2026!", "abcdef123") == "基准_2026_abcdef"
    assert file_stem("", "") == "scenario"
