"""Writing: the workbook as .xlsx, a CSV folder or a .zip of CSVs, and the empty template.

Exports are neutralised (docs/security.md): text a spreadsheet could run as a formula stays text,
quote-prefixed in .xlsx and with a leading quote in CSV, which the reader undoes.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd

from data import schema
from data.safety import is_formula_like, neutralise_cell
from data.schema import DASHBOARD_SETTINGS, KINDS, SETTINGS_DEFAULTS, SHEETS, Workbook
from data.workbook.aliases import template_header, template_sheet_title
from data.workbook.cells import _NOT_XML, SHEET_ORDER, _is_blank, _is_number, _text


def _export_frames(wb: Workbook) -> list[tuple[str, pd.DataFrame]]:
    return [(name, wb.sheet(name)) for name in SHEET_ORDER]


def _cell_out(value: object, column_type: str | None) -> object:
    """A value as it should land in a cell: numbers as numbers, booleans as Y/N, blanks empty."""
    if _is_blank(value) and not isinstance(value, str):
        return None
    if isinstance(value, bool) or (column_type == "yn" and not isinstance(value, str)):
        return "Y" if bool(value) else "N"
    if _is_number(value):
        number = float(value)  # type: ignore[arg-type]
        if number.is_integer() and abs(number) < 1e15:
            return int(number)
        return number
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def _column_types(name: str) -> dict[str, str]:
    return {c.name: c.type for c in SHEETS[name].columns}


def workbook_to_xlsx_bytes(wb: Workbook) -> bytes:
    """The workbook as ``.xlsx`` bytes: one sheet per docs/workbook.md sheet, bold frozen header row."""
    return _xlsx_bytes(_export_frames(wb))


def _xlsx_bytes(frames: list[tuple[str, pd.DataFrame]]) -> bytes:
    from openpyxl import Workbook as XlsxBook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = XlsxBook(write_only=True)
    bold = Font(bold=True)
    for name, frame in frames:
        ws = book.create_sheet(name)
        ws.freeze_panes = "A2"
        headers = [_NOT_XML.sub("", str(c)) for c in frame.columns]
        types = _column_types(name)
        columns = [frame[c].tolist() for c in frame.columns] if len(frame.columns) else []
        for j, header in enumerate(headers):
            longest = max(
                [len(header)] + [len(_text(v)) for v in columns[j][:200] if not _is_blank(v)]
            )
            ws.column_dimensions[get_column_letter(j + 1)].width = min(max(10, longest + 2), 50)
        header_cells = []
        for h in headers:
            cell = WriteOnlyCell(ws, value=None)
            cell._value, cell.data_type = h, "s"  # a header is always text, never a formula
            cell.font = bold
            header_cells.append(cell)
        ws.append(header_cells)
        column_types = [types.get(h) for h in headers]
        for i in range(len(frame)):
            row = []
            for j in range(len(headers)):
                value = _cell_out(columns[j][i], column_types[j])
                if isinstance(value, str):
                    value = _NOT_XML.sub("", value)
                if is_formula_like(value):
                    # Text that looks like a formula stays text, quote-prefixed as Excel does
                    # when a planner types '=..., so it cannot become a formula even when edited.
                    cell = WriteOnlyCell(ws, value=None)
                    cell._value = value
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    value = cell
                elif isinstance(value, float) and float(f"{value:.16g}") != value:
                    # openpyxl writes 16 significant digits, which loses the last bit of some
                    # floats; write the shortest exact form instead so a round trip is exact.
                    cell = WriteOnlyCell(ws, value=value)
                    cell._value = repr(value)
                    value = cell
                row.append(value)
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_README_ROWS = [
    ("budgets", "fund_line", "text, unique: one row per fund line"),
    ("budgets", "amount", "0, or 0.0001 (one yuan) to 1e9 万元"),
    ("budgets", "pooled", "Y/N, optional (default Y): takes part in fund integration"),
    ("resources", "resource", "text, unique; not also a fund line"),
    ("resources", "capacity", "number 0 to 1e9"),
    ("resources", "unit", "text, optional"),
    ("targets", "target", "text, unique"),
    ("targets", "goal", "number > 0, at most 1e9, at least a millionth of any contribution to it"),
    ("targets", "weight", "number 0 to 1e6, optional (default 1)"),
    ("targets", "unit", "text, optional"),
    ("candidates", "candidate_id", "text, unique"),
    ("candidates", "name", "text"),
    ("candidates", "kind", "project or enterprise"),
    ("candidates", "district", "text"),
    ("candidates", "base_probability", "0–1: chance of success this year with no support"),
    (
        "candidates",
        "award",
        "0, or one yuan to 1e9 万元, optional: paid on success (an entitlement)",
    ),
    ("candidates", "award_line", "fund line that pays the award; required when award > 0"),
    ("contributions", "candidate_id", "a known candidate"),
    ("contributions", "target", "a known target"),
    ("contributions", "value", "number 1e-6 to 1e9 added to the target on success"),
    ("options", "candidate_id", "a known candidate"),
    ("options", "option", "text, unique per candidate; not 'none'"),
    ("options", "probability", "0–1: chance of success with this option"),
    ("options", "fund_line", "a known fund line, or blank when cost is 0"),
    ("options", "cost", "0, or 0.0001 (one yuan) to 1e9 万元, paid up front"),
    (
        "options",
        "paid_on_success",
        "0, or one yuan to 1e9 万元, optional (blank = 0): paid from the same line only on success",
    ),
    ("options", "<resource name>", "one optional column per resource: use 0 to 1e9, blank = 0"),
    (
        "options",
        "act_by",
        "optional (this product's extension): YYYY-MM-DD, last day to act for it to pay off this year",
    ),
    ("locks", "candidate_id", "optional sheet: a known candidate, at most once"),
    ("locks", "option", "one of its options, or 'none' to rule support out"),
    ("floors", "district", "optional sheet: a district some candidate has, at most once"),
    ("floors", "min_share", "0–1: least share of up-front money for the district"),
    ("actuals", "candidate_id", "optional sheet: a known candidate, at most once, not also locked"),
    ("actuals", "status", "supported, succeeded or failed"),
    ("actuals", "option", "the option it was given, or 'none' (blank = none)"),
    ("actuals", "date", "optional, YYYY-MM-DD: when it happened"),
    ("history", "year", "optional sheet: a past year (whole number)"),
    ("history", "kind", "project or enterprise"),
    ("history", "rung", "what success meant (start, srdi, above_size, ...)"),
    ("history", "support", "an option name as on the options sheet, or 'none'"),
    ("history", "outcome", "1 if it succeeded that year, else 0; other columns are features"),
    (
        "settings",
        "key",
        "optional sheet: pool_share (0–1, default 0), award_prudence (0–2, default 1), "
        "as_of (YYYY-MM-DD), correlation (0 to below 1, default 0), objective (expected or chance)",
    ),
    ("settings", "value", "the setting's value"),
    ("projects", "project_id", "optional descriptive sheet; other columns are free"),
    ("enterprises", "firm_id", "optional descriptive sheet; other columns are free"),
]


# The template's rules in Chinese, per (sheet, column) of _README_ROWS; a row without one shows the
# English rule.
_README_ZH: dict[tuple[str, str], str] = {
    ("budgets", "fund_line"): "文本，不重复：每条资金渠道一行",
    ("budgets", "amount"): "0，或 0.0001（一元）至 10亿万元",
    ("budgets", "pooled"): "Y/N，可不填（默认 Y）：是否参与资金统筹",
    ("resources", "resource"): "文本，不重复；不能与资金渠道同名",
    ("resources", "capacity"): "0 至 10亿的数",
    ("resources", "unit"): "文本，可不填",
    ("targets", "target"): "文本，不重复",
    ("targets", "goal"): "大于 0 的数，不超过 10亿",
    ("targets", "weight"): "0 至 100万的数，可不填（默认 1）",
    ("targets", "unit"): "文本，可不填",
    ("candidates", "candidate_id"): "文本，不重复",
    ("candidates", "name"): "文本",
    ("candidates", "kind"): "project（项目）或 enterprise（企业），从下拉列表选择",
    ("candidates", "district"): "文本：所属区市",
    ("candidates", "base_probability"): "0–1（可写 30%）：不给支持时本年度成功的概率",
    ("candidates", "award"): "0，或一元至 10亿万元，可不填：成功即兑现的奖励",
    ("candidates", "award_line"): "支付奖励的资金渠道；有奖励时必填",
    ("contributions", "candidate_id"): "已有的候选编号",
    ("contributions", "target"): "已有的目标名称",
    ("contributions", "value"): "成功后计入目标的数（计数目标填 1）",
    ("options", "candidate_id"): "已有的候选编号",
    ("options", "option"): "文本，同一候选不重复；不能写 none",
    ("options", "probability"): "0–1（可写 60%）：给予该支持后的成功概率",
    ("options", "fund_line"): "已有的资金渠道；费用为 0 时可不填",
    ("options", "cost"): "0，或 0.0001（一元）至 10亿万元：给予支持时拨付的扶持资金",
    ("options", "<resource name>"): "每种保障资源一列（列名即资源名称）：用量 0 至 10亿，空白为 0",
    ("locks", "candidate_id"): "可选工作表：已有的候选编号，每个至多一行",
    ("locks", "option"): "该候选的一种支持方式，或 none 表示不予支持",
    ("floors", "district"): "可选工作表：候选所在的区市，每个至多一行",
    ("floors", "min_share"): "0–1（可写 10%）：该区市至少获得的扶持资金占比",
    ("settings", "key"): "可选工作表：pool_share（0–1，默认 0）、award_prudence（0–2，默认 1）等",
    ("settings", "value"): "参数的取值",
    ("projects", "project_id"): "可选的说明性工作表；其他列可自由添加",
    ("enterprises", "firm_id"): "可选的说明性工作表；其他列可自由添加",
}

# Example rows, at least one per sheet: together a tiny plan that keeps every rule, so the template
# imports as it is and shows each sheet filled in (an enterprise and a project, so the lock and the
# actual concern different candidates). Planners overwrite them (the README says so). Rows of sheets
# the schema does not have are skipped.
_EXAMPLE_RESOURCE = "工信局服务人日"
_EXAMPLE_ROWS: dict[str, list[dict[str, object]]] = {
    "budgets": [{"fund_line": "小升规培育资金", "amount": 500, "pooled": "Y"}],
    "resources": [{"resource": _EXAMPLE_RESOURCE, "capacity": 200, "unit": "人日"}],
    "targets": [{"target": "新增规上工业企业", "goal": 10, "weight": 1, "unit": "家"}],
    "candidates": [
        {
            "candidate_id": "E001",
            "name": "示例：威海某机械有限公司",
            "kind": "enterprise",
            "district": "环翠区",
            "base_probability": 0.3,
            "award": 0,
        },
        {
            "candidate_id": "P001",
            "name": "示例：某智能装备产业园项目",
            "kind": "project",
            "district": "文登区",
            "base_probability": 0.5,
            "award": 0,
        },
    ],
    "contributions": [{"candidate_id": "E001", "target": "新增规上工业企业", "value": 1}],
    "options": [
        {
            "candidate_id": "E001",
            "option": "升规辅导",
            "probability": 0.5,
            "fund_line": "小升规培育资金",
            "cost": 20,
            _EXAMPLE_RESOURCE: 5,
        }
    ],
    "locks": [{"candidate_id": "P001", "option": "none"}],
    "floors": [{"district": "环翠区", "min_share": 0.1}],
    "actuals": [
        {"candidate_id": "E001", "status": "supported", "option": "升规辅导", "date": "2026-03-15"}
    ],
    "history": [
        {
            "year": 2025,
            "kind": "enterprise",
            "rung": "above_size",
            "support": "升规辅导",
            "outcome": 1,
        }
    ],
    "settings": [{"key": "pool_share", "value": 0}],
    "projects": [{"project_id": "P001"}],
    "enterprises": [{"firm_id": "F001"}],
}

# Drop-down lists: (sheet, column) → the sheet whose first column holds the known keys, or a fixed
# list. Excel refuses other values, so a typo in a key is caught where it is typed.
_KEY_LISTS: dict[tuple[str, str], str] = {
    ("candidates", "award_line"): "budgets",
    ("contributions", "candidate_id"): "candidates",
    ("contributions", "target"): "targets",
    ("options", "candidate_id"): "candidates",
    ("options", "fund_line"): "budgets",
    ("locks", "candidate_id"): "candidates",
    ("actuals", "candidate_id"): "candidates",
}
_FIXED_LISTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("candidates", "kind"): KINDS,
    ("actuals", "status"): ("supported", "succeeded", "failed"),
    ("history", "kind"): KINDS,
    ("history", "outcome"): ("0", "1"),
}
_TEMPLATE_ROWS = 2000  # rows the drop-downs cover


def template_xlsx_bytes() -> bytes:
    """The workbook to fill in, in Chinese: a 填写说明 (README) sheet, then every sheet with Chinese
    title and headers (`data.workbook.aliases`, which the importer reads back), an example row, and
    drop-downs for Y/N columns and known keys. Imported as it is, it is a valid small plan (an enterprise and a project)."""
    from openpyxl import Workbook as XlsxBook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = XlsxBook()
    bold = Font(bold=True)
    readme = book.active
    readme.title = "填写说明"
    _template_readme(readme, bold)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    example_font = Font(italic=True, color="808080")
    # The year's settings (as_of, correlation, objective) where the schema has them.
    year_settings = getattr(schema, "YEAR_SETTINGS", ())
    settings_keys = tuple(dict.fromkeys([*SETTINGS_DEFAULTS, *year_settings, *DASHBOARD_SETTINGS]))
    for name in SHEET_ORDER:
        ws = book.create_sheet(template_sheet_title(name))
        ws.freeze_panes = "A2"
        columns = SHEETS[name].column_names
        examples = _EXAMPLE_ROWS.get(name, [])
        if name == "options":
            columns = columns + [c for row in examples for c in row if c not in columns]
        rule = {col: text for (sheet, col), text in _README_ZH.items() if sheet == name}
        types = _column_types(name)
        for j, column in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=j, value=template_header(name, column))
            cell.font, cell.fill = bold, header_fill
            # The English name is what the command line and docs/workbook.md call the column.
            resource_use = column not in types  # the options sheet's example resource column
            note = rule.get("<resource name>" if resource_use else column, "")
            cell.comment = Comment(f"{column}：{note}" if note else column, "模板")
            letter = get_column_letter(j)
            ws.column_dimensions[letter].width = min(
                max(12, 2 * len(template_header(name, column)) + 2), 40
            )
            for i, example in enumerate(examples, start=2):
                if column in example:
                    value_cell = ws.cell(row=i, column=j, value=example[column])
                    value_cell.font = example_font
            span = f"{letter}2:{letter}{_TEMPLATE_ROWS + 1}"
            choices: tuple[str, ...] | None = None
            source: str | None = None
            if types.get(column) == "yn":
                choices = ("Y", "N")
            elif (name, column) in _FIXED_LISTS:
                choices = _FIXED_LISTS[(name, column)]
            elif name == "settings" and column == "key":
                choices = settings_keys
            elif (name, column) in _KEY_LISTS and _KEY_LISTS[(name, column)] in SHEETS:
                target = template_sheet_title(_KEY_LISTS[(name, column)])
                source = f"'{target}'!$A$2:$A${_TEMPLATE_ROWS + 1}"
            if choices is not None or source is not None:
                dv = DataValidation(
                    type="list",
                    formula1=source if source is not None else '"' + ",".join(choices or ()) + '"',
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle="请从下拉列表选择",
                    error="该值不在列表中：请从下拉列表选择，或先在所引用的工作表中添加。",
                )
                ws.add_data_validation(dv)
                dv.add(span)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _template_readme(ws: object, bold: object) -> None:
    """The template's first sheet: what to fill in, sheet by sheet and column by column."""
    for letter, width in zip("ABCD", (14, 26, 20, 70), strict=True):
        ws.column_dimensions[letter].width = width  # type: ignore[attr-defined]
    lines = [
        "威海市年度培育与要素保障规划工作簿：每张工作表一行一项。金额单位为万元。可增加其他列，导入时保留。",
        "灰色斜体为示例行，请改写或删除后再导入。概率和占比填 0–1 的小数或百分数（如 85%）。",
        "",
    ]
    for text in lines:
        ws.append([text])  # type: ignore[attr-defined]
    ws.append(["工作表", "列名", "英文列名（命令行使用）", "填写规则"])  # type: ignore[attr-defined]
    for cell in ws[len(lines) + 1]:  # type: ignore[index]
        cell.font = bold
    for sheet, column, rule in _README_ROWS:
        header = "（资源名称）" if column.startswith("<") else template_header(sheet, column)
        ws.append(  # type: ignore[attr-defined]
            [template_sheet_title(sheet), header, column, _README_ZH.get((sheet, column), rule)]
        )


def write_workbook(wb: Workbook, path: str | Path) -> None:
    """Write the workbook: an ``.xlsx`` file when the suffix is ``.xlsx``, else a folder of CSVs.

    CSVs are UTF-8 with a BOM, so Excel on a Chinese-locale PC opens them with the right characters.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(workbook_to_xlsx_bytes(wb))
        return
    path.mkdir(parents=True, exist_ok=True)
    for name, frame in _export_frames(wb):
        (path / f"{name}.csv").write_bytes(_csv_bytes(name, frame))


def _csv_bytes(name: str, frame: pd.DataFrame) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise_cell(str(c)) for c in frame.columns])
    types = _column_types(name)
    column_types = [types.get(str(c)) for c in frame.columns]
    columns = [frame[c].tolist() for c in frame.columns]
    for i in range(len(frame)):
        row = []
        for j, column in enumerate(columns):
            value = _cell_out(column[i], column_types[j])
            # Text a spreadsheet could run as a formula gets a leading quote (CSV injection).
            row.append("" if value is None else neutralise_cell(_text(value)))
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


def workbook_to_csv_zip_bytes(wb: Workbook) -> bytes:
    """The workbook as a ``.zip`` of ``<sheet>.csv`` files (what `read_workbook_upload` accepts)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, frame in _export_frames(wb):
            archive.writestr(f"{name}.csv", _csv_bytes(name, frame))
    return out.getvalue()
