"""The allocation as an Excel workbook a planner can hand on: formatted, totalled, and with its settings.

Sheets: the supported candidates (with totals), every candidate (supported first), the targets, the
fund lines, the resources, and a sheet recording what produced the plan — scenario, data version,
time, solver status, the settings that differ from the workbook and the locks. Headers carry their
units; money is in 万元 to one decimal, chances as percentages; every sheet has a frozen header with
filters and fitted widths (`reports.office.write_sheet`). Formula-like text stays text
(docs/security.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from data import vocabulary
from data.schema import NONE_OPTION
from reports.office import Col, check_lang, term_col, unit_label, workbook_bytes, write_sheet

_SUPPORT_MONEY, _AWARD_RESERVE = (
    vocabulary.TERM_LABELS["support_money"],
    vocabulary.TERM_LABELS["award_reserve"],
)
_WORDS = {
    "zh": {
        "supported": "支持对象",
        "all": "全部候选",
        "targets": "目标",
        "funds": "资金",
        "resources": "保障资源",
        "settings": "方案设置",
        "locks": "锁定决策",
        "title": "资源配置方案",
        "item": "项目",
        "value": "取值",
        "scenario": "方案名称",
        "data_version": "数据版本",
        "generated": "生成时间",
        "status": "求解状态",
        "objective": "加权目标完成度",
        "gap": "与最优上界的差距",
        "supported_count": "支持对象数",
        "upfront": f"{_SUPPORT_MONEY[0]}合计（万元）",
        "pool_share": "资金统筹比例",
        "award_prudence": f"{_AWARD_RESERVE[0]}系数",
        "budget": "预算：{name}（万元）",
        "resource": "资源上限：{name}",
        "goal": "目标值：{name}",
        "weight": "权重：{name}",
        "none_set": "（沿用工作簿数据）",
        "optimal": "最优",
        "feasible": "可行（达到时间上限）",
        "infeasible": "无可行方案",
    },
    "en": {
        "supported": "Supported",
        "all": "All candidates",
        "targets": "Targets",
        "funds": "Fund lines",
        "resources": "Resources",
        "settings": "Settings",
        "locks": "Locks",
        "title": "Allocation plan",
        "item": "Item",
        "value": "Value",
        "scenario": "Scenario",
        "data_version": "Data version",
        "generated": "Generated",
        "status": "Solver status",
        "objective": "Weighted attainment",
        "gap": "Gap to the best bound",
        "supported_count": "Candidates supported",
        "upfront": f"{_SUPPORT_MONEY[1]}, total (10k yuan)",
        "pool_share": "Pooling share",
        "award_prudence": "Award prudence",
        "budget": "Budget: {name} (10k yuan)",
        "resource": "Capacity: {name}",
        "goal": "Goal: {name}",
        "weight": "Weight: {name}",
        "none_set": "(the workbook's own data)",
        "optimal": "optimal",
        "feasible": "feasible (time limit reached)",
        "infeasible": "infeasible",
    },
}

# What the actuals say of a decided candidate (docs/workbook.md "actuals").
STATUS_WORDS = {
    "supported": ("已给予支持", "supported"),
    "succeeded": ("已成功", "succeeded"),
    "failed": ("未成功", "failed"),
}

CANDIDATE_COLS = [
    Col("candidate_id", "候选编号", "Candidate ID"),
    Col("name", "名称", "Name"),
    Col("kind_name", "类型", "Kind"),
    Col("district_name", "区市", "District"),
    Col("option_name", "支持方式", "Support"),
    Col("fund_line_name", "资金渠道", "Fund line"),
    term_col("cost", "support_money"),
    term_col("reserve", "award_reserve"),
    Col("base_probability", "基础成功概率", "Chance without support", "percent"),
    Col("probability", "方案成功概率", "Chance with the plan", "percent"),
    Col("uplift", "概率提升", "Chance gained", "percent"),
]
TARGET_COLS = [
    Col("name", "目标", "Target"),
    Col("unit_name", "单位", "Unit"),
    Col("goal", "目标值", "Goal", "number"),
    Col("weight", "权重", "Weight", "number"),
    Col("expected_base", "不支持时预期", "Expected without support", "number"),
    Col("expected", "方案预期", "Expected with the plan", "number"),
    Col("attainment", "预期完成度", "Expected attainment", "percent"),
    Col("p_meet", "完成把握", "Chance of meeting", "percent"),
]
FUND_COLS = [
    Col("name", "资金渠道", "Fund line"),
    Col("amount", "预算（万元）", "Budget (10k yuan)", "money"),
    Col("inflow", "统筹调入（万元）", "Pooled in (10k yuan)", "money"),
    Col("outflow", "统筹调出（万元）", "Pooled out (10k yuan)", "money"),
    term_col("upfront", "support_money"),
    term_col("reserve", "award_reserve"),
    Col("used", "合计使用（万元）", "Used (10k yuan)", "money"),
    Col("remaining", "结余（万元）", "Left (10k yuan)", "money"),
]
RESOURCE_COLS = [
    Col("name", "保障资源", "Resource"),
    Col("unit_name", "单位", "Unit"),
    Col("capacity", "可用量", "Capacity", "number"),
    Col("used", "方案使用", "Used", "number"),
    Col("remaining", "剩余", "Left", "number"),
    Col("share", "使用率", "Use", "percent"),
]
LOCK_COLS = [
    Col("candidate_id", "候选编号", "Candidate ID"),
    Col("name", "名称", "Name"),
    Col("option_name", "锁定方式", "Locked to"),
]
SETTING_COLS = [Col("item", "项目", "Item"), Col("value", "取值", "Value")]


def _name(code: object, names: Mapping[str, str], lang: str) -> str:
    text = "" if code is None or (isinstance(code, float) and math.isnan(code)) else str(code)
    return names.get(text) or vocabulary.value_label(text, lang)


def candidate_table(
    allocation: pd.DataFrame, lang: str, names: Mapping[str, str], resources: Sequence[str]
) -> tuple[pd.DataFrame, list[Col]]:
    """The allocation with display names and the chance gained, supported first (largest cost
    first within), and the columns to show: ``CANDIDATE_COLS`` and one per resource with its unit."""
    frame = allocation.copy()
    frame["kind_name"] = frame["kind"].map(lambda v: vocabulary.label("entity_kind", v, lang))
    frame["district_name"] = frame["district"].map(lambda v: vocabulary.label("district", v, lang))
    frame["option_name"] = frame["option"].map(lambda v: vocabulary.value_label(v, lang))
    frame["fund_line_name"] = frame["fund_line"].map(
        lambda v: _name(v, names, lang) if str(v or "") else ""
    )
    frame["uplift"] = frame["probability"].astype(float) - frame["base_probability"].astype(float)
    status = frame["status"] if "status" in frame.columns else pd.Series("", index=frame.index)
    frame["status_name"] = (
        status.fillna("")
        .astype(str)
        .map(lambda v: STATUS_WORDS.get(v, ("", ""))[0 if lang == "zh" else 1] if v else "")
    )
    frame["_supported"] = frame["option"].astype(str) != NONE_OPTION
    frame = frame.sort_values(
        ["_supported", "cost", "candidate_id"], ascending=[False, False, True], kind="stable"
    ).drop(columns="_supported")
    cols = list(CANDIDATE_COLS)
    if frame["status_name"].astype(bool).any():  # the year's actuals: decided candidates
        cols.insert(6, Col("status_name", "实绩", "So far"))
    for resource in resources:
        if resource in frame.columns:
            label = _name(resource, names, lang)
            cols.append(Col(resource, label, label, "number"))
    return frame.reset_index(drop=True), cols


def _resource_headers(
    cols: list[Col], units: Mapping[str, str], lang: str, names: Mapping[str, str]
) -> list[Col]:
    """Resource columns with their unit in the header: 工信局人日（人日）."""
    out = []
    for col in cols:
        unit = unit_label(units.get(col.key, ""), lang) if col.key in units else ""
        label = _name(col.key, names, lang)
        # A label that ends in its unit already (新增建设用地指标（亩）) keeps it once.
        if unit and not label.endswith((f"（{unit}）", f"({unit})")):
            header = f"{label}（{unit}）" if lang == "zh" else f"{label} ({unit})"
            col = Col(col.key, header, header, col.kind)
        out.append(col)
    return out


def allocation_xlsx_bytes(
    plan: Any,
    *,
    lang: str = "zh",
    names: Mapping[str, str] | None = None,
    resources: Sequence[str] | None = None,
    settings: Mapping[str, Any] | None = None,
    data_version: str = "",
    scenario: str = "",
    generated: datetime | None = None,
) -> bytes:
    """The plan as a report-ready ``.xlsx``.

    Parameters
    ----------
    plan : AllocationResult
        Its ``allocation``, ``targets``, ``fund_lines`` and ``resources`` frames, ``status``,
        ``objective``, ``gap``.
    lang : {"zh", "en"}
    names : mapping, optional
        Display names of fund lines, resources and targets (`reports.office.display_names`).
    resources : sequence of str, optional
        Resource columns of the allocation to show (default: every resource of the plan).
    settings : mapping, optional
        The scenario's settings (``budgets``, ``resources``, ``goals``, ``weights``, ``locks``,
        ``pool_share``, ``award_prudence``); recorded on the settings sheet.
    data_version : str
        The data's fingerprint, so the file can be traced to the data that produced it.
    scenario : str
        The scenario's name.
    generated : datetime, optional
        When the file was made (now, in Weihai's time zone, by default).
    """
    from openpyxl import Workbook as XlsxBook

    check_lang(lang)
    words = _WORDS[lang]
    names = dict(names or {})
    res_frame = plan.resources
    resource_list = (
        list(resources) if resources is not None else [str(r) for r in res_frame["resource"]]
    )
    units = (
        dict(zip(res_frame["resource"].astype(str), res_frame["unit"].astype(str), strict=True))
        if "unit" in res_frame.columns
        else {}
    )
    book = XlsxBook()
    ws = book.active
    ws.title = words["supported"]

    allocation, cols = candidate_table(plan.allocation, lang, names, resource_list)
    cols = _resource_headers(cols, units, lang, names)
    sums = ["cost", "reserve", *[r for r in resource_list if r in allocation.columns]]
    supported = allocation[allocation["option"].astype(str) != NONE_OPTION]
    write_sheet(ws, supported, cols, lang, totals=sums)
    write_sheet(book.create_sheet(words["all"]), allocation, cols, lang, totals=sums)

    targets = plan.targets.copy()
    if len(targets):
        targets["name"] = targets["target"].map(lambda v: _name(v, names, lang))
        targets["unit_name"] = targets.get("unit", pd.Series("", index=targets.index)).map(
            lambda v: unit_label(v, lang)
        )
    write_sheet(book.create_sheet(words["targets"]), targets, TARGET_COLS, lang)

    funds = plan.fund_lines.copy()
    if len(funds):
        funds["name"] = funds["fund_line"].map(lambda v: _name(v, names, lang))
    fund_sums = [c.key for c in FUND_COLS if c.kind == "money"]
    write_sheet(book.create_sheet(words["funds"]), funds, FUND_COLS, lang, totals=fund_sums)

    res = res_frame.copy()
    if len(res):
        res["name"] = res["resource"].map(lambda v: _name(v, names, lang))
        res["unit_name"] = res.get("unit", pd.Series("", index=res.index)).map(
            lambda v: unit_label(v, lang)
        )
        capacity = res["capacity"].astype(float)
        res["share"] = res["used"].astype(float) / capacity.where(capacity > 0)
    write_sheet(book.create_sheet(words["resources"]), res, RESOURCE_COLS, lang)

    write_sheet(
        book.create_sheet(words["settings"]),
        settings_table(plan, lang, settings, data_version, scenario, generated, names),
        SETTING_COLS,
        lang,
    )
    locks = dict((settings or {}).get("locks") or {})
    lock_rows = pd.DataFrame(
        [
            {
                "candidate_id": cid,
                "name": _candidate_name(plan.allocation, cid),
                "option_name": vocabulary.value_label(option, lang),
            }
            for cid, option in sorted(locks.items())
        ],
        columns=["candidate_id", "name", "option_name"],
    )
    write_sheet(book.create_sheet(words["locks"]), lock_rows, LOCK_COLS, lang)
    return workbook_bytes(book)


def _candidate_name(allocation: pd.DataFrame, cid: str) -> str:
    match = allocation.loc[allocation["candidate_id"].astype(str) == str(cid), "name"]
    return str(match.iloc[0]) if len(match) else ""


def _attainment(plan: Any, lang: str) -> str:
    """The objective as the studio shows it: a share of the most it can be (Σ weights), and raw."""
    objective = float(plan.objective)
    if math.isnan(objective):
        return "—"
    targets = plan.targets
    most = float(targets["weight"].sum()) if "weight" in targets.columns and len(targets) else 0.0
    if most <= 0:
        return f"{objective:.3f}"
    share = f"{100 * objective / most:.1f}%"
    if lang == "zh":
        return f"{share}（{objective:.3f} / 最高 {most:g}）"
    return f"{share} ({objective:.3f} of {most:g})"


def settings_table(
    plan: Any,
    lang: str,
    settings: Mapping[str, Any] | None,
    data_version: str,
    scenario: str,
    generated: datetime | None,
    names: Mapping[str, str],
) -> pd.DataFrame:
    """What produced the plan, as ``item, value`` rows (values as text, formatted)."""
    words = _WORDS[lang]
    when = generated or datetime.now(ZoneInfo("Asia/Shanghai"))
    allocation = plan.allocation
    supported = (
        int((allocation["option"].astype(str) != NONE_OPTION).sum()) if len(allocation) else 0
    )
    upfront = float(allocation["cost"].sum()) if len(allocation) else 0.0

    def pct(x: object) -> str:
        number = float(x)  # type: ignore[arg-type]
        return "—" if math.isnan(number) else f"{100 * number:.1f}%"

    rows: list[tuple[str, str]] = [
        (words["scenario"], scenario or "—"),
        (words["data_version"], data_version or "—"),
        (words["generated"], when.strftime("%Y-%m-%d %H:%M")),
        (words["status"], words.get(str(plan.status), str(plan.status))),
        (words["objective"], _attainment(plan, lang)),
        (words["gap"], pct(plan.gap)),
        (words["supported_count"], f"{supported:,}"),
        (words["upfront"], f"{upfront:,.1f}"),
    ]
    given = dict(settings or {})
    for key in ("pool_share", "award_prudence"):
        value = given.get(key)
        if value is not None:
            rows.append((words[key], pct(value) if key == "pool_share" else f"{float(value):g}"))
    for section, word in (
        ("budgets", "budget"),
        ("resources", "resource"),
        ("goals", "goal"),
        ("weights", "weight"),
    ):
        for code, amount in sorted(dict(given.get(section) or {}).items()):
            rows.append(
                (words[word].format(name=_name(code, names, lang)), f"{float(amount):,.1f}")
            )
    if not given:
        rows.append((words["settings"], words["none_set"]))
    return pd.DataFrame(rows, columns=["item", "value"])
