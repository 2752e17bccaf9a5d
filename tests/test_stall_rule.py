"""The stall rule, written once (ui.insights.stalled_mask): the cockpit's list and the pipeline agree."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ui.insights import days_in_stage, stalled_mask, stalled_projects


def _projects(with_library: bool = True) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "project_id": ["P1", "P2", "P3", "P4", "P5"],
            "name": ["甲", "乙", "丙", "丁", "戊"],
            "library": ["plan", "plan", "reserve", "plan", "plan"],
            "stage": ["assisted_handling", "started", "reserve", "factor_guarantee", "reserve"],
            "stage_entered": ["2026-01-30", "2025-01-01", "2025-01-01", "2026-02-09", ""],
            "annual_investment": [100.0, 900.0, 900.0, 900.0, 500.0],
        }
    )
    return frame if with_library else frame.drop(columns="library")


def test_the_rule() -> None:
    projects = _projects()
    days = days_in_stage(projects, date(2026, 4, 10))
    # P1: 70 days waiting in the plan library; P2 started; P3 in the reserve library;
    # P4 exactly 60 days (not more); P5 without a date
    assert list(stalled_mask(projects, days, 60.0)) == [True, False, False, False, False]
    assert list(stalled_mask(projects, days, 90.0)) == [False] * 5
    # without a library column every project counts as in the plan library (as the pipeline did)
    bare = _projects(with_library=False)
    assert list(stalled_mask(bare, days, 60.0)) == [True, False, True, False, False]


def test_the_cockpit_list_is_the_rule(tiny_workbook) -> None:
    wb = tiny_workbook.copy()
    wb.settings = {**wb.settings, "as_of": "2026-04-10", "stall_days": "60"}
    wb.projects = _projects()
    days = days_in_stage(wb.projects, date(2026, 4, 10))
    by_rule = set(wb.projects.loc[stalled_mask(wb.projects, days, 60.0), "project_id"])
    assert set(stalled_projects(wb)["project_id"]) == by_rule == {"P1"}
