"""Exports a planner can hand on: the report-ready allocation .xlsx, the import report, and the 明白纸
as Word (one firm, a district, the command line)."""

from __future__ import annotations

import io
import json
from datetime import datetime

import docx
import openpyxl
import pytest

from data.scenario import settings_from_workbook
from data.workbook import WorkbookError, validate_tables
from optimizer.solve import solve
from reports.allocation_xlsx import allocation_xlsx_bytes
from reports.checklist import firm_checklist
from reports.checklist_docx import checklist_docx_bytes
from reports.cli import main
from reports.office import display_names
from tests.conftest import raw_from_csv
from tests.test_checklist import SHEETS as FIRM_SHEETS
from ui.downloads import allocation_xlsx, import_report_xlsx_bytes


@pytest.fixture(scope="module")
def firms_wb():
    return validate_tables({k: raw_from_csv(v) for k, v in FIRM_SHEETS.items()})


@pytest.fixture
def plan(tiny_workbook):
    return solve(tiny_workbook, time_limit=5.0, baselines=False)


def _headers(ws, row: int = 1) -> list[object]:
    return [c.value for c in ws[row]]


def test_allocation_xlsx_is_ready_to_hand_on(tiny_workbook, plan):
    settings = settings_from_workbook(tiny_workbook)
    data = allocation_xlsx_bytes(
        plan,
        lang="zh",
        names=display_names(tiny_workbook, "zh"),
        settings=settings,
        data_version="abc123",
        scenario="基准方案",
        generated=datetime(2026, 6, 30, 9, 30),
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "支持对象",
        "全部候选",
        "目标",
        "资金",
        "保障资源",
        "方案设置",
        "锁定决策",
    ]
    ws = book["支持对象"]
    head = _headers(ws)
    # Units in headers; a resource column carries its unit too.
    assert "扶持资金（万元）" in head and "基础成功概率" in head
    assert any(str(h).startswith("staff_days") and "（day）" in str(h) for h in head), head
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    cost = head.index("扶持资金（万元）") + 1
    chance = head.index("方案成功概率") + 1
    supported = [o for o in plan.allocation["option"] if o != "none"]
    assert ws.max_row == len(supported) + 2  # header, rows, totals
    assert ws.cell(row=2, column=cost).number_format == "#,##0.0"
    assert ws.cell(row=2, column=chance).number_format == "0.0%"
    for r in range(2, ws.max_row):
        value = ws.cell(row=r, column=chance).value
        assert value == round(value, 4)  # no 0.01715059424794832
    assert ws.cell(row=ws.max_row, column=1).value == "合计"
    assert ws.cell(row=ws.max_row, column=cost).value == pytest.approx(
        float(plan.allocation["cost"].sum())
    )
    assert ws.column_dimensions["B"].width >= 10
    # Every candidate on the second sheet, the supported ones first.
    everyone = book["全部候选"]
    options = [everyone.cell(row=r, column=5).value for r in range(2, everyone.max_row)]
    assert len(options) == len(plan.allocation)
    first_none = options.index("无") if "无" in options else len(options)
    assert all(o == "无" for o in options[first_none:])
    # The settings, locks and data version that produced the plan.
    recorded = {r[0]: r[1] for r in book["方案设置"].iter_rows(min_row=2, values_only=True)}
    assert recorded["方案名称"] == "基准方案" and recorded["数据版本"] == "abc123"
    assert recorded["生成时间"] == "2026-06-30 09:30"
    assert recorded["资金统筹比例"] == "20.0%"
    assert recorded["加权目标完成度"].endswith(f"（{plan.objective:.3f} / 最高 3）")
    assert any(k.startswith("预算：") for k in recorded)
    locks = list(book["锁定决策"].iter_rows(min_row=2, values_only=True))
    assert locks == [("E2", "威海乙公司", "coaching")]
    assert book["目标"].cell(row=2, column=8).number_format == "0.0%"


def test_allocation_xlsx_in_english_and_through_the_download_callable(tiny_workbook, plan):
    build = allocation_xlsx(
        plan,
        "en",
        display_names(tiny_workbook, "en"),
        tiny_workbook.resource_names,
        settings=settings_from_workbook(tiny_workbook),
        data_version="v1",
    )
    book = openpyxl.load_workbook(io.BytesIO(build()))
    assert book.sheetnames[0] == "Supported" and "Settings" in book.sheetnames
    assert "Support money (10k yuan)" in _headers(book["Supported"])


def test_allocation_xlsx_keeps_formula_like_names_as_text(tiny_workbook):
    wb = tiny_workbook.copy()
    wb.candidates.loc[0, "name"] = '=HYPERLINK("http://x")'
    result = solve(wb, time_limit=5.0, baselines=False)
    book = openpyxl.load_workbook(io.BytesIO(allocation_xlsx_bytes(result, lang="zh")))
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)


def test_the_import_report_downloads_as_excel(raw_tables, tiny_sheets):
    tiny_sheets["budgets"] = "fund_line,amount,pooled\nindustry,-940,Y\nprojects,50,maybe\n"
    with pytest.raises(WorkbookError) as info:
        validate_tables(raw_tables(tiny_sheets))
    book = openpyxl.load_workbook(io.BytesIO(import_report_xlsx_bytes(info.value.issues, "zh")))
    ws = book.active
    assert ws.title == "导入检查报告" and _headers(ws) == ["工作表", "行", "列", "问题"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert ("budgets", 2, "amount") in [r[:3] for r in rows]
    assert ws.freeze_panes == "A2"


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


def test_the_checklist_as_word_numbers_every_gap(firms_wb):
    data = checklist_docx_bytes(firms_wb, firm_id="F1")
    text = _text(data)
    assert text.startswith("企业梯度培育明白纸")
    assert "甲科技（F1）" in text and "联系单位" in text
    # Each rung says when to apply: the deadline, or that this year is out of reach.
    assert "申报截止" in text or "尚不具备申报条件" in text
    gaps = firm_checklist(firms_wb, "F1").gaps()
    for gap in gaps:
        assert gap.text("zh") in text
    table = docx.Document(io.BytesIO(data)).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "差距", "何时补齐", "可借助的支持"]
    assert table.rows[1].cells[0].text == "1"
    assert "☐" in text  # materials as a tick list
    english = _text(checklist_docx_bytes(firms_wb, firm_id="F1", lang="en"))
    assert "Firm checklist" in english and "Contact:" in english


def test_a_district_checklist_puts_each_firm_on_its_own_page(firms_wb):
    data = checklist_docx_bytes(firms_wb, district="环翠区")
    text = _text(data)
    assert "甲科技" in text and "乙制造" in text and "丁材料" not in text
    xml = docx.Document(io.BytesIO(data)).element.xml
    assert xml.count('w:type="page"') == 1
    with pytest.raises(ValueError):
        checklist_docx_bytes(firms_wb)
    with pytest.raises(ValueError, match="no listed firm"):
        checklist_docx_bytes(firms_wb, district="无此区")


def test_the_checklist_command_writes_word(capsys, tmp_path, firms_wb):
    from data.workbook import write_workbook

    folder = tmp_path / "firms"
    write_workbook(firms_wb, folder)
    out = tmp_path / "明白纸.docx"
    code = main(["checklist", str(folder), "--district", "环翠区", "--docx", "--out", str(out)])
    printed = json.loads(capsys.readouterr().out)
    assert code == 0 and printed["file"] == str(out)
    assert "乙制造" in _text(out.read_bytes())
    assert main(["checklist", str(folder), "--firm", "F1", "--docx"]) == 2
    assert "--docx needs --out" in capsys.readouterr().err


def test_a_resource_label_that_states_its_unit_keeps_it_once(plan):
    data = allocation_xlsx_bytes(plan, lang="zh", names={"staff_days": "服务人日（day）"})
    head = _headers(openpyxl.load_workbook(io.BytesIO(data))["全部候选"])
    assert "服务人日（day）" in head and "服务人日（day）（day）" not in head
