"""Solving the session's scenario: live solves, cached full solves, and what a page shows of them.

Solves are cached by their inputs (the workbook's content fingerprint and the
:class:`ui.settings.ScenarioSettings`, its own key) and return the optimizer's
``AllocationResult`` itself. A live solve that is not proven within the gap is finished by the
background worker (``ui.refine``).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import scipy.special  # noqa: F401 - the dashboard's odds use SciPy's Φ (optimizer.odds.normal_cdf)
import streamlit as st

from data.scenario import ScenarioError, apply_scenario
from data.schema import Workbook
from optimizer.solve import AllocationResult
from ui.i18n import t
from ui.refine import DONE, FAILED, QUEUED, RUNNING, Refiner
from ui.scenario_state import scenario
from ui.settings import ScenarioSettings
from ui.store import workbook

SOLVE_TIME_LIMIT = 10.0  # seconds; a timed-out solve still returns its best plan with the gap shown
# Seconds a page waits for a new plan after a settings change (the "live" solve). A plan not proven
# within the gap by then is shown with its gap and finished in the background (ui.refine).
LIVE_TIME_LIMIT = float(os.environ.get("WEIHAI_LIVE_SECONDS", "0.8"))
REFINE_POLL_SECONDS = 0.5


def has_plan(result: AllocationResult) -> bool:
    """True when the solve found a plan that keeps every rule (optimal or feasible)."""
    return result.status in ("optimal", "feasible")


def scenario_workbook(wb: Workbook, settings: ScenarioSettings) -> Workbook:
    """The workbook with the scenario applied (for analyses that take a workbook)."""
    return apply_scenario(wb, settings)


def solve_settings(
    wb: Workbook,
    settings: Mapping[str, Any],
    time_limit: float = SOLVE_TIME_LIMIT,
    start: dict[str, str] | None = None,
) -> AllocationResult:
    """Solve the scenario ``settings`` on ``wb`` (no caching), with the no-support baseline.
    ``start``: a plan in hand for these settings (the live one), to start from."""
    from optimizer import evaluate_plan, solve

    threads = int(os.environ.get("WEIHAI_SOLVER_THREADS", "1"))
    scenario_wb = apply_scenario(wb, settings)
    # The optimizer's own baselines include greedy heuristics the pages do not show; the one the
    # cockpit needs (no support at all) is a single cheap evaluation.
    result = solve(
        scenario_wb, time_limit=time_limit, threads=threads, baselines=False, start=start
    )
    if has_plan(result):
        result.baselines["do_nothing"] = evaluate_plan(scenario_wb, {})
    return result


@st.cache_data(show_spinner=False, max_entries=64)
def _solve_cached(fingerprint: str, settings: ScenarioSettings, _wb: Workbook) -> AllocationResult:
    # The workbook is excluded from the cache key (leading underscore); its fingerprint stands in.
    return solve_settings(_wb, settings)


@st.cache_data(show_spinner=False, max_entries=64)
def _solve_live_cached(
    fingerprint: str, settings: ScenarioSettings, seconds: float, _wb: Workbook
) -> AllocationResult:
    return solve_settings(_wb, settings, time_limit=seconds)


@st.cache_resource(show_spinner=False)
def refiner() -> Refiner[AllocationResult]:
    """The process-wide background solver that finishes live plans (one worker for all sessions)."""
    return Refiner()


def _job(fingerprint: str, settings: ScenarioSettings) -> str:
    """The background job's key for these settings on this data."""
    return f"{fingerprint}:{settings.key}"


def solve_cached(wb: Workbook, fingerprint: str, settings: Mapping[str, Any]) -> AllocationResult:
    """The plan for ``settings`` on the workbook with ``fingerprint``, solved once per input with the
    full time limit (a plan the background finished for these settings counts)."""
    settings = ScenarioSettings.from_mapping(settings)
    job = _job(fingerprint, settings)
    tasks = refiner()
    if tasks.state(job) in (QUEUED, RUNNING):  # being solved in the background: the same plan
        tasks.wait(job, SOLVE_TIME_LIMIT + 5.0)
    finished = tasks.result(job)
    if finished is not None and has_plan(finished):
        return finished
    return _solve_cached(fingerprint, settings, wb)


def solve_live(
    wb: Workbook, fingerprint: str, settings: ScenarioSettings
) -> tuple[AllocationResult, str]:
    """The plan for ``settings`` within about ``LIVE_TIME_LIMIT`` seconds, and the refinement state.

    A plan found within the time but not proven within the gap is returned at once and solved again
    with the full time limit in the background: the state is then ``queued`` or ``running`` until the
    finished plan is returned here (state ``done``). A live solve that found no plan (out of time
    before any plan kept every rule) is not shown: the full solve runs here and then.
    """
    job = _job(fingerprint, settings)
    tasks = refiner()
    plan = _solve_live_cached(fingerprint, settings, LIVE_TIME_LIMIT, wb)
    if not has_plan(plan):
        return _solve_cached(fingerprint, settings, wb), ""
    if plan.status == "optimal":
        return plan, ""
    live = dict(plan.choices)  # the background solve starts from the live plan
    state = tasks.request(job, lambda: solve_settings(wb, settings, start=live))
    finished = tasks.result(job) if state == DONE else None
    # The finished plan replaces the live one only when it is at least as good (a full solve that
    # itself ran out of time could, rarely, end lower).
    at_least_as_good = (
        finished is not None
        and has_plan(finished)
        and (finished.objective or 0.0) >= (plan.objective or 0.0) - 1e-12
    )
    if finished is not None and at_least_as_good:
        return finished, DONE
    return plan, FAILED if state == DONE else state


@dataclass
class PlanView:
    """What a page shows: the plan (maybe the last good one) and a message about how it was got."""

    plan: AllocationResult | None
    level: str = "ok"  # ok | info | warning | error
    message: str = ""
    stale: bool = False
    refining: str = ""  # the background job's key while a better plan is being solved
    settings_key: str = ""  # the key of the settings the plan was solved for
    replaced: bool = False  # the finished plan has just replaced the live one for these settings


@dataclass
class PlanHistory:
    """What the plan in use is compared with, so that every move shows what it changed.

    ``before`` is the plan shown for the previous settings (``before_settings``), or None before the
    first move. ``replaced`` is the live plan that the finished one replaced for the same settings
    (its figures that moved are marked), or None.
    """

    before: AllocationResult | None = None
    before_settings: ScenarioSettings | None = None
    replaced: AllocationResult | None = None


_HISTORY = "plan_history"  # session key: {"key", "plan", "settings", "history"}


def _same_plan(a: AllocationResult, b: AllocationResult) -> bool:
    """True when two plans choose the same support (and so show the same figures)."""
    return a.choices == b.choices and abs((a.objective or 0.0) - (b.objective or 0.0)) < 1e-9


def remember_plan(plan: AllocationResult, settings: ScenarioSettings) -> PlanHistory:
    """Record ``plan`` as the one shown for ``settings`` and return what it is compared with.

    A plan for new settings makes the previously shown plan the ``before``; a different plan for the
    same settings (the finished plan replacing the live one) keeps ``before`` and records the live
    plan as ``replaced``; the same plan again changes nothing (every rerun calls this).
    """
    shown: dict[str, Any] | None = st.session_state.get(_HISTORY)
    if shown is None:
        history = PlanHistory()
    elif shown["key"] != settings.key:
        history = PlanHistory(before=shown["plan"], before_settings=shown["settings"])
    elif not _same_plan(shown["plan"], plan):
        old: PlanHistory = shown["history"]
        history = PlanHistory(old.before, old.before_settings, replaced=shown["plan"])
    else:
        history = shown["history"]
    st.session_state[_HISTORY] = {
        "key": settings.key,
        "plan": plan,
        "settings": settings,
        "history": history,
    }
    return history


def plan_history() -> PlanHistory:
    """What the plan in use is compared with (see :func:`remember_plan`)."""
    shown: dict[str, Any] | None = st.session_state.get(_HISTORY)
    return shown["history"] if shown is not None else PlanHistory()


def current_plan() -> PlanView:
    """Solve the session's scenario (live, cached). Errors keep the last good plan and explain why."""
    wb, fingerprint = workbook()
    settings = scenario()
    # the last plan shown, with the key of its settings
    last: tuple[AllocationResult, str] | None = st.session_state.get("last_good_plan")
    try:
        with st.spinner(t("solve.running"), show_time=True):
            plan, refining = solve_live(wb, fingerprint, settings)
    except ScenarioError as exc:
        text = "; ".join(exc.problems)
        if last is None:
            return PlanView(None, "error", t("solve.failed_no_plan", error=text))
        return PlanView(
            last[0], "error", t("solve.failed", error=text), stale=True, settings_key=last[1]
        )
    except Exception as exc:  # a failing solve must not take the page down: keep the last good plan
        if last is None:
            return PlanView(None, "error", t("solve.failed_no_plan", error=exc))
        return PlanView(
            last[0], "error", t("solve.failed", error=exc), stale=True, settings_key=last[1]
        )
    if not has_plan(plan):
        message = t("solve.infeasible", message=plan.message or plan.status)
        if last is None:
            return PlanView(None, "error", message)
        return PlanView(
            last[0], "error", message + " " + t("solve.stale"), stale=True, settings_key=last[1]
        )
    st.session_state["last_good_plan"] = (plan, settings.key)
    replaced = remember_plan(plan, settings).replaced is not None
    if plan.status == "feasible":
        gap_known = plan.gap is not None and math.isfinite(plan.gap)
        if refining and refining not in (DONE, FAILED):
            job = _job(fingerprint, settings)
            seconds = f"{LIVE_TIME_LIMIT:g}"
            if gap_known:
                message = t("solve.refining", seconds=seconds, gap=f"{100 * plan.gap:.2f}%")
            else:
                message = t("solve.refining_no_bound", seconds=seconds)
            return PlanView(plan, "info", message, refining=job, settings_key=settings.key)
        # A time-out before the solver had any bound leaves the gap unknown (None or NaN): say so
        # rather than print "nan%" or pretend the plan is optimal.
        if not gap_known:
            return PlanView(
                plan, "warning", t("solve.feasible_no_bound"), settings_key=settings.key
            )
        gap = t("solve.feasible_gap", gap=f"{100 * plan.gap:.2f}%")
        return PlanView(plan, "warning", gap, settings_key=settings.key)
    if replaced or refining == DONE:
        # The note takes the place the "still improving" note held, so the page does not jump.
        note = t("solve.replaced") if replaced else t("solve.refined_same")
        return PlanView(plan, "info", note, settings_key=settings.key, replaced=replaced)
    return PlanView(plan, settings_key=settings.key)


@st.fragment(run_every=REFINE_POLL_SECONDS)
def _await_refinement(job: str) -> None:
    """Re-run the page once the background solve for ``job`` has finished (or failed)."""
    if refiner().state(job) in (DONE, FAILED, ""):
        st.rerun()


def show_plan_status(view: PlanView) -> None:
    """Show the solve's message (if any) in the page; while a better plan is being solved in the
    background, watch for it and re-run the page when it is there."""
    if view.message:
        {"info": st.info, "warning": st.warning, "error": st.error}.get(view.level, st.info)(
            view.message
        )
    if view.refining:
        _await_refinement(view.refining)


def plan_summary_json(plan: AllocationResult) -> dict[str, Any]:
    """A JSON-able summary of a plan to store with a saved scenario."""

    def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
        return json.loads(frame.to_json(orient="records", force_ascii=False)) if len(frame) else []

    return {
        "status": plan.status,
        "objective": plan.objective,
        "gap": plan.gap,
        "choices": plan.choices,
        "targets": records(plan.targets),
        "fund_lines": records(plan.fund_lines),
        "resources": records(plan.resources),
    }
