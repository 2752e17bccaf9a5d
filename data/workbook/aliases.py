"""Chinese sheet titles and column headers the importer reads as the English ones of docs/workbook.md.

The template (`data.workbook.write.template_xlsx_bytes`) is written with these titles and headers so a
planner fills in a Chinese workbook; reading maps them back, so the template imports as it is. The
English names stay the contract's (docs/workbook.md: "the exported workbook may add ... Chinese sheet
titles only if the importer reads its own export back unchanged"). A header matches whatever its
case, full- or half-width brackets and spaces.
"""

from __future__ import annotations

import unicodedata

# Sheet → its Chinese title (the template's). Only these distinctive titles are read as sheets: a
# planner's own sheet named 项目 or 目标 stays an extra sheet, ignored as before.
SHEET_TITLES: dict[str, tuple[str, ...]] = {
    "budgets": ("资金预算",),
    "resources": ("保障资源",),
    "targets": ("年度目标",),
    "candidates": ("候选对象",),
    "contributions": ("目标贡献",),
    "options": ("支持方式",),
    "locks": ("锁定决策",),
    "floors": ("区市保底",),
    "actuals": ("进展实绩",),
    "history": ("历年记录",),
    "settings": ("参数设置",),
    "projects": ("项目信息",),
    "enterprises": ("企业信息",),
}

# (sheet, column) → its Chinese header (the template's, first) and other headers read as the column.
# Resource-use columns of the options sheet are named after the resources themselves: no alias.
COLUMN_TITLES: dict[tuple[str, str], tuple[str, ...]] = {
    ("budgets", "fund_line"): ("资金渠道",),
    ("budgets", "amount"): ("金额（万元）", "金额"),
    ("budgets", "pooled"): ("参与统筹（Y/N）", "参与统筹"),
    ("resources", "resource"): ("资源名称", "资源"),
    ("resources", "capacity"): ("可用量", "容量"),
    ("resources", "unit"): ("单位",),
    ("targets", "target"): ("目标名称", "目标"),
    ("targets", "goal"): ("目标值",),
    ("targets", "weight"): ("权重",),
    ("targets", "unit"): ("单位",),
    ("candidates", "candidate_id"): ("候选编号", "编号"),
    ("candidates", "name"): ("名称",),
    ("candidates", "kind"): ("类型（project/enterprise）", "类型"),
    ("candidates", "district"): ("区市",),
    ("candidates", "base_probability"): ("基础成功概率（0–1）", "基础成功概率"),
    ("candidates", "award"): ("成功奖励（万元）", "成功奖励"),
    ("candidates", "award_line"): ("奖励资金渠道",),
    ("contributions", "candidate_id"): ("候选编号", "编号"),
    ("contributions", "target"): ("目标名称", "目标"),
    ("contributions", "value"): ("贡献值",),
    ("options", "candidate_id"): ("候选编号", "编号"),
    ("options", "option"): ("支持方式",),
    ("options", "probability"): ("成功概率（0–1）", "成功概率"),
    ("options", "fund_line"): ("资金渠道",),
    # 扶持资金 is the bureaus' word (docs/projects.md); templates handed out earlier said 前期费用.
    ("options", "cost"): ("扶持资金（万元）", "扶持资金", "前期费用（万元）", "前期费用"),
    ("options", "paid_on_success"): ("成功后支付（万元）", "成功后支付"),
    ("options", "act_by"): ("最迟行动日期", "最迟行动日"),
    ("locks", "candidate_id"): ("候选编号", "编号"),
    ("locks", "option"): ("锁定方式",),
    ("floors", "district"): ("区市",),
    ("floors", "min_share"): ("最低资金占比（0–1）", "最低资金占比"),
    ("actuals", "candidate_id"): ("候选编号", "编号"),
    ("actuals", "status"): ("状态",),
    ("actuals", "option"): ("已给支持方式",),
    ("actuals", "date"): ("日期",),
    ("history", "year"): ("年份",),
    ("history", "kind"): ("类型",),
    ("history", "rung"): ("层级",),
    ("history", "support"): ("支持方式",),
    ("history", "outcome"): ("结果（0/1）", "结果"),
    ("settings", "key"): ("参数",),
    ("settings", "value"): ("取值",),
    ("projects", "project_id"): ("项目编号",),
    ("enterprises", "firm_id"): ("企业编号",),
}


def _normal(text: str) -> str:
    """Compare headers as a planner sees them: full-width forms, case and spaces do not matter."""
    return unicodedata.normalize("NFKC", text).replace(" ", "").strip().lower()


_SHEET_BY_TITLE = {_normal(t): sheet for sheet, titles in SHEET_TITLES.items() for t in titles}
_COLUMN_BY_HEADER = {
    (sheet, _normal(h)): column
    for (sheet, column), headers in COLUMN_TITLES.items()
    for h in headers
}


def sheet_for_title(title: str) -> str:
    """The sheet a title names: a Chinese title becomes its sheet's key, any other stays as it is."""
    return _SHEET_BY_TITLE.get(_normal(title), title)


def template_sheet_title(sheet: str) -> str:
    """The Chinese title the template gives a sheet (its key when it has none)."""
    return SHEET_TITLES.get(sheet, (sheet,))[0]


def template_header(sheet: str, column: str) -> str:
    """The Chinese header the template gives a column (its name when it has none)."""
    return COLUMN_TITLES.get((sheet, column), (column,))[0]


def canonical_headers(sheet: str, headers: list[object]) -> list[object]:
    """Headers with each Chinese alias replaced by its contract column.

    An alias is left as it is when the sheet also has the English column (the planner's own extra
    column that happens to share the Chinese name), so nothing is read twice.
    """
    present = {_normal(h) for h in headers if isinstance(h, str)}
    out: list[object] = []
    for h in headers:
        column = _COLUMN_BY_HEADER.get((sheet, _normal(h))) if isinstance(h, str) else None
        out.append(column if column is not None and column.lower() not in present else h)
    return out
