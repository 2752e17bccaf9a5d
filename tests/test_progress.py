"""optimizer.progress: the year's figures (achieved, pace, districts, lists, snapshots) on the tiny workbook."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from optimizer.evaluate import evaluate_plan
from optimizer.progress import (
    check_actuals,
    check_district_goals,
    compare_snapshots,
    default_district_goals,
    district_progress,
    district_ranking,
    months_left,
    snapshot_figures,
    target_progress,
    time_share,
    trend,
    watchlists,
    with_actuals,
    with_district_targets,
    year_progress,
)

ACTUALS = pd.DataFrame(
    {
        "candidate_id": ["E1", "P1"],
        "status": ["succeeded", "supported"],
        "option": ["coaching", "assisted_handling"],
        "date": ["2026-03-02", "2026-05-10"],
    }
)


@pytest.fixture
def year_wb(tiny_workbook):
    wb = tiny_workbook.copy()
    wb.locks = wb.locks.iloc[0:0]
    return with_actuals(wb, ACTUALS, as_of="2026-06-30")


def plan_of(wb):
    return evaluate_plan(wb, {"E1": "coaching", "E2": "coaching", "P1": "assisted_handling"})


def test_time_share_and_months_left():
    assert time_share(date(2026, 6, 30)) == pytest.approx(181 / 365)
    assert time_share(date(2026, 12, 31)) == 1.0
    assert months_left(date(2026, 6, 30)) == 6.0
    assert months_left(date(2026, 6, 15)) == pytest.approx(6.5)


def test_target_progress_counts_succeeded_as_achieved(year_wb):
    progress = target_progress(year_wb, plan_of(year_wb)).set_index("target")
    assert progress.at["new_srdi", "achieved"] == 1.0
    assert progress.at["starts", "achieved"] == 0.0  # P1 supported, outcome open
    assert progress.at["new_srdi", "achieved_share"] == 0.5
    # Half the year gone and half the srdi goal achieved: on pace (green).
    assert progress.at["new_srdi", "light"] == "green"
    # Nothing started by mid-year: behind pace; the light says how likely the goal still is.
    assert progress.at["starts", "light"] in ("yellow", "red")
    assert progress.at["starts", "pace_needed"] == pytest.approx(1 / 6)
    assert progress.at["new_srdi", "pace_needed"] == pytest.approx(1 / 6)


def test_check_actuals_names_row_and_column(year_wb):
    bad = pd.DataFrame(
        {
            "candidate_id": ["E1", "XX", "E1", "E2"],
            "status": ["succeeded", "supported", "failed", "won"],
            "option": ["coaching", "", "", "nope"],
            "date": ["2026-03-02", "", "30/6/2026", ""],
        }
    )
    issues = {(i.row, i.column) for i in check_actuals(year_wb, bad)}
    assert (3, "candidate_id") in issues  # unknown
    assert (4, "candidate_id") in issues  # twice
    assert (4, "date") in issues
    assert (5, "status") in issues
    assert (5, "option") in issues
    assert (2, "candidate_id") not in issues
    assert check_actuals(year_wb, ACTUALS) == []


def test_actuals_of_a_locked_candidate_is_an_error(tiny_workbook):
    frame = pd.DataFrame({"candidate_id": ["E2"], "status": ["supported"], "option": ["coaching"]})
    issues = check_actuals(tiny_workbook, frame)
    assert [(i.row, i.column) for i in issues] == [(2, "candidate_id")]


def test_default_district_goals_add_up(tiny_workbook):
    goals = default_district_goals(tiny_workbook)
    totals = goals.groupby("target")["goal"].sum()
    assert totals["new_srdi"] == 2.0
    assert totals["starts"] == 1.0
    assert check_district_goals(tiny_workbook, goals) == []


def test_district_progress_and_ranking(year_wb):
    goals = pd.DataFrame(
        {"district": ["环翠区", "文登区"], "target": ["new_srdi", "new_srdi"], "goal": [1.0, 1.0]}
    )
    progress = district_progress(year_wb, plan_of(year_wb), goals).set_index("district")
    assert progress.at["环翠区", "achieved"] == 1.0
    assert progress.at["环翠区", "p_meet"] == 1.0  # achieved is certain
    assert progress.at["文登区", "expected"] == pytest.approx(0.5)
    assert progress.at["文登区", "p_meet"] == pytest.approx(0.5)
    ranking = district_ranking(progress.reset_index())
    assert ranking["district"].tolist() == ["环翠区", "文登区"]
    assert ranking["rank"].tolist() == [1, 2]


def test_check_district_goals_errors(tiny_workbook):
    frame = pd.DataFrame(
        {
            "district": ["环翠区", "火星区", "环翠区"],
            "target": ["x", "starts", "x"],
            "goal": [1, 0, 1],
        }
    )
    issues = {(i.row, i.column) for i in check_district_goals(tiny_workbook, frame)}
    assert {(2, "target"), (3, "district"), (3, "goal"), (4, "district")} <= issues


def test_with_district_targets_adds_targets_and_contributions(tiny_workbook):
    goals = pd.DataFrame({"district": ["文登区"], "target": ["new_srdi"], "goal": [1.0]})
    wb = with_district_targets(tiny_workbook, goals, weight=0.5)
    assert len(tiny_workbook.targets) == 2  # pure
    row = wb.targets.set_index("target").loc["new_srdi@文登区"]
    assert (row["goal"], row["weight"]) == (1.0, 0.5)
    added = wb.contributions[wb.contributions["target"] == "new_srdi@文登区"]
    assert added["candidate_id"].tolist() == ["E2"]
    plan = evaluate_plan(wb, {"E1": "none", "E2": "coaching", "P1": "none"})
    assert "new_srdi@文登区" in plan.targets["target"].tolist()


def test_snapshots_compare_and_trend(year_wb, tiny_workbook):
    wb0 = tiny_workbook.copy()
    wb0.locks = wb0.locks.iloc[0:0]
    wb0 = with_actuals(wb0, ACTUALS.iloc[0:0], as_of="2026-05-31")
    before = snapshot_figures(wb0, plan_of(wb0))
    after = snapshot_figures(year_wb, plan_of(year_wb))
    assert after["counts"] == {"starts": 0, "recognitions": 1, "failures": 0, "supported": 2}
    assert after["spent"] == 10.0  # E1's coaching; P1's help costs no money
    table = compare_snapshots(before, after).set_index(["measure", "target"])
    assert table.at[("recognitions", ""), "change"] == 1
    assert table.at[("spent", ""), "change"] == 10.0
    assert table.at[("achieved", "new_srdi"), "change"] == 1.0
    assert ("p_meet", "starts") in table.index
    lines = trend([after, before])
    assert lines["as_of"].tolist()[0] == "2026-05-31"


def test_watchlists_and_year_progress(year_wb):
    plan = plan_of(year_wb)
    watch = watchlists(year_wb, plan)
    assert "starts" in watch.behind_pace["target"].tolist()
    assert watch.stalled.empty  # the tiny workbook has no projects sheet
    # staff_days: 2 + 2 (E1, E2 coaching: E2 blank = 0) ... used vs 20 capacity is green
    assert watch.over_capacity.empty
    report = year_progress(year_wb, plan, snapshots=[snapshot_figures(year_wb, plan)] * 2)
    assert set(report.ranking["district"]) == {"环翠区", "文登区"}
    assert (report.comparison["change"].fillna(0) == 0).all()


def test_stalled_projects_leave_out_started_ones(demo_workbook):
    from optimizer.progress import stalled_projects

    stalled = stalled_projects(demo_workbook)
    assert not stalled.empty
    pid = str(stalled["project_id"].iloc[0])
    cand = demo_workbook.candidates
    cid = cand.loc[cand["entity_id"] == pid, "candidate_id"]
    if cid.empty:
        pytest.skip("the first stalled project has no start candidate")
    wb = with_actuals(
        demo_workbook,
        pd.DataFrame({"candidate_id": [cid.iloc[0]], "status": ["succeeded"], "option": [""]}),
    )
    assert pid not in stalled_projects(wb)["project_id"].tolist()


def test_without_district_targets_undoes_the_transform(tiny_workbook):
    from optimizer.progress import without_district_targets

    goals = pd.DataFrame({"district": ["文登区"], "target": ["new_srdi"], "goal": [1.0]})
    back = without_district_targets(with_district_targets(tiny_workbook, goals))
    assert back.targets["target"].tolist() == tiny_workbook.targets["target"].tolist()
    assert len(back.contributions) == len(tiny_workbook.contributions)
