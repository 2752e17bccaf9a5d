"""The firm checklist (明白纸): facts against hand-computed cases, both languages, downloads."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from data.workbook import validate_tables
from reports.checklist import (
    checklist_markdown,
    district_checklist_table,
    district_checklists_bytes,
    district_firm_ids,
    firm_checklist,
    firm_checklist_bytes,
)
from tests.conftest import raw_from_csv

ENTERPRISE_COLUMNS = (
    "firm_id,name,district,cluster,size_tier,quality_tier,revenue,revenue_growth,growth_2y_avg,"
    "rd_expense,rd_ratio,debt_ratio,main_business_share,ip_class1,ip_other,years_in_niche,"
    "strategic_emerging,high_tech_cert,equity_financing_3y,niche_market_share,has_rd_institution\n"
)

# F1: an innovative SME with 5,000 万元 revenue and R&D at 2.1% (needs 3% for SRDI).
# F2: a seed firm with 1,650 万元 revenue (needs 2,000 for above-size).
# F3: a provincial SRDI firm with debt at 78% (a little giant may have at most 70%).
# F4: a firm in another district.
# F5: a provincial SRDI firm in 乳山市 short of class-I IP and an R&D institution for the little giant
#     (both closable this year) on this year's list with two options.
SHEETS = {
    "budgets": "fund_line,amount\nsrdi,100\nupgrade,100\n",
    "resources": "resource,capacity\nagency_slots,10\n",
    "targets": "target,goal\nnew_srdi,5\nnew_above_size,5\n",
    "candidates": (
        "candidate_id,name,kind,district,base_probability,entity_id,rung\n"
        "F1-srdi,甲科技,enterprise,环翠区,0.2,F1,srdi\n"
        "F2-above_size,乙制造,enterprise,环翠区,0.3,F2,above_size\n"
        "F4-srdi,丁材料,enterprise,文登区,0.2,F4,srdi\n"
        "F5-little_giant,戊精工,enterprise,乳山市,0.2,F5,little_giant\n"
    ),
    "contributions": (
        "candidate_id,target,value\nF1-srdi,new_srdi,1\nF2-above_size,new_above_size,1\n"
        "F4-srdi,new_srdi,1\nF5-little_giant,new_srdi,1\n"
    ),
    "options": (
        "candidate_id,option,probability,fund_line,cost,agency_slots\n"
        "F1-srdi,application_coaching,0.3,srdi,4,1\n"
        "F1-srdi,coaching_ip_rd_subsidy,0.45,srdi,20,1\n"
        "F2-above_size,upgrade_guidance,0.4,upgrade,2,1\n"
        "F4-srdi,application_coaching,0.3,srdi,4,1\n"
        "F5-little_giant,application_coaching,0.25,srdi,4,1\n"
        "F5-little_giant,ip_services_rd_centre,0.5,srdi,30,1\n"
    ),
    "enterprises": ENTERPRISE_COLUMNS
    + "F1,甲科技,环翠区,新一代信息技术,above_size,innovative_sme,5000,0.12,0.10,105,0.021,0.45,"
    "0.8,3,4,4,Y,Y,0,0.03,Y\n"
    + "F2,乙制造,环翠区,先进装备与智能制造,seed,none,1650,0.15,0.12,20,0.012,0.5,0.9,0,1,2,N,N,0,"
    "0.001,N\n"
    + "F3,丙装备,环翠区,先进装备与智能制造,large,srdi,20000,0.08,0.07,900,0.045,0.78,0.85,4,6,8,Y,"
    "Y,0,0.15,Y\n"
    + "F4,丁材料,文登区,碳纤维等复合材料,above_size,innovative_sme,3000,0.1,0.1,120,0.04,0.4,0.8,2,"
    "3,5,Y,Y,0,0.05,Y\n"
    + "F5,戊精工,乳山市,先进装备与智能制造,above_size,srdi,15000,0.1,0.09,900,0.06,0.4,0.9,1,4,6,Y,Y,"
    "0,0.12,N\n",
}


@pytest.fixture(scope="module")
def wb():
    return validate_tables({k: raw_from_csv(v) for k, v in SHEETS.items()})


def line(cl, rung, criterion):
    return next(x for x in cl.lines if x.rung == rung and x.criterion == criterion)


def test_rd_ratio_gap_in_points_and_money(wb):
    cl = firm_checklist(wb, "F1")
    assert [r.rung for r in cl.rungs] == ["srdi"]
    rd = line(cl, "srdi", "rd_ratio")
    assert not rd.met
    assert rd.gap == pytest.approx(0.009)
    assert rd.money_gap == pytest.approx(45.0)  # 0.9% of 5,000 万元
    assert rd.text_en == "R&D 2.1% of revenue, needs 3.0%: +0.9 points ≈ 45 万元 more R&D"
    assert rd.text_zh == (
        "研发费用占营业收入比重2.1%，要求不低于3.0%：差0.9个百分点，约需增加研发投入45万元"
    )
    # R&D of 105 万元 is above the 100 万元 floor; revenue is above 1,000 万元
    assert line(cl, "srdi", "rd_expense").met
    assert line(cl, "srdi", "revenue_or_equity").met
    assert line(cl, "srdi", "is_innovative_sme").met
    # the R&D ratio is last year's: no support this year changes it — a goal for next year, and
    # neither plain coaching nor the R&D subsidy addresses it
    assert rd.timing == "next_year" and rd.addressed_by == []
    assert not cl.rungs[0].chance_this_year
    assert "rd_ratio" in [x.criterion for x in cl.next_year_gaps()]
    assert all(s["addresses"] == [] for s in cl.support)
    assert cl.rungs[0].candidate_id == "F1-srdi" and cl.rungs[0].base_probability == 0.2


def test_this_year_and_next_year_sections(wb):
    zh = checklist_markdown(firm_checklist(wb, "F1"), "zh")
    assert "依上年度数据，本年度尚不具备申报条件" in zh
    assert "**为明年申报，今年需达到**" in zh and "**本年度可补齐的差距**" not in zh
    after = zh.split("**为明年申报，今年需达到**")[1]
    assert "✗ 研发费用占营业收入比重2.1%，要求不低于3.0%：差0.9个百分点" in after
    above = checklist_markdown(firm_checklist(wb, "F2"), "zh").split("## ")[1]
    assert "**本年度可补齐的差距**" in above and "依上年度数据" not in above
    assert "还差350万元" in above.split("**本年度可补齐的差距**")[1]


def test_gaps_support_closes_this_year(wb):
    cl = firm_checklist(wb, "F5")
    assert [r.rung for r in cl.rungs] == ["little_giant"] and cl.rungs[0].chance_this_year
    assert {x.criterion: x.timing for x in cl.gaps() if not x.alternative} == {
        "ip_class1": "this_year",
        "has_rd_institution": "this_year",
    }
    ip = line(cl, "little_giant", "ip_class1")
    assert ip.text_zh == "主导产品I类知识产权1项，要求不少于2项：还需1项"
    assert ip.addressed_by == ["ip_services_rd_centre"]
    assert line(cl, "little_giant", "has_rd_institution").addressed_by == ["ip_services_rd_centre"]
    by_option = {s["option"]: s["addresses"] for s in cl.support}
    # coaching addresses no gap of this firm: it is no real option for it
    assert by_option == {
        "application_coaching": [],
        "ip_services_rd_centre": ["has_rd_institution", "ip_class1"],
    }
    en = checklist_markdown(cl, "en")
    assert "**Gaps support can close this year**" in en and "For next year" not in en


def test_window_closed_by_the_as_of_date(wb):
    import datetime as dt

    cl = firm_checklist(wb, "F5", as_of=dt.date(2026, 7, 1))
    assert not cl.rungs[0].window_open and not cl.rungs[0].chance_this_year
    assert all(s["addresses"] == [] for s in cl.support)
    assert "本年度申报已于2026-06-30截止" in checklist_markdown(cl, "zh")
    early = firm_checklist(wb, "F5", as_of=dt.date(2026, 3, 1))
    assert "本年度申报截止日期（预计）：2026-06-30" in checklist_markdown(early, "zh")


def test_above_size_revenue_gap(wb):
    cl = firm_checklist(wb, "F2")
    rungs = [r.rung for r in cl.rungs]
    assert rungs == ["above_size", "innovative_sme"]  # its candidacy and its next quality rung
    rev = line(cl, "above_size", "revenue")
    assert not rev.met and rev.gap == pytest.approx(350.0) and rev.money_gap == pytest.approx(350.0)
    assert "350 万元 more" in rev.text_en and "还差350万元" in rev.text_zh
    assert rev.addressed_by == ["upgrade_guidance"]
    assert cl.rungs[1].candidate_id is None  # not on this year's list for that rung


def test_little_giant_debt_ceiling(wb):
    cl = firm_checklist(wb, "F3")
    assert [r.rung for r in cl.rungs] == ["little_giant"]
    debt = line(cl, "little_giant", "debt_ratio")
    assert not debt.met and debt.comparison == "<="
    assert debt.gap == pytest.approx(0.08)
    assert debt.text_en.endswith("at most 70.0%: −8.0 points")
    assert "需降低8.0个百分点" in debt.text_zh
    # revenue 20,000 万元 ≥ 10,000: the R&D bar is 3% in both years, met at 4.5%
    assert line(cl, "little_giant", "rd_ratio_2y_min").met
    assert line(cl, "little_giant", "niche_market_share").met
    assert not cl.rungs[0].eligible
    assert [x.criterion for x in cl.gaps() if not x.alternative] == ["debt_ratio"]
    assert line(cl, "little_giant", "debt_ratio").timing == "next_year"  # last year's balance sheet


def test_plan_choice_and_markdown_both_languages(wb):
    plan = {"F1-srdi": "coaching_ip_rd_subsidy"}
    cl = firm_checklist(wb, "F1", choices=plan)
    assert cl.rungs[0].planned_option == "coaching_ip_rd_subsidy"
    assert [s["planned"] for s in cl.support] == [False, True]
    zh = checklist_markdown(cl, "zh")
    en = checklist_markdown(cl, "en")
    assert zh.startswith("# 企业明白纸：甲科技（F1）")
    assert "（方案已安排）" in zh and "(in the plan)" in en
    assert "- [ ] 上年度研发费用专项审计（鉴证）报告" in zh
    assert "Materials to prepare" in en and "Cautions" in en
    assert "✗ R&D 2.1% of revenue" in en
    with pytest.raises(ValueError):
        checklist_markdown(cl, "fr")
    assert firm_checklist_bytes(wb, "F1", lang="en").decode("utf-8") == checklist_markdown(
        firm_checklist(wb, "F1"), "en"
    )
    with pytest.raises(KeyError):
        firm_checklist(wb, "F9")


def test_district_downloads(wb):
    assert district_firm_ids(wb, "环翠区") == ["F1", "F2"]  # F3 is not on the candidate list
    assert district_firm_ids(wb, "环翠区", candidates_only=False) == ["F1", "F2", "F3"]
    table = district_checklist_table(wb, "环翠区")
    assert set(table["firm_id"]) == {"F1", "F2"}
    assert table.loc[table["criterion"] == "rd_ratio", "money_gap"].iloc[0] == pytest.approx(45)
    data = district_checklists_bytes(wb, "环翠区", fmt="csv")
    assert data.startswith("\ufeff".encode())  # Excel on a Chinese-locale PC reads UTF-8 with BOM
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert len(back) == len(table) and "text_zh" in back.columns
    md = district_checklists_bytes(wb, "环翠区", lang="zh").decode("utf-8")
    assert md.count("# 企业明白纸") == 2 and "\n---\n" in md
    assert district_checklists_bytes(wb, "无此区") == b""
    with pytest.raises(ValueError):
        district_checklists_bytes(wb, "环翠区", fmt="pdf")


def test_demo_checklists(demo_workbook):
    firms = demo_workbook.enterprises
    some = firms["firm_id"].head(30).tolist()
    for fid in some:
        cl = firm_checklist(demo_workbook, fid)
        assert cl.rungs, fid
        for ln in cl.lines:
            assert ln.met == (ln.gap == 0) or ln.alternative
            assert ln.text_zh and ln.text_en
            assert ln.met or ln.alternative or ln.timing in ("this_year", "next_year")
            # support addresses only gaps it can close this year
            assert not ln.addressed_by or ln.timing == "this_year"


def test_ten_billion_award_on_the_checklist():
    sheets = dict(SHEETS)
    sheets["candidates"] += "F6-ten_billion,己集团,enterprise,荣成市,0.3,F6,ten_billion\n"
    sheets["contributions"] += "F6-ten_billion,new_srdi,1\n"
    sheets["enterprises"] += (
        "F6,己集团,荣成市,先进装备与智能制造,large,none,930000,0.06,0.06,9000,0.01,0.5,0.8,5,9,"
        "20,Y,Y,0,0.2,Y\n"
    )
    big = validate_tables({k: raw_from_csv(v) for k, v in sheets.items()})
    cl = firm_checklist(big, "F6")
    (rs,) = [r for r in cl.rungs if r.rung == "ten_billion"]
    assert rs.award == 1000.0 and rs.chance_this_year
    rev = line(cl, "ten_billion", "revenue")
    assert rev.timing == "this_year" and rev.gap == pytest.approx(70_000.0)
    zh = checklist_markdown(cl, "zh")
    assert "达到后可获市级奖励1,000万元" in zh and "威政发〔2022〕3号" not in zh
