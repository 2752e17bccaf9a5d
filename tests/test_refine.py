"""Live solves and background refinement (ui.refine, ui.solving.solve_live).

A settings change is answered within the live time limit; a plan not proven by then is shown with its
gap, solved again with the full limit in the background, and replaces the live plan when it is done.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from ui.refine import DONE, FAILED, QUEUED, RUNNING, Refiner


def test_a_job_runs_once_and_its_result_is_kept():
    refiner: Refiner[int] = Refiner()
    calls = []

    def solve() -> int:
        calls.append(1)
        return 42

    assert refiner.state("a") == ""
    assert refiner.request("a", solve) in (QUEUED, RUNNING, DONE)
    assert refiner.wait("a", 10) == DONE
    assert refiner.result("a") == 42
    assert refiner.request("a", solve) == DONE  # asked again: nothing runs
    assert refiner.result("b") is None
    assert calls == [1]


def test_the_newest_waiting_job_runs_first_and_old_ones_are_dropped():
    refiner: Refiner[str] = Refiner(max_queued=2)
    gate = threading.Event()
    order: list[str] = []

    def job(name: str, block: bool = False):
        def solve() -> str:
            if block:
                gate.wait(10)
            order.append(name)
            return name

        return solve

    refiner.request("first", job("first", block=True))
    deadline = time.monotonic() + 10
    while refiner.state("first") != RUNNING and time.monotonic() < deadline:
        time.sleep(0.01)
    assert refiner.state("first") == RUNNING
    for name in ("b", "c", "d"):
        assert refiner.request(name, job(name)) == QUEUED
    assert refiner.state("b") == ""  # dropped: more than two were waiting
    assert refiner.request("c", job("c")) == QUEUED  # asked again: c is the newest now
    gate.set()
    assert refiner.wait("c", 10) == DONE and refiner.wait("d", 10) == DONE
    assert order == ["first", "c", "d"]
    assert refiner.result("b") is None


def test_a_failed_job_says_why_and_is_not_retried():
    refiner: Refiner[int] = Refiner()
    calls = []

    def broken() -> int:
        calls.append(1)
        raise RuntimeError("solver crashed (test)")

    refiner.request("x", broken)
    assert refiner.wait("x", 10) == FAILED
    assert "solver crashed (test)" in refiner.error("x")
    assert refiner.request("x", broken) == FAILED
    assert refiner.result("x") is None and calls == [1]


def test_a_failed_job_may_be_asked_for_again_after_a_while():
    refiner: Refiner[int] = Refiner(retry_after=0.0)
    outcomes = iter([RuntimeError("first try fails (test)"), 7])

    def flaky() -> int:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    refiner.request("x", flaky)
    assert refiner.wait("x", 10) == FAILED
    time.sleep(0.01)
    assert refiner.request("x", flaky) in (QUEUED, RUNNING, DONE)
    assert refiner.wait("x", 10) == DONE and refiner.result("x") == 7


def test_only_the_latest_results_are_kept():
    refiner: Refiner[int] = Refiner(max_results=2)
    for i in range(3):
        refiner.request(str(i), lambda i=i: i)
        assert refiner.wait(str(i), 10) == DONE
    assert refiner.result("0") is None
    assert refiner.result("1") == 1 and refiner.result("2") == 2


@pytest.fixture
def demo_app(tmp_path: Path, monkeypatch):
    from data.store import open_store
    from optimizer.instances import random_workbook
    from ui import solving

    db = tmp_path / "weihai.db"
    # A city of 4,000 candidates: the recalibrated demo is proven within 0.1 % in a few tenths of a
    # second, even with this limit, so it would never be refined.
    store = open_store(db, create_demo=False)
    store.replace_workbook(random_workbook(4000, seed=3), user="test", action="import")
    store.close()
    monkeypatch.setenv("WEIHAI_DB", str(db))
    # Far too short for the demo city: the live solve cannot prove its plan, so it is refined.
    monkeypatch.setattr(solving, "LIVE_TIME_LIMIT", 0.05)
    # A fresh worker and no finished plans from an earlier test (the same demo, the same keys).
    solving.refiner.clear()
    solving._solve_live_cached.clear()
    solving._solve_cached.clear()
    return db


def _script() -> None:
    import streamlit as st

    from ui import state

    wb, fingerprint = state.workbook()
    state.init_scenario(wb, fingerprint)
    view = state.current_plan()
    st.session_state["view"] = (
        view.level,
        view.message,
        view.refining,
        view.plan.status,
        view.plan.gap,
        view.plan.objective,
    )


def test_a_live_plan_is_shown_with_its_gap_and_replaced_by_the_finished_one(demo_app):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_script, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    level, message, job, status, _gap, live_objective = at.session_state["view"]
    assert (level, status) == ("info", "feasible")
    assert job and "0.05" in message  # says how long the live solve had and that it goes on

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        level, message, job, status, gap, objective = at.session_state["view"]
        if not job:
            break
    assert not job, "the background solve did not finish in 90 s"
    # The finished plan says it replaced the quick one (the figures that moved are marked).
    from ui.i18n import t

    assert (level, message, status) == ("info", t("solve.replaced", "zh"), "optimal")
    assert gap <= 1e-3 + 1e-6
    assert objective >= live_objective - 1e-9


def _script_saving() -> None:
    import streamlit as st

    from ui import state

    wb, fingerprint = state.workbook()
    state.init_scenario(wb, fingerprint)
    view = state.current_plan()
    # What the scenarios page saves and compares: the finished plan, waited for.
    final = state.solve_cached(wb, fingerprint, state.scenario())
    st.session_state["plans"] = (
        view.refining,
        view.plan.objective,
        final.status,
        final.objective,
        state.refiner().state(view.refining),
    )


def test_a_comparison_or_save_waits_for_the_background_plan(demo_app):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_script_saving, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    job, live_objective, status, objective, job_state = at.session_state["plans"]
    assert job  # the live plan was still being improved …
    assert (
        job_state == DONE
    )  # … and the finished plan came from the background job, not a 2nd solve
    assert status == "optimal" and objective >= live_objective - 1e-9
