"""Formatting (money, percentages, local dates), chart colours from the theme, and page summaries."""

from __future__ import annotations

import pandas as pd

from data.schema import Workbook
from ui import charts
from ui.format import local_datetime, money, number, percent, signed
from ui.insights import district_breakdown, funnel_counts, stalled_projects, tight_resources


def test_money_in_wan_and_yi_with_grouping():
    assert money(1234, "zh") == "1,234 万元"
    assert money(12.5, "zh") == "12.5 万元"
    assert money(123_456, "zh") == "12.35 亿元"
    assert money(-20_000, "zh") == "-2.00 亿元"
    assert money(1234, "en") == "CNY 12.3 m"
    assert money(123_456, "en") == "CNY 1.23 bn"
    assert money(50, "en") == "CNY 500k"
    assert money(None) == money(float("nan")) == "–"


def test_numbers_percentages_and_signs():
    assert number(1234567.8) == "1,234,568"
    assert number(2.345, 1) == "2.3"
    assert percent(0.873) == "87%"
    assert percent(0.8734, 1) == "87.3%"
    assert signed(12) == "+12" and signed(-3.5, 1) == "−3.5"


def test_dates_are_shown_in_weihai_time():
    assert local_datetime("2026-11-25T16:04:00") == "2026-11-26 00:04"  # naive = UTC
    assert local_datetime("2026-11-25T16:04:00+08:00") == "2026-11-25 16:04"
    assert local_datetime(None) == "–"


def test_chart_colours_come_from_the_theme_file():
    import tomllib

    theme = tomllib.loads(charts.CONFIG_PATH.read_text(encoding="utf-8"))["theme"]
    assert charts.primary() == theme["primaryColor"]
    assert charts.palette() == theme["chartCategoricalColors"]
    assert set(charts.light_colors().values()) <= set(theme["chartCategoricalColors"])
    assert charts.traffic_light(0.85) == "green"
    assert charts.traffic_light(0.6) == "amber"
    assert charts.traffic_light(0.1) == "red"


def test_charts_build_valid_vega_lite():
    frame = pd.DataFrame({"label": ["甲", "乙"], "plan": [0.9, 1.1], "base": [0.5, 0.7]})
    spec = charts.attainment_chart(frame, "label", "plan", "base", "方案", "不支持").to_dict()
    assert spec["layer"][1]["mark"]["type"] == "rule"  # the goal line at 100 %
    use = pd.DataFrame({"name": ["a", "b"], "used": [5.0, 12.0], "cap": [10.0, 10.0]})
    assert charts.use_chart(use, "name", "used", "cap").to_dict()["layer"]


class _Plan:
    def __init__(self, allocation=None, resources=None):
        self.allocation = allocation if allocation is not None else pd.DataFrame()
        self.resources = resources if resources is not None else pd.DataFrame()


def test_district_breakdown_sums_the_plan():
    allocation = pd.DataFrame(
        {
            "candidate_id": ["a", "b", "c"],
            "district": ["环翠区", "环翠区", "文登区"],
            "option": ["coach", "none", "coach"],
            "cost": [10.0, 0.0, 5.0],
            "base_probability": [0.2, 0.3, 0.1],
            "probability": [0.6, 0.3, 0.5],
        }
    )
    out = district_breakdown(_Plan(allocation)).set_index("district")
    assert out.loc["环翠区", "candidates"] == 2 and out.loc["环翠区", "supported"] == 1
    assert out.loc["环翠区", "money"] == 10.0
    assert abs(out.loc["环翠区", "expected"] - 0.9) < 1e-9


def test_tight_resources_lists_only_those_nearly_used_up(tiny_workbook):
    resources = pd.DataFrame(
        {"resource": ["staff_days", "land"], "used": [19.5, 3.0], "capacity": [20.0, 10.0]}
    )
    out = tight_resources(_Plan(resources=resources), tiny_workbook)
    assert list(out["resource"]) == ["staff_days"]
    # Demand: each candidate's most demanding option (E1 2, E2 1, P1 5 staff days) over capacity.
    assert abs(out.loc[0, "demand_share"] - 8 / 20) < 1e-9


def test_funnel_counts_each_stage_within_the_plan_library():
    projects = pd.DataFrame(
        {
            "library": ["reserve", "plan", "plan", "plan"],
            "stage": ["reserve", "review_integration", "factor_guarantee", "started"],
        }
    )
    counts = dict(zip(*funnel_counts(projects).to_dict("list").values(), strict=True))
    assert counts == {
        "all": 4,
        "plan": 3,
        "review_integration": 3,
        "assisted_handling": 2,
        "factor_guarantee": 2,
        "started": 1,
        "production": 0,
    }


def test_stalled_projects_are_plan_projects_past_their_start_month(tiny_workbook):
    wb: Workbook = tiny_workbook.copy()
    wb.projects = pd.DataFrame(
        {
            "project_id": ["P1", "P2", "P3", "P4"],
            "name": ["甲", "乙", "丙", "丁"],
            "library": ["plan", "plan", "reserve", "plan"],
            "stage": ["assisted_handling", "started", "reserve", "factor_guarantee"],
            "planned_start_month": [3, 2, 1, 9],
        }
    )
    assert list(stalled_projects(wb, month=6)["project_id"]) == ["P1"]
