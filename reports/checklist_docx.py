"""The firm checklist (明白纸) as a printable Word file: one firm, or every listed firm of a district.

Built from `reports.checklist.firm_checklist` (the rungs, each criterion met or missed, the support
options and the materials), laid out for print: title, the firm, per rung the application deadline
and whom to contact, each gap numbered with the support that helps close it, what to prepare as a
tick list, the support available, and the cautions. A district's file puts each firm on its own page.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from data import vocabulary
from data.schema import Workbook
from reports import checklist as cl
from reports.office import (
    Col,
    add_table,
    add_text,
    check_lang,
    document_bytes,
    new_document,
)

# Whom a firm contacts per rung: the office that takes the application (zh, en). The district's
# own industry office ({district}) comes first, as firms apply through it.
CONTACTS: dict[str, tuple[str, str]] = {
    "above_size": (
        "{district}工业和信息化主管部门、统计部门（市工业和信息化局、市统计局）",
        "{district} industry office and statistics office (city Industry & IT Bureau, Statistics Bureau)",
    ),
    "innovative_sme": (
        "{district}工业和信息化主管部门（市工业和信息化局中小企业科）",
        "{district} industry office (city Industry & IT Bureau, SME section)",
    ),
    "srdi": (
        "{district}工业和信息化主管部门（市工业和信息化局中小企业科）",
        "{district} industry office (city Industry & IT Bureau, SME section)",
    ),
    "little_giant": (
        "{district}工业和信息化主管部门（市工业和信息化局中小企业科）",
        "{district} industry office (city Industry & IT Bureau, SME section)",
    ),
    "champion": (
        "{district}工业和信息化主管部门（市工业和信息化局产业科）",
        "{district} industry office (city Industry & IT Bureau, industry section)",
    ),
    "ten_billion": (
        "{district}工业和信息化主管部门、财政部门（市工业和信息化局）",
        "{district} industry and finance offices (city Industry & IT Bureau)",
    ),
}

_WORDS = {
    "zh": {
        "title": "企业梯度培育明白纸",
        "firm": "企业名称",
        "district": "所在区市",
        "cluster": "产业集群",
        "tier": "当前层级",
        "none": "无",
        "rung": "{n}、可争取：{rung}（{status}）",
        "eligible": "已满足条件",
        "not_eligible": "尚未满足条件",
        "deadline": "申报截止：{date}",
        "deadline_unknown": "申报截止：以当年申报通知为准",
        "window_closed": "本年度申报已于{date}截止，请为明年申报做准备。",
        "no_chance": "依上年度数据，本年度尚不具备申报条件，请按下列差距为明年申报做准备。",
        "award": "达到后可获市级奖励{award}万元（按现行市级政策）。",
        "this_year": "本年度可补齐",
        "next_year": "为明年申报今年需达到",
        "routes": "其他可选路径：{items}",
        "contact": "联系单位：{who}",
        "base": "已列入本年度培育名单，基础成功概率{p}",
        "gaps": "差距及补齐办法",
        "no_gaps": "各项条件均已满足，请按时提交申报材料。",
        "met": "已满足：{items}",
        "materials": "需准备材料",
        "support": "可用支持",
        "cautions": "注意事项",
        "planned": "（方案已安排）",
        "cost": "{cost}万元，成功概率{p}",
        "numbers": "一二三四五六七八九十",
    },
    "en": {
        "title": "Firm checklist",
        "firm": "Firm",
        "district": "District",
        "cluster": "Cluster",
        "tier": "Current tier",
        "none": "none",
        "rung": "{n}. Next rung: {rung} ({status})",
        "eligible": "criteria met",
        "not_eligible": "criteria not yet met",
        "deadline": "Application deadline: {date}",
        "deadline_unknown": "Application deadline: as in this year's call",
        "window_closed": "This year's applications closed on {date}: prepare for next year.",
        "no_chance": "On last year's figures the firm cannot qualify this year: prepare for next "
        "year by the gaps below.",
        "award": "City award on reaching it: {award} 万元 (current city policy).",
        "this_year": "this year",
        "next_year": "reach this year, for next year",
        "routes": "Other routes: {items}",
        "contact": "Contact: {who}",
        "base": "On this year's cultivation list, base chance {p}",
        "gaps": "Gaps and how to close them",
        "no_gaps": "Every criterion is met: submit the application on time.",
        "met": "Met: {items}",
        "materials": "Materials to prepare",
        "support": "Support available",
        "cautions": "Cautions",
        "planned": " (in the plan)",
        "cost": "{cost} 万元, chance {p}",
        "numbers": "",
    },
}

GAP_COLS = [
    Col("number", "序号", "No.", "int"),
    Col("text", "差距", "Gap"),
    Col("when", "何时补齐", "When"),
    Col("helped_by", "可借助的支持", "Support that helps"),
]


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def _add_firm(doc: object, checklist: cl.FirmChecklist, lang: str) -> None:
    w = _WORDS[lang]
    k = 0 if lang == "zh" else 1
    sep = "：" if lang == "zh" else ": "
    add_text(doc, w["title"], lang, font="title", size=22 if lang == "zh" else 18, align="center")
    tier = (
        " / ".join(
            vocabulary.label(kind, x, lang)
            for kind, x in (
                ("size_tier", checklist.size_tier),
                ("quality_tier", checklist.quality_tier),
            )
            if x and x != "none"
        )
        or w["none"]
    )
    district = vocabulary.label("district", checklist.district, lang)
    for key, value in (
        ("firm", f"{checklist.name}（{checklist.firm_id}）"),
        ("district", district),
        ("cluster", vocabulary.label("cluster", checklist.cluster, lang)),
        ("tier", tier),
    ):
        add_text(doc, f"{w[key]}{sep}{value}", lang)
    for index, rung in enumerate(checklist.rungs, start=1):
        number = w["numbers"][index - 1] if lang == "zh" and index <= 10 else str(index)
        status = w["eligible"] if rung.eligible else w["not_eligible"]
        add_text(
            doc,
            w["rung"].format(
                n=number, rung=vocabulary.label("rung", rung.rung, lang), status=status
            ),
            lang,
            font="heading",
        )
        # The window and the year's chance (reports.checklist gives them with the rules' calendar).
        deadline = str(getattr(rung, "deadline", "") or "")
        if not getattr(rung, "window_open", True):
            line = w["window_closed"].format(date=deadline or "—")
        elif not getattr(rung, "chance_this_year", True):
            line = w["no_chance"]
        else:
            line = w["deadline"].format(date=deadline) if deadline else w["deadline_unknown"]
        add_text(doc, line, lang, indent=True)
        award = getattr(rung, "award", None)
        if award:
            add_text(doc, w["award"].format(award=f"{award:,.0f}"), lang, indent=True)
        who = CONTACTS.get(rung.rung)
        if who is not None:
            add_text(
                doc, w["contact"].format(who=who[k].format(district=district)), lang, indent=True
            )
        if rung.base_probability is not None:
            add_text(doc, w["base"].format(p=_pct(rung.base_probability)), lang, indent=True)
        lines = [ln for ln in checklist.lines if ln.rung == rung.rung]
        gaps = [ln for ln in lines if not ln.met and not getattr(ln, "alternative", False)]
        add_text(doc, w["gaps"], lang, font="sub")
        if gaps:
            joiner = "、" if lang == "zh" else ", "
            rows = pd.DataFrame(
                [
                    {
                        "number": i,
                        "text": ln.text(lang),
                        "when": w.get(str(getattr(ln, "timing", "") or ""), "—"),
                        "helped_by": joiner.join(
                            vocabulary.label("option", o, lang) for o in ln.addressed_by
                        )
                        or "—",
                    }
                    for i, ln in enumerate(gaps, start=1)
                ]
            )
            add_table(doc, rows, GAP_COLS, lang)
        else:
            add_text(doc, w["no_gaps"], lang, indent=True)
        routes = [
            ln
            for ln in lines
            if getattr(ln, "alternative", False) and not ln.met and not rung.eligible
        ]
        if routes:
            items = ("；" if lang == "zh" else "; ").join(ln.text(lang) for ln in routes)
            add_text(doc, w["routes"].format(items=items), lang, indent=True, size=12)
        met = [ln for ln in lines if ln.met]
        if met:
            names = ("；" if lang == "zh" else "; ").join(ln.text(lang) for ln in met)
            add_text(doc, w["met"].format(items=names), lang, indent=True, size=12)
        options = [s for s in checklist.support if s["rung"] == rung.rung]
        if options:
            add_text(doc, w["support"], lang, font="sub")
            for s in options:
                cost = w["cost"].format(cost=f"{s['cost']:,.0f}", p=_pct(s["probability"]))
                planned = w["planned"] if s.get("planned") else ""
                add_text(
                    doc,
                    f"• {vocabulary.label('option', s['option'], lang)}{sep}{cost}{planned}",
                    lang,
                    indent=True,
                )
        add_text(doc, w["materials"], lang, font="sub")
        for material in cl.MATERIALS.get(rung.rung, []):
            add_text(doc, f"☐ {material[k]}", lang, indent=True)
    add_text(doc, w["cautions"], lang, font="sub")
    for caution in cl.CAUTIONS:
        add_text(doc, f"• {caution[k]}", lang, indent=True)


def checklist_docx_bytes(
    wb: Workbook,
    *,
    firm_id: str | None = None,
    district: str | None = None,
    lang: str = "zh",
    choices: Mapping[str, str] | None = None,
    candidates_only: bool = True,
) -> bytes:
    """One firm's 明白纸 (``firm_id``) or a district's (``district``: every listed firm, each on its
    own page) as ``.docx`` bytes.

    Raises
    ------
    KeyError
        For an unknown firm.
    ValueError
        When neither or both of ``firm_id`` and ``district`` are given, or for a district with no
        listed firm.
    """
    from docx.enum.text import WD_BREAK

    check_lang(lang)
    if (firm_id is None) == (district is None):
        raise ValueError("give firm_id or district")
    if firm_id is not None:
        ids = [firm_id]
    else:
        ids = cl.district_firm_ids(wb, str(district), candidates_only=candidates_only)
        if not ids:
            raise ValueError(f"no listed firm in district {district!r}")
    doc = new_document(lang)
    for i, fid in enumerate(ids):
        if i:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _add_firm(doc, cl.firm_checklist(wb, fid, choices=choices), lang)
    return document_bytes(doc)
