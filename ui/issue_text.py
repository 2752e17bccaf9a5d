"""A workbook's import problems in the reader's language: sheet, column and problem in Chinese.

`data.workbook` reports each problem as a ``WorkbookIssue`` in English (the CLI and the English
screen show it as it is). Here a table of message patterns turns the English text into Chinese; the
sheet and column read as the template's Chinese titles (docs/workbook.md), and the row is named by
its key (the fund line ``小升规培育资金``, not ``budgets / 3``) where the uploaded sheet is at hand.
A message no pattern knows is shown as it is, behind a Chinese note that says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from data.workbook import WorkbookIssue
from ui.i18n import tv

# The template's Chinese sheet titles and column headers (docs/workbook.md). Where the importer
# knows them (data.workbook.aliases) its table wins, so both read the same words.
_SHEETS: dict[str, str] = {
    "budgets": "资金预算",
    "resources": "保障资源",
    "targets": "年度目标",
    "candidates": "候选对象",
    "contributions": "目标贡献",
    "options": "支持方式",
    "locks": "锁定决策",
    "floors": "区市保底",
    "actuals": "进展实绩",
    "history": "历年记录",
    "settings": "参数设置",
    "projects": "项目信息",
    "enterprises": "企业信息",
    "(file)": "文件",
}
_COLUMNS: dict[str, str] = {
    "fund_line": "资金渠道",
    "amount": "金额（万元）",
    "pooled": "参与统筹",
    "resource": "资源名称",
    "capacity": "可用量",
    "unit": "单位",
    "target": "目标名称",
    "goal": "目标值",
    "weight": "权重",
    "candidate_id": "候选编号",
    "name": "名称",
    "kind": "类型",
    "district": "区市",
    "base_probability": "基础成功概率",
    "award": "成功奖励（万元）",
    "award_line": "奖励资金渠道",
    "value": "取值",
    "option": "支持方式",
    "probability": "成功概率",
    "cost": "扶持资金（万元）",
    "paid_on_success": "成功后支付（万元）",
    "act_by": "最迟行动日期",
    "min_share": "最低资金占比",
    "key": "参数",
    "cluster": "产业集群",
    "note": "备注",
    "project_id": "项目编号",
    "firm_id": "企业编号",
}
# The column whose value names a row of each sheet (its key, docs/workbook.md).
ROW_KEYS: dict[str, str] = {
    "budgets": "fund_line",
    "resources": "resource",
    "targets": "target",
    "candidates": "candidate_id",
    "contributions": "candidate_id",
    "options": "candidate_id",
    "locks": "candidate_id",
    "floors": "district",
    "settings": "key",
    "actuals": "candidate_id",
    "projects": "project_id",
    "enterprises": "firm_id",
}
# Words inside messages ("duplicate fund line 'x'", "more than 50000 rows").
_WORDS: dict[str, str] = {
    "fund line": "资金渠道",
    "resource": "资源",
    "target": "目标",
    "candidate": "候选对象",
    "candidate and target": "候选对象与目标组合",
    "candidate and option": "候选对象与支持方式组合",
    "district": "区市",
    "key": "参数",
    "option": "支持方式",
    "rows": "行",
    "columns": "列",
}

_Q = r"'(?P<{}>.*?)'"  # a quoted name as the checker prints it (repr)

# (English pattern, Chinese text): the whole message must match; named groups fill the text.
_PATTERNS: list[tuple[str, str]] = [
    (r"required column is missing", "缺少必填列"),
    (r"required value is blank", "必填项为空"),
    (r"required sheet is missing", "缺少必需的工作表"),
    (r"this column header appears twice", "列名重复"),
    (r"two sheets have this name", "有两张工作表同名"),
    (r"the cell holds the Excel error (?P<e>.+)", "单元格含 Excel 错误值 {e}"),
    (r"expected a number, found TRUE/FALSE", "应为数字，实为 TRUE/FALSE"),
    (r"expected a number, found a date or time \((?P<v>.*)\)", "应为数字，实为日期或时间（{v}）"),
    (r"expected a number, found " + _Q.format("v"), "应为数字，实为“{v}”"),
    (r"expected a finite number", "应为有限的数字"),
    (r"expected Y or N, found " + _Q.format("v"), "应填 Y 或 N，实为“{v}”"),
    (
        r"must be between (?P<a>\S+) and (?P<b>\S+) \(found (?P<v>\S+)\)",
        "应在 {a} 到 {b} 之间（实为 {v}）",
    ),
    (r"must be greater than (?P<a>\S+) \(found (?P<v>\S+)\)", "应大于 {a}（实为 {v}）"),
    (r"must be (?P<a>\S+) or more \(found (?P<v>\S+)\)", "不能小于 {a}（实为 {v}）"),
    (
        r"must be at most (?P<a>\S+), the dashboard's highest \(found (?P<v>\S+)\)",
        "不能大于 {a}，即本系统允许的最大值（实为 {v}）",
    ),
    (r"must be at most (?P<a>\S+) \(found (?P<v>\S+)\)", "不能大于 {a}（实为 {v}）"),
    (
        r"must be 0 or at least (?P<a>\S+) 万元 \(one yuan\) \(found (?P<v>\S+)\)",
        "应为 0 或至少 {a} 万元（即一元）（实为 {v}）",
    ),
    (r"must be at least (?P<a>\S+) \(found (?P<v>\S+)\)", "不能小于 {a}（实为 {v}）"),
    (
        r"must be at least a millionth of the largest contribution toward it "
        r"\((?P<a>\S+)\), found (?P<v>\S+)",
        "至少应为对该目标最大单项贡献（{a}）的百万分之一（实为 {v}）",
    ),
    (
        r"duplicate (?P<what>[a-z_ ]+?) (?P<v>'[^']*'|\(.*\)) \(first on row (?P<r>\d+)\)",
        "{what}“{v}”重复（首次出现在第 {r} 行）",
    ),
    (r"unknown fund line " + _Q.format("v"), "资金渠道“{v}”不存在"),
    (r"unknown candidate " + _Q.format("v"), "候选对象“{v}”不存在"),
    (r"unknown target " + _Q.format("v"), "目标“{v}”不存在"),
    (
        r"must be project or enterprise, found " + _Q.format("v"),
        "应为 project（项目）或 enterprise（企业），实为“{v}”",
    ),
    (_Q.format("v") + r" is also a fund line", "“{v}”与一条资金渠道同名"),
    (
        r"resource " + _Q.format("v") + r" has the same name as an options column",
        "资源“{v}”与支持方式表中的一列同名",
    ),
    (
        r"candidate "
        + _Q.format("c")
        + r" has no option "
        + _Q.format("o")
        + r" \(use 'none' to rule support out\)",
        "候选对象“{c}”没有支持方式“{o}”（不予支持请填 none）",
    ),
    (r"no candidate is in district " + _Q.format("v"), "没有候选对象位于区市“{v}”"),
    (
        r"settings: key "
        + _Q.format("k")
        + r" is not one this product reads \((?P<known>.*)\); it is kept as text and has no "
        r"effect\.(?: Did you mean " + _Q.format("hint") + r"\?)?",
        "参数“{k}”不是本系统读取的参数（可用：{known}），将作为文本保留，不起作用。{hint}",
    ),
    (r"(?P<f>.+): file is larger than 50 MB", "{f}：文件超过 50 MB"),
    (
        r"(?P<f>.+): the CSV files in this (?:folder|archive) total more than 50 MB",
        "{f}：CSV 文件合计超过 50 MB",
    ),
    (r"(?P<f>.+): archive unpacks to more than 200 MB", "{f}：压缩包解压后超过 200 MB"),
    (r"(?P<f>.+): archive has more than (?P<n>\d+) files", "{f}：压缩包内文件超过 {n} 个"),
    (r"(?P<f>.+): more than (?P<n>\d+) CSV files", "{f}：CSV 文件超过 {n} 个"),
    (r"(?P<f>.+): the archive holds no <sheet>\.csv files", "{f}：压缩包中没有 <工作表>.csv 文件"),
    (
        r"(?P<f>.+): upload an \.xlsx workbook or a \.zip of <sheet>\.csv files",
        "{f}：请上传 .xlsx 工作簿或由 <工作表>.csv 组成的 .zip 压缩包",
    ),
    (r"(?P<f>.+): not (?P<what>an? [^()]+?)(?: \((?P<why>.*)\))?", "{f}：不是有效的{what}"),
    (r"(?P<f>.+) is not valid CSV: (?P<why>.*)", "{f}：不是有效的 CSV 文件"),
]
_COMPILED = [(re.compile(p), text) for p, text in _PATTERNS]
_FILE_KINDS = {"an .xlsx workbook": " .xlsx 工作簿", "a zip archive": " zip 压缩包"}
_UNKNOWN = "（系统原文）"


def sheet_label(sheet: str, lang: str) -> str:
    """A sheet by its Chinese title in Chinese (its contract name in English)."""
    if lang != "zh":
        return sheet
    try:  # the importer's own titles, where it has them
        from data.workbook.aliases import SHEET_TITLES

        if sheet in SHEET_TITLES:
            return str(SHEET_TITLES[sheet][0])
    except ImportError:
        pass
    return _SHEETS.get(sheet, sheet)


def column_label(sheet: str, column: str | None, lang: str) -> str:
    """A column by its Chinese header in Chinese (its contract name in English); a resource column
    of the options sheet keeps the resource's own name."""
    if column is None:
        return ""
    if lang != "zh":
        return column
    try:
        from data.workbook.aliases import COLUMN_TITLES

        if (sheet, column) in COLUMN_TITLES:
            return str(COLUMN_TITLES[(sheet, column)][0])
    except ImportError:
        pass
    return _COLUMNS.get(column, tv(column, lang))


def _filled(match: re.Match[str], text: str) -> str:
    values: dict[str, Any] = {k: (v or "") for k, v in match.groupdict().items()}
    if "what" in values:
        what = values["what"]
        values["what"] = _WORDS.get(what) or _FILE_KINDS.get(what) or _COLUMNS.get(what, what)
    if "v" in values and values["v"].startswith("'") and values["v"].endswith("'"):
        values["v"] = values["v"][1:-1]
    if values.get("hint"):
        values["hint"] = f"是否应为“{values['hint']}”？"
    return text.format(**values)


def message_text(message: str, lang: str) -> str:
    """One problem's text in ``lang``: the English message as it is, or its Chinese wording."""
    if lang != "zh":
        return message
    # "key: problem" on the settings sheet names the setting first
    for pattern, text in _COMPILED:
        found = pattern.fullmatch(message)
        if found:
            return _filled(found, text)
    head, sep, rest = message.partition(": ")
    if sep and re.fullmatch(r"[a-z_]+", head):
        inner = message_text(rest, lang)
        if inner != rest + _UNKNOWN and inner != rest:
            return f"{head}：{inner}"
    return message + _UNKNOWN


def row_keys(raw: Mapping[str, pd.DataFrame]) -> dict[tuple[str, int], str]:
    """``(sheet, Excel row) → the row's key`` (its fund line, target, candidate, …) from raw sheets
    as read (data row ``i`` is Excel row ``i + 2``, docs/workbook.md)."""
    out: dict[tuple[str, int], str] = {}
    for name, frame in raw.items():
        sheet, columns = _canonical(str(name), list(frame.columns))
        key = ROW_KEYS.get(sheet)
        if key is None or key not in columns:
            continue
        j = columns.index(key)
        for position, value in enumerate(frame.iloc[:, j].tolist()):
            if value is not None and not (isinstance(value, float) and pd.isna(value)):
                text = str(value).strip()
                if text:
                    out[(sheet, position + 2)] = text
    return out


def _canonical(name: str, headers: list[object]) -> tuple[str, list[object]]:
    """The sheet's contract name and headers, where the importer reads Chinese titles."""
    try:
        from data.workbook.aliases import (
            canonical_headers,
            sheet_for_title,
        )

        sheet = str(sheet_for_title(name))
        return sheet, list(canonical_headers(sheet, headers))
    except ImportError:
        return name, headers


def raw_upload_tables(filename: str, data: bytes) -> dict[str, pd.DataFrame]:
    """The uploaded workbook's sheets as read (for naming rows); empty when it cannot be read."""
    try:
        from data.workbook import read as reader

        reading: Callable[[bytes, str], dict[str, pd.DataFrame]]
        if filename.lower().endswith(".zip"):
            reading = reader._raw_from_csv_zip  # noqa: SLF001 -- the importer's own reader
        else:
            reading = reader._raw_from_xlsx  # noqa: SLF001
        return reading(data, filename)
    except Exception:  # only a nicety: the report stands without the rows' keys
        return {}


def issue_row(
    issue: WorkbookIssue, lang: str, keys: Mapping[tuple[str, int], str]
) -> dict[str, Any]:
    """One line of the import report: sheet, row (with its key where known), column and problem."""
    # English: the row number as the CLI prints it; Chinese: 第 3 行 and the row's key in words
    row: object = "" if issue.row is None else issue.row
    if lang == "zh" and issue.row is not None:
        key = keys.get((issue.sheet, issue.row)) if issue.row > 1 else None
        row = f"第 {issue.row} 行" + (f"（{tv(key, lang)}）" if key else "")
    return {
        "sheet": sheet_label(issue.sheet, lang),
        "row": row,
        "column": column_label(issue.sheet, issue.column, lang),
        "message": message_text(issue.message, lang),
    }


def issues_frame(
    issues: list[WorkbookIssue], lang: str, keys: Mapping[tuple[str, int], str] | None = None
) -> pd.DataFrame:
    """The import report as a table with columns ``sheet``, ``row``, ``column``, ``message``."""
    keys = keys or {}
    return pd.DataFrame(
        [issue_row(i, lang, keys) for i in issues], columns=["sheet", "row", "column", "message"]
    )


# The audit log's details as data.store writes them (English), and their Chinese wording.
_AUDIT_PATTERNS: list[tuple[str, str]] = [
    (
        r"demo city, seed (?P<s>\d+) \((?P<c>[\d,]+) candidates, (?P<o>[\d,]+) options\)",
        "演示城市（随机种子 {s}，{c} 个候选对象、{o} 个支持方式）",
    ),
    (r"(?P<c>[\d,]+) candidates, (?P<o>[\d,]+) options", "{c} 个候选对象、{o} 个支持方式"),
    (
        r"(?P<f>.+) \((?P<c>[\d,]+) candidates, (?P<o>[\d,]+) options\)",
        "{f}（{c} 个候选对象、{o} 个支持方式）",
    ),
    (r"(?P<n>[\d,]+) assumptions", "{n} 项参数"),
    (r"#(?P<i>\d+) → (?P<n>.*)", "第 {i} 号情景 → {n}"),
    (r"#(?P<i>\d+) (?P<n>.*)", "第 {i} 号情景“{n}”"),
]
_AUDIT_COMPILED = [(re.compile(p), text) for p, text in _AUDIT_PATTERNS]


def audit_detail(detail: object, lang: str) -> str:
    """An audit-log entry's detail in ``lang`` (the stored English text in English)."""
    text = "" if detail is None else str(detail)
    if lang != "zh":
        return text
    for pattern, wording in _AUDIT_COMPILED:
        found = pattern.fullmatch(text)
        if found:
            return wording.format(**found.groupdict())
    return text
