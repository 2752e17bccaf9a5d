"""Numbers the optimizer cannot take are refused at the door, by one set of bounds for every way in.

Before these bounds the importer accepted a goal of 1e-30 (the solver then raised IndexError), a
contribution of 1e-20 (OverflowError in the odds), weights of 1e308 (a null objective), money scaled
by 1e-12 (a 2 s time limit ran 20 s) and ``award_prudence`` 11 (which the dashboard then refused).
The property test holds the promise that matters: whatever the importer accepts, ``optimizer.solve``
returns a plan or an explained infeasibility, never an exception.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from data.scenario import validate_settings
from data.schema import AWARD_PRUDENCE_RANGE, POOL_SHARE_RANGE
from data.workbook import WorkbookError, validate_tables
from optimizer.odds import prob_at_least
from tests.conftest import TINY_SHEETS, raw_from_csv
from tests.helpers import tiny


def issues_of(**changes: str) -> list[str]:
    with pytest.raises(WorkbookError) as info:
        tiny(**changes)
    return [str(i) for i in info.value.issues]


TARGETS = "target,goal,weight,unit\nnew_srdi,{goal},{weight},firms\nstarts,1,2,projects\n"
CONTRIBUTIONS = "candidate_id,target,value\nE1,new_srdi,{value}\nE2,new_srdi,1\nP1,starts,1\n"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"targets": TARGETS.format(goal="1e-30", weight=1)},
            "sheet 'targets', row 2, column 'goal': must be at least a millionth of the largest "
            "contribution toward it (1), found 1e-30",
        ),
        (
            {"contributions": CONTRIBUTIONS.format(value="1e-20")},
            "sheet 'contributions', row 2, column 'value': must be at least 1e-06 (found 1e-20)",
        ),
        (
            {"targets": TARGETS.format(goal=2, weight="1e308")},
            "sheet 'targets', row 2, column 'weight': must be at most 1000000 (found 1e+308)",
        ),
        (
            {"settings": "key,value\naward_prudence,11\n"},
            "sheet 'settings', row 2, column 'value': award_prudence: must be at most 2, the "
            "dashboard's highest (found 11)",
        ),
        (
            {"budgets": "fund_line,amount,pooled\nindustry,2e9,Y\nprojects,50,N\n"},
            "sheet 'budgets', row 2, column 'amount': must be at most 1000000000 "
            "(found 2000000000)",
        ),
        (
            {"budgets": "fund_line,amount,pooled\nindustry,1e-10,Y\nprojects,50,N\n"},
            "sheet 'budgets', row 2, column 'amount': must be 0 or at least 0.0001 万元 (one "
            "yuan) (found 1e-10)",
        ),
        (
            {"resources": "resource,capacity,unit\nstaff_days,1e12,day\n"},
            "sheet 'resources', row 2, column 'capacity': must be at most 1000000000 "
            "(found 1000000000000)",
        ),
    ],
)
def test_numbers_the_solver_cannot_take_are_refused(changes, expected):
    assert expected in issues_of(**changes)


def test_money_scaled_by_1e_minus_12_is_refused():
    """The demo city's money × 1e-12 made a 2 s time limit run 20 s in HiGHS: below one yuan."""
    from data.demo.generate import generate_demo
    from data.workbook import read_workbook_upload, workbook_to_csv_zip_bytes

    wb = generate_demo()
    for sheet, column in (("budgets", "amount"), ("options", "cost"), ("candidates", "award")):
        getattr(wb, sheet)[column] *= 1e-12
    with pytest.raises(WorkbookError) as info:
        read_workbook_upload("scaled.zip", workbook_to_csv_zip_bytes(wb))
    assert "must be 0 or at least 0.0001 万元 (one yuan)" in str(info.value.issues[0])


def test_the_edges_themselves_are_accepted():
    wb = tiny(
        targets=TARGETS.format(goal="1e-6", weight="1e6"),
        contributions=CONTRIBUTIONS.format(value=1),
        settings=f"key,value\naward_prudence,{AWARD_PRUDENCE_RANGE[1]}\n",
        budgets="fund_line,amount,pooled\nindustry,1e9,Y\nprojects,0.0001,N\n",
    )
    assert wb.award_prudence == AWARD_PRUDENCE_RANGE[1]


def test_dashboard_and_links_use_the_import_ranges():
    """One constant: the studio's sliders offer it, a shared link is held to it."""
    wb = tiny()
    high = AWARD_PRUDENCE_RANGE[1]
    assert validate_settings(wb, {"award_prudence": high}) == []
    assert validate_settings(wb, {"award_prudence": high + 0.5}) == [
        f"award_prudence: must be a number from 0 to {high:g}"
    ]
    assert validate_settings(wb, {"pool_share": POOL_SHARE_RANGE[1] + 0.1})
    assert validate_settings(wb, {"weights": {"new_srdi": 1e308}}) == [
        "weights.new_srdi: must be at most 1e+06, got 1e+308"
    ]
    assert validate_settings(wb, {"goals": {"new_srdi": 1e-30}}) == [
        "goals.new_srdi: must be at least a millionth of the largest contribution toward it, "
        "got 1e-30"
    ]
    studio = (
        __import__("pathlib").Path(__file__).parents[1] / "ui" / "studio_controls.py"
    ).read_text(encoding="utf-8")
    assert "max_value=AWARD_PRUDENCE_RANGE[1]" in studio


@pytest.mark.parametrize(
    ("values", "goal"),
    [
        ([1e-20, 1e-20], 1.0),  # whole numbers after rounding, but zero units: OverflowError
        ([1e300, 1e300], 1.0),  # too big for 64-bit integers: OverflowError
        ([1e-6, 3e-6], 1e-6),
        ([1e9, 1.0], 1e9),
    ],
)
def test_odds_never_raise_on_extreme_values(values, goal):
    p, method = prob_at_least(np.array(values), np.array([0.5, 0.5]), goal)
    assert 0.0 <= p <= 1.0 and method in ("exact", "normal_approx")


# Numbers at and between the edges of what the importer accepts (the refused ones are tested above;
# a goal may still fall below a millionth of a contribution, and the importer refuses it).
def _between(low: float, high: float, edges: list[object]) -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(edges),
        st.floats(min_value=low, max_value=high),
        st.floats(min_value=low, max_value=min(high, 10.0)),
    )


MONEY = _between(1e-4, 1e9, [0, 1e-4, 0.5, 1, 40, 1e9, "1234.5", "12%"])
QUANTITY = _between(0.0, 1e9, [0, 1e-6, 1, 2, 1e9])
CONTRIBUTION = _between(1e-6, 1e9, [1e-6, 1, 3, 0.25, 1e9])
GOAL = _between(1e-6, 1e9, [1e-6, 1e-3, 1, 2, 1e9])
WEIGHT = _between(0.0, 1e6, [0, 1e-6, 1, 1e6])
PROBABILITIES = st.one_of(st.sampled_from([0, 1e-300, 1e-9, 0.5, 1]), st.floats(0, 1))


@st.composite
def extreme_workbooks(draw) -> dict[str, str]:
    n = draw
    money = (n(MONEY), n(MONEY), n(MONEY), n(MONEY), n(MONEY), n(MONEY), n(MONEY))
    return {
        "budgets": f"fund_line,amount,pooled\nindustry,{money[0]},Y\nprojects,{money[1]},N\n",
        "resources": f"resource,capacity,unit\nstaff_days,{n(QUANTITY)},day\n",
        "targets": (
            f"target,goal,weight,unit\nnew_srdi,{n(GOAL)},{n(WEIGHT)},firms\n"
            f"starts,{n(GOAL)},{n(WEIGHT)},projects\n"
        ),
        "candidates": (
            "candidate_id,name,kind,district,base_probability,award,award_line\n"
            f"E1,甲,enterprise,环翠区,{n(PROBABILITIES)},{money[2]},industry\n"
            f"E2,乙,enterprise,文登区,{n(PROBABILITIES)},,\n"
            f"P1,丙,project,文登区,{n(PROBABILITIES)},0,\n"
        ),
        "contributions": (
            f"candidate_id,target,value\nE1,new_srdi,{n(CONTRIBUTION)}\n"
            f"E2,new_srdi,{n(CONTRIBUTION)}\nP1,starts,{n(CONTRIBUTION)}\n"
            f"E2,starts,{n(CONTRIBUTION)}\n"
        ),
        "options": (
            "candidate_id,option,probability,fund_line,cost,staff_days\n"
            f"E1,coaching,{n(PROBABILITIES)},industry,{money[3]},{n(QUANTITY)}\n"
            f"E2,coaching,{n(PROBABILITIES)},industry,{money[4]},\n"
            f"E2,rd_subsidy,{n(PROBABILITIES)},projects,{money[5]},{n(QUANTITY)}\n"
            f"P1,assisted_handling,{n(PROBABILITIES)},projects,{money[6]},{n(QUANTITY)}\n"
        ),
        "floors": f"district,min_share\n文登区,{n(PROBABILITIES)}\n",
        "settings": (
            f"key,value\npool_share,{n(PROBABILITIES)}\n"
            f"award_prudence,{n(st.sampled_from([0, 0.5, 1, 2, 3, 11, 1e-9]))}\n"
        ),
    }


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
@given(extreme_workbooks())
# What the importer accepted before the bounds (each crashed or misled the solver); the importer
# must now refuse them, or the solver take them.
@example(
    dict(
        TINY_SHEETS,
        contributions=CONTRIBUTIONS.format(value="1e-20").replace(
            "E2,new_srdi,1", "E2,new_srdi,1e-20"
        ),
    )
)
@example(dict(TINY_SHEETS, targets=TARGETS.format(goal="1e-30", weight=1)))
@example(dict(TINY_SHEETS, targets=TARGETS.format(goal=2, weight="1e308")))
@example(dict(TINY_SHEETS, contributions=CONTRIBUTIONS.format(value="1e300")))
def test_whatever_the_importer_accepts_the_solver_solves_or_explains(sheets):
    from optimizer.solve import solve

    try:
        wb = validate_tables({n: raw_from_csv(t) for n, t in sheets.items()})
    except WorkbookError:
        return
    result = solve(wb, time_limit=2.0)  # never raises
    assert result.status in ("optimal", "feasible", "infeasible"), result.status
    if result.status == "infeasible":
        assert result.message.strip()
    else:
        assert math.isfinite(result.objective), result.message
