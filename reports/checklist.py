"""The firm checklist (明白纸): next rungs, each criterion met or missed and by how much, materials, support.

Generated from a firm's stored attributes (the ``enterprises`` sheet) with the ladder's rules in
`data.criteria`, in Chinese and English, as Markdown for one firm or a district's whole list, or as a
CSV table (one row per firm, rung and criterion) that opens in Excel. Names of rungs, tiers, districts,
options and criteria are the vocabulary's (`data.vocabulary`); the document's own words are below.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from data import criteria as rules
from data import vocabulary
from data.safety import safe_csv_bytes
from data.schema import NONE_OPTION, Workbook
from data.vocabulary import CRITERION_LABELS, LANGS

# What to prepare for each rung's application (zh, en).
MATERIALS: dict[str, list[tuple[str, str]]] = {
    "above_size": [
        (
            "近12个月营业收入明细及财务报表",
            "Revenue detail and financial statements, last 12 months",
        ),
        ("增值税纳税申报表", "VAT returns"),
        ("统计入库（纳统）申报材料", "Statistical registration (纳统) forms"),
        ("营业执照复印件", "Business licence"),
    ],
    "innovative_sme": [
        (
            "优质中小企业梯度培育平台自评表",
            "Self-assessment on the SME gradient-cultivation platform",
        ),
        ("上年度财务报表及研发费用说明", "Last year's financial statements and R&D expense note"),
        ("知识产权证书", "IP certificates"),
        (
            "直通条件证明（高企证书、奖励、研发机构或融资凭证，如适用）",
            "Direct-route evidence if used",
        ),
        ("信用承诺书", "Credit commitment letter"),
    ],
    "srdi": [
        ("省级专精特新中小企业申请书", "Provincial SRDI application form"),
        ("近两年审计报告", "Audit reports, last two years"),
        ("上年度研发费用专项审计（鉴证）报告", "Special audit of last year's R&D expense"),
        ("创新型中小企业证明", "Innovative-SME recognition"),
        ("主导产品及细分市场说明", "Main product and niche-market statement"),
        ("知识产权证书", "IP certificates"),
    ],
    "little_giant": [
        ("国家级专精特新“小巨人”申请书", "Little-giant application form"),
        ("省级专精特新中小企业证书", "Provincial SRDI certificate"),
        ("近三年审计报告及研发费用专项审计报告", "Audit and R&D audit reports, last three years"),
        (
            "细分市场全国占有率证明（行业协会或第三方）",
            "National niche-share evidence (association or third party)",
        ),
        ("研发机构认定或合作协议", "R&D institution recognition or joint agreement"),
        ("主导产品I类知识产权证书", "Class-I IP certificates on the main product"),
    ],
    "champion": [
        ("单项冠军申请书", "Single-champion application form"),
        ("主导产品市场占有率及排名证明", "Market share and ranking evidence of the main product"),
        ("近三年审计报告", "Audit reports, last three years"),
        (
            "主导产品技术水平及标准制定情况",
            "Technical level and standard-setting of the main product",
        ),
    ],
    "ten_billion": [
        ("年度营业收入统计（规上统计）数据", "Annual revenue in the above-size statistics"),
        ("年度审计报告", "Annual audit report"),
        (
            "百亿企业奖励申请表（首次突破及每跨越一个百亿台阶，按现行市级政策）",
            "Award application (first crossing and each further 10-billion step, current city policy)",
        ),
    ],
}

CAUTIONS: list[tuple[str, str]] = [
    (
        "梯度培育认定以上年度数据为准（营业收入、研发费用、增长率等），本年度扶持无法改变；"
        "升规纳统和百亿企业以本年度营业收入为准。",
        "Recognition is judged on last year's figures, which support this year cannot change; "
        "above-size and 10-billion status are judged on this year's revenue.",
    ),
    (
        "申报数据须与统计、税务数据一致；研发费用以专项审计口径为准。",
        "Figures must match statistics and tax records; R&D counts as in the special audit.",
    ),
    (
        "认定有效期一般为三年，到期复核，请提前准备。",
        "Recognition is reviewed every three years: prepare ahead.",
    ),
]

# Which words in a support option's name close which gaps this year: the rules' table (data.criteria).
SUPPORT_ADDRESSES = rules.SUPPORT_CLOSES

_PERCENT = rules.SHARE_CRITERIA
_MONEY = rules.MONEY_CRITERIA
_YES_NO = rules.YES_NO_CRITERIA
_RANK = {"provincial_rank", "national_rank", "global_rank"}


def _label(name: str, lang: str, *, unit: bool = True) -> str:
    """A criterion's name; without its unit where the sentence states it."""
    pair = CRITERION_LABELS.get(name)
    if pair is None:
        return name
    text = pair[LANGS.index(lang)]
    if not unit:  # the sentence states the unit itself
        text = text.replace("（万元）", "").replace("（项）", "").replace(" (10k yuan)", "")
    return text


def _option(option: str, lang: str) -> str:
    """A support option's name in ``lang`` (the vocabulary's, else its code)."""
    return vocabulary.label("option", option, lang)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _money(x: float) -> str:
    return f"{x:,.0f}"


def _points(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x)}"


@dataclass
class CriterionLine:
    """One criterion of one rung for one firm, with the facts and the sentence."""

    rung: str
    criterion: str
    value: float
    threshold: float
    comparison: str
    met: bool
    gap: float
    money_gap: float | None  # 万元 that would close the gap, where it is money (R&D, revenue)
    text_zh: str
    text_en: str
    addressed_by: list[str] = field(default_factory=list)
    # "" when met; data.criteria.THIS_YEAR (support can close it this year) or NEXT_YEAR (it fails on
    # last year's figures: what to reach this year to qualify next year)
    timing: str = ""
    alternative: bool = False  # a route that replaces other criteria (not meeting it is no gap)

    def text(self, lang: str) -> str:
        return self.text_zh if lang == "zh" else self.text_en


@dataclass
class RungStatus:
    """A rung the firm could reach next: eligibility by the rules and its candidacy in the workbook."""

    rung: str
    eligible: bool
    route: str
    candidate_id: str | None
    base_probability: float | None
    planned_option: str | None  # the plan's option for this candidacy, if a plan was given
    chance_this_year: bool = True  # False: a gap on last year's figures or the window has closed
    window_open: bool = True
    deadline: str = ""  # this year's application deadline (YYYY-MM-DD) when known
    award: float | None = None  # 百亿: the city's award (万元) on reaching the next step


@dataclass
class FirmChecklist:
    """The firm checklist (明白纸) of one enterprise.

    Attributes
    ----------
    firm_id, name, district, cluster, size_tier, quality_tier : str
    rungs : list[RungStatus]
        Its next rung(s): the rungs it is a candidate for in the workbook, and the next quality rung.
    lines : list[CriterionLine]
        Every criterion of every next rung, met or missed, with the gap.
    support : list[dict]
        Support options of its candidacies: ``candidate_id``, ``rung``, ``option``, ``probability``,
        ``cost`` (万元), ``fund_line``, ``addresses`` (criteria it helps with), ``planned``.
    """

    firm_id: str
    name: str
    district: str
    cluster: str
    size_tier: str
    quality_tier: str
    rungs: list[RungStatus]
    lines: list[CriterionLine]
    support: list[dict]

    def gaps(self) -> list[CriterionLine]:
        """The criteria not met."""
        return [line for line in self.lines if not line.met]

    def this_year_gaps(self) -> list[CriterionLine]:
        """The gaps support can close this year."""
        return [line for line in self.lines if not line.met and line.timing == rules.THIS_YEAR]

    def next_year_gaps(self) -> list[CriterionLine]:
        """The gaps on last year's figures: what to reach this year to qualify next year."""
        return [line for line in self.lines if not line.met and line.timing == rules.NEXT_YEAR]

    def to_markdown(self, lang: str = "zh") -> str:
        """The checklist as Markdown (``zh`` or ``en``)."""
        return checklist_markdown(self, lang)


# ---------------------------------------------------------------- sentences
def _sentence(
    c: rules.CriterionResult, firm: Mapping[str, object], lang: str
) -> tuple[str, float | None]:
    """The sentence for one criterion and the money that would close its gap (if money)."""
    name, value, threshold, gap = c.name, c.value, c.threshold, c.gap
    label = _label(name, lang, unit=False)
    money_gap = None
    zh = lang == "zh"
    if name in _YES_NO:
        if c.met:
            return (f"{label}：已满足" if zh else f"{label}: yes"), None
        return (f"{label}：尚不具备" if zh else f"{label}: not yet"), None
    if name in ("rd_ratio", "rd_ratio_2y_min"):
        # for next year the ratio is reached on this year's revenue
        revenue = rules._num(firm, "revenue")
        if c.met:
            return (
                f"研发费用占营业收入比重{_pct(value)}，要求不低于{_pct(threshold)}：已满足"
                if zh
                else f"R&D {_pct(value)} of revenue, needs {_pct(threshold)}: met"
            ), None
        money_gap = gap * revenue
        return (
            f"研发费用占营业收入比重{_pct(value)}，要求不低于{_pct(threshold)}："
            f"差{100 * gap:.1f}个百分点，约需增加研发投入{_money(money_gap)}万元"
            if zh
            else f"R&D {_pct(value)} of revenue, needs {_pct(threshold)}: "
            f"+{100 * gap:.1f} points ≈ {_money(money_gap)} 万元 more R&D"
        ), money_gap
    if name in _MONEY:
        if c.met:
            return (
                f"{label}{_money(value)}万元，要求不低于{_money(threshold)}万元：已满足"
                if zh
                else f"{label} {_money(value)} 万元, needs {_money(threshold)} 万元: met"
            ), None
        money_gap = gap
        grows = value > 0 and name in ("revenue", "revenue_or_equity", "sales_3y_min")
        growth = f"（需增长{_pct(gap / value)}）" if grows else ""
        growth_en = f" ({_pct(gap / value)} growth)" if grows else ""
        return (
            f"{label}{_money(value)}万元，要求不低于{_money(threshold)}万元：还差{_money(gap)}万元{growth}"
            if zh
            else f"{label} {_money(value)} 万元, needs {_money(threshold)} 万元: "
            f"{_money(gap)} 万元 more{growth_en}"
        ), money_gap
    if name in _PERCENT:
        at_most = c.comparison == "<="
        need_zh = "不高于" if at_most else "不低于"
        need_en = "at most" if at_most else "needs"
        if c.met:
            return (
                f"{label}{_pct(value)}，要求{need_zh}{_pct(threshold)}：已满足"
                if zh
                else f"{label} {_pct(value)}, {need_en} {_pct(threshold)}: met"
            ), None
        move_zh = "降低" if at_most else "提高"
        move_en = "−" if at_most else "+"
        return (
            f"{label}{_pct(value)}，要求{need_zh}{_pct(threshold)}：需{move_zh}{100 * gap:.1f}个百分点"
            if zh
            else f"{label} {_pct(value)}, {need_en} {_pct(threshold)}: {move_en}{100 * gap:.1f} points"
        ), None
    if name in _RANK:
        if c.met:
            return (
                f"{label}第{value:.0f}名，要求前{threshold:.0f}名：已满足"
                if zh
                else f"{label} #{value:.0f}, needs top {threshold:.0f}: met"
            ), None
        shown = "未进入排名" if value >= 999 else f"第{value:.0f}名"
        shown_en = "not ranked" if value >= 999 else f"#{value:.0f}"
        return (
            f"{label}{shown}，要求前{threshold:.0f}名：尚未达到"
            if zh
            else f"{label} {shown_en}, needs top {threshold:.0f}: not yet"
        ), None
    if name in ("years_in_niche", "years_in_field"):
        if c.met:
            return (
                f"{label}{value:.0f}年，要求不少于{threshold:.0f}年：已满足"
                if zh
                else f"{label} {value:.0f}, needs {threshold:.0f}: met"
            ), None
        return (
            f"{label}{value:.0f}年，要求不少于{threshold:.0f}年：最早{math.ceil(gap)}年后可申报"
            if zh
            else f"{label} {value:.0f}, needs {threshold:.0f}: eligible in {math.ceil(gap)} year(s) at the earliest"
        ), None
    if name == "ip_class1":
        if c.met:
            return (
                f"{label}{value:.0f}项，要求不少于{threshold:.0f}项：已满足"
                if zh
                else f"{label}: {value:.0f}, needs {threshold:.0f}: met"
            ), None
        return (
            f"{label}{value:.0f}项，要求不少于{threshold:.0f}项：还需{math.ceil(gap)}项"
            if zh
            else f"{label}: {value:.0f}, needs {threshold:.0f}: {math.ceil(gap)} more"
        ), None
    # scores and points
    if c.met:
        return (
            f"{label}{_points(value)}分，要求不低于{_points(threshold)}分：已满足"
            if zh
            else f"{label} {_points(value)}, needs {_points(threshold)}: met"
        ), None
    return (
        f"{label}{_points(value)}分，要求不低于{_points(threshold)}分：差{_points(gap)}分"
        if zh
        else f"{label} {_points(value)}, needs {_points(threshold)}: {_points(gap)} points short"
    ), None


def _addresses(option: str) -> set[str]:
    """Every criterion an option's support words can close this year (`SUPPORT_ADDRESSES`)."""
    out: set[str] = set()
    for word in rules.support_words(option):
        out.update(SUPPORT_ADDRESSES[word])
    return out


def _ten_billion_award(firm: Mapping[str, object]) -> float:
    """The award (万元) for reaching the next 百亿 step from last year's revenue (docs/domain.md §3)."""
    base = rules.revenue_last_year(firm)
    now = max(base, rules._num(firm, "revenue"))
    next_step = (math.floor(now / rules.TEN_BILLION_STEP + 1e-12) + 1) * rules.TEN_BILLION_STEP
    if rules._num(firm, "revenue") < rules.TEN_BILLION_REVENUE:
        next_step = rules.TEN_BILLION_REVENUE
    return rules.ten_billion_award(base, next_step)


def _as_of(wb: Workbook) -> dt.date | None:
    """The workbook's ``as_of`` setting as a date (None when absent or not a date)."""
    value = wb.settings.get("as_of")
    if value in (None, ""):
        return None
    try:
        return pd.Timestamp(str(value)).date()
    except (ValueError, TypeError):
        return None


# ---------------------------------------------------------------- building
def _next_rungs(firm: Mapping[str, object], candidate_rungs: list[str]) -> list[str]:
    rungs = set(candidate_rungs)
    # the next quality rung whose ladder takes the firm (manufacturers, SMEs where the rules say so)
    nxt = rules.next_quality_rung_for(firm)
    if nxt is not None:
        rungs.add(nxt)
    size = str(firm.get("size_tier", "") or "")
    if size in ("seed", "quasi_above_size") and rules.may_be_on(firm, "above_size"):
        rungs.add("above_size")
    return [r for r in rules.RUNGS if r in rungs]


def firm_checklist(
    wb: Workbook,
    firm_id: str,
    *,
    choices: Mapping[str, str] | None = None,
    as_of: dt.date | None = None,
) -> FirmChecklist:
    """The checklist of one firm of the workbook's ``enterprises`` sheet.

    Parameters
    ----------
    wb : Workbook
        A workbook with the descriptive ``enterprises`` sheet (and, for support options, candidates
        with ``entity_id`` and ``rung`` columns as in the demo).
    firm_id : str
    choices : mapping, optional
        A plan ``{candidate_id: option}``; the checklist then says which support the plan gives.
    as_of : date, optional
        The day the checklist is written (default: the workbook's ``as_of`` setting): an application
        window already closed leaves no chance this year.

    Each unmet criterion is timed (`data.criteria.year_outlook`): a gap support can close this year,
    or a gap on last year's figures — no chance this year, and what to reach this year to qualify
    next year. Support options address only the gaps they can close this year.

    Raises
    ------
    KeyError
        If the firm is not in the ``enterprises`` sheet.
    """
    firms = wb.enterprises
    match = firms[firms["firm_id"].astype(str) == str(firm_id)] if len(firms) else firms
    if not len(match):
        raise KeyError(f"unknown firm {firm_id!r}")
    firm = match.iloc[0].to_dict()
    cands = wb.candidates
    if "entity_id" in cands.columns and "rung" in cands.columns:
        mine = cands[cands["entity_id"].astype(str) == str(firm_id)]
    else:
        mine = cands.iloc[0:0]
    cand_by_rung = {
        str(r): row for r, row in zip(mine.get("rung", []), mine.to_dict("records"), strict=False)
    }
    choices = dict(choices or {})

    as_of = as_of or _as_of(wb)

    rungs: list[RungStatus] = []
    lines: list[CriterionLine] = []
    for rung in _next_rungs(firm, list(cand_by_rung)):
        check = rules.check_rung(firm, rung)
        outlook = rules.year_outlook(firm, rung, as_of=as_of)
        timing = {g.criterion: g.timing for g in (*outlook.this_year, *outlook.next_year)}
        cand = cand_by_rung.get(rung)
        cid = str(cand["candidate_id"]) if cand is not None else None
        rungs.append(
            RungStatus(
                rung=rung,
                eligible=check.eligible,
                route=check.route,
                candidate_id=cid,
                base_probability=float(cand["base_probability"]) if cand is not None else None,
                planned_option=choices.get(cid, NONE_OPTION) if cid and choices else None,
                chance_this_year=outlook.chance_this_year,
                window_open=outlook.window_open,
                deadline=outlook.deadline.isoformat() if outlook.deadline else "",
                award=_ten_billion_award(firm) if rung == "ten_billion" else None,
            )
        )
        criteria_lines = list(check.criteria)
        if "application_ready" in timing:
            criteria_lines.append(rules.CriterionResult("application_ready", 0.0, 1.0, False, 1.0))
        for c in criteria_lines:
            met = c.met
            if c.alternative and check.eligible:
                met = True  # an alternative route, not needed when the firm is eligible otherwise
            zh, money_gap = _sentence(c, firm, "zh")
            en, _ = _sentence(c, firm, "en")
            if c.alternative and not c.met:
                zh += "（可选直通条件）"
                en += " (an optional direct route)"
            lines.append(
                CriterionLine(
                    rung,
                    c.name,
                    c.value,
                    c.threshold,
                    c.comparison,
                    met,
                    c.gap,
                    money_gap,
                    zh,
                    en,
                    timing=timing.get(c.name, ""),
                    # an unmet criterion with no timing is one a met route replaces (the score
                    # when a direct route holds): it is the alternative now, not a gap
                    alternative=c.alternative or (not c.met and c.name not in timing),
                )
            )

    support: list[dict] = []
    if len(mine):
        opts = wb.options[wb.options["candidate_id"].isin(mine["candidate_id"])]
        rung_of = dict(zip(mine["candidate_id"].astype(str), mine["rung"].astype(str), strict=True))
        for rec in opts.to_dict("records"):
            cid = str(rec["candidate_id"])
            # an option addresses only the gaps it can close this year (none when a gap on last
            # year's figures or a closed window leaves no chance this year)
            open_gaps = {
                ln.criterion
                for ln in lines
                if ln.rung == rung_of[cid] and ln.timing == rules.THIS_YEAR
            }
            chance = next((r.chance_this_year for r in rungs if r.rung == rung_of[cid]), False)
            addresses = sorted(_addresses(rec["option"]) & open_gaps) if chance else []
            support.append(
                {
                    "candidate_id": cid,
                    "rung": rung_of[cid],
                    "option": str(rec["option"]),
                    "probability": float(rec["probability"]),
                    "cost": float(rec["cost"]),
                    "fund_line": str(rec["fund_line"]),
                    "addresses": addresses,
                    "planned": choices.get(cid) == rec["option"],
                }
            )
        for ln in lines:
            ln.addressed_by = [
                s["option"]
                for s in support
                if s["rung"] == ln.rung and ln.criterion in s["addresses"]
            ]
    return FirmChecklist(
        firm_id=str(firm_id),
        name=str(firm.get("name", "")),
        district=str(firm.get("district", "")),
        cluster=str(firm.get("cluster", "")),
        size_tier=str(firm.get("size_tier", "")),
        quality_tier=str(firm.get("quality_tier", "")),
        rungs=rungs,
        lines=lines,
        support=support,
    )


# ---------------------------------------------------------------- rendering
_HEAD = {
    "zh": {
        "title": "企业明白纸",
        "firm": "企业",
        "district": "区市",
        "cluster": "产业集群",
        "tier": "当前层级",
        "next": "下一步可争取",
        "eligible": "已满足条件",
        "not_eligible": "尚未满足条件",
        "candidate": "已列入本年度培育名单，基础成功概率",
        "criteria": "已满足的条件",
        "this_year": "本年度可补齐的差距",
        "routes": "其他可选路径",
        "award": "达到后可获市级奖励{award}万元（首次突破百亿元及此后每跨越一个百亿台阶，按现行市级政策）",
        "no_gap": "无本年度可补齐的差距，不宜安排",
        "next_year": "为明年申报，今年需达到",
        "no_chance": "依上年度数据，本年度尚不具备申报条件；请按下列差距为明年申报做准备。",
        "window_closed": "本年度申报已于{deadline}截止；请为明年申报做准备。",
        "deadline": "本年度申报截止日期（预计）：{deadline}",
        "met": "✓",
        "missed": "✗",
        "support": "可用支持",
        "addresses": "针对",
        "planned": "（方案已安排）",
        "materials": "需准备材料",
        "cautions": "注意事项",
        "none": "无",
        "by": "可借助",
        "cost": "万元",
        "prob": "成功概率",
    },
    "en": {
        "title": "Firm checklist",
        "firm": "Firm",
        "district": "District",
        "cluster": "Cluster",
        "tier": "Current tier",
        "next": "Next rung",
        "eligible": "criteria met",
        "not_eligible": "criteria not yet met",
        "candidate": "on this year's cultivation list, base chance",
        "criteria": "Criteria met",
        "this_year": "Gaps support can close this year",
        "routes": "Other routes",
        "award": "City award on reaching it: {award} 万元 (first crossing of 10 billion yuan and each "
        "further 10-billion step, current city policy)",
        "no_gap": "no gap it can close this year: not an option",
        "next_year": "For next year: to reach this year",
        "no_chance": "On last year's figures the firm cannot qualify this year; prepare for next "
        "year by the gaps below.",
        "window_closed": "This year's applications closed on {deadline}; prepare for next year.",
        "deadline": "This year's application deadline (expected): {deadline}",
        "met": "✓",
        "missed": "✗",
        "support": "Support available",
        "addresses": "addresses",
        "planned": " (in the plan)",
        "materials": "Materials to prepare",
        "cautions": "Cautions",
        "none": "none",
        "by": "helped by",
        "cost": "万元",
        "prob": "chance",
    },
}


def checklist_markdown(cl: FirmChecklist, lang: str = "zh") -> str:
    """The checklist as Markdown text in ``lang`` (``zh`` or ``en``)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use 'zh' or 'en'")
    h = _HEAD[lang]
    k = LANGS.index(lang)
    tier = (
        " / ".join(
            vocabulary.label(kind, x, lang)
            for kind, x in (("size_tier", cl.size_tier), ("quality_tier", cl.quality_tier))
            if x and x != "none"
        )
        or h["none"]
    )
    out = [
        f"# {h['title']}：{cl.name}（{cl.firm_id}）"
        if lang == "zh"
        else f"# {h['title']}: {cl.name} ({cl.firm_id})",
        "",
        f"- {h['district']}：{vocabulary.label('district', cl.district, lang)}"
        if lang == "zh"
        else f"- {h['district']}: {vocabulary.label('district', cl.district, lang)}",
        f"- {h['cluster']}：{vocabulary.label('cluster', cl.cluster, lang)}"
        if lang == "zh"
        else f"- {h['cluster']}: {vocabulary.label('cluster', cl.cluster, lang)}",
        f"- {h['tier']}：{tier}" if lang == "zh" else f"- {h['tier']}: {tier}",
        "",
    ]
    for rs in cl.rungs:
        status = h["eligible"] if rs.eligible else h["not_eligible"]
        out.append(
            f"## {h['next']}：{vocabulary.label('rung', rs.rung, lang)}（{status}）"
            if lang == "zh"
            else f"## {h['next']}: {vocabulary.label('rung', rs.rung, lang)} ({status})"
        )
        if rs.base_probability is not None:
            out.append(f"{h['candidate']} {100 * rs.base_probability:.0f}%")
        if not rs.window_open:
            out.append(h["window_closed"].format(deadline=rs.deadline))
        elif not rs.chance_this_year:
            out.append(h["no_chance"])
        elif rs.deadline:
            out.append(h["deadline"].format(deadline=rs.deadline))
        if rs.award:
            out.append(h["award"].format(award=_money(rs.award)))
        mine = [x for x in cl.lines if x.rung == rs.rung]
        sections = (
            ("criteria", [x for x in mine if x.met and x.gap == 0]),
            ("this_year", [x for x in mine if not x.met and x.timing == rules.THIS_YEAR]),
            ("next_year", [x for x in mine if not x.met and x.timing == rules.NEXT_YEAR]),
            ("routes", [x for x in mine if x.alternative and x.gap > 0 and not rs.eligible]),
        )
        for key, chosen in sections:
            if not chosen:
                continue
            out += ["", f"**{h[key]}**", ""]
            for ln in chosen:
                mark = h["met"] if ln.met else ("○" if ln.alternative else h["missed"])
                extra = ""
                if not ln.met and ln.addressed_by:
                    names = "、".join if lang == "zh" else ", ".join
                    extra = (
                        f"（{h['by']}：{names(_option(o, lang) for o in ln.addressed_by)}）"
                        if lang == "zh"
                        else f" ({h['by']}: {names(_option(o, lang) for o in ln.addressed_by)})"
                    )
                out.append(f"- {mark} {ln.text(lang)}{extra}")
        options = [s for s in cl.support if s["rung"] == rs.rung]
        if options:
            out += ["", f"**{h['support']}**", ""]
            for s in options:
                target = "、".join if lang == "zh" else ", ".join
                aims = target(_label(a, lang) for a in s["addresses"]) or h["no_gap"]
                planned = h["planned"] if s["planned"] else ""
                out.append(
                    f"- {_option(s['option'], lang)}：{_money(s['cost'])}{h['cost']}，"
                    f"{h['prob']}{100 * s['probability']:.0f}%；{h['addresses']}：{aims}{planned}"
                    if lang == "zh"
                    else f"- {_option(s['option'], lang)}: {_money(s['cost'])} {h['cost']}, "
                    f"{h['prob']} {100 * s['probability']:.0f}%; {h['addresses']}: {aims}{planned}"
                )
        out += ["", f"**{h['materials']}**", ""]
        out += [f"- [ ] {m[k]}" for m in MATERIALS.get(rs.rung, [])]
        out.append("")
    out += [f"**{h['cautions']}**", ""]
    out += [f"- {c[k]}" for c in CAUTIONS]
    out.append("")
    return "\n".join(out)


def firm_checklist_bytes(
    wb: Workbook, firm_id: str, *, lang: str = "zh", choices: Mapping[str, str] | None = None
) -> bytes:
    """One firm's checklist as a UTF-8 Markdown file (for a download button)."""
    return checklist_markdown(firm_checklist(wb, firm_id, choices=choices), lang).encode("utf-8")


def district_firm_ids(wb: Workbook, district: str, *, candidates_only: bool = True) -> list[str]:
    """The firms of a district: by default those on this year's candidate list (the district's
    recommended list), else every enterprise of the district."""
    firms = wb.enterprises
    if not len(firms):
        return []
    ids = firms.loc[firms["district"].astype(str) == district, "firm_id"].astype(str).tolist()
    if candidates_only and "entity_id" in wb.candidates.columns:
        listed = set(wb.candidates["entity_id"].astype(str))
        ids = [f for f in ids if f in listed]
    return ids


def district_checklist_table(
    wb: Workbook,
    district: str,
    *,
    choices: Mapping[str, str] | None = None,
    candidates_only: bool = True,
) -> pd.DataFrame:
    """A district's checklists as one table: one row per firm, next rung and criterion.

    Columns: ``firm_id``, ``name``, ``district``, ``rung``, ``eligible``, ``criterion``, ``value``,
    ``threshold``, ``met``, ``gap``, ``timing`` (``this_year``: support can close it this year;
    ``next_year``: on last year's figures, to reach this year), ``money_gap`` (万元), ``text_zh``,
    ``text_en``, ``addressed_by``.
    """
    rows = []
    for fid in district_firm_ids(wb, district, candidates_only=candidates_only):
        cl = firm_checklist(wb, fid, choices=choices)
        eligible = {r.rung: r.eligible for r in cl.rungs}
        for ln in cl.lines:
            rows.append(
                {
                    "firm_id": cl.firm_id,
                    "name": cl.name,
                    "district": cl.district,
                    "rung": ln.rung,
                    "eligible": eligible[ln.rung],
                    "criterion": ln.criterion,
                    "value": ln.value,
                    "threshold": ln.threshold,
                    "met": ln.met,
                    "gap": ln.gap,
                    "timing": ln.timing,
                    "money_gap": ln.money_gap,
                    "text_zh": ln.text_zh,
                    "text_en": ln.text_en,
                    "addressed_by": ";".join(ln.addressed_by),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "firm_id",
            "name",
            "district",
            "rung",
            "eligible",
            "criterion",
            "value",
            "threshold",
            "met",
            "gap",
            "timing",
            "money_gap",
            "text_zh",
            "text_en",
            "addressed_by",
        ],
    )


def district_checklists_bytes(
    wb: Workbook,
    district: str,
    *,
    lang: str = "zh",
    fmt: str = "md",
    choices: Mapping[str, str] | None = None,
    candidates_only: bool = True,
) -> bytes:
    """A district's whole list of checklists as one file.

    Parameters
    ----------
    fmt : {"md", "csv"}
        ``md``: every firm's checklist in one Markdown file (UTF-8), separated by rules.
        ``csv``: `district_checklist_table` as CSV in UTF-8 with a byte-order mark, so Excel on a
        Chinese-locale PC opens it correctly. Text that Excel would read as a formula is quoted.
    """
    if fmt == "md":
        parts = [
            checklist_markdown(firm_checklist(wb, fid, choices=choices), lang)
            for fid in district_firm_ids(wb, district, candidates_only=candidates_only)
        ]
        return "\n---\n\n".join(parts).encode("utf-8")
    if fmt == "csv":
        table = district_checklist_table(
            wb, district, choices=choices, candidates_only=candidates_only
        )
        # UTF-8 with a byte-order mark (Excel on a Chinese-locale PC), formula-like text neutralised
        return safe_csv_bytes(table, index=False)
    raise ValueError(f"unknown format {fmt!r}: use 'md' or 'csv'")
