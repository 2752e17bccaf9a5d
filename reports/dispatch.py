"""The monthly 调度通报: targets, district ranking, key projects and red/yellow lists, as Word and Excel.

The figures are `optimizer.progress`'s (achieved / expected / chance per target, district goals and
ranking, stalled projects, targets behind pace, departments over capacity), so the document says what
the cockpit shows. `build_dispatch` gathers them into a `DispatchReport` of display-ready tables;
`dispatch_docx_bytes` lays it out as an editable government notice (发文机关, 文号 placeholder, date,
numbered sections, tables; GB/T 9704 page and fonts) and `dispatch_xlsx_bytes` writes the same tables
as formatted Excel sheets. Chinese or English (``lang``). The rules behind the figures are
docs/workbook.md ("actuals") and docs/dashboard.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from data import vocabulary
from data.schema import Workbook
from optimizer import progress as yp
from reports.office import (
    Col,
    add_table,
    add_text,
    cell_text,
    check_lang,
    display_names,
    document_bytes,
    new_document,
    unit_label,
    workbook_bytes,
    write_sheet,
)

# How a target's light reads in the notice.
STATUS_WORDS = {
    "green": ("序时推进", "On pace"),
    "yellow": ("需加力推进", "Needs a push"),
    "red": ("完成难度大", "At risk"),
}

# Key-project columns the projects sheet may carry under one of these names (the demo has none of
# the first three; a city's own list usually has them). Missing ones read "—", never invented.
PROJECT_FIELDS: dict[str, tuple[str, ...]] = {
    "builder": ("builder", "construction_unit", "owner", "建设单位"),
    "completed": ("completed_investment", "investment_completed", "累计完成", "累计完成投资"),
    "issue": ("issues", "problems", "存在问题"),
    "leader": ("leader", "responsible_leader", "包保领导"),
}
KEY_PROJECT_LEVELS = ("province",)  # 省重点项目 by default; every project when no level column

TARGET_COLS = [
    Col("name", "目标任务", "Target"),
    Col("unit", "单位", "Unit"),
    Col("goal", "年度目标", "Annual goal", "number"),
    Col("achieved", "已完成", "Achieved", "number"),
    Col("achieved_share", "完成进度", "Done", "percent"),
    Col("time_share", "序时进度", "Year gone", "percent"),
    Col("expected", "预计全年完成", "Expected by year end", "number"),
    Col("p_meet", "完成把握", "Chance of meeting", "percent"),
    Col("pace_needed", "此后每月需完成", "Needed per month", "number"),
    Col("status", "状态", "Status"),
]
RANKING_COLS = [
    Col("rank", "排名", "Rank", "int"),
    Col("district_name", "区市", "District"),
    Col("goals", "分解目标数", "Goals", "int"),
    Col("completion", "完成进度", "Done", "percent"),
    Col("expected_share", "预计完成程度", "Expected share", "percent"),
    Col("p_meet", "完成把握", "Chance of meeting", "percent"),
]
DISTRICT_COLS = [
    Col("district_name", "区市", "District"),
    Col("name", "目标任务", "Target"),
    Col("goal", "分解目标", "Goal", "number"),
    Col("achieved", "已完成", "Achieved", "number"),
    Col("expected", "预计全年完成", "Expected", "number"),
    Col("p_meet", "完成把握", "Chance", "percent"),
]
PROJECT_COLS = [
    Col("name", "项目名称", "Project"),
    Col("builder", "建设单位", "Builder"),
    Col("district_name", "区市", "District"),
    Col("annual_investment", "年度计划投资（万元）", "Planned this year (10k yuan)", "money"),
    Col("completed", "累计完成（万元）", "Completed (10k yuan)", "money"),
    Col("progress", "形象进度", "Progress"),
    Col("issue", "存在问题", "Issues"),
    Col("leader", "包保领导/牵头部门", "Leader / lead department"),
]
STALLED_COLS = [
    Col("name", "项目名称", "Project"),
    Col("district_name", "区市", "District"),
    Col("stage_name", "所处阶段", "Stage"),
    Col("days_in_stage", "停留天数", "Days in stage", "int"),
    Col("annual_investment", "年度计划投资（万元）", "Planned this year (10k yuan)", "money"),
    Col("department", "牵头部门", "Lead department"),
]
BEHIND_COLS = [
    Col("name", "目标任务", "Target"),
    Col("achieved_share", "完成进度", "Done", "percent"),
    Col("time_share", "序时进度", "Year gone", "percent"),
    Col("p_meet", "完成把握", "Chance of meeting", "percent"),
    Col("status", "状态", "Status"),
]
CAPACITY_COLS = [
    Col("name", "保障资源", "Resource"),
    Col("used", "方案使用", "Used by the plan", "number"),
    Col("capacity", "可用量", "Capacity", "number"),
    Col("share", "使用率", "Use", "percent"),
    Col("unit", "单位", "Unit"),
]
COMPARISON_COLS = [
    Col("measure_name", "指标", "Measure"),
    Col("before", "上期", "Last round", "number"),
    Col("after", "本期", "This round", "number"),
    Col("change", "变化", "Change", "number"),
]
MEASURE_WORDS = {
    "starts": ("新开工项目（个）", "Projects started"),
    "recognitions": ("新认定/升规企业（家）", "Firms recognised"),
    "failures": ("未通过/已无望（个）", "Failed"),
    "supported": ("已给予支持（个）", "Supported"),
    "spent": (
        f"已兑现{vocabulary.TERM_LABELS['support_money'][0]}（万元）",
        "Support paid (10k yuan)",
    ),
    "achieved": ("已完成", "achieved"),
    "p_meet": ("完成把握", "chance"),
}

_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "masthead": "{city}重点工作调度通报",
        "number": "〔{year}〕第　　期",
        "issuer_default": "{city}重点工作调度专班",
        "title": "关于{year}年{month}月份重点工作推进情况的通报",
        "addressee": "各区市人民政府，国家级、省级开发区管委，市直有关部门：",
        "intro": "现将截至{date}全市年度目标任务、各区市推进、重点项目和要素保障情况通报如下。",
        "s1": "一、目标任务完成情况",
        "s2": "二、各区市推进情况",
        "s3": "三、重点项目推进情况",
        "s4": "四、红黄榜",
        "s4a": "（一）推进缓慢项目（红榜）",
        "s4b": "（二）进度滞后目标（黄榜）",
        "s4c": "（三）保障资源紧张部门",
        "s5": "五、与上期相比",
        "s6": "六、下步工作要求",
        "none": "无。",
        "overview": "{n}项年度目标中，{green}项序时推进，{yellow}项需加力推进，{red}项完成难度大。",
        "ranking_note": "按各区市分解目标的完成进度排名，进度相同的按预计完成程度排序。",
        "projects_note": "列出{what}中年度计划投资最大的{n}个项目。",
        "projects_what_level": "省重点项目",
        "projects_what_all": "重点项目",
        "stalled_note": "在同一审批阶段停留超过{days}天仍未开工的项目。",
        "ask1": "对黄榜、红榜所列目标和项目，牵头部门要逐项明确责任人和完成时限，"
        "下次调度时报告进展。",
        "ask2": "各区市要对照分解目标查漏补缺，完成进度低于序时进度的要制定追赶措施。",
        "ask3": "保障资源紧张的部门要提前统筹人员和指标，确保重点项目和企业培育不断档。",
        "date_fmt": "{y}年{m}月{d}日",
        "started": "已开工",
        "stalled_issue": "在“{stage}”阶段已{days}天，超过{limit}天时限",
        "open_gates": "待办：{gates}",
        "sheet_targets": "目标任务",
        "sheet_ranking": "区市排名",
        "sheet_districts": "区市分解目标",
        "sheet_projects": "重点项目",
        "sheet_stalled": "推进缓慢项目",
        "sheet_behind": "进度滞后目标",
        "sheet_capacity": "资源紧张部门",
        "sheet_comparison": "与上期相比",
        "as_of_note": "数据截至{date}",
    },
    "en": {
        "masthead": "{city} Key Work Dispatch Bulletin",
        "number": "No. ____ ({year})",
        "issuer_default": "{city} Key Work Dispatch Office",
        "title": "Progress of key work, {month_name} {year}",
        "addressee": "To the district governments, development zone committees and city departments:",
        "intro": "This bulletin reports the city's annual targets, the districts, the key projects "
        "and the support resources as of {date}.",
        "s1": "1. Targets",
        "s2": "2. Districts",
        "s3": "3. Key projects",
        "s4": "4. Red and yellow lists",
        "s4a": "4.1 Stalled projects (red list)",
        "s4b": "4.2 Targets behind pace (yellow list)",
        "s4c": "4.3 Departments short of capacity",
        "s5": "5. Since the last round",
        "s6": "6. Next steps",
        "none": "None.",
        "overview": "Of {n} annual targets, {green} are on pace, {yellow} need a push and {red} are "
        "at risk.",
        "ranking_note": "Districts ranked by completion of their share of the goals; ties by the "
        "expected share.",
        "projects_note": "The {n} {what} with the largest investment planned this year.",
        "projects_what_level": "provincial key projects",
        "projects_what_all": "key projects",
        "stalled_note": "Projects not started that have spent more than {days} days in one stage.",
        "ask1": "For every target and project on the lists, the lead department names who is "
        "responsible and by when, and reports at the next round.",
        "ask2": "Each district checks its goals; where completion trails the calendar, it sets "
        "out how it will catch up.",
        "ask3": "Departments short of capacity plan staff and quotas ahead so key projects and "
        "firms are not held up.",
        "date_fmt": "{month_name} {d}, {y}",
        "started": "started",
        "stalled_issue": "{days} days in “{stage}”, over the {limit}-day limit",
        "open_gates": "pending: {gates}",
        "sheet_targets": "Targets",
        "sheet_ranking": "District ranking",
        "sheet_districts": "District goals",
        "sheet_projects": "Key projects",
        "sheet_stalled": "Stalled projects",
        "sheet_behind": "Targets behind pace",
        "sheet_capacity": "Tight departments",
        "sheet_comparison": "Since last round",
        "as_of_note": "Data as of {date}",
    },
}
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass
class DispatchReport:
    """One 调度通报's content, display-ready (names translated, raw numbers kept).

    Attributes
    ----------
    lang : {"zh", "en"}
    city, issuer : str
        The city's name and the issuing office (signature and masthead).
    as_of : date
    targets, ranking, districts, projects, stalled, behind, capacity, comparison : DataFrame
        The tables, with the keys of ``TARGET_COLS``, ``RANKING_COLS``, ``DISTRICT_COLS``,
        ``PROJECT_COLS``, ``STALLED_COLS``, ``BEHIND_COLS``, ``CAPACITY_COLS`` and
        ``COMPARISON_COLS`` (plus the raw codes).
    stall_days : float
        The stall rule's limit in days.
    key_projects_by_level : bool
        Whether the key projects are the provincial ones (else the largest of all).
    """

    lang: str
    city: str
    issuer: str
    as_of: date
    targets: pd.DataFrame
    ranking: pd.DataFrame
    districts: pd.DataFrame
    projects: pd.DataFrame
    stalled: pd.DataFrame
    behind: pd.DataFrame
    capacity: pd.DataFrame
    comparison: pd.DataFrame = field(default_factory=pd.DataFrame)
    stall_days: float = yp.DEFAULT_STALL_DAYS
    key_projects_by_level: bool = True

    def words(self) -> dict[str, str]:
        return _WORDS[self.lang]

    def date_text(self) -> str:
        d = self.as_of
        return self.words()["date_fmt"].format(
            y=d.year, m=d.month, d=d.day, month_name=_MONTHS[d.month - 1]
        )


def build_dispatch(
    wb: Workbook,
    plan: yp.PlanLike,
    *,
    lang: str = "zh",
    district_goals: pd.DataFrame | None = None,
    snapshots: Sequence[Mapping[str, Any]] = (),
    city: str = "威海市",
    issuer: str | None = None,
    max_projects: int = 30,
    progress: yp.YearProgress | None = None,
) -> DispatchReport:
    """Gather a 调度通报 from the workbook and the plan evaluated on it.

    Parameters
    ----------
    wb : Workbook
        With its ``actuals`` sheet and ``as_of`` setting when the city has recorded any.
    plan : AllocationResult or PlanEvaluation
        The plan whose expectations and chances the notice reports.
    lang : {"zh", "en"}
    district_goals : DataFrame, optional
        ``district, target, goal``; the city's goals split by district when omitted.
    snapshots : sequence of dict
        `optimizer.progress.snapshot_figures` of earlier 调度 rounds, oldest first; the last two
        give the "since the last round" section.
    city, issuer : str
        Names on the masthead and signature (English documents translate the demo's city name).
    max_projects : int
        Rows of the key-project table.
    progress : YearProgress, optional
        The figures already computed (the cockpit's); ``district_goals`` and ``snapshots`` are then
        not used.
    """
    check_lang(lang)
    words = _WORDS[lang]
    city_name = city if lang == "zh" or city != "威海市" else "Weihai"
    if progress is None:
        progress = yp.year_progress(wb, plan, district_goals, snapshots)
    names = display_names(wb, lang)
    units = {str(r["target"]): str(r.get("unit", "") or "") for r in wb.targets.to_dict("records")}

    def status(light: object) -> str:
        return STATUS_WORDS.get(str(light), ("", ""))[0 if lang == "zh" else 1]

    def district(code: object) -> str:
        return vocabulary.label("district", code, lang)

    targets = progress.targets.copy()
    targets["name"] = targets["target"].map(lambda t: names.get(str(t), str(t)))
    targets["unit"] = targets["target"].map(lambda t: unit_label(units.get(str(t), ""), lang))
    targets["status"] = targets["light"].map(status)

    ranking = progress.ranking.copy()
    ranking["district_name"] = ranking["district"].map(district)
    districts = progress.districts.copy()
    districts["district_name"] = districts["district"].map(district)
    districts["name"] = districts["target"].map(lambda t: names.get(str(t), str(t)))

    limit = yp.stall_days(wb)
    stalled = progress.watch.stalled.copy()
    stalled["name"] = stalled["name"].astype(str)
    stalled["district_name"] = stalled["district"].map(district)
    stalled["stage_name"] = stalled["stage"].map(lambda s: vocabulary.label("stage", s, lang))
    stalled["department"] = stalled["lead_department"].map(
        lambda d: vocabulary.value_label(d, lang)
    )
    behind = progress.watch.behind_pace.copy()
    behind["name"] = behind["target"].map(lambda t: names.get(str(t), str(t)))
    behind["status"] = behind["light"].map(status)
    capacity = progress.watch.over_capacity.copy()
    resource_units = dict(
        zip(wb.resources["resource"].astype(str), wb.resources["unit"].astype(str), strict=True)
    )
    capacity["name"] = capacity["resource"].map(lambda r: names.get(str(r), str(r)))
    capacity["unit"] = capacity["resource"].map(
        lambda r: unit_label(resource_units.get(str(r), ""), lang)
    )

    comparison = progress.comparison.copy()
    if not comparison.empty:
        comparison["measure_name"] = [
            _measure(str(m), str(t), names, lang)
            for m, t in zip(comparison["measure"], comparison["target"], strict=True)
        ]
    projects, by_level = _key_projects(wb, progress.watch.stalled, limit, lang, max_projects)
    return DispatchReport(
        lang=lang,
        city=city_name,
        issuer=issuer or words["issuer_default"].format(city=city_name),
        as_of=progress.as_of,
        targets=targets,
        ranking=ranking,
        districts=districts,
        projects=projects,
        stalled=stalled,
        behind=behind,
        capacity=capacity,
        comparison=comparison,
        stall_days=limit,
        key_projects_by_level=by_level,
    )


def _measure(measure: str, target: str, names: Mapping[str, str], lang: str) -> str:
    word = MEASURE_WORDS.get(measure, (measure, measure))[0 if lang == "zh" else 1]
    if not target:
        return word
    name = names.get(target, target)
    return f"{name}：{word}" if lang == "zh" else f"{name}: {word}"


def _field(frame: pd.DataFrame, key: str) -> pd.Series:
    """The first of the projects sheet's columns that can hold ``key`` (blank when none)."""
    for column in PROJECT_FIELDS[key]:
        if column in frame.columns:
            return frame[column]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _key_projects(
    wb: Workbook, stalled: pd.DataFrame, limit: float, lang: str, max_projects: int
) -> tuple[pd.DataFrame, bool]:
    """The key-project table: provincial plan-library projects (all projects when the sheet has no
    level), largest investment this year first."""
    words = _WORDS[lang]
    projects = wb.projects.copy()
    columns = [c.key for c in PROJECT_COLS]
    if projects.empty:
        return pd.DataFrame(columns=columns), False
    by_level = "level" in projects.columns and projects["level"].isin(KEY_PROJECT_LEVELS).any()
    if by_level:
        projects = projects[projects["level"].isin(KEY_PROJECT_LEVELS)]
    if "library" in projects.columns and (projects["library"] == "plan").any():
        projects = projects[projects["library"] == "plan"]
    if "annual_investment" in projects.columns:
        projects = projects.assign(
            annual_investment=pd.to_numeric(projects["annual_investment"], errors="coerce")
        ).sort_values("annual_investment", ascending=False, na_position="last")
    else:
        projects = projects.assign(annual_investment=float("nan"))
    projects = projects.head(max_projects)
    started = yp.started_projects(wb)
    stalled_days = dict(
        zip(stalled["project_id"].astype(str), stalled["days_in_stage"], strict=True)
    )
    rows = []
    for record, builder, completed, issue, leader in zip(
        projects.to_dict("records"),
        _field(projects, "builder"),
        _field(projects, "completed"),
        _field(projects, "issue"),
        _field(projects, "leader"),
        strict=True,
    ):
        pid = str(record.get("project_id", ""))
        stage = str(record.get("stage", "") or "")
        progress_text = vocabulary.label("stage", stage, lang) if stage else ""
        if pid in started and stage != "started":
            progress_text = words["started"]
        problems = [] if _blank(issue) else [str(issue)]
        if pid in stalled_days:
            problems.append(
                words["stalled_issue"].format(
                    stage=vocabulary.label("stage", stage, lang),
                    days=int(stalled_days[pid]),
                    limit=int(limit),
                )
            )
        gates = [g for g in str(record.get("open_gates", "") or "").split(";") if g.strip()]
        if gates and stage not in ("started", "production") and pid not in started:
            sep = "、" if lang == "zh" else ", "
            problems.append(
                words["open_gates"].format(
                    gates=sep.join(vocabulary.label("gate", g.strip(), lang) for g in gates)
                )
            )
        department = vocabulary.value_label(record.get("lead_department", ""), lang)
        people = [str(leader)] if not _blank(leader) else []
        if department:
            people.append(department)
        rows.append(
            {
                "project_id": pid,
                "name": str(record.get("name", pid)),
                "builder": None if _blank(builder) else str(builder),
                "district_name": vocabulary.label("district", record.get("district", ""), lang),
                "annual_investment": record.get("annual_investment"),
                "completed": pd.to_numeric(completed, errors="coerce"),
                "progress": progress_text,
                "issue": ("；" if lang == "zh" else "; ").join(problems),
                "leader": " / ".join(people),
            }
        )
    return pd.DataFrame(rows, columns=["project_id", *columns]), bool(by_level)


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    return not str(value).strip()


# -------------------------------------------------------------------------------------------------
# Word


def _rule(doc: Any) -> None:
    """The red line under a notice's masthead (a paragraph's bottom border)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = doc.add_paragraph()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "18"), ("space", "1"), ("color", "C00000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def dispatch_docx_bytes(report: DispatchReport) -> bytes:
    """The 调度通报 as an editable Word document (``.docx`` bytes) in the report's language."""
    lang = report.lang
    w = report.words()
    doc = new_document(lang)
    red = (0xC0, 0x00, 0x00)
    year, month = report.as_of.year, report.as_of.month
    add_text(
        doc,
        w["masthead"].format(city=report.city),
        lang,
        font="title",
        size=26 if lang == "zh" else 20,
        align="center",
        color=red,
    )
    add_text(doc, w["number"].format(year=year), lang, align="center")
    _rule(doc)
    add_text(
        doc,
        w["title"].format(year=year, month=month, month_name=_MONTHS[month - 1]),
        lang,
        font="title",
        size=22 if lang == "zh" else 16,
        align="center",
    )
    add_text(doc, w["addressee"], lang)
    add_text(doc, w["intro"].format(date=report.date_text()), lang, indent=True)

    lights = report.targets["light"].value_counts()
    add_text(doc, w["s1"], lang, font="heading")
    add_text(
        doc,
        w["overview"].format(
            n=len(report.targets),
            green=int(lights.get("green", 0)),
            yellow=int(lights.get("yellow", 0)),
            red=int(lights.get("red", 0)),
        ),
        lang,
        indent=True,
    )
    for sentence in _target_sentences(report):
        add_text(doc, sentence, lang, indent=True)
    add_table(doc, report.targets, TARGET_COLS, lang)

    add_text(doc, w["s2"], lang, font="heading")
    add_text(doc, w["ranking_note"], lang, indent=True)
    add_table(doc, report.ranking, RANKING_COLS, lang)

    add_text(doc, w["s3"], lang, font="heading")
    what = w["projects_what_level"] if report.key_projects_by_level else w["projects_what_all"]
    add_text(doc, w["projects_note"].format(n=len(report.projects), what=what), lang, indent=True)
    add_table(doc, report.projects, PROJECT_COLS, lang)

    add_text(doc, w["s4"], lang, font="heading")
    for heading, frame, cols, note in (
        (
            "s4a",
            report.stalled,
            STALLED_COLS,
            w["stalled_note"].format(days=int(report.stall_days)),
        ),
        ("s4b", report.behind, BEHIND_COLS, ""),
        ("s4c", report.capacity, CAPACITY_COLS, ""),
    ):
        add_text(doc, w[heading], lang, font="sub")
        if note:
            add_text(doc, note, lang, indent=True)
        if frame.empty:
            add_text(doc, w["none"], lang, indent=True)
        else:
            add_table(doc, frame, cols, lang)

    section = 5
    if not report.comparison.empty:
        add_text(doc, w["s5"], lang, font="heading")
        add_table(doc, report.comparison, COMPARISON_COLS, lang)
        section = 6
    heading = w["s6"]
    if section == 5:  # no comparison: the next steps take its number
        heading = heading.replace("六", "五") if lang == "zh" else heading.replace("6.", "5.")
    add_text(doc, heading, lang, font="heading")
    for number, key in enumerate(("ask1", "ask2", "ask3"), start=1):
        prefix = f"（{'一二三'[number - 1]}）" if lang == "zh" else f"({number}) "
        add_text(doc, prefix + w[key], lang, indent=True)
    doc.add_paragraph()
    add_text(doc, report.issuer, lang, align="right")
    add_text(doc, report.date_text(), lang, align="right")
    return document_bytes(doc)


def _target_sentences(report: DispatchReport) -> list[str]:
    """One sentence per target that reads achieved, expected and chance together."""
    out = []
    for row in report.targets.to_dict("records"):
        got = cell_text(row["achieved"], "number")
        goal = cell_text(row["goal"], "number")
        expected = cell_text(row["expected"], "number")
        chance = cell_text(row["p_meet"], "percent")
        unit = row["unit"]
        if report.lang == "zh":
            out.append(
                f"{row['name']}：年度目标{goal}{unit}，已完成{got}{unit}，"
                f"预计全年完成{expected}{unit}，完成把握{chance}，{row['status']}。"
            )
        else:
            out.append(
                f"{row['name']}: goal {goal} {unit}, {got} achieved, {expected} expected by "
                f"year end, {chance} chance of meeting it — {row['status'].lower()}."
            )
    return out


# -------------------------------------------------------------------------------------------------
# Excel


def dispatch_xlsx_bytes(report: DispatchReport) -> bytes:
    """The 调度通报's tables as a formatted Excel workbook, one sheet per table."""
    from openpyxl import Workbook as XlsxBook

    lang = report.lang
    w = report.words()
    note = w["as_of_note"].format(date=report.date_text())
    book = XlsxBook()
    first = True
    for key, frame, cols, totals in (
        ("sheet_targets", report.targets, TARGET_COLS, ()),
        ("sheet_ranking", report.ranking, RANKING_COLS, ()),
        ("sheet_districts", report.districts, DISTRICT_COLS, ()),
        ("sheet_projects", report.projects, PROJECT_COLS, ("annual_investment", "completed")),
        ("sheet_stalled", report.stalled, STALLED_COLS, ("annual_investment",)),
        ("sheet_behind", report.behind, BEHIND_COLS, ()),
        ("sheet_capacity", report.capacity, CAPACITY_COLS, ()),
        ("sheet_comparison", report.comparison, COMPARISON_COLS, ()),
    ):
        if key == "sheet_comparison" and frame.empty:
            continue
        if first:
            ws = book.active
            ws.title = w[key]
            first = False
        else:
            ws = book.create_sheet(w[key])
        title = w["title"].format(
            year=report.as_of.year,
            month=report.as_of.month,
            month_name=_MONTHS[report.as_of.month - 1],
        )
        write_sheet(
            ws,
            frame,
            cols,
            lang,
            title=f"{title}：{w[key]}" if lang == "zh" else f"{title}: {w[key]}",
            totals=totals,
            notes=[note],
        )
    return workbook_bytes(book)


def dispatch_bytes(
    wb: Workbook,
    plan: yp.PlanLike,
    fmt: str,
    *,
    lang: str = "zh",
    district_goals: pd.DataFrame | None = None,
    snapshots: Sequence[Mapping[str, Any]] = (),
    progress: yp.YearProgress | None = None,
) -> bytes:
    """The 调度通报 as ``docx`` or ``xlsx`` bytes (for the command line and the cockpit's buttons)."""
    report = build_dispatch(
        wb,
        plan,
        lang=lang,
        district_goals=district_goals,
        snapshots=snapshots,
        progress=progress,
    )
    return report_bytes(report, fmt)


def report_bytes(report: DispatchReport, fmt: str) -> bytes:
    """A built 调度通报 as ``docx`` or ``xlsx`` bytes (the command line also reads the report)."""
    if fmt == "docx":
        return dispatch_docx_bytes(report)
    if fmt == "xlsx":
        return dispatch_xlsx_bytes(report)
    raise ValueError(f"unknown format {fmt!r}: use 'docx' or 'xlsx'")
