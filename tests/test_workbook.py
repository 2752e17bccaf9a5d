"""Tests for the planning workbook: reading (.xlsx, CSV folders, uploads), every validation rule, writing."""

from __future__ import annotations

import csv
import io
import math
import random
import re
import subprocess
import sys
import threading
import warnings
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import column_index_from_string

from data import workbook as wbmod
from data.workbook import (
    WorkbookError,
    WorkbookIssue,
    read_workbook,
    read_workbook_upload,
    template_xlsx_bytes,
    validate_tables,
    workbook_differences,
    workbook_to_csv_zip_bytes,
    workbook_to_xlsx_bytes,
    workbooks_equal,
    write_workbook,
)
from data.workbook import read as wbread
from tests.conftest import TINY_SHEETS

ROOT = Path(__file__).resolve().parent.parent


def issues_of(raw_tables, sheets) -> list[WorkbookIssue]:
    with pytest.raises(WorkbookError) as info:
        validate_tables(raw_tables(sheets))
    return info.value.issues


# --------------------------------------------------------------------------------------------------
# The canonical form


def test_tiny_workbook_is_canonical(tiny_workbook):
    wb = tiny_workbook
    assert list(wb.budgets.columns) == ["fund_line", "amount", "pooled"]
    assert wb.budgets["pooled"].tolist() == [True, False]
    assert wb.budgets["amount"].dtype == "float64"
    # paid_on_success (blank = 0) after cost, then resource use (blank = 0), then the extra column.
    assert list(wb.options.columns) == [
        "candidate_id",
        "option",
        "probability",
        "fund_line",
        "cost",
        "paid_on_success",
        "staff_days",
        "note",
    ]
    assert wb.options["staff_days"].tolist() == [2.0, 0.0, 1.0, 5.0]
    assert wb.options["note"].tolist() == ["服务机构", "", "", ""]
    # Optional blanks take their defaults; extra columns are kept after the contract columns.
    assert wb.candidates["award"].tolist() == [30.0, 0.0, 0.0]
    assert wb.candidates["award_line"].tolist() == ["industry", "", ""]
    assert list(wb.candidates.columns)[-1] == "cluster"
    assert wb.settings == {"pool_share": 0.2, "award_prudence": 1.0, "note": "hello"}
    assert wb.pool_share == 0.2
    assert wb.projects.empty and list(wb.projects.columns) == ["project_id"]


def test_optional_sheets_and_columns_may_be_left_out(raw_tables, tiny_sheets):
    for sheet in ("locks", "floors", "settings"):
        del tiny_sheets[sheet]
    tiny_sheets["budgets"] = "fund_line,amount\nindustry,100\nprojects,50\n"
    tiny_sheets["targets"] = "target,goal\nnew_srdi,2\nstarts,1\n"
    wb = validate_tables(raw_tables(tiny_sheets))
    assert wb.budgets["pooled"].tolist() == [True, True]
    assert wb.targets["weight"].tolist() == [1.0, 1.0]
    assert wb.targets["unit"].tolist() == ["", ""]
    assert wb.locks.empty and wb.floors.empty
    assert wb.settings == {"pool_share": 0.0, "award_prudence": 1.0}


def test_numbers_written_as_text_are_accepted(raw_tables, tiny_sheets):
    tiny_sheets["budgets"] = (
        'fund_line,amount,pooled\nindustry,"1,234.5",yes\nprojects,５０,否\n'  # full-width 50
    )
    tiny_sheets["options"] = tiny_sheets["options"].replace("E1,coaching,0.6", "E1,coaching,60%")
    wb = validate_tables(raw_tables(tiny_sheets))
    assert wb.budgets["amount"].tolist() == [1234.5, 50.0]
    assert wb.budgets["pooled"].tolist() == [True, False]
    assert wb.options["probability"].iloc[0] == pytest.approx(0.6)


def test_extra_columns_are_typed_and_extra_sheets_ignored(raw_tables, tiny_sheets):
    tiny_sheets["candidates"] = (
        "candidate_id,name,kind,district,base_probability,revenue,code\n"
        "E1,甲,enterprise,环翠区,0.3,1200.5,007\n"
        "E2,乙,Enterprise,文登区,0.25,,12\n"
        "P1,丙,project,文登区,0.5,800,x\n"
    )
    tiny_sheets["notes"] = "anything,at all\n1,2\n"
    tiny_sheets["floors"] = "district,min_share\n"
    wb = validate_tables(raw_tables(tiny_sheets))
    assert list(wb.candidates.columns)[-2:] == ["revenue", "code"]
    assert wb.candidates["revenue"].dtype == "float64"
    assert math.isnan(wb.candidates["revenue"].iloc[1])
    assert wb.candidates["code"].tolist() == ["007", "12", "x"]  # leading zeros keep a column text
    assert wb.candidates["kind"].tolist() == ["enterprise", "enterprise", "project"]


def test_unknown_settings_are_kept_as_text(raw_tables, tiny_sheets):
    tiny_sheets["settings"] = "key,value\npool_share,0.1\nyear,2026\nowner,发改委\n"
    wb = validate_tables(raw_tables(tiny_sheets))
    assert wb.settings == {
        "pool_share": 0.1,
        "award_prudence": 1.0,
        "year": "2026",
        "owner": "发改委",
    }


def test_unread_settings_keys_are_named_with_the_key_likely_meant(raw_tables, tiny_sheets):
    from data.workbook import settings_notes

    tiny_sheets["settings"] = (
        "key,value\npool_shares,0.3\nAward_Prudance,0.8\nowner,发改委\nstall_days,60\nas_of,2026-04-10\n"
    )
    wb = validate_tables(raw_tables(tiny_sheets))
    assert wb.pool_share == 0.0  # the misspelt key is not read: pooling stays off
    notes = settings_notes(wb)
    assert len(notes) == 3, notes  # stall_days and as_of are read by the dashboard
    assert "'pool_shares'" in notes[0] and "Did you mean 'pool_share'?" in notes[0]
    assert "'Award_Prudance'" in notes[1] and "Did you mean 'award_prudence'?" in notes[1]
    assert "'owner'" in notes[2] and "Did you mean" not in notes[2]
    tiny_sheets["settings"] = "key,value\npool_share,0.3\n"
    assert settings_notes(validate_tables(raw_tables(tiny_sheets))) == []


def test_setting_keys_and_lock_none_ignore_case(raw_tables, tiny_sheets):
    tiny_sheets["settings"] = "key,value\nPool_Share,0.3\n"
    tiny_sheets["locks"] = "candidate_id,option\nE1,None\n"
    wb = validate_tables(raw_tables(tiny_sheets))
    assert wb.pool_share == 0.3
    assert wb.locks["option"].tolist() == ["none"]


def test_descriptive_sheets_keep_their_columns(raw_tables, tiny_sheets):
    tiny_sheets["projects"] = (
        "project_id,name,total_investment,major_layout\nPJ1,港口,52000,Y\nPJ2,园区,,N\n"
    )
    wb = validate_tables(raw_tables(tiny_sheets))
    assert list(wb.projects.columns) == ["project_id", "name", "total_investment", "major_layout"]
    assert wb.projects["total_investment"].iloc[0] == 52000.0
    assert wb.projects["major_layout"].tolist() == ["Y", "N"]


# --------------------------------------------------------------------------------------------------
# Every kind of validation error: one small case each, with where it is reported


def _replace(sheet: str, old: str, new: str):
    def change(sheets: dict[str, str]) -> None:
        assert old in sheets[sheet], f"test setup: {old!r} not in {sheet}"
        sheets[sheet] = sheets[sheet].replace(old, new, 1)

    return change


def _append(sheet: str, line: str):
    def change(sheets: dict[str, str]) -> None:
        sheets[sheet] += line + "\n"

    return change


def _drop(sheet: str):
    def change(sheets: dict[str, str]) -> None:
        del sheets[sheet]

    return change


ERROR_CASES = {
    "missing sheet": (_drop("targets"), ("targets", None, None, "required sheet is missing")),
    "missing column": (
        _replace("candidates", "base_probability,", "base_prob,"),
        ("candidates", 1, "base_probability", "required column is missing"),
    ),
    "text in number column": (
        _replace("options", "E1,coaching,0.6", "E1,coaching,high"),
        ("options", 2, "probability", "expected a number"),
    ),
    "blank required cell": (
        _replace("candidates", ",威海甲公司,", ",,"),
        ("candidates", 2, "name", "required value is blank"),
    ),
    "probability above 1": (
        _replace("options", "E2,rd_subsidy,0.7", "E2,rd_subsidy,1.5"),
        ("options", 4, "probability", "must be between 0 and 1"),
    ),
    "base probability below 0": (
        _replace("candidates", "文登区,0.5", "文登区,-0.1"),
        ("candidates", 4, "base_probability", "must be between 0 and 1"),
    ),
    "negative amount": (
        _replace("budgets", "projects,50", "projects,-50"),
        ("budgets", 3, "amount", "must be 0 or more"),
    ),
    "negative capacity": (
        _replace("resources", "staff_days,20", "staff_days,-1"),
        ("resources", 2, "capacity", "must be 0 or more"),
    ),
    "goal of zero": (
        _replace("targets", "starts,1,2", "starts,0,2"),
        ("targets", 3, "goal", "must be greater than 0"),
    ),
    "negative weight": (
        _replace("targets", "starts,1,2", "starts,1,-2"),
        ("targets", 3, "weight", "must be 0 or more"),
    ),
    "negative cost": (
        _replace("options", "industry,40,1", "industry,-40,1"),
        ("options", 4, "cost", "must be 0 or more"),
    ),
    "negative award": (
        _replace("candidates", "0.3,30,industry", "0.3,-30,industry"),
        ("candidates", 2, "award", "must be 0 or more"),
    ),
    "contribution of zero": (
        _replace("contributions", "P1,starts,1", "P1,starts,0"),
        ("contributions", 4, "value", "must be greater than 0"),
    ),
    "negative resource use": (
        _replace("options", "industry,40,1,", "industry,40,-1,"),
        ("options", 4, "staff_days", "must be 0 or more"),
    ),
    "min_share above 1": (
        _replace("floors", "文登区,0.2", "文登区,1.2"),
        ("floors", 2, "min_share", "must be between 0 and 1"),
    ),
    "pool_share above 1": (
        _replace("settings", "pool_share,0.2", "pool_share,1.5"),
        ("settings", 2, "value", "pool_share: must be between 0 and 1"),
    ),
    "negative award_prudence": (
        _replace("settings", "award_prudence,1", "award_prudence,-1"),
        ("settings", 3, "value", "award_prudence: must be 0 or more"),
    ),
    "bad Y/N": (
        _replace("budgets", "projects,50,N", "projects,50,maybe"),
        ("budgets", 3, "pooled", "expected Y or N"),
    ),
    "duplicate fund line": (
        _append("budgets", "industry,5,Y"),
        ("budgets", 4, "fund_line", "duplicate fund_line 'industry' (first on row 2)"),
    ),
    "duplicate option": (
        _append("options", "E1,coaching,0.7,industry,5,,"),
        ("options", 6, "option", "duplicate (candidate_id, option)"),
    ),
    "duplicate contribution": (
        _append("contributions", "E1,new_srdi,2"),
        ("contributions", 5, "target", "duplicate (candidate_id, target)"),
    ),
    "duplicate lock": (
        _append("locks", "E2,rd_subsidy"),
        ("locks", 3, "candidate_id", "duplicate candidate_id 'E2'"),
    ),
    "duplicate setting": (
        _append("settings", "pool_share,0.3"),
        ("settings", 5, "key", "duplicate key 'pool_share'"),
    ),
    "unknown candidate in contributions": (
        _replace("contributions", "P1,starts", "P9,starts"),
        ("contributions", 4, "candidate_id", "unknown candidate 'P9'"),
    ),
    "unknown target": (
        _replace("contributions", "P1,starts", "P1,finishes"),
        ("contributions", 4, "target", "unknown target 'finishes'"),
    ),
    "unknown candidate in options": (
        _replace("options", "P1,assisted", "P2,assisted"),
        ("options", 5, "candidate_id", "unknown candidate 'P2'"),
    ),
    "unknown fund line in options": (
        _replace("options", "0.5,industry,10", "0.5,industri,10"),
        ("options", 3, "fund_line", "unknown fund line 'industri'"),
    ),
    "unknown award line": (
        _replace("candidates", "30,industry", "30,tech"),
        ("candidates", 2, "award_line", "unknown fund line 'tech'"),
    ),
    "unknown candidate in locks": (
        _replace("locks", "E2,coaching", "E7,coaching"),
        ("locks", 2, "candidate_id", "unknown candidate 'E7'"),
    ),
    "lock on an option the candidate lacks": (
        _replace("locks", "E2,coaching", "E2,land_quota"),
        ("locks", 2, "option", "has no option 'land_quota'"),
    ),
    "floor for an unknown district": (
        _replace("floors", "文登区,0.2", "乳山市,0.2"),
        ("floors", 2, "district", "no candidate is in district '乳山市'"),
    ),
    "award without award line": (
        _replace("candidates", "0.3,30,industry", "0.3,30,"),
        ("candidates", 2, "award_line", "an award needs the fund line"),
    ),
    "option named none": (
        _replace("options", "E2,rd_subsidy", "E2,None"),
        ("options", 4, "option", "'none' is reserved"),
    ),
    "cost without fund line": (
        _replace("options", "0.8,,0,5", "0.8,,12,5"),
        ("options", 5, "fund_line", "a cost above 0 needs the fund line"),
    ),
    "resource named like a fund line": (
        _append("resources", "industry,3,"),
        ("resources", 3, "resource", "'industry' is also a fund line"),
    ),
    "unknown kind": (
        _replace("candidates", "project,文登区", "programme,文登区"),
        ("candidates", 4, "kind", "must be project or enterprise"),
    ),
    "duplicate header": (
        _replace("targets", "target,goal,weight,unit", "target,goal,weight,goal"),
        ("targets", 1, "goal", "appears twice"),
    ),
    "Excel error value": (
        _replace("budgets", "projects,50", "projects,#DIV/0!"),
        ("budgets", 3, "amount", "Excel error #DIV/0!"),
    ),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_each_validation_error_names_sheet_row_and_column(raw_tables, tiny_sheets, case):
    change, (sheet, row, column, message) = ERROR_CASES[case]
    change(tiny_sheets)
    issues = issues_of(raw_tables, tiny_sheets)
    assert len(issues) == 1, [str(i) for i in issues]
    issue = issues[0]
    assert (issue.sheet, issue.row, issue.column) == (sheet, row, column)
    assert message in issue.message


def test_every_error_is_reported_at_once(raw_tables, tiny_sheets):
    for case in ("probability above 1", "negative amount", "unknown target", "option named none"):
        ERROR_CASES[case][0](tiny_sheets)
    issues = issues_of(raw_tables, tiny_sheets)
    assert [(i.sheet, i.row, i.column) for i in issues] == [
        ("budgets", 3, "amount"),
        ("contributions", 4, "target"),
        ("options", 4, "probability"),
        ("options", 4, "option"),
    ]


def test_error_message_lists_one_issue_a_line(raw_tables, tiny_sheets):
    ERROR_CASES["probability above 1"][0](tiny_sheets)
    ERROR_CASES["negative amount"][0](tiny_sheets)
    with pytest.raises(WorkbookError) as info:
        validate_tables(raw_tables(tiny_sheets))
    assert str(info.value).splitlines() == [
        "sheet 'budgets', row 3, column 'amount': must be 0 or more (found -50)",
        "sheet 'options', row 4, column 'probability': must be between 0 and 1 (found 1.5)",
    ]


def test_blank_rows_are_skipped_but_keep_their_row_number(raw_tables, tiny_sheets):
    tiny_sheets["options"] = tiny_sheets["options"].replace("E2,coaching", ",,,,,,\nE2,coaching")
    ERROR_CASES["probability above 1"][0](tiny_sheets)
    issues = issues_of(raw_tables, tiny_sheets)
    assert [(i.row, i.column) for i in issues] == [(5, "probability")]


# --------------------------------------------------------------------------------------------------
# CSV folders and encodings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_folder_in_every_encoding(csv_folder, tiny_sheets, tiny_workbook, encoding):
    folder = csv_folder(tiny_sheets, encoding=encoding)
    wb = read_workbook(folder)
    assert wb.candidates["name"].tolist() == ["威海甲公司", "威海乙公司", "临港项目"]
    assert workbooks_equal(wb, tiny_workbook), workbook_differences(wb, tiny_workbook)


def test_csv_folder_file_names_match_whatever_their_case(csv_folder, tiny_sheets, tiny_workbook):
    # Saved on Windows as Budgets.CSV and copied over: the same sheets, as an uploaded zip reads them.
    folder = csv_folder(tiny_sheets)
    for path in folder.iterdir():
        path.rename(folder / f"{path.stem.capitalize()}.CSV")
    wb = read_workbook(folder)
    assert workbooks_equal(wb, tiny_workbook), workbook_differences(wb, tiny_workbook)


def test_control_characters_are_dropped_so_the_workbook_can_be_written(csv_folder, tiny_sheets):
    # A CSV can hold characters an .xlsx cannot (XML forbids most below U+0020): they are invisible
    # debris, dropped on reading, so exporting and re-importing the workbook gives the same data.
    tiny_sheets["options"] = tiny_sheets["options"].replace(",note\n", ",no\x19te\n", 1)
    tiny_sheets["options"] = tiny_sheets["options"].replace("服务机构", "服务\x0b机构\x00")
    wb = read_workbook(csv_folder(tiny_sheets))
    assert "note" in wb.options.columns and wb.options.loc[0, "note"] == "服务机构"
    back = read_workbook_upload("back.xlsx", workbook_to_xlsx_bytes(wb))
    assert workbooks_equal(back, wb), workbook_differences(back, wb)


def test_csv_errors_use_excel_row_numbers(csv_folder, tiny_sheets):
    ERROR_CASES["probability above 1"][0](tiny_sheets)
    with pytest.raises(WorkbookError) as info:
        read_workbook(csv_folder(tiny_sheets))
    assert [(i.sheet, i.row, i.column) for i in info.value.issues] == [
        ("options", 4, "probability")
    ]


def test_missing_path_and_wrong_suffix(tmp_path):
    with pytest.raises(WorkbookError, match="no such file"):
        read_workbook(tmp_path / "nothing.xlsx")
    (tmp_path / "plan.xls").write_bytes(b"old")
    with pytest.raises(WorkbookError, match="expected an .xlsx file"):
        read_workbook(tmp_path / "plan.xls")


# --------------------------------------------------------------------------------------------------
# .xlsx specifics


def _xlsx_with_formula(cached: str | None) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "budgets"
    ws.append(["fund_line", "amount"])
    ws.append(["industry", "=60+40"])
    out = io.BytesIO()
    book.save(out)
    if cached is None:
        return out.getvalue()
    # openpyxl never stores a formula's result; patch one in as Excel would have saved it.
    src = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                # openpyxl writes the empty value as <v /> or <v></v>, depending on its XML writer.
                for empty in (b"<v />", b"<v></v>"):
                    data = data.replace(empty, f"<v>{cached}</v>".encode())
            dst.writestr(item, data)
    return patched.getvalue()


def test_formula_without_saved_value_is_an_error_naming_the_cell(tmp_path):
    path = tmp_path / "formula.xlsx"
    path.write_bytes(_xlsx_with_formula(None))
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    issue = info.value.issues[0]
    assert (issue.sheet, issue.row, issue.column) == ("budgets", 2, "amount")
    assert "B2" in issue.message and "formula" in issue.message
    assert len(info.value.issues) == 1  # the formula problem stops the read before validation


def test_formula_with_saved_value_uses_the_value_without_evaluating():
    raw = wbmod._raw_from_xlsx(_xlsx_with_formula("100"), "f.xlsx")
    assert raw["budgets"].iloc[0].tolist() == ["industry", 100]


def test_xlsx_sheet_names_and_headers_are_matched_loosely():
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = " Budgets "
    ws.append([" fund_line", "Amount ", None, None])
    ws.append(["industry", 10, None, None])
    ws.append([None, None, None, None])
    out = io.BytesIO()
    book.save(out)
    raw = wbmod._raw_from_xlsx(out.getvalue(), "x.xlsx")
    assert list(raw["budgets"].columns) == ["fund_line", "Amount"]
    assert len(raw["budgets"]) == 1


def test_xlsx_writer_formats_the_sheets(tiny_workbook):
    book = openpyxl.load_workbook(io.BytesIO(workbook_to_xlsx_bytes(tiny_workbook)))
    assert book.sheetnames[:3] == ["budgets", "resources", "targets"]
    ws = book["budgets"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    assert [c.value for c in ws[2]] == ["industry", 100, "Y"]
    assert [c.value for c in ws[3]] == ["projects", 50, "N"]
    assert isinstance(book["options"]["C2"].value, float)
    assert book["budgets"].column_dimensions["A"].width >= 10


def test_text_that_looks_like_a_formula_stays_text(tiny_workbook):
    wb = tiny_workbook.copy()
    wb.candidates.loc[0, "name"] = "=SUM(A1)"
    back = read_workbook_upload("x.xlsx", workbook_to_xlsx_bytes(wb))
    assert back.candidates["name"].iloc[0] == "=SUM(A1)"


def test_template_has_every_sheet_and_a_readme():
    # The template is Chinese (sheet titles, headers, a 填写说明 README first), with an example row
    # per sheet; the importer reads it back as the contract's sheets and columns.
    from data.workbook.aliases import template_sheet_title

    data = template_xlsx_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "填写说明"
    for name in ("budgets", "options", "settings", "projects", "enterprises"):
        assert template_sheet_title(name) in book.sheetnames
    assert [c.value for c in book["候选对象"][1]][:3] == [
        "候选编号",
        "名称",
        "类型（project/enterprise）",
    ]
    # A template imported as it is: the example rows make a valid small plan.
    wb = read_workbook_upload("template.xlsx", data)
    assert wb.candidates["candidate_id"].tolist() == ["E001", "P001"]


# --------------------------------------------------------------------------------------------------
# Round trips


def test_xlsx_round_trip_is_exact(tiny_workbook, tmp_path):
    path = tmp_path / "plan.xlsx"
    write_workbook(tiny_workbook, path)
    back = read_workbook(path)
    assert workbooks_equal(back, tiny_workbook), workbook_differences(back, tiny_workbook)


def test_csv_round_trip_is_exact_and_has_a_bom(tiny_workbook, tmp_path):
    folder = tmp_path / "plan"
    write_workbook(tiny_workbook, folder)
    assert (folder / "candidates.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    back = read_workbook(folder)
    assert workbooks_equal(back, tiny_workbook), workbook_differences(back, tiny_workbook)


def test_awkward_floats_survive_both_formats(tiny_workbook, tmp_path):
    wb = tiny_workbook.copy()
    wb.options.loc[0, "probability"] = 0.1 + 0.2  # 0.30000000000000004
    # A tiny float in exponent form; on a weight, as money below one yuan is now refused.
    wb.targets.loc[0, "weight"] = 1e-7
    wb.targets.loc[0, "goal"] = 123456789.123
    for target in (tmp_path / "a.xlsx", tmp_path / "csv"):
        write_workbook(wb, target)
        back = read_workbook(target)
        assert workbooks_equal(back, wb), workbook_differences(back, wb)


def test_differences_are_detected(tiny_workbook):
    other = tiny_workbook.copy()
    other.options.loc[1, "cost"] = 11.0
    assert not workbooks_equal(tiny_workbook, other)
    assert "options" in workbook_differences(tiny_workbook, other)[0]
    other = tiny_workbook.copy()
    other.candidates.loc[0, "cluster"] = "1"
    assert workbooks_equal(tiny_workbook, tiny_workbook.copy())
    assert not workbooks_equal(tiny_workbook, other)


def test_demo_round_trips_through_xlsx_and_csv(demo_workbook, tmp_path):
    canonical = validate_tables({name: demo_workbook.sheet(name) for name in wbmod.SHEET_ORDER})
    assert workbooks_equal(canonical, demo_workbook), workbook_differences(canonical, demo_workbook)
    for target in (tmp_path / "demo.xlsx", tmp_path / "demo"):
        write_workbook(demo_workbook, target)
        back = read_workbook(target)
        assert workbooks_equal(back, demo_workbook), workbook_differences(back, demo_workbook)


# --------------------------------------------------------------------------------------------------
# Uploads


def test_upload_of_xlsx_and_zip(tiny_workbook):
    back = read_workbook_upload("plan.xlsx", workbook_to_xlsx_bytes(tiny_workbook))
    assert workbooks_equal(back, tiny_workbook)
    back = read_workbook_upload("plan.zip", workbook_to_csv_zip_bytes(tiny_workbook))
    assert workbooks_equal(back, tiny_workbook)


def test_upload_of_zip_with_a_folder_inside(tiny_sheets, tiny_workbook):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for sheet, text in tiny_sheets.items():
            archive.writestr(f"workbook/{sheet}.csv", text.encode("gb18030"))
        archive.writestr("__MACOSX/workbook/._budgets.csv", b"\x00\x05junk")
    back = read_workbook_upload("plan.zip", out.getvalue())
    assert workbooks_equal(back, tiny_workbook)


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("plan.xlsx", b"this is not a spreadsheet", "not a valid .xlsx"),
        ("plan.xlsx", b"PK\x03\x04broken", "not a valid .xlsx"),
        ("plan.zip", b"%PDF-1.4", "not a valid .zip"),
        ("plan.xls", b"\xd0\xcf\x11\xe0", "upload an .xlsx workbook"),
        ("plan.csv", b"a,b\n", "upload an .xlsx workbook"),
    ],
)
def test_upload_of_non_spreadsheets_is_refused(filename, data, message):
    with pytest.raises(WorkbookError, match=message) as info:
        read_workbook_upload(filename, data)
    assert info.value.issues[0].sheet == "(file)"


def test_upload_zip_bomb_guards(monkeypatch, tiny_workbook):
    data = workbook_to_csv_zip_bytes(tiny_workbook)
    monkeypatch.setattr(wbread, "MAX_UNCOMPRESSED_BYTES", 200)
    with pytest.raises(WorkbookError, match="unpacks to more than"):
        read_workbook_upload("plan.zip", data)
    monkeypatch.undo()
    monkeypatch.setattr(wbread, "MAX_ARCHIVE_MEMBERS", 3)
    with pytest.raises(WorkbookError, match="more than 3 files"):
        read_workbook_upload("plan.zip", data)
    with pytest.raises(WorkbookError, match="more than 3 files"):
        read_workbook_upload("plan.xlsx", workbook_to_xlsx_bytes(tiny_workbook))


def test_upload_zip_without_csvs():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(WorkbookError, match="no <sheet>.csv"):
        read_workbook_upload("plan.zip", out.getvalue())


# --------------------------------------------------------------------------------------------------
# Files that read back: percentages, GB18030 with its byte-order mark, the Chinese template


def test_a_probability_typed_as_a_percentage_is_a_share_never_85(raw_tables, tiny_sheets):
    tiny_sheets["options"] = tiny_sheets["options"].replace("E1,coaching,0.6", "E1,coaching,85%")
    tiny_sheets["candidates"] = tiny_sheets["candidates"].replace(",0.3,", ",３０％,", 1)
    wb = validate_tables(raw_tables(tiny_sheets))
    assert wb.options["probability"].iloc[0] == pytest.approx(0.85)
    assert wb.candidates["base_probability"].iloc[0] == pytest.approx(0.30)
    assert wbmod.parse_number("85%") == pytest.approx(0.85)


def test_a_percentage_where_it_makes_no_sense_is_refused(raw_tables, tiny_sheets):
    tiny_sheets["budgets"] = "fund_line,amount,pooled\nindustry,12%,Y\nprojects,50,N\n"
    issues = issues_of(raw_tables, tiny_sheets)
    assert [(i.sheet, i.row, i.column) for i in issues] == [("budgets", 2, "amount")]
    assert "percentage" in issues[0].message
    with pytest.raises(ValueError, match="percentage"):
        wbmod.parse_number("12%", percent=False)


def test_csv_in_gb18030_with_its_byte_order_mark(csv_folder, tiny_sheets, tiny_workbook):
    # A UTF-8-with-BOM export converted to GB18030 starts with GB18030's own mark, bytes 84 31 95 33.
    folder = csv_folder(tiny_sheets, encoding="gb18030")
    for path in folder.iterdir():
        path.write_bytes("\ufeff".encode("gb18030") + path.read_bytes())
    assert (folder / "budgets.csv").read_bytes()[:4] == bytes([0x84, 0x31, 0x95, 0x33])
    wb = read_workbook(folder)
    assert workbooks_equal(wb, tiny_workbook), workbook_differences(wb, tiny_workbook)


def test_template_round_trip_with_chinese_titles_headers_and_drop_downs(tmp_path):
    from data.schema import SHEETS
    from data.workbook.aliases import template_header, template_sheet_title

    data = template_xlsx_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data))
    for name, sheet in SHEETS.items():
        ws = book[template_sheet_title(name)]
        headers = [c.value for c in ws[1]]
        assert headers[: len(sheet.columns)] == [
            template_header(name, c) for c in sheet.column_names
        ]
        assert all(not h.isascii() for h in headers if h not in ("option",)), headers
        assert any(c.value is not None for c in ws[2]), f"{name}: no example row"
        assert ws.freeze_panes == "A2"
    lists = {
        (ws.title, str(dv.sqref).split(":")[0]): dv.formula1
        for ws in book.worksheets
        for dv in ws.data_validations.dataValidation
    }
    assert lists[("资金预算", "C2")] == '"Y,N"'
    assert lists[("候选对象", "C2")] == '"project,enterprise"'
    assert lists[("支持方式", "D2")].startswith("'资金预算'!$A$2")
    assert lists[("目标贡献", "B2")].startswith("'年度目标'!$A$2")
    assert "pool_share" in lists[("参数设置", "A2")]
    # Read back as an upload, from a file, and with the example changed as a planner would.
    wb = read_workbook_upload("模板.xlsx", data)
    assert wb.budgets["fund_line"].tolist() == ["小升规培育资金"]
    assert wb.options["工信局服务人日"].tolist() == [5.0]
    assert wb.locks["option"].tolist() == ["none"] and wb.settings["pool_share"] == 0.0
    book["资金预算"]["B2"] = "1,200"
    book["支持方式"]["C2"] = "85%"
    path = tmp_path / "filled.xlsx"
    book.save(path)
    filled = read_workbook(path)
    assert filled.budgets["amount"].tolist() == [1200.0]
    assert filled.options["probability"].tolist() == [pytest.approx(0.85)]
    # The same sheets as CSV files named by their Chinese titles read the same.
    folder = tmp_path / "csv"
    folder.mkdir()
    for ws in book.worksheets[1:]:
        text = io.StringIO()
        csv.writer(text).writerows(ws.iter_rows(values_only=True))
        (folder / f"{ws.title}.csv").write_text(text.getvalue(), encoding="utf-8-sig")
    assert workbooks_equal(read_workbook(folder), filled), workbook_differences(
        read_workbook(folder), filled
    )


def test_an_english_column_beside_its_chinese_alias_is_not_read_twice(raw_tables, tiny_sheets):
    # A planner's own extra column that shares a Chinese header stays an extra column.
    tiny_sheets["candidates"] = tiny_sheets["candidates"].replace(
        "candidate_id,name,", "candidate_id,name,名称,", 1
    )
    lines = tiny_sheets["candidates"].splitlines()
    tiny_sheets["candidates"] = (
        "\n".join(
            [lines[0]]
            + [",".join(r.split(",")[:2] + ["别名"] + r.split(",")[2:]) for r in lines[1:]]
        )
        + "\n"
    )
    wb = validate_tables(raw_tables(tiny_sheets))
    assert wb.candidates["名称"].tolist() == ["别名"] * len(wb.candidates)


def test_a_planners_own_sheet_with_a_short_chinese_name_stays_extra(tiny_workbook):
    # Only the template's titles name sheets: a notes sheet called 项目 is not the projects sheet.
    data = workbook_to_xlsx_bytes(tiny_workbook)
    book = openpyxl.load_workbook(io.BytesIO(data))
    book.create_sheet("项目").append(["备注"])
    out = io.BytesIO()
    book.save(out)
    back = read_workbook_upload("x.xlsx", out.getvalue())
    assert workbooks_equal(back, tiny_workbook), workbook_differences(back, tiny_workbook)


# The year's sheets and settings: actuals, history, paid_on_success, as_of, correlation, objective,
# and the product's act_by (docs/workbook.md)

YEAR_SHEETS = {
    "actuals": (
        "candidate_id,status,option,date,note\n"
        "E1,succeeded,coaching,2026-05-03,认定\n"
        "P1,FAILED,,,\n"
    ),
    "history": (
        "year,kind,rung,support,outcome,revenue\n"
        "2024,enterprise,srdi,coaching,1,3000\n"
        "2025,Project,start,None,0,\n"
    ),
}


def year_sheets(**changes: str) -> dict[str, str]:
    sheets = {**TINY_SHEETS, **YEAR_SHEETS, **changes}
    sheets["settings"] = (
        "key,value\npool_share,0.2\naward_prudence,1\nAs_Of,2026-06-30\ncorrelation,0.2\n"
        "objective,Chance\n"
    )
    return sheets


def test_year_sheets_are_canonical(raw_tables):
    wb = validate_tables(raw_tables(year_sheets()))
    assert list(wb.actuals.columns) == ["candidate_id", "status", "option", "date", "note"]
    assert wb.actuals["status"].tolist() == ["succeeded", "failed"]
    assert wb.actuals["option"].tolist() == ["coaching", "none"]  # blank = none
    assert wb.actuals["date"].tolist() == ["2026-05-03", ""]
    assert list(wb.history.columns) == ["year", "kind", "rung", "support", "outcome", "revenue"]
    assert wb.history["year"].tolist() == [2024.0, 2025.0]
    assert wb.history["kind"].tolist() == ["enterprise", "project"]
    assert wb.history["support"].tolist() == ["coaching", "none"]
    assert wb.history["outcome"].tolist() == [1.0, 0.0]
    assert wb.as_of is not None and wb.as_of.isoformat() == "2026-06-30"
    assert wb.correlation == 0.2
    assert wb.objective == "chance"
    assert wb.options["paid_on_success"].tolist() == [0.0] * 4


def test_year_settings_default_when_absent(tiny_workbook):
    assert tiny_workbook.as_of is None
    assert tiny_workbook.correlation == 0.0
    assert tiny_workbook.objective == "expected"
    assert tiny_workbook.actuals.empty and tiny_workbook.history.empty


def test_year_sheets_round_trip(raw_tables, tmp_path):
    sheets = year_sheets()
    sheets["options"] = (
        "candidate_id,option,probability,fund_line,cost,paid_on_success,staff_days,act_by\n"
        "E1,coaching,0.6,industry,10,25,2,2026-09-30\n"
        "E2,coaching,0.5,industry,10,,,\n"
        "E2,rd_subsidy,0.7,industry,40,0,1,2026-03-31\n"
        "P1,assisted_handling,0.8,,0,0,5,\n"
    )
    wb = validate_tables(raw_tables(sheets))
    assert wb.options["paid_on_success"].tolist() == [25.0, 0.0, 0.0, 0.0]
    assert wb.options["act_by"].tolist() == ["2026-09-30", "", "2026-03-31", ""]
    back = read_workbook_upload("wb.xlsx", workbook_to_xlsx_bytes(wb))
    assert workbooks_equal(back, wb), workbook_differences(back, wb)
    write_workbook(wb, tmp_path / "csv")
    back = read_workbook(tmp_path / "csv")
    assert workbooks_equal(back, wb), workbook_differences(back, wb)


def test_year_sheets_through_the_store(raw_tables, store):
    wb = validate_tables(raw_tables(year_sheets()))
    store.replace_workbook(wb, user="test")
    back = store.load_workbook()
    assert workbooks_equal(back, wb), workbook_differences(back, wb)


@pytest.mark.parametrize(
    ("changes", "where", "fragment"),
    [
        (
            {"actuals": "candidate_id,status\nX9,failed\n"},
            ("actuals", 2, "candidate_id"),
            "unknown candidate",
        ),
        (
            {"actuals": "candidate_id,status\nE1,failed\nE1,succeeded\n"},
            ("actuals", 3, "candidate_id"),
            "duplicate",
        ),
        (
            {"actuals": "candidate_id,status\nE2,failed\n"},
            ("actuals", 2, "candidate_id"),
            "also on the locks sheet",
        ),
        (
            {"actuals": "candidate_id,status\nE1,pending\n"},
            ("actuals", 2, "status"),
            "supported, succeeded or failed",
        ),
        (
            {"actuals": "candidate_id,status,option\nE1,supported,rd_subsidy\n"},
            ("actuals", 2, "option"),
            "has no option 'rd_subsidy'",
        ),
        (
            {"actuals": "candidate_id,status,date\nE1,failed,30/06/2026\n"},
            ("actuals", 2, "date"),
            "YYYY-MM-DD",
        ),
        (
            {"actuals": "candidate_id,status,date\nE1,failed,2026-02-30\n"},
            ("actuals", 2, "date"),
            "no such day",
        ),
        ({"actuals": "candidate_id,option\nE1,coaching\n"}, ("actuals", 1, "status"), "missing"),
        (
            {"history": "year,kind,rung,support,outcome\n2024.5,project,start,none,1\n"},
            ("history", 2, "year"),
            "whole year",
        ),
        (
            {"history": "year,kind,rung,support,outcome\n2026,project,start,none,1\n"},
            ("history", 2, "year"),
            "past year",
        ),
        (
            {"history": "year,kind,rung,support,outcome\n2024,firm,start,none,1\n"},
            ("history", 2, "kind"),
            "project or enterprise",
        ),
        (
            {"history": "year,kind,rung,support,outcome\n2024,project,start,grant,1\n"},
            ("history", 2, "support"),
            "not an option",
        ),
        (
            {"history": "year,kind,rung,support,outcome\n2024,project,start,none,0.5\n"},
            ("history", 2, "outcome"),
            "0 or 1",
        ),
        (
            {"history": "year,kind,rung,support,outcome\n2024,project,,none,1\n"},
            ("history", 2, "rung"),
            "blank",
        ),
        (
            {
                "options": (
                    "candidate_id,option,probability,fund_line,cost,paid_on_success\n"
                    "E1,coaching,0.6,industry,10,-5\n"
                    "E2,coaching,0.5,industry,10,\n"
                    "P1,assisted_handling,0.8,,0,\n"
                )
            },
            ("options", 2, "paid_on_success"),
            "0 or more",
        ),
        (
            {
                "options": (
                    "candidate_id,option,probability,fund_line,cost,paid_on_success\n"
                    "E1,coaching,0.6,industry,10,\n"
                    "E2,coaching,0.5,industry,10,\n"
                    "P1,assisted_handling,0.8,,0,30\n"
                )
            },
            ("options", 4, "fund_line"),
            "a payment on success needs the fund line",
        ),
        (
            {
                "options": (
                    "candidate_id,option,probability,fund_line,cost,act_by\n"
                    "E1,coaching,0.6,industry,10,soon\n"
                    "E2,coaching,0.5,industry,10,\n"
                    "P1,assisted_handling,0.8,,0,\n"
                )
            },
            ("options", 2, "act_by"),
            "YYYY-MM-DD",
        ),
    ],
)
def test_year_sheet_errors_name_sheet_row_and_column(raw_tables, changes, where, fragment):
    issues = issues_of(raw_tables, year_sheets(**changes))
    found = [i for i in issues if (i.sheet, i.row, i.column) == where]
    assert found, issues
    assert any(fragment in i.message for i in found), found


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("as_of,June\n", "as_of: expected a date YYYY-MM-DD"),
        ("correlation,1\n", "correlation: must be at least 0 and below 1"),
        ("correlation,-0.1\n", "correlation: must be at least 0 and below 1"),
        ("correlation,high\n", "correlation: expected a number"),
        ("objective,most likely\n", "objective: must be expected or chance"),
    ],
)
def test_year_settings_errors(raw_tables, line, fragment):
    sheets = {**TINY_SHEETS, "settings": "key,value\npool_share,0.2\n" + line}
    issues = issues_of(raw_tables, sheets)
    assert [(i.sheet, i.row, i.column) for i in issues] == [("settings", 3, "value")], issues
    assert fragment in issues[0].message


def test_year_settings_are_known_keys(raw_tables):
    wb = validate_tables(raw_tables(year_sheets()))
    assert wbmod.settings_notes(wb) == []


# --- startup: the same workbooks read and the same problems found, faster (issue 14)


def _cells_by_pattern(xml: bytes) -> int | None:
    """`read._plain_sheet_cells` as regular expressions defined it before numpy read the references."""
    if b't="e"' in xml or wbread._ODD_VALUE.search(xml):
        return None
    rows = re.findall(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"', xml)
    tags = xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/>")
    if len(rows) != tags:
        return None
    if not rows:
        return 0
    height = max(int(r) for r in rows)
    width = max(
        column_index_from_string(c.decode())
        for c in set(re.findall(rb'<c r="([A-Z]{1,3})[0-9]', xml))
    )
    if height > wbread.MAX_SHEET_ROWS + 1 or width > wbread.MAX_SHEET_COLUMNS:
        return None
    return height * width


_CELL_PIECES = [
    '<c r="A1">',
    '<c r="B12" t="s">',
    '<c r="AB3"/>',
    '<c r="ZZZ9999999">',
    '<c r="AAAA1">',
    '<c r="a1">',
    '<c r="A12345678">',
    '<c r="A1234567890">',
    '<c r="AAAAAAAAAA1">',
    '<c r="ZZZZZZZZZZZ">',
    '<c r="A">',
    '<c r="1">',
    "<c>",
    "<c/>",
    '<c s="1" r="A1">',
    '<c r="XFD1048576">',
    '<c r="C200001"',
    '<c r="C200002">',
    '<c r="ALL5">',
    '<c r="ALM5">',
    "<v>1.5</v>",
    "<v>NaN</v>",
    "<v>-1.5E+3</v>",
    "<v>12x",
    "<v>",
    "<v>" + "1" * 40 + "</v>",
    "<v>" + "1" * 40 + "#</v>",
    't="e"',
    '<row r="3">',
    "</c>",
    '<c r="A0000001">',
    '<c r="Q7"',
    '<c r="Q7',
    '<c r="',
    '<c  r="A1">',
    "<c r='A1'>",
]


@pytest.mark.parametrize("piece", _CELL_PIECES)
def test_plain_sheet_cells_reads_each_reference_as_the_pattern_does(piece):
    for xml in (piece, f"<sheetData>{piece}</sheetData>", f'<c r="B2">{piece}<c r="C3"/>'):
        assert wbread._plain_sheet_cells(xml.encode()) == _cells_by_pattern(xml.encode()), xml


def test_plain_sheet_cells_agrees_with_the_pattern_on_random_sheets():
    rnd = random.Random(14)
    for _ in range(400):
        xml = "".join(rnd.choice(_CELL_PIECES) for _ in range(rnd.randint(0, 10))).encode()
        assert wbread._plain_sheet_cells(xml) == _cells_by_pattern(xml), xml
        cells = []
        for _ in range(rnd.randint(1, 30)):
            letters = "".join(rnd.choice("ABXZ") for _ in range(rnd.randint(1, 3)))
            cells.append(f'<c r="{letters}{rnd.randint(0, 10 ** rnd.randint(1, 7))}"><v>1</v></c>')
        xml = "".join(cells).encode()
        assert wbread._plain_sheet_cells(xml) == _cells_by_pattern(xml), xml


def test_history_checked_by_its_distinct_values_reads_as_row_by_row(raw_tables, monkeypatch):
    # `_history` decides on each column's distinct values whether every row passes, and words the
    # problems row by row only when one does not: the workbook and the problems are the same as
    # checking every row.
    from data.workbook import year_sheets

    rnd = random.Random(16)
    cells = {
        "year": ["2023", "2024", "2024.5", "2026", "1899", "", "x"],
        "kind": ["project", "Enterprise", "firm", ""],
        "support": ["none", "NONE", "coaching", "grant", ""],
        "outcome": ["0", "1", "0.5", "", "-0"],
    }
    settings = TINY_SHEETS["settings"] + "as_of,2026-05-01\n"
    by_distinct_values = year_sheets._history_is_valid
    for _ in range(60):
        rows = [
            ",".join(rnd.choice(cells[c][: 2 if rnd.random() < 0.6 else None]) for c in cells)
            for _ in range(rnd.randint(1, 8))
        ]
        history = "year,kind,support,outcome,rung\n" + "".join(f"{r},start\n" for r in rows)
        sheets = {**TINY_SHEETS, "settings": settings, "history": history}
        results = []
        for check in (by_distinct_values, lambda *args: False):
            monkeypatch.setattr(year_sheets, "_history_is_valid", check)
            try:
                results.append(validate_tables(raw_tables(sheets)).history)
            except WorkbookError as exc:
                results.append([str(issue) for issue in exc.issues])
        fast, slow = results
        if isinstance(fast, list) or isinstance(slow, list):
            assert fast == slow, history
        else:
            pd.testing.assert_frame_equal(fast, slow)


_FORMULA_PIECES = [
    "<f>SUM(A1:A2)</f>",
    '<f t="shared" si="0"/>',
    "<x:f>1+1</x:f>",
    "<f/>",
    "<fill>",
    "<font>",
    "f>",
    "<f",
    ":f",
]


def _scan_as_before(parts: list[tuple[str, bytes]]) -> tuple[bool, bool]:
    """`read._scan_xlsx`'s answer as it was before one pass found formulas and plain cells both: the
    three byte searches for formulas, and the regular expressions for plain cells."""
    has_formulas, plain, cells = False, True, 0
    for name, xml in parts:
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            has_formulas = has_formulas or wbread._has_formula(xml)
        if plain and not has_formulas:
            size = _cells_by_pattern(xml)
            plain = size is not None
            cells += size or 0
    return has_formulas, not has_formulas and plain and cells <= wbread.MAX_WORKBOOK_CELLS


def test_one_pass_finds_formulas_as_the_searches_did():
    rnd = random.Random(15)
    pieces = _CELL_PIECES + _FORMULA_PIECES
    for _ in range(300):
        parts = []
        for k in range(rnd.randint(1, 4)):
            xml = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8))).encode()
            name = rnd.choice([f"xl/worksheets/sheet{k}.xml", f"xl/other{k}.xml"])
            formula, cells = wbread._scan_part(xml, name.startswith("xl/worksheets/"))
            if name.startswith("xl/worksheets/"):
                assert formula == wbread._has_formula(xml), xml
            else:
                assert formula is False
            assert cells == (None if formula else _cells_by_pattern(xml)), xml
            parts.append((name, xml))
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as z:
            for name, xml in parts:
                z.writestr(name, xml)
        got = wbread._scan_xlsx(archive.getvalue(), "x.xlsx")
        assert got == _scan_as_before(parts), parts


def test_an_xlsx_read_ahead_reads_the_same(tmp_path, tiny_workbook, monkeypatch):
    # optimizer/cli.py starts `prefetch_xlsx` before importing pandas: calamine parses the sheets in a
    # second thread, and `read_workbook(..., ahead=...)` must give what reading it afresh gives.
    path = tmp_path / "plan.xlsx"
    write_workbook(tiny_workbook, path)
    fresh = read_workbook(path)
    parsed_in: list[int] = []
    real_parse = wbread._parse_plain
    monkeypatch.setattr(
        wbread,
        "_parse_plain",
        lambda data, sheets: parsed_in.append(threading.get_ident()) or real_parse(data, sheets),
    )
    ahead = wbread.prefetch_xlsx(path)
    assert ahead is not None and ahead.scan == (False, True)
    got = read_workbook(path, ahead=ahead)
    assert len(parsed_in) == 1 and parsed_in[0] != threading.get_ident()  # once, in a second thread
    assert workbooks_equal(got, fresh)

    # A parse that fails in the second thread is done again by the reading thread.
    calls: list[int] = []

    def fails_once(data: bytes, sheets: frozenset[str]):  # noqa: ANN202 - test double
        calls.append(threading.get_ident())
        if len(calls) == 1:
            raise RuntimeError("calamine could not open it")
        return real_parse(data, sheets)

    monkeypatch.setattr(wbread, "_parse_plain", fails_once)
    assert workbooks_equal(read_workbook(path, ahead=wbread.prefetch_xlsx(path)), fresh)
    assert len(calls) == 2 and calls[1] == threading.get_ident()

    # Read ahead for another file: not used.
    other = tmp_path / "other.xlsx"
    changed = tiny_workbook.copy()
    changed.settings["pool_share"] = 0.37
    write_workbook(changed, other)
    assert not workbooks_equal(read_workbook(other), fresh)
    assert workbooks_equal(read_workbook(path, ahead=wbread.prefetch_xlsx(other)), fresh)


def test_the_problem_sheets_can_be_read_alone(tmp_path, tiny_workbook):
    # The optimizer's commands read `PROBLEM_SHEETS` only (docs/workbook.md): a register that would
    # fail an import (a duplicate firm, a formula with no saved value) is left unread, every reader
    # alike, and the plan read is the same.
    from data.schema import PROBLEM_SHEETS

    wb = tiny_workbook.copy()
    wb.enterprises = pd.DataFrame({"firm_id": ["F1", "F1"], "name": ["甲", "乙"]})
    xlsx, folder = tmp_path / "plan.xlsx", tmp_path / "plan"
    write_workbook(wb, xlsx)
    write_workbook(wb, folder)
    formula = tmp_path / "formula.xlsx"  # a formula anywhere sends the file to openpyxl
    book = openpyxl.load_workbook(xlsx)
    book["enterprises"]["C2"] = "=1+1"
    book.save(formula)
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        for csv_path in sorted(folder.glob("*.csv")):
            archive.writestr(csv_path.name, csv_path.read_bytes())
    assert wbread._scan_xlsx(formula.read_bytes(), formula.name) == (True, False)

    for path in (xlsx, formula, folder):
        with pytest.raises(WorkbookError) as err:
            read_workbook(path)
        assert {issue.sheet for issue in err.value.issues} == {"enterprises"}, path
        got = read_workbook(path, sheets=PROBLEM_SHEETS)
        assert workbooks_equal(got, tiny_workbook), (path, workbook_differences(got, tiny_workbook))
    for name, data in (("plan.xlsx", xlsx.read_bytes()), ("plan.zip", zipped.getvalue())):
        with pytest.raises(WorkbookError):
            read_workbook_upload(name, data)
        assert workbooks_equal(
            read_workbook_upload(name, data, sheets=PROBLEM_SHEETS), tiny_workbook
        )

    ahead = wbread.prefetch_xlsx(xlsx, PROBLEM_SHEETS)
    assert ahead is not None and ahead.sheets == frozenset(PROBLEM_SHEETS)
    assert workbooks_equal(read_workbook(xlsx, ahead=ahead, sheets=PROBLEM_SHEETS), tiny_workbook)
    with pytest.raises(WorkbookError):  # read ahead without the registers: read again, whole
        read_workbook(xlsx, ahead=ahead)
    with pytest.raises(ValueError, match="not sheets of the workbook: registers"):
        read_workbook(xlsx, sheets=["budgets", "registers"])
    with pytest.raises(TypeError, match="not one name"):
        read_workbook(xlsx, sheets="budgets")
    with pytest.raises(ValueError, match="read ahead for other sheets"):
        wbread._raw_from_xlsx(ahead.data, xlsx.name, ahead)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKSHEET = f"{_RELS}/worksheet"


def _xml_sheet(value: str, rows: int = 1, hostile: bool = False) -> str:
    cells = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{value}</t></is></c></row>'
        for i in range(1, rows + 1)
    )
    if hostile:  # a cell the plain-sheet scan refuses, as it refuses a dense rectangle's corner
        cells += f'<row r="{rows + 1}"><c r="A{rows + 1}" t="e"><v>#N/A</v></c></row>'
    return f'<worksheet xmlns="{_MAIN}"><sheetData>{cells}</sheetData></worksheet>'


def _crafted_xlsx(path: Path, sheets: str, rels: str, members: list[tuple[str, str]]) -> Path:
    book = f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>{sheets}</sheets></workbook>'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr("xl/workbook.xml", book)
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        for name, text in members:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a name stored twice, on purpose
                archive.writestr(name, text)
    return path


def _rel(rel_id: str, target: str) -> str:
    return f'<Relationship Id="{rel_id}" Type="{_WORKSHEET}" Target="{target}"/>'


_ONE_SHEET = '<sheet name="projects" sheetId="1" r:id="rId1"/>'
_BENIGN = _xml_sheet("benign", rows=200)
_HOSTILE = _xml_sheet("x", hostile=True)
# Workbooks whose sheet calamine may take from another part than the one it seems to name (found in
# review, 2026-12-01): each holds a part the scan refuses, and no sheet of it may reach calamine.
_CRAFTED = {
    "a title listed twice": (
        '<sheet name="projects" sheetId="1" r:id="rId1"/>'
        '<sheet name="projects" sheetId="2" r:id="rId2"/>',
        _rel("rId1", "worksheets/sheet1.xml") + _rel("rId2", "worksheets/sheet2.xml"),
        [("xl/worksheets/sheet1.xml", _HOSTILE), ("xl/worksheets/sheet2.xml", _BENIGN)],
    ),
    "a dot in the target": (
        _ONE_SHEET,
        _rel("rId1", "worksheets/./sheet1.xml"),
        [("xl/worksheets/./sheet1.xml", _HOSTILE), ("xl/worksheets/sheet1.xml", _BENIGN)],
    ),
    "a relationship inside another": (
        _ONE_SHEET,
        f'<Relationship Id="rId1" Type="{_WORKSHEET}" Target="worksheets/sheet2.xml">'
        f"{_rel('rId1', 'worksheets/sheet1.xml')}</Relationship>",
        [("xl/worksheets/sheet1.xml", _HOSTILE), ("xl/worksheets/sheet2.xml", _BENIGN)],
    ),
    "a member stored twice, the hostile first": (
        _ONE_SHEET,
        _rel("rId1", "worksheets/sheet1.xml"),
        [("xl/worksheets/sheet1.xml", _HOSTILE), ("xl/worksheets/sheet1.xml", _BENIGN)],
    ),
    "a member stored twice, the hostile last": (
        _ONE_SHEET,
        _rel("rId1", "worksheets/sheet1.xml"),
        [("xl/worksheets/sheet1.xml", _BENIGN), ("xl/worksheets/sheet1.xml", _HOSTILE)],
    ),
    "a sheet outside xl/worksheets/*.xml": (
        _ONE_SHEET,
        _rel("rId1", "worksheets/sheet1.bin"),
        [("xl/worksheets/sheet1.bin", _HOSTILE)],
    ),
    "an escaped target": (
        _ONE_SHEET,
        _rel("rId1", "worksheets/a&amp;b.xml"),
        [("xl/worksheets/a&amp;b.xml", _HOSTILE), ("xl/worksheets/a&b.xml", _BENIGN)],
    ),
}


@pytest.mark.parametrize("case", list(_CRAFTED))
def test_no_part_the_scan_refuses_reaches_calamine(tmp_path, case, monkeypatch):
    handed: list[bytes] = []
    real_parse = wbread._parse_plain
    monkeypatch.setattr(
        wbread,
        "_parse_plain",
        lambda data, sheets: handed.append(data) or real_parse(data, sheets),
    )
    path = _crafted_xlsx(tmp_path / "crafted.xlsx", *_CRAFTED[case])
    assert wbread._scan_xlsx(path.read_bytes(), path.name)[1] is False
    ahead = wbread.prefetch_xlsx(path)
    assert ahead is not None and ahead.parsed() is None
    with pytest.raises(WorkbookError):  # openpyxl reads it, and its sheets are no plan
        read_workbook(path, ahead=ahead)
    assert handed == []


def test_nothing_is_read_ahead_that_reading_would_refuse(tmp_path, tiny_workbook):
    folder = tmp_path / "plan"
    write_workbook(tiny_workbook, folder)
    assert wbread.prefetch_xlsx(folder) is None  # CSV: nothing parses without the GIL
    assert wbread.prefetch_xlsx(tmp_path / "missing.xlsx") is None
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK not a zip")
    assert wbread.prefetch_xlsx(broken) is None
    with pytest.raises(WorkbookError, match="not a valid .xlsx"):
        read_workbook(broken, ahead=wbread.prefetch_xlsx(broken))
    # A formula without its saved value: no calamine parse ahead; openpyxl names the cell as always.
    formula = tmp_path / "formula.xlsx"
    formula.write_bytes(_xlsx_with_formula(None))
    ahead = wbread.prefetch_xlsx(formula)
    assert ahead is not None and ahead.scan == (True, False) and ahead.parsed() is None
    with pytest.raises(WorkbookError) as info:
        read_workbook(formula, ahead=ahead)
    assert "B2" in info.value.issues[0].message


def test_the_command_line_starts_reading_before_pandas_is_imported():
    # The overlap above needs `import optimizer` and `data.workbook.read` to leave pandas alone.
    code = (
        "import sys, optimizer, optimizer.cli, data.workbook.read; "
        "print(sorted(m for m in ('pandas', 'scipy', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]"


def test_reference_problems_of_one_row_keep_their_order(raw_tables):
    sheets = dict(TINY_SHEETS)
    _replace("options", "P1,assisted", "P2,assisted")(sheets)
    _replace("options", "0.5,industry,10", "0.5,industri,10")(sheets)
    _replace("contributions", "P1,starts", "P9,finishes")(sheets)
    found = [
        (i.sheet, i.row, i.column, i.message)
        for i in issues_of(raw_tables, sheets)
        if i.sheet in ("options", "contributions")
    ]
    assert found == [
        ("contributions", 4, "candidate_id", "unknown candidate 'P9'"),
        ("contributions", 4, "target", "unknown target 'finishes'"),
        ("options", 3, "fund_line", "unknown fund line 'industri'"),
        ("options", 5, "candidate_id", "unknown candidate 'P2'"),
    ]


@pytest.mark.parametrize("cell", ["abc", "", " abc", "abc ", "#N/A", "a\nb", "tab\t", None, 7])
@pytest.mark.parametrize("required", [True, False])
def test_text_cells_decided_by_column_as_cell_by_cell(cell, required):
    from data.schema import Column
    from data.workbook.checker import _Checker, _RawSheet
    from data.workbook.validate import _texts

    frame = pd.DataFrame({"name": ["x1", cell, "x3"]}, dtype=object)
    column = Column("name", "text", required=required)
    checker, reference = _Checker(), _Checker()
    raw = _RawSheet("candidates", frame, checker.issues)
    out = _texts(checker, raw, column, raw.values(0))
    expected = [
        reference.cell("candidates", row, column, value, None, None)
        for row, value in zip(raw.excel_rows, raw.values(0), strict=True)
    ]
    assert out == expected
    assert checker.issues == reference.issues


def test_csv_without_quotes_reads_as_csv_reader_does(monkeypatch):
    rnd = random.Random(21)
    cells = ["", "a", "b c", " x", "'=1", "1.5", "中文", " ", "x y "]
    for _ in range(200):
        lines = [
            ",".join(rnd.choice(cells) for _ in range(rnd.randint(1, 5)))
            for _ in range(rnd.randint(1, 8))
        ]
        newline = rnd.choice(["\n", "\r\n", "\r"])
        text = "candidate_id,name,x,y,z\n" + newline.join(lines) + rnd.choice(["", newline])
        files = {"candidates.csv": text.encode()}
        fast = wbread._raw_from_csv_files(files)
        with monkeypatch.context() as m:
            m.setattr(wbread, "_csv_table_without_quotes", lambda *args: None)
            slow = wbread._raw_from_csv_files(files)
        assert fast.keys() == slow.keys()
        for sheet in fast:
            pd.testing.assert_frame_equal(fast[sheet], slow[sheet])


def test_filled_extent_is_the_last_row_with_a_value():
    # read._frame_from_table trims trailing blank columns and rows by looking from the end in blocks.
    from data.workbook.cells import _is_blank

    rnd = random.Random(0)
    for _ in range(2000):
        height, width = rnd.randint(0, 40), rnd.randint(0, 9)
        table = np.empty((height, width), dtype=object)
        for i in range(height):
            for j in range(width):
                if rnd.random() < rnd.choice([0.02, 0.3]):
                    table[i, j] = rnd.choice([" ", "", 0, "x", 2.5, float("nan"), "　"])
        filled = [i for i in range(height) if not all(_is_blank(v) for v in table[i])]
        assert wbread._filled_extent(table) == (filled[-1] + 1 if filled else 0)
