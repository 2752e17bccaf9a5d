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
    gate, c = below.criteria
    assert gate.name == "manufacturing" and gate.met  # blank sector: the 工信局's industrial list
    assert (c.name, c.threshold, c.met) == ("revenue", 2000.0, False)
    assert c.gap == pytest.approx(0.5)
    assert below.gap_index == pytest.approx(0.5 / 2000.0)


def test_ten_billion_threshold():
    assert criteria.check_ten_billion(_firm(revenue=1_000_000.0)).eligible
    check = criteria.check_ten_billion(_firm(revenue=900_000.0))
    assert not check.eligible
    assert check.criteria[0].gap == pytest.approx(100_000.0)


def test_innovative_sme_score_hand_computed():
    # IP: one class-I item 10; R&D 3.5 % (and 105 万元) → 5; growth 12 % → 15; debt 60 % → 5;
    # strategic emerging 10; main business 65 % → 15. Innovation 15, growth 20, specialisation 25.
    firm = _firm(
        ip_class1=1,
        rd_ratio=0.035,
        rd_expense=105.0,
        revenue_growth=0.12,
        debt_ratio=0.60,
        strategic_emerging="Y",
        main_business_share=0.65,
    )
    points = criteria.innovative_sme_points(firm)
    assert points["ip"] == 10 and points["rd_ratio"] == 5
    assert points["revenue_growth"] == 15 and points["debt_ratio"] == 5
    assert points["sector"] == 10 and points["main_share"] == 15
    assert (points["innovation"], points["growth"], points["specialisation"]) == (15, 20, 25)
    assert points["total"] == 60
    check = criteria.check_innovative_sme(firm)
    # 60 in all, but innovation 15 < 20: not by the score
    assert not check.eligible and check.route == ""
    assert [c.name for c in check.unmet] == ["innovation_points", "direct_route"]
    # a self-developed class-I item (15) lifts innovation to 20: eligible
    own = criteria.check_innovative_sme({**firm, "ip_class1_own": 1})
    assert own.eligible and own.route == "criteria" and own.gap_index == 0.0


@pytest.mark.parametrize(
    ("ip", "points"),
    [
        ({"ip_class1_high_value": 1, "ip_class1": 1}, 20),
        ({"ip_class1_own": 1, "ip_class1": 1}, 15),
        ({"ip_class1": 1}, 10),
        ({"ip_class1": 3}, 10),  # many class-I items are still class-I, not high-value
        ({"ip_other": 1}, 5),
        ({}, 0),
    ],
)
def test_innovative_sme_ip_tiers(ip, points):
    assert criteria.innovative_sme_points(_firm(**ip))["ip"] == points


@pytest.mark.parametrize(
    ("amount", "ratio", "points"),
    [
        (500.0, 0.0, 20),
        (499.9, 0.0, 15),
        (400.0, 0.0, 15),
        (300.0, 0.0, 10),
        (200.0, 0.0, 5),
        (199.9, 0.0, 0),
        (0.0, 0.10, 20),
        (0.0, 0.0999, 15),
        (0.0, 0.08, 15),
        (0.0, 0.06, 10),
        (0.0, 0.03, 5),
        (0.0, 0.0299, 0),
        (250.0, 0.09, 15),  # the better of the two bands
    ],
)
def test_innovative_sme_rd_bands_amount_or_share(amount, ratio, points):
    firm = _firm(rd_expense=amount, rd_ratio=ratio)
    assert criteria.innovative_sme_points(firm)["rd_ratio"] == points


def test_innovative_sme_band_edges():
    assert criteria.innovative_sme_points(_firm(revenue_growth=0.15))["revenue_growth"] == 20
    assert criteria.innovative_sme_points(_firm(revenue_growth=0.1499))["revenue_growth"] == 15
    assert criteria.innovative_sme_points(_firm(revenue_growth=0.10))["revenue_growth"] == 15
    assert criteria.innovative_sme_points(_firm(revenue_growth=0.05))["revenue_growth"] == 10
    assert criteria.innovative_sme_points(_firm(revenue_growth=0.0))["revenue_growth"] == 5
    assert criteria.innovative_sme_points(_firm(revenue_growth=-0.01))["revenue_growth"] == 0
    assert criteria.innovative_sme_points(_firm(debt_ratio=0.55))["debt_ratio"] == 10
    assert criteria.innovative_sme_points(_firm(debt_ratio=0.75))["debt_ratio"] == 5
    assert criteria.innovative_sme_points(_firm(debt_ratio=0.7501))["debt_ratio"] == 0
    assert criteria.innovative_sme_points(_firm(main_business_share=0.70))["main_share"] == 20
    assert criteria.innovative_sme_points(_firm(main_business_share=0.60))["main_share"] == 15
    assert criteria.innovative_sme_points(_firm(main_business_share=0.55))["main_share"] == 10
    assert criteria.innovative_sme_points(_firm(main_business_share=0.5))["main_share"] == 5
    assert criteria.innovative_sme_points(_firm(main_business_share=0.4999))["main_share"] == 0
    assert criteria.innovative_sme_points(_firm(strategic_emerging="N"))["sector"] == 5
    assert criteria.innovative_sme_points(_firm(strategic_emerging="Y"))["sector"] == 10


def test_innovative_sme_sub_minimum_blocks_a_passing_total():
    # 20 + 20 + 0 + 0 + 10 + 20 = 70 ≥ 60, but growth 0 < 15: not eligible.
    firm = _firm(
        ip_class1_high_value=1,
        rd_ratio=0.12,
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


def test_srdi_three_year_equity_stands_in_when_the_two_year_figure_is_not_held():
    firm = _firm(
        quality_tier="innovative_sme",
        years_in_niche=3,
        rd_expense=90.0,
        rd_ratio=0.035,
        revenue=800.0,
        equity_financing_3y=2500.0,  # replaces the revenue condition (no 2-year figure held)
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


def test_srdi_score_hand_computed():
    firm = _firm(
        main_business_share=0.85,  # 5
        growth_2y_avg=0.12,  # 10
        years_in_niche=7,  # 3 (three full two-year spans)
        chain_role="base",  # 3 → specialisation 21
        digital_level=2,  # 3
        quality_items=1,  # 3
        net_margin=0.07,  # 6
        debt_ratio=0.45,  # 5 → refinement 17
        local_feature_points=9,  # 9
        ip_class1=3,  # 6
        rd_expense=600.0,  # 10 (≥ 500 万元)
        rd_ratio=0.045,
        rd_staff_share=0.12,  # 3
        rd_institution_level="provincial",  # 8 → innovation 27
    )
    points = criteria.srdi_points(firm)
    assert points["specialisation"] == 21
    assert points["refinement"] == 17
    assert points["local_features"] == 9
    assert points["innovation"] == 27
    assert points["total"] == 74 == criteria.srdi_score(firm)


def test_srdi_no_free_points():
    # a firm with nothing scores nothing: no base points for local features or refinement
    empty = {"quality_tier": "innovative_sme"}
    assert criteria.srdi_score(empty) == 0
    assert criteria.srdi_points(_firm())["local_features"] == 0


@pytest.mark.parametrize(
    ("key", "value", "indicator", "points"),
    [
        ("main_business_share", 0.80, "main_share", 5),
        ("main_business_share", 0.7999, "main_share", 3),
        ("main_business_share", 0.70, "main_share", 3),
        ("main_business_share", 0.60, "main_share", 1),
        ("main_business_share", 0.5999, "main_share", 0),
        ("growth_2y_avg", 0.10, "growth_2y", 10),
        ("growth_2y_avg", 0.0999, "growth_2y", 8),
        ("growth_2y_avg", 0.06, "growth_2y", 6),
        ("growth_2y_avg", 0.04, "growth_2y", 4),
        ("growth_2y_avg", 0.0, "growth_2y", 2),
        ("growth_2y_avg", -0.001, "growth_2y", 0),
        ("years_in_niche", 1.9, "years", 0),
        ("years_in_niche", 2, "years", 1),
        ("years_in_niche", 3.9, "years", 1),
        ("years_in_niche", 4, "years", 2),
        ("years_in_niche", 10, "years", 5),
        ("years_in_niche", 30, "years", 5),
        ("chain_role", "key", "chain_role", 5),
        ("chain_role", "base", "chain_role", 3),
        ("chain_role", "", "chain_role", 0),
        ("digital_level", 3, "digital", 5),
        ("digital_level", 2, "digital", 3),
        ("digital_level", 1, "digital", 0),
        ("quality_items", 1, "quality", 3),
        ("quality_items", 2, "quality", 5),
        ("quality_items", 4, "quality", 5),
        ("net_margin", 0.10, "net_margin", 10),
        ("net_margin", 0.08, "net_margin", 8),
        ("net_margin", 0.02, "net_margin", 2),
        ("net_margin", 0.0199, "net_margin", 0),
        ("debt_ratio", 0.50, "debt", 5),
        ("debt_ratio", 0.60, "debt", 3),
        ("debt_ratio", 0.70, "debt", 1),
        ("debt_ratio", 0.7001, "debt", 0),
        ("local_feature_points", 20, "local", 15),
        ("ip_class1_high_value", 1, "ip", 10),
        ("ip_class1_own", 1, "ip", 8),
        ("ip_class1", 1, "ip", 6),
        ("ip_other", 1, "ip", 2),
        ("rd_expense", 500.0, "rd", 10),
        ("rd_expense", 400.0, "rd", 8),
        ("rd_expense", 300.0, "rd", 6),
        ("rd_expense", 200.0, "rd", 4),
        ("rd_expense", 199.0, "rd", 0),
        ("rd_ratio", 0.10, "rd", 10),
        ("rd_ratio", 0.03, "rd", 4),
        ("rd_ratio", 0.0299, "rd", 0),
        ("rd_staff_share", 0.20, "rd_staff", 5),
        ("rd_staff_share", 0.10, "rd_staff", 3),
        ("rd_staff_share", 0.05, "rd_staff", 1),
        ("rd_staff_share", 0.0499, "rd_staff", 0),
        ("rd_institution_level", "national", "institution", 10),
        ("rd_institution_level", "provincial", "institution", 8),
        ("rd_institution_level", "city", "institution", 4),
        ("rd_institution_level", "below_city", "institution", 2),
        ("rd_institution_level", "none", "institution", 0),
    ],
)
def test_srdi_indicator_bands(key, value, indicator, points):
    assert criteria.srdi_points(_firm(**{key: value}))[indicator] == points


def _srdi_firm(**extra: object) -> dict[str, object]:
    """An innovative SME that meets every SRDI condition by its score (74)."""
    firm = _firm(
        quality_tier="innovative_sme",
        years_in_niche=7,
        rd_expense=600.0,
        rd_ratio=0.045,
        revenue=13_000.0,
        main_business_share=0.85,
        growth_2y_avg=0.12,
        chain_role="base",
        digital_level=2,
        quality_items=1,
        net_margin=0.07,
        debt_ratio=0.45,
        local_feature_points=9,
        ip_class1=3,
        rd_staff_share=0.12,
        rd_institution_level="provincial",
    )
    firm.update(extra)
    return firm


def test_srdi_eligible_firm():
    check = criteria.check_srdi(_srdi_firm())
    assert check.eligible and check.route == "criteria" and check.gap_index == 0.0


def test_srdi_conditions_and_gaps():
    firm = _firm(
        quality_tier="innovative_sme",
        years_in_niche=3,
        rd_expense=90.0,
        rd_ratio=0.035,
        revenue=800.0,
        equity_financing_2y=2000.0,  # replaces the revenue condition
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


@pytest.mark.parametrize(
    ("extra", "met"),
    [
        ({"years_in_niche": 2}, True),
        ({"years_in_niche": 1.9}, False),
        ({"rd_expense": 100.0, "rd_ratio": 0.03}, True),
        ({"rd_expense": 99.9}, False),
        ({"rd_ratio": 0.0299}, False),
        ({"revenue": 1000.0}, True),
        ({"revenue": 999.0}, False),
        ({"revenue": 999.0, "equity_financing_2y": 2000.0}, True),
        ({"revenue": 999.0, "equity_financing_2y": 1999.0}, False),
        # last year's revenue decides, not this year's
        ({"revenue": 5000.0, "revenue_last_year": 999.0}, False),
    ],
)
def test_srdi_basic_thresholds(extra, met):
    assert criteria.check_srdi(_srdi_firm(**extra)).eligible is met


@pytest.mark.parametrize(
    ("extra", "direct"),
    [
        ({"st_award_level": "provincial", "st_award_rank": 3}, True),
        ({"st_award_level": "provincial", "st_award_rank": 4}, False),
        ({"st_award_level": "national", "st_award_rank": 5}, True),
        ({"st_award_level": "national", "st_award_rank": 6}, False),
        ({"rd_expense": 1000.0, "rd_expense_prev": 1000.0}, True),
        ({"rd_expense": 1200.0, "rd_expense_prev": 799.0}, False),  # average 999.5
        ({"equity_financing_2y": 6000.0}, True),
        ({"equity_financing_2y": 5999.0}, False),
        ({"chuangke_top500": "Y"}, True),
        ({}, False),
    ],
)
def test_srdi_direct_routes(extra, direct):
    assert criteria.srdi_direct_route(_firm(**extra)) is direct
    # a direct route replaces the score, not the basic conditions
    weak = _srdi_firm(local_feature_points=0, rd_institution_level="none", chain_role="", **extra)
    assert criteria.srdi_score(weak) < criteria.SRDI_PASS
    assert criteria.check_srdi(weak).eligible is direct


@pytest.mark.parametrize(
    ("employees", "revenue", "sme"),
    [
        (999, 50_000.0, True),  # fewer than 1,000 employees
        (1000, 39_999.0, True),  # revenue under 40,000 万元
        (1000, 40_000.0, False),
        (None, 39_999.0, True),  # employees unknown: revenue decides
        (None, 40_000.0, False),
    ],
)
def test_sme_rule_2011(employees, revenue, sme):
    firm = _srdi_firm(revenue_last_year=revenue)
    if employees is not None:
        firm["employees"] = employees
    assert criteria.is_sme(firm) is sme
    assert criteria.check_srdi(firm).eligible is sme
    assert _by_name(criteria.check_innovative_sme(firm))["sme"].met is sme
    # the single champion is not an SME ladder
    assert "sme" not in _by_name(criteria.check_champion(firm))


@pytest.mark.parametrize(("sector", "ok"), [("C", True), ("c", True), ("", True), ("R", False)])
def test_manufacturing_only_ladders(sector, ok):
    firm = _srdi_firm(sector=sector)
    for rung in ("above_size", "srdi", "little_giant", "champion"):
        assert _by_name(criteria.check_rung(firm, rung))["manufacturing"].met is ok, rung
    assert criteria.check_srdi(firm).eligible is ok
    assert criteria.check_above_size({**firm, "revenue": 5000.0}).eligible is ok
    # the innovative-SME evaluation and 百亿 are not manufacturing-only
    assert "manufacturing" not in _by_name(criteria.check_innovative_sme(firm))
    assert criteria.check_ten_billion({"sector": "R", "revenue": 1_000_000.0}).eligible


def _giant(**extra: object) -> dict[str, object]:
    """A provincial SRDI firm that meets every little-giant condition at 12,000 万元 revenue."""
    firm = _firm(
        quality_tier="srdi",
        revenue=12_000.0,
        years_in_niche=5,
        main_business_share=0.8,
        growth_2y_avg=0.08,
        debt_ratio=0.5,
        niche_market_share=0.12,
        rd_ratio=0.05,
        rd_ratio_prev=0.05,
        rd_institution_level="city",
        ip_class1=2,
        management_certified="Y",
        own_brand="Y",
        chain_role="key",
        key_field="Y",
    )
    firm.update(extra)
    return firm


def test_little_giant_rd_threshold_depends_on_revenue():
    assert criteria.little_giant_rd_ratio_threshold(10_000.0) == 0.03
    assert criteria.little_giant_rd_ratio_threshold(9_999.0) == 0.06
    assert criteria.check_little_giant(_giant()).eligible
    small = criteria.check_little_giant(_giant(revenue=8_000.0))
    assert not small.eligible
    assert [c.name for c in small.unmet if not c.alternative] == ["rd_ratio_2y_min"]
    assert small.unmet[0].gap == pytest.approx(0.01)
    assert small.gap_index == pytest.approx(0.01 / 0.06)


@pytest.mark.parametrize(
    ("last", "prev", "ok"),
    [(0.03, 0.03, True), (0.05, 0.0299, False), (0.0299, 0.05, False), (0.04, None, True)],
)
def test_little_giant_rd_ratio_in_both_years(last, prev, ok):
    firm = _giant(rd_ratio=last, rd_ratio_prev=prev)
    if prev is None:
        del firm["rd_ratio_prev"]  # not held: last year's figure stands for both [E]
    assert criteria.check_little_giant(firm).eligible is ok


@pytest.mark.parametrize(
    ("extra", "ok"),
    [
        ({"equity_financing_2y": 8000.0, "rd_expense": 1500.0, "rd_expense_prev": 1500.0,
          "rd_staff_share": 0.5}, True),
        ({"equity_financing_2y": 7999.0, "rd_expense": 1500.0, "rd_expense_prev": 1500.0,
          "rd_staff_share": 0.5}, False),
        ({"equity_financing_2y": 8000.0, "rd_expense": 1500.0, "rd_expense_prev": 1499.0,
          "rd_staff_share": 0.5}, False),
        ({"equity_financing_2y": 8000.0, "rd_expense": 1500.0, "rd_expense_prev": 1500.0,
          "rd_staff_share": 0.4999}, False),
    ],
)  # fmt: skip
def test_little_giant_branch_below_5000(extra, ok):
    firm = _giant(revenue=4999.0, rd_ratio=0.9, **extra)
    check = criteria.check_little_giant(firm)
    assert "rd_ratio_2y_min" not in _by_name(check)
    assert check.eligible is ok
    # at 5,000 万元 the R&D-ratio rule applies instead (6 % in both years)
    at = criteria.check_little_giant(_giant(revenue=5000.0, rd_ratio=0.06, rd_ratio_prev=0.06))
    assert at.eligible and "equity_financing_2y" not in _by_name(at)


@pytest.mark.parametrize(
    "item", ["management_certified", "own_brand", "chain_role", "key_field", "has_rd_institution"]
)
def test_little_giant_jing_te_lian_pin_items(item):
    firm = _giant()
    blank = {**firm, item: ""} if item != "has_rd_institution" else firm
    assert criteria.check_little_giant(blank).eligible  # not held: attested by the recommendation
    if item == "has_rd_institution":
        firm["rd_institution_level"] = "none"
    else:
        firm[item] = "N" if item != "chain_role" else "base"
    assert not criteria.check_little_giant(firm).eligible


@pytest.mark.parametrize(
    ("extra", "ok"),
    [
        ({"st_award_level": "national", "st_award_rank": 3}, True),
        ({"st_award_level": "national", "st_award_rank": 4}, False),
        ({"st_award_level": "provincial", "st_award_rank": 1}, False),
        ({"chuangke_top50": "Y"}, True),
    ],
)
def test_little_giant_innovation_direct_route(extra, ok):
    weak = _giant(rd_ratio=0.01, rd_ratio_prev=0.01, ip_class1=0, **extra)
    check = criteria.check_little_giant(weak)
    assert check.eligible is ok
    if ok:
        assert check.route == "direct"
        # the direct route replaces innovation only
        assert not criteria.check_little_giant({**weak, "debt_ratio": 0.71}).eligible


def test_little_giant_boundaries():
    assert criteria.check_little_giant(_giant(years_in_niche=3)).eligible
    assert not criteria.check_little_giant(_giant(years_in_niche=2.9)).eligible
    assert criteria.check_little_giant(_giant(main_business_share=0.70)).eligible
    assert not criteria.check_little_giant(_giant(main_business_share=0.6999)).eligible
    assert criteria.check_little_giant(_giant(growth_2y_avg=0.05)).eligible
    assert not criteria.check_little_giant(_giant(growth_2y_avg=0.0499)).eligible
    assert criteria.check_little_giant(_giant(niche_market_share=0.10)).eligible
    assert not criteria.check_little_giant(_giant(niche_market_share=0.0999)).eligible
    assert not criteria.check_little_giant(_giant(ip_class1=1)).eligible
    assert not criteria.check_little_giant(_giant(quality_tier="innovative_sme")).eligible


def test_little_giant_debt_is_an_upper_limit():
    check = criteria.check_little_giant(_firm(quality_tier="srdi", debt_ratio=0.72))
    debt = _by_name(check)["debt_ratio"]
    assert debt.comparison == "<=" and not debt.met
    assert debt.gap == pytest.approx(0.02)
    assert _by_name(criteria.check_little_giant(_firm(debt_ratio=0.70)))["debt_ratio"].met


def _champion(**extra: object) -> dict[str, object]:
    firm = _firm(
        quality_tier="none",
        provincial_rank=1,
        national_rank=5,
        years_in_field=3,
        sales_3y_min=40_000.0,
        main_product_share=0.70,
    )
    firm.update(extra)
    return firm


def test_champion_provincial_and_national():
    assert criteria.check_champion(_champion()).eligible
    second = criteria.check_champion(_champion(provincial_rank=2))
    assert not second.eligible and second.gap_index == pytest.approx(1.0)
    assert not criteria.check_champion(_champion(national_rank=6)).eligible
    unranked = criteria.check_champion(_champion(provincial_rank=None, national_rank=None))
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


@pytest.mark.parametrize(
    ("extra", "ok"),
    [
        ({"years_in_field": 2.9}, False),
        ({"main_product_share": 0.6999}, False),
        ({"sales_3y_min": 39_999.0}, False),
        # the little-giant and SRDI routes instead of 4 亿元 sales
        ({"sales_3y_min": 5000.0, "quality_tier": "little_giant"}, True),
        ({"sales_3y_min": 10_000.0, "quality_tier": "srdi"}, True),
        ({"sales_3y_min": 9_999.0, "quality_tier": "srdi"}, False),
        ({"sector": "F"}, False),  # manufacturing only
    ],
)
def test_champion_provincial_boundaries(extra, ok):
    assert criteria.check_champion(_champion(**extra)).eligible is ok


def test_ten_billion_floor_stretch_and_award_per_step():
    assert criteria.TEN_BILLION_GOAL_FLOOR == 1 and criteria.TEN_BILLION_GOAL_STRETCH == 2
    assert criteria.ten_billion_steps(950_000.0, 1_000_000.0) == [1]
    assert criteria.ten_billion_steps(950_000.0, 999_999.0) == []
    assert criteria.ten_billion_award(950_000.0, 1_000_000.0) == 1000.0  # first crossing
    assert criteria.ten_billion_award(1_500_000.0, 2_000_000.0) == 1000.0  # a further step
    assert criteria.ten_billion_award(900_000.0, 2_100_000.0) == 2000.0  # both in one year
    assert criteria.ten_billion_award(1_000_000.0, 1_999_999.0) == 0.0


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


# ---------------------------------------------------------------- last year's data
def test_outlook_last_year_figures_leave_no_chance_this_year():
    # R&D at 2.1 % of last year's revenue: SRDI needs 3 % — support this year cannot change it
    firm = _srdi_firm(rd_ratio=0.021)
    outlook = criteria.year_outlook(firm, "srdi")
    assert not outlook.chance_this_year
    assert [g.criterion for g in outlook.next_year] == ["rd_ratio"]
    (gap,) = outlook.next_year
    assert gap.timing == criteria.NEXT_YEAR and gap.gap == pytest.approx(0.009)
    assert gap.closed_by == ()
    # no option can help this year: not even coaching or an R&D subsidy
    for option in ("application_coaching", "coaching_ip_rd_subsidy", "rd_centre_support"):
        assert criteria.support_addresses(firm, "srdi", option) == []


def test_outlook_gaps_support_can_close_this_year():
    # the little giant's class-I IP and R&D institution: filings and a centre close them this year
    firm = _giant(ip_class1=1, rd_institution_level="none")
    outlook = criteria.year_outlook(firm, "little_giant")
    assert outlook.chance_this_year and not outlook.next_year
    assert {g.criterion: g.closed_by for g in outlook.this_year} == {
        "has_rd_institution": ("centre",),
        "ip_class1": ("ip",),
    }
    assert criteria.support_addresses(firm, "little_giant", "ip_services") == ["ip_class1"]
    assert criteria.support_addresses(firm, "little_giant", "rd_centre") == ["has_rd_institution"]
    assert criteria.support_addresses(firm, "little_giant", "application_coaching") == []


def test_outlook_this_year_revenue_rungs():
    seed = _firm(revenue=1800.0, revenue_last_year=1500.0)
    outlook = criteria.year_outlook(seed, "above_size")
    assert outlook.chance_this_year and [g.criterion for g in outlook.this_year] == ["revenue"]
    assert criteria.support_addresses(seed, "above_size", "upgrade_guidance") == ["revenue"]
    big = _firm(revenue=950_000.0)
    assert criteria.year_outlook(big, "ten_billion").chance_this_year
    assert criteria.support_addresses(big, "ten_billion", "dispatch_factors") == ["revenue"]
    # a services firm is not on the 规上工业 ladder at all
    assert not criteria.year_outlook({**seed, "sector": "I"}, "above_size").chance_this_year


def test_outlook_score_gap_closable_only_when_reachable():
    # innovative SME at 55: class-I IP filed this year (10 points) lifts it over 60 with every sub-minimum
    near = _firm(
        rd_ratio=0.065,  # 10
        revenue_growth=0.12,  # 15
        debt_ratio=0.5,  # 10
        strategic_emerging="Y",  # 10
        main_business_share=0.65,  # 15 → 60 without IP, but innovation 10 < 20
    )
    check = criteria.check_innovative_sme(near)
    assert not check.eligible
    outlook = criteria.year_outlook(near, "innovative_sme")
    assert outlook.chance_this_year
    assert [g.criterion for g in outlook.this_year] == ["innovation_points"]
    assert "ip" in outlook.this_year[0].closed_by
    # growth is last year's: a growth gap is for next year
    far = {**near, "revenue_growth": -0.05, "debt_ratio": 0.9}
    assert [g.criterion for g in criteria.year_outlook(far, "innovative_sme").next_year] == [
        "innovation_score",
        "growth_points",
    ]


def test_outlook_srdi_needs_innovative_sme_first_within_the_year():
    # not yet an innovative SME but meets its evaluation: both can come this year
    firm = _srdi_firm(quality_tier="none", revenue_growth=0.12, strategic_emerging="Y")
    assert criteria.check_innovative_sme(firm).eligible
    outlook = criteria.year_outlook(firm, "srdi")
    assert outlook.chance_this_year
    assert [g.criterion for g in outlook.this_year] == ["is_innovative_sme"]
    # a little giant needs the SRDI title already: next year
    giant = criteria.year_outlook(_giant(quality_tier="innovative_sme"), "little_giant")
    assert [g.criterion for g in giant.next_year] == ["is_srdi"]


def test_outlook_application_window_and_readiness():
    import datetime as dt

    firm = _srdi_firm()
    open_ = criteria.year_outlook(firm, "srdi", as_of=dt.date(2026, 6, 30))
    assert open_.chance_this_year and open_.deadline == dt.date(2026, 6, 30)
    closed = criteria.year_outlook(firm, "srdi", as_of=dt.date(2026, 7, 1))
    assert not closed.window_open and not closed.chance_this_year
    assert (
        criteria.support_addresses(firm, "srdi", "application_coaching", as_of=dt.date(2026, 7, 1))
        == []
    )
    # the innovative-SME evaluation is open all year
    assert criteria.year_outlook(firm, "innovative_sme", as_of=dt.date(2026, 12, 1)).window_open
    # an application judged incomplete: coaching closes it this year
    unready = {**firm, "application_ready": "N"}
    assert criteria.support_addresses(unready, "srdi", "application_coaching") == [
        "application_ready"
    ]
    assert criteria.support_addresses({**firm, "application_ready": ""}, "srdi", "coaching") == []


def test_every_column_the_rules_read_is_documented():
    import inspect
    import re

    source = inspect.getsource(criteria)
    read = set(re.findall(r'(?:_num|_present|_prev|_text|firm\.get)\(\s*firm,?\s*"(\w+)"', source))
    read |= set(re.findall(r'firm\.get\("(\w+)"', source))
    read |= set(re.findall(r'_prev\(firm, "\w+", "(\w+)"\)', source))
    assert read and read <= set(criteria.FIRM_COLUMNS), read - set(criteria.FIRM_COLUMNS)


def test_next_quality_rung_skips_ladders_that_do_not_take_the_firm():
    assert criteria.next_quality_rung_for(_firm(quality_tier="none")) == "innovative_sme"
    assert criteria.next_quality_rung_for(_firm(quality_tier="innovative_sme")) == "srdi"
    # a manufacturer grown beyond an SME: from SRDI straight to the single champion
    large = _firm(quality_tier="innovative_sme", revenue=60_000.0, employees=1500)
    assert criteria.next_quality_rung_for(large) == "champion"
    # a services firm stops at the innovative SME
    hotel = _firm(quality_tier="innovative_sme", sector="H")
    assert criteria.next_quality_rung_for(hotel) is None
    assert (
        criteria.next_quality_rung_for(_firm(quality_tier="none", sector="H")) == "innovative_sme"
    )
    assert criteria.next_quality_rung_for(_firm(quality_tier="champion")) is None
    assert criteria.may_be_on(hotel, "innovative_sme") and not criteria.may_be_on(hotel, "srdi")


def test_outlook_of_a_firm_eligible_by_a_direct_route_has_no_gaps():
    firm = _firm(high_tech_cert="Y")  # scores little, but a 高企 title is a direct route
    assert criteria.check_innovative_sme(firm).eligible
    outlook = criteria.year_outlook(firm, "innovative_sme")
    assert outlook.chance_this_year and not outlook.this_year and not outlook.next_year
    # the direct route does not replace the SME rule
    big = criteria.year_outlook({**firm, "revenue": 50_000.0, "employees": 2000}, "innovative_sme")
    assert [g.criterion for g in big.next_year] == ["sme"]


def test_champion_by_the_little_giant_route_says_so_instead_of_a_met_sales_line():
    """A little giant with 1.2 亿 of sales qualifies by its route: the checklist must not read
    "12,171 of 40,000 万元: met"."""
    by_route = criteria.check_champion(
        _champion(sales_3y_min=12_171.0, quality_tier="little_giant")
    )
    names = [c.name for c in by_route.criteria]
    assert by_route.eligible and "champion_sales_route" in names and "sales_3y_min" not in names
    by_sales = criteria.check_champion(
        _champion(sales_3y_min=40_000.0, quality_tier="little_giant")
    )
    assert [c.name for c in by_sales.criteria].count("sales_3y_min") == 1
    short = criteria.check_champion(_champion(sales_3y_min=39_999.0))
    line = next(c for c in short.criteria if c.name == "sales_3y_min")
    assert not line.met and line.gap == pytest.approx(1.0)
