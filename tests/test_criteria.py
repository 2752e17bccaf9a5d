"""The ladder's criteria (data.criteria) against hand-computed cases from docs/domain.md §2."""

from __future__ import annotations

import math

import pytest

from data import criteria


def _firm(**values: object) -> dict[str, object]:
    """A firm that meets nothing in particular; tests set what their case is about."""
    firm: dict[str, object] = {
        "quality_tier": "none",
        "revenue": 3000.0,
        "revenue_growth": 0.0,
        "growth_2y_avg": 0.0,
        "rd_expense": 0.0,
        "rd_ratio": 0.0,
        "debt_ratio": 0.9,
        "main_business_share": 0.4,
        "ip_class1": 0,
        "ip_other": 0,
        "years_in_niche": 1,
        "strategic_emerging": "N",
        "high_tech_cert": "N",
        "equity_financing_3y": 0.0,
        "niche_market_share": 0.0,
        "has_rd_institution": "N",
    }
    firm.update(values)
    return firm


def _by_name(check: criteria.RungCheck) -> dict[str, criteria.CriterionResult]:
    return {c.name: c for c in check.criteria}


def test_above_size_threshold_both_sides():
    at = criteria.check_above_size(_firm(revenue=2000.0))
    below = criteria.check_above_size(_firm(revenue=1999.5))
    assert at.eligible and at.gap_index == 0.0
    assert not below.eligible
    (c,) = below.criteria
    assert (c.name, c.threshold, c.met) == ("revenue", 2000.0, False)
    assert c.gap == pytest.approx(0.5)
    assert below.gap_index == pytest.approx(0.5 / 2000.0)


def test_ten_billion_threshold():
    assert criteria.check_ten_billion(_firm(revenue=1_000_000.0)).eligible
    check = criteria.check_ten_billion(_firm(revenue=900_000.0))
    assert not check.eligible
    assert check.criteria[0].gap == pytest.approx(100_000.0)


def test_innovative_sme_score_hand_computed():
    # IP: one class-I item 15; R&D 3.5 % → 15; growth 12 % → 15; debt 60 % → 5;
    # strategic emerging 10; main business 65 % → 15. Innovation 30, growth 20, specialisation 25.
    firm = _firm(
        ip_class1=1,
        rd_ratio=0.035,
        revenue_growth=0.12,
        debt_ratio=0.60,
        strategic_emerging="Y",
        main_business_share=0.65,
    )
    points = criteria.innovative_sme_points(firm)
    assert points["ip"] == 15 and points["rd_ratio"] == 15
    assert points["revenue_growth"] == 15 and points["debt_ratio"] == 5
    assert points["sector"] == 10 and points["main_share"] == 15
    assert (points["innovation"], points["growth"], points["specialisation"]) == (30, 20, 25)
    assert points["total"] == 75
    check = criteria.check_innovative_sme(firm)
    assert check.eligible and check.route == "criteria"
    assert not check.unmet[0].met and check.unmet[0].name == "direct_route"
    assert check.gap_index == 0.0


def test_innovative_sme_band_edges():
    assert criteria.innovative_sme_points(_firm(rd_ratio=0.05))["rd_ratio"] == 20
    assert criteria.innovative_sme_points(_firm(rd_ratio=0.0499))["rd_ratio"] == 15
    assert criteria.innovative_sme_points(_firm(rd_ratio=0.0099))["rd_ratio"] == 0
    assert criteria.innovative_sme_points(_firm(revenue_growth=0.15))["revenue_growth"] == 20
    assert criteria.innovative_sme_points(_firm(revenue_growth=-0.01))["revenue_growth"] == 0
    assert criteria.innovative_sme_points(_firm(debt_ratio=0.55))["debt_ratio"] == 10
    assert criteria.innovative_sme_points(_firm(debt_ratio=0.75))["debt_ratio"] == 5
    assert criteria.innovative_sme_points(_firm(debt_ratio=0.7501))["debt_ratio"] == 0
    assert criteria.innovative_sme_points(_firm(main_business_share=0.5))["main_share"] == 5
    assert criteria.innovative_sme_points(_firm(ip_class1=2))["ip"] == 20
    assert criteria.innovative_sme_points(_firm(ip_other=3))["ip"] == 5
    assert criteria.innovative_sme_points(_firm(strategic_emerging="N"))["sector"] == 5


def test_innovative_sme_sub_minimum_blocks_a_passing_total():
    # 20 + 20 + 0 + 0 + 10 + 20 = 70 ≥ 60, but growth 0 < 15: not eligible.
    firm = _firm(
        ip_class1=2,
        rd_ratio=0.06,
        revenue_growth=-0.02,
        debt_ratio=0.80,
        strategic_emerging="Y",
        main_business_share=0.8,
    )
    check = criteria.check_innovative_sme(firm)
    found = _by_name(check)
    assert found["innovation_score"].met and found["innovation_score"].value == 70
    assert not found["growth_points"].met and found["growth_points"].gap == 15
    assert not check.eligible and check.route == ""
    # the direct route is an alternative, not a gap: only growth counts (15 / 15 = 1)
    assert check.gap_index == pytest.approx(1.0)


@pytest.mark.parametrize(
    "extra",
    [
        {"high_tech_cert": "Y"},
        {"st_award": "是"},
        {"rd_institution_level": "provincial"},
        {"has_rd_institution": "Y"},  # read as provincial-or-higher when the level is missing
        {"equity_financing_3y": 500.0},
    ],
)
def test_innovative_sme_direct_routes(extra):
    check = criteria.check_innovative_sme(_firm(**extra))
    assert check.eligible and check.route == "direct"
    assert check.gap_index == 0.0


def test_innovative_sme_no_direct_route_below_the_lines():
    assert not criteria.check_innovative_sme(_firm(equity_financing_3y=499.0)).eligible
    assert not criteria.check_innovative_sme(_firm(rd_institution_level="city")).eligible


def test_srdi_conditions_and_gaps():
    firm = _firm(
        quality_tier="innovative_sme",
        years_in_niche=3,
        rd_expense=90.0,
        rd_ratio=0.035,
        revenue=800.0,
        equity_financing_3y=2500.0,  # replaces the revenue condition
        refinement_index=0.5,
    )
    check = criteria.check_srdi(firm)
    found = _by_name(check)
    assert found["is_innovative_sme"].met
    assert found["years_in_niche"].met
    assert not found["rd_expense"].met and found["rd_expense"].gap == pytest.approx(10.0)
    assert found["rd_ratio"].met
    assert found["revenue_or_equity"].met
    assert not check.eligible
    # a firm not yet an innovative SME cannot be SRDI
    assert not _by_name(criteria.check_srdi(_firm()))["is_innovative_sme"].met


def test_srdi_proxy_score_hand_computed():
    firm = _firm(
        main_business_share=0.85,  # 5
        growth_2y_avg=0.12,  # 8
        years_in_niche=6,  # 3
        strategic_emerging="Y",  # 5 → specialisation 21
        debt_ratio=0.45,  # 5
        refinement_index=0.5,  # 10 → refinement 15
        niche_market_share=0.03,  # 10 + 3 → local 13
        ip_class1=3,  # 8
        rd_expense=600.0,  # 8
        rd_ratio=0.045,  # 3
        rd_institution_level="provincial",  # 8 → innovation 27
    )
    points = criteria.srdi_points(firm)
    assert points["specialisation"] == 21
    assert points["refinement"] == 15
    assert points["local_features"] == 13
    assert points["innovation"] == 27
    assert points["total"] == 76 == criteria.srdi_score(firm)


def test_srdi_eligible_firm():
    firm = _firm(
        quality_tier="innovative_sme",
        years_in_niche=6,
        rd_expense=600.0,
        rd_ratio=0.045,
        revenue=13_000.0,
        main_business_share=0.85,
        growth_2y_avg=0.12,
        strategic_emerging="Y",
        debt_ratio=0.45,
        niche_market_share=0.03,
        ip_class1=3,
        rd_institution_level="provincial",
    )
    check = criteria.check_srdi(firm)
    assert check.eligible and check.route == "criteria" and check.gap_index == 0.0


def test_little_giant_rd_threshold_depends_on_revenue():
    assert criteria.little_giant_rd_ratio_threshold(12_000.0) == 0.03
    assert criteria.little_giant_rd_ratio_threshold(8_000.0) == 0.06
    good = dict(
        quality_tier="srdi",
        years_in_niche=5,
        main_business_share=0.8,
        growth_2y_avg=0.08,
        debt_ratio=0.5,
        niche_market_share=0.12,
        rd_ratio=0.05,
        rd_institution_level="city",
        ip_class1=2,
    )
    assert criteria.check_little_giant(_firm(revenue=12_000.0, **good)).eligible
    small = criteria.check_little_giant(_firm(revenue=8_000.0, **good))
    assert not small.eligible
    assert [c.name for c in small.unmet] == ["rd_ratio"]
    assert small.unmet[0].gap == pytest.approx(0.01)
    assert small.gap_index == pytest.approx(0.01 / 0.06)


def test_little_giant_debt_is_an_upper_limit():
    check = criteria.check_little_giant(_firm(quality_tier="srdi", debt_ratio=0.72))
    debt = _by_name(check)["debt_ratio"]
    assert debt.comparison == "<=" and not debt.met
    assert debt.gap == pytest.approx(0.02)
    assert _by_name(criteria.check_little_giant(_firm(debt_ratio=0.70)))["debt_ratio"].met


def test_champion_provincial_and_national():
    assert criteria.check_champion(_firm(provincial_rank=1, national_rank=4)).eligible
    second = criteria.check_champion(_firm(provincial_rank=2, national_rank=4))
    assert not second.eligible and second.gap_index == pytest.approx(1.0)
    unranked = criteria.check_champion(_firm())
    assert not unranked.eligible and unranked.gap_index == pytest.approx(2.0)
    national = criteria.check_champion(
        _firm(quality_tier="champion", years_in_niche=12, global_rank=2), level="national"
    )
    assert national.eligible
    not_provincial = criteria.check_champion(
        _firm(quality_tier="little_giant", years_in_niche=12, global_rank=2), level="national"
    )
    assert not not_provincial.eligible
    with pytest.raises(ValueError):
        criteria.check_champion(_firm(), level="world")


def test_check_rung_dispatch_and_ladder():
    assert criteria.check_rung(_firm(revenue=2500.0), "above_size").eligible
    with pytest.raises(ValueError, match="unknown rung"):
        criteria.check_rung(_firm(), "unicorn")
    assert criteria.next_quality_rung("none") == "innovative_sme"
    assert criteria.next_quality_rung("little_giant") == "champion"
    assert criteria.next_quality_rung("champion") is None
    assert set(criteria.CHECKS) == set(criteria.RUNGS)


def test_flag_reads_spreadsheet_yes_no():
    assert criteria.flag("Y") and criteria.flag("是") and criteria.flag(True) and criteria.flag(1)
    assert not criteria.flag("N") and not criteria.flag("") and not criteria.flag(None)
    assert not criteria.flag(math.nan) and not criteria.flag(0)


def test_missing_numbers_are_not_met():
    check = criteria.check_little_giant({"quality_tier": "srdi", "revenue": "n/a"})
    assert not check.eligible
    assert _by_name(check)["is_srdi"].met and not _by_name(check)["ip_class1"].met


def test_every_criterion_has_a_checklist_label():
    checks = [criteria.check_rung(_firm(), rung) for rung in criteria.RUNGS]
    checks.append(criteria.check_champion(_firm(), level="national"))
    names = {c.name for check in checks for c in check.criteria}
    assert names <= set(criteria.CRITERION_LABELS)


def test_checklist_frame_lists_every_criterion_with_its_gap():
    sheet = criteria.checklist_frame(_firm(quality_tier="srdi", debt_ratio=0.72), "little_giant")
    assert list(sheet.columns) == [
        "criterion", "label_zh", "label_en", "value", "comparison", "threshold", "met", "gap",
        "alternative",
    ]  # fmt: skip
    debt = sheet.set_index("criterion").loc["debt_ratio"]
    assert debt["label_zh"] == "资产负债率" and debt["comparison"] == "<="
    assert not debt["met"] and debt["gap"] == pytest.approx(0.02)
    assert sheet.set_index("criterion").loc["is_srdi", "met"]
