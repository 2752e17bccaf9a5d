"""The firm checklist (明白纸): next rungs, each criterion met or missed and by how much, materials, support.

Generated from a firm's stored attributes (the ``enterprises`` sheet) with the ladder's rules in
`data.criteria`, in Chinese and English, as Markdown for one firm or a district's whole list, or as a
CSV table (one row per firm, rung and criterion) that opens in Excel. Names of rungs, tiers, districts,
options and criteria are the vocabulary's (`data.vocabulary`); the document's own words are below.
"""

from __future__ import annotations

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
            "首次突破百亿元奖励申请表（威政发〔2022〕3号）",
            "Award application for first crossing 10 billion yuan",
        ),
    ],
}

CAUTIONS: list[tuple[str, str]] = [
    (
        "申报数据须与统计、税务数据一致；研发费用以专项审计口径为准。",
        "Figures must match statistics and tax records; R&D counts as in the special audit.",
    ),
    (
        "认定有效期一般为三年，到期复核，请提前准备。",
        "Recognition is reviewed every three years: prepare ahead.",
    ),
]

# Which words in a support option's name address which criteria (demo option names are built from
# these words, e.g. "coaching_ip_rd_subsidy").
SUPPORT_ADDRESSES: dict[str, tuple[str, ...]] = {
    "coaching": (
        "innovation_score",
        "srdi_score",
        "innovation_points",
        "growth_points",
        "specialisation_points",
        "direct_route",
    ),
    "ip": ("ip_class1", "innovation_points", "innovation_score", "srdi_score"),
    "rd": ("rd_ratio", "rd_expense", "innovation_points"),
    "centre": ("has_rd_institution", "srdi_score"),
    "guidance": ("revenue", "revenue_or_equity"),
    "orders": ("revenue", "revenue_or_equity", "growth_2y_avg"),
    "renovation": ("revenue", "growth_2y_avg", "main_business_share"),
    "dispatch": ("revenue",),
    "factors": ("revenue",),
}

_PERCENT = {
    "rd_ratio",
    "debt_ratio",
    "main_business_share",
    "growth_2y_avg",
    "niche_market_share",
    "revenue_growth",
}
_MONEY = {"revenue", "rd_expense", "revenue_or_equity"}
_YES_NO = {
    "direct_route",
    "is_innovative_sme",
    "is_srdi",
    "has_rd_institution",
    "is_provincial_champion",
}
_RANK = {"provincial_rank", "national_rank", "global_rank"}


def _label(name: str, lang: str, *, unit: bool = True) -> str:
    """A criterion's name; without its unit where the sentence states it."""
    pair = CRITERION_LABELS.get(name)
    if pair is None:
        return name
    text = pair[LANGS.index(lang)]
    if not unit:  # the sentence states the unit itself
        text = text.replace("（万元）", "").replace(" (10k yuan)", "")
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
    if name == "rd_ratio":
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
        growth = f"（需增长{_pct(gap / value)}）" if value > 0 and name != "rd_expense" else ""
        growth_en = f" ({_pct(gap / value)} growth)" if value > 0 and name != "rd_expense" else ""
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
    if name == "years_in_niche":
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
    words = set(str(option).lower().replace("-", "_").split("_"))
    out: set[str] = set()
    for word, crits in SUPPORT_ADDRESSES.items():
        if word in words:
            out.update(crits)
    return out


# ---------------------------------------------------------------- building
def _next_rungs(firm: Mapping[str, object], candidate_rungs: list[str]) -> list[str]:
    rungs = set(candidate_rungs)
    nxt = rules.next_quality_rung(str(firm.get("quality_tier", "none") or "none"))
    if nxt is not None:
        rungs.add(nxt)
    size = str(firm.get("size_tier", "") or "")
    if size in ("seed", "quasi_above_size"):
        rungs.add("above_size")
    return [r for r in rules.RUNGS if r in rungs]


def firm_checklist(
    wb: Workbook, firm_id: str, *, choices: Mapping[str, str] | None = None
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

    rungs: list[RungStatus] = []
    lines: list[CriterionLine] = []
    for rung in _next_rungs(firm, list(cand_by_rung)):
        check = rules.check_rung(firm, rung)
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
            )
        )
        for c in check.criteria:
            met = c.met
            if rung == "innovative_sme" and c.name == "direct_route" and check.eligible:
                met = True  # an alternative route, not needed when the score route is met
            zh, money_gap = _sentence(c, firm, "zh")
            en, _ = _sentence(c, firm, "en")
            if rung == "innovative_sme" and c.name == "direct_route" and not c.met:
                zh += "（可选直通条件）"
                en += " (an optional direct route)"
            lines.append(
                CriterionLine(
                    rung, c.name, c.value, c.threshold, c.comparison, met, c.gap, money_gap, zh, en
                )
            )

    support: list[dict] = []
    if len(mine):
        opts = wb.options[wb.options["candidate_id"].isin(mine["candidate_id"])]
        rung_of = dict(zip(mine["candidate_id"].astype(str), mine["rung"].astype(str), strict=True))
        for rec in opts.to_dict("records"):
            cid = str(rec["candidate_id"])
            addresses = sorted(
                _addresses(rec["option"])
                & {ln.criterion for ln in lines if ln.rung == rung_of[cid] and not ln.met}
            )
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
        "criteria": "逐项对照",
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
        "criteria": "Criterion by criterion",
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
        out.append("")
        out.append(f"**{h['criteria']}**")
        out.append("")
        for ln in (x for x in cl.lines if x.rung == rs.rung):
            mark = h["met"] if ln.met else h["missed"]
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
                aims = target(_label(a, lang) for a in s["addresses"]) or "—"
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
    ``threshold``, ``met``, ``gap``, ``money_gap`` (万元), ``text_zh``, ``text_en``, ``addressed_by``.
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
