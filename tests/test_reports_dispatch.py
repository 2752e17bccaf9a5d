"""The 调度通报 (reports.dispatch): the Word file opens and names every target and district, the Excel
file has its formats, the command line writes either, and actuals show as achieved."""

from __future__ import annotations

import io
import json

import docx
import openpyxl
import pandas as pd
import pytest

from data import vocabulary
from data.workbook import write_workbook
from optimizer import progress as yp
from optimizer.solve import solve
from reports.cli import main
from reports.dispatch import build_dispatch, dispatch_docx_bytes, dispatch_xlsx_bytes
from reports.office import display_names


@pytest.fixture(scope="module")
def demo_plan():
    from data.demo import generate_demo

    wb = generate_demo(seed=2026)
    return wb, solve(wb, time_limit=5.0, baselines=False)


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_word_notice_names_every_target_and_district(demo_plan, lang):
    wb, plan = demo_plan
    report = build_dispatch(wb, plan, lang=lang)
    data = dispatch_docx_bytes(report)
    text = _docx_text(data)
    names = display_names(wb, lang)
    for target in wb.targets["target"]:
        assert names[str(target)] in text, target
    for district in wb.candidates["district"].unique():
        assert vocabulary.label("district", district, lang) in text, district
    document = docx.Document(io.BytesIO(data))
    if lang == "zh":
        assert document.paragraphs[0].text == "威海市重点工作调度通报"
        assert "〔2026〕第" in text and "期" in text  # the 文号 placeholder
        for heading in (
            "一、目标任务完成情况",
            "二、各区市推进情况",
            "三、重点项目推进情况",
            "四、红黄榜",
        ):
            assert heading in text
        # The key-project table has the columns a notice uses.
        headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
        assert [
            "项目名称",
            "建设单位",
            "区市",
            "年度计划投资（万元）",
            "累计完成（万元）",
            "形象进度",
            "存在问题",
            "包保领导/牵头部门",
        ] in headers
    else:
        assert "Red and yellow lists" in text and "Weihai" in text
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in document.paragraphs[3].text)
    # Chances as whole percentages, money grouped: no raw floats in the target table.
    first = [c.text for c in docx.Document(io.BytesIO(data)).tables[0].rows[1].cells]
    assert first[7].endswith("%") and "." not in first[7]


def test_the_excel_tables_have_their_formats(demo_plan):
    wb, plan = demo_plan
    book = openpyxl.load_workbook(io.BytesIO(dispatch_xlsx_bytes(build_dispatch(wb, plan))))
    assert book.sheetnames[:4] == ["目标任务", "区市排名", "区市分解目标", "重点项目"]
    ws = book["目标任务"]
    header = [c.value for c in ws[4]]
    assert header[0] == "目标任务" and "完成把握" in header
    chance = ws.cell(row=5, column=header.index("完成把握") + 1)
    assert chance.number_format == "0.0%" and 0 <= chance.value <= 1
    assert round(chance.value, 4) == chance.value  # rounded, no 0.01715059424794832
    assert ws.freeze_panes == "A5" and ws.auto_filter.ref.startswith("A4:")
    assert ws["A2"].value.startswith("数据截至")
    projects = book["重点项目"]
    money = [c.value for c in projects[4]].index("年度计划投资（万元）") + 1
    assert projects.cell(row=5, column=money).number_format == "#,##0.0"
    last = projects.max_row
    assert projects.cell(row=last, column=1).value == "合计"
    listed = [projects.cell(row=r, column=money).value for r in range(5, last)]
    assert projects.cell(row=last, column=money).value == pytest.approx(sum(listed))
    districts = {c.value for c in book["区市排名"]["B"][4:]}
    assert districts == {vocabulary.label("district", d, "zh") for d in wb.candidates["district"]}


def test_actuals_show_as_achieved_and_the_lists_follow(tiny_workbook):
    actuals = pd.DataFrame(
        [
            {
                "candidate_id": "E1",
                "status": "succeeded",
                "option": "coaching",
                "date": "2026-05-02",
            },
            {"candidate_id": "P1", "status": "failed", "option": "", "date": "2026-06-01"},
        ]
    )
    wb = yp.with_actuals(tiny_workbook, actuals, as_of="2026-06-30")
    plan = solve(wb, time_limit=5.0, baselines=False)
    report = build_dispatch(wb, plan)
    row = report.targets.set_index("target").loc["new_srdi"]
    assert row["achieved"] == 1.0 and row["goal"] == 2.0
    assert report.as_of.isoformat() == "2026-06-30"
    text = _docx_text(dispatch_docx_bytes(report))
    assert "截至2026年6月30日" in text and "已完成1" in text
    # The cockpit's own figures give the same document.
    shown = build_dispatch(wb, plan, progress=yp.year_progress(wb, plan))
    assert shown.targets["achieved"].tolist() == report.targets["achieved"].tolist()
    english = build_dispatch(wb, plan, lang="en")
    assert "June 30, 2026" in _docx_text(dispatch_docx_bytes(english))


def test_the_command_line_writes_word_or_excel(capsys, tmp_path, tiny_workbook):
    folder = tmp_path / "wb"
    write_workbook(tiny_workbook, folder)
    out = tmp_path / "out" / "调度通报.docx"
    code = main(["dispatch", str(folder), "--out", str(out), "--time-limit", "5"])
    printed = json.loads(capsys.readouterr().out)
    assert code == 0 and out.exists() and printed["file"] == str(out)
    assert [t["target"] for t in printed["targets"]] == ["new_srdi", "starts"]
    assert {d["district"] for d in printed["districts"]} <= {"环翠区", "文登区"}
    docx.Document(str(out))
    xlsx = tmp_path / "通报.xlsx"
    assert main(["dispatch", str(folder), "--out", str(xlsx), "--lang", "en"]) == 0
    assert openpyxl.load_workbook(xlsx).sheetnames[0] == "Targets"
    capsys.readouterr()
    assert main(["dispatch", str(folder), "--out", str(tmp_path / "x.pdf")]) == 2
    assert ".docx or .xlsx" in capsys.readouterr().err


def _buttons_script() -> None:
    import streamlit as st

    from data.workbook import validate_tables
    from optimizer.solve import solve
    from tests.conftest import TINY_SHEETS, raw_from_csv
    from tests.test_checklist import SHEETS
    from ui.report_downloads import checklist_docx_button, dispatch_buttons

    wb = validate_tables({k: raw_from_csv(v) for k, v in TINY_SHEETS.items()})
    dispatch_buttons(wb, solve(wb, time_limit=5.0, baselines=False), "zh")
    firms = validate_tables({k: raw_from_csv(v) for k, v in SHEETS.items()})
    checklist_docx_button(firms, "en", district="环翠区")
    st.session_state["drawn"] = True


def test_the_download_buttons_draw_and_build_their_files(tiny_workbook):
    from streamlit.testing.v1 import AppTest

    from ui.report_downloads import dispatch_document

    at = AppTest.from_function(_buttons_script, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["drawn"]
    plan = solve(tiny_workbook, time_limit=5.0, baselines=False)
    data = dispatch_document(tiny_workbook, plan, "docx", "en")()
    assert "Key Work Dispatch Bulletin" in _docx_text(data)
    sheet = openpyxl.load_workbook(
        io.BytesIO(dispatch_document(tiny_workbook, plan, "xlsx", "zh")())
    )
    assert sheet.sheetnames[0] == "目标任务"
