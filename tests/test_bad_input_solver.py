"""Solver faults: a time-out still gives a labelled plan, an infeasible scenario says why, a crash keeps the last plan.

The optimizer is asked the impossible (locks the money or staff cannot pay, district floors above
100 %), and is cut short by a tiny time limit on the demo city. The dashboard's solve wrapper
(``ui.state.current_plan``) is made to fail after a good solve and must keep that plan on screen.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import tiny

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def restore_solver(monkeypatch):
    """Put ``ui.solving.solve_live`` back after the test.

    The AppTest scripts below replace it to fake a crash or a time-out. AppTest runs scripts in this
    process, so without this the fake stays in ``ui.solving`` for every later test in the session (the
    role tests then see a page with no plan, hence no buttons, and nothing written).
    """
    from ui import solving

    monkeypatch.setattr(solving, "solve_live", solving.solve_live)


@pytest.mark.parametrize(
    ("changes", "cause"),
    [
        (
            {
                "resources": "resource,capacity,unit\nstaff_days,2,day\n",
                "locks": "candidate_id,option\nP1,assisted_handling\n",
            },
            "staff_days",
        ),
        (
            {
                "budgets": "fund_line,amount,pooled\nindustry,10,Y\nprojects,50,N\n",
                "locks": "candidate_id,option\nE2,rd_subsidy\n",
            },
            "industry",
        ),
        ({"floors": "district,min_share\n文登区,1\n环翠区,0.5\n"}, "floor"),
    ],
    ids=["locked_staff_days", "locked_money", "floors_over_100"],
)
def test_infeasible_scenario_explains_its_cause(changes, cause):
    from optimizer import solve

    result = solve(tiny(**changes))
    assert result.status == "infeasible"
    assert cause in result.message, result.message
    summary = result.to_json()
    assert summary["status"] == "infeasible"
    json.dumps(summary)  # JSON-able, NaN included as allowed by the contract


def test_time_out_returns_a_labelled_plan(demo_workbook):
    from optimizer import solve

    result = solve(demo_workbook, time_limit=0.01, baselines=False)
    assert result.status in ("feasible", "optimal")
    assert len(result.allocation) == len(demo_workbook.candidates)
    assert math.isfinite(result.objective)
    if result.status == "feasible":
        # the label says it is not proven optimal and how far it may be (or that no bound is known)
        assert result.message
        assert math.isfinite(result.gap) or "no bound" in result.message


def test_optimizer_cli_time_out_and_infeasible(tmp_path):
    from data.workbook import write_workbook

    bad = tmp_path / "infeasible.xlsx"
    write_workbook(
        tiny(
            resources="resource,capacity,unit\nstaff_days,2,day\n",
            locks="candidate_id,option\nP1,assisted_handling\n",
        ),
        bad,
    )
    proc = subprocess.run(
        [sys.executable, "-m", "optimizer", "solve", str(bad), "--out", str(tmp_path / "a.csv")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "staff_days" in proc.stderr and "Traceback" not in proc.stderr
    if proc.stdout.strip():  # the JSON summary, when printed, says so too
        assert json.loads(proc.stdout)["status"] == "infeasible"


def test_dashboard_keeps_the_last_good_plan_when_a_solve_fails(
    tmp_path, monkeypatch, restore_solver
):
    """ui.state.current_plan: a good solve, then the solver raises; the page keeps the good plan."""
    from streamlit.testing.v1 import AppTest

    from data.store import open_store

    db = tmp_path / "tiny.db"
    store = open_store(db, create_demo=False)
    store.replace_workbook(tiny(), user="seed")
    store.close()
    monkeypatch.setenv("WEIHAI_DB", str(db))

    def script() -> None:
        import streamlit as st

        from ui import solving, state

        wb, fingerprint = state.workbook()
        state.init_scenario(wb, fingerprint)
        first = state.current_plan()
        st.session_state["first"] = (first.plan is not None, first.level, first.stale)

        def broken(*args, **kwargs):
            raise RuntimeError("solver crashed (test)")

        solving.solve_live = broken
        second = state.current_plan()
        st.session_state["second"] = (
            second.plan is first.plan,
            second.level,
            second.stale,
            second.message,
        )

    at = AppTest.from_function(script, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["first"] == (True, "ok", False)
    same, level, stale, message = at.session_state["second"]
    assert same and level == "error" and stale
    assert "solver crashed (test)" in message


def test_dashboard_labels_a_time_out_without_bound_readably(tmp_path, monkeypatch, restore_solver):
    from streamlit.testing.v1 import AppTest

    from data.store import open_store

    db = tmp_path / "tiny.db"
    store = open_store(db, create_demo=False)
    store.replace_workbook(tiny(), user="seed")
    store.close()
    monkeypatch.setenv("WEIHAI_DB", str(db))

    def script() -> None:
        import dataclasses

        import streamlit as st

        from ui import solving, state

        wb, fingerprint = state.workbook()
        state.init_scenario(wb, fingerprint)
        good = state.current_plan().plan
        timed_out = dataclasses.replace(good, status="feasible", gap=float("nan"))
        solving.solve_live = lambda *a, **k: (timed_out, "")
        view = state.current_plan()
        st.session_state["view"] = (view.level, view.message)

    at = AppTest.from_function(script, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    level, message = at.session_state["view"]
    assert level == "warning" and message
    assert "nan" not in message.lower(), message
