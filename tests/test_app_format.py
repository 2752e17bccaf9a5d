"""Formatting (money, percentages, local dates), chart colours from the theme, and page summaries."""

from __future__ import annotations

from datetime import date

import pandas as pd

from data.schema import Workbook
from ui import charts
from ui.format import local_datetime, money, number, percent, signed
from ui.insights import (
    as_of_date,
    district_breakdown,
    funnel_counts,
    planned_starts_by_month,
    stall_days,
    stalled_projects,
    tight_resources,
)


def test_money_in_wan_and_yi_with_grouping():
    assert money(1234, "zh") == "1,234 万元"
    assert money(12.5, "zh") == "12.5 万元"
    assert money(123_456, "zh") == "12.35 亿元"
    assert money(-20_000, "zh") == "-2.00 亿元"
    assert money(1234, "en") == "CNY 12.3 m"
    assert money(123_456, "en") == "CNY 1.23 bn"
    assert money(50, "en") == "CNY 500k"
    assert money(0, "en") == "CNY 0" and money(0, "zh") == "0 万元"
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


def test_use_chart_amounts_start_right_of_the_full_line_and_100_percent_is_labelled():
    """The cockpit's 1440-wide screenshot had 753 万元 / 920 万元 written over the dashed 100 %
    line and no 100 % tick: the amounts now start at the line or the bar's end, whichever is
    further right, and the axis marks 0, 50 % and 100 %."""
    use = pd.DataFrame(
        {"name": ["a", "b"], "used": [5.0, 12.0], "cap": [10.0, 10.0], "amt": ["5/10", "12/10"]}
    )
    spec = charts.use_chart(use, "name", "used", "cap", amounts="amt").to_dict()
    bars, _, text = spec["layer"]
    assert bars["encoding"]["x"]["axis"]["values"] == [0.0, 0.5, 1.0]
    assert text["encoding"]["x"]["field"] == "text_x"
    rows = next(iter(spec["datasets"].values()))
    assert [r["text_x"] for r in rows] == [1.0, 1.2]


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


def test_stalled_projects_are_waiting_plan_projects_too_long_in_their_stage(tiny_workbook):
    wb: Workbook = tiny_workbook.copy()
    wb.settings = {**wb.settings, "as_of": "2026-04-10", "stall_days": "60"}
    wb.projects = pd.DataFrame(
        {
            "project_id": ["P1", "P2", "P3", "P4", "P5", "P6"],
            "name": ["甲", "乙", "丙", "丁", "戊", "己"],
            "library": ["plan", "plan", "reserve", "plan", "plan", "plan"],
            "stage": [
                "assisted_handling",  # 70 days: stalled
                "started",  # long ago, but started
                "reserve",  # reserve library: not the plan's concern
                "factor_guarantee",  # 60 days exactly: not yet
                "review_integration",  # 100 days, largest investment: stalled, listed first
                "factor_guarantee",  # no date recorded: cannot say
            ],
            "stage_entered": [
                "2026-01-30",
                "2025-01-01",
                "2025-01-01",
                "2026-02-09",
                "2025-12-31",
                "",
            ],
            "annual_investment": [100.0, 900.0, 900.0, 900.0, 500.0, 900.0],
        }
    )
    stalled = stalled_projects(wb)
    assert list(stalled["project_id"]) == ["P5", "P1"]
    assert list(stalled["days_in_stage"]) == [100, 70]
    # the limit and the date come from the settings, or are given
    assert list(stalled_projects(wb, limit_days=90)["project_id"]) == ["P5"]
    later = stalled_projects(wb, as_of=date(2026, 4, 11))
    assert set(later["project_id"]) == {"P1", "P4", "P5"}


def test_stall_settings_and_their_fallbacks(tiny_workbook):
    wb: Workbook = tiny_workbook.copy()
    wb.settings = {**wb.settings, "as_of": "2026-04-10", "stall_days": "45"}
    assert as_of_date(wb) == date(2026, 4, 10) and stall_days(wb) == 45.0
    wb.settings = {**wb.settings, "as_of": "not a date", "stall_days": "-3"}
    assert as_of_date(wb, today=date(2030, 1, 2)) == date(2030, 1, 2)
    assert stall_days(wb) == 60.0
    # without stage dates there is nothing to judge
    wb.projects = pd.DataFrame({"project_id": ["P1"], "stage": ["assisted_handling"]})
    assert stalled_projects(wb).empty


def test_planned_starts_split_into_overdue_and_upcoming():
    projects = pd.DataFrame(
        {
            "stage": ["assisted_handling", "factor_guarantee", "started", "reserve"],
            "planned_start_month": [2, 5, 1, 3],
        }
    )
    months = planned_starts_by_month(projects, date(2026, 4, 10)).set_index("month")
    assert len(months) == 12 and months.loc[1, "count"] == 0  # the started one is not pending
    assert months.loc[2, "due"] == "overdue" and months.loc[3, "due"] == "overdue"
    assert months.loc[4, "due"] == "upcoming" and months.loc[5, "count"] == 1


def test_money_by_robustness_class_weighs_cost_and_reserve():
    from ui.insights import money_by_robustness

    allocation = pd.DataFrame(
        {
            "candidate_id": ["A", "B", "C", "D"],
            "cost": [60.0, 30.0, 0.0, 0.0],
            "reserve": [0.0, 0.0, 10.0, 0.0],
        }
    )
    classes = pd.DataFrame(
        {"candidate_id": ["A", "B", "C", "D"], "class": ["core", "borderline", "core", "exterior"]}
    )
    assert money_by_robustness(allocation, classes) == {
        "core": 0.7,
        "borderline": 0.3,
        "exterior": 0.0,
    }
    assert money_by_robustness(allocation.assign(cost=0.0, reserve=0.0), classes) == {}
    assert money_by_robustness(allocation.iloc[0:0], classes) == {}
