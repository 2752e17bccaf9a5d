"""Session state, data loading and cached solves: what every page shares.

State that must survive page switches lives under non-widget keys (``lang``, ``scenario``,
``scenario_name``, ``last_good_plan``); widgets write into them through ``on_change`` callbacks,
because a real browser drops keyed widget values when the page changes. The workbook is loaded once
per data version and solves are cached by their inputs (a fingerprint of the data plus the settings),
returning plain data (:class:`Plan`), never solver objects.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from data.scenario import (
    ScenarioError,
    apply_scenario,
    normalise_settings,
    settings_diff,
    settings_from_query,
    settings_from_workbook,
    settings_key,
)
from data.schema import Workbook
from ui.auth import require
from ui.i18n import DEFAULT_LANG, LANGS, t
from ui.refine import DONE, FAILED, QUEUED, RUNNING, Refiner

SOLVE_TIME_LIMIT = 10.0  # seconds; a timed-out solve still returns its best plan with the gap shown
# Seconds a page waits for a new plan after a settings change (the "live" solve). A plan not proven
# within the gap by then is shown with its gap and finished in the background (ui.refine).
LIVE_TIME_LIMIT = float(os.environ.get("WEIHAI_LIVE_SECONDS", "0.8"))
REFINE_POLL_SECONDS = 0.5
WIDGET_PREFIX = "w."  # widget keys start with this so a scenario load can drop them all at once


# ---------------------------------------------------------------------------------------------
# language


def init_language() -> str:
    """Set the session's language once from the link (``?lang=en``), then keep the link in step."""
    if "lang" not in st.session_state:
        requested = st.query_params.get("lang", DEFAULT_LANG)
        st.session_state["lang"] = requested if requested in LANGS else DEFAULT_LANG
    if st.query_params.get("lang") != st.session_state["lang"]:
        st.query_params["lang"] = st.session_state["lang"]
    return st.session_state["lang"]


def _on_language_change() -> None:
    choice = st.session_state.get(WIDGET_PREFIX + "lang")
    if choice in LANGS:
        st.session_state["lang"] = choice
        st.query_params["lang"] = choice


def language_switch() -> None:
    """The language selector (中文 / English), writing into the session's ``lang``."""
    key = WIDGET_PREFIX + "lang"
    st.session_state[key] = st.session_state["lang"]
    st.segmented_control(
        t("app.language"),
        options=list(LANGS),
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        key=key,
        on_change=_on_language_change,
        label_visibility="collapsed",
    )


# ---------------------------------------------------------------------------------------------
# store and workbook


def db_path() -> Path:
    """The database this process uses (``WEIHAI_DB`` or the repository default)."""
    from data.store import default_db_path

    return Path(default_db_path())


@st.cache_resource(show_spinner=False)
def _store_for(path: str) -> Any:
    from data.store import open_store

    return open_store(Path(path), create_demo=True)


class GuardedStore:
    """The store as the pages see it: reads pass through, every write asks permission first.

    Each write method calls ``ui.auth.require`` with its action right before writing and passes the
    signed-in identity to the store, so the audit log names who did it and no page can forget the
    check or write under another name (the methods take no ``user``). Reading the audit log is an
    admin's action too. After a change of the stored workbook the cached copy is dropped.

    Parameters
    ----------
    store : data.store.Store
        The store to guard.
    """

    def __init__(self, store: Any):
        self._store = store

    # reads (open to every role)
    def load_workbook(self) -> Workbook:
        """The stored workbook."""
        return self._store.load_workbook()

    def load_assumptions(self) -> pd.DataFrame:
        """The stored assumptions table."""
        return self._store.load_assumptions()

    def list_scenarios(self) -> pd.DataFrame:
        """Saved scenarios (id, name, created_at, updated_at, author, is_baseline)."""
        return self._store.list_scenarios()

    def get_scenario(self, scenario_id: int) -> dict:
        """One saved scenario (``KeyError`` when unknown)."""
        return self._store.get_scenario(scenario_id)

    def baseline_id(self) -> int | None:
        """The baseline scenario's id, or None."""
        return self._store.baseline_id()

    # reads that need a role
    def audit_log(self, limit: int = 500) -> pd.DataFrame:
        """The latest audit entries (``read_audit``: admins)."""
        require("read_audit")
        return self._store.audit_log(limit)

    # writes
    def replace_workbook(self, wb: Workbook, *, action: str = "import", detail: str = "") -> None:
        """Replace the stored workbook (``import``)."""
        user = require("import")
        self._store.replace_workbook(wb, user=user.user, action=action, detail=detail)
        clear_data_caches()

    def seed_demo(self, *, seed: int = 2026) -> bool:
        """Restore the demo city (``reset_demo``: admins)."""
        user = require("reset_demo")
        done = self._store.seed_demo(user=user.user, seed=seed)
        clear_data_caches()
        return done

    def save_assumptions(self, df: pd.DataFrame) -> None:
        """Replace the assumptions table (``edit_assumptions``)."""
        user = require("edit_assumptions")
        self._store.save_assumptions(df, user=user.user)

    def save_scenario(
        self, name: str, settings: dict, result: dict | None, *, overwrite: bool = False
    ) -> int:
        """Save a scenario under ``name`` (``save_scenario``); ``ScenarioNameTaken`` if it exists."""
        user = require("save_scenario")
        return self._store.save_scenario(
            name, settings, result, user=user.user, overwrite=overwrite
        )

    def rename_scenario(self, scenario_id: int, name: str) -> None:
        """Rename a saved scenario (``edit_scenario``)."""
        user = require("edit_scenario")
        self._store.rename_scenario(scenario_id, name, user=user.user)

    def delete_scenario(self, scenario_id: int) -> None:
        """Delete a saved scenario (``edit_scenario``)."""
        user = require("edit_scenario")
        self._store.delete_scenario(scenario_id, user=user.user)

    def set_baseline(self, scenario_id: int) -> None:
        """Make a saved scenario the baseline (``set_baseline``)."""
        user = require("set_baseline")
        self._store.set_baseline(scenario_id, user=user.user)


def get_store() -> GuardedStore:
    """The store for :func:`db_path`, guarded by the user's role (opened once per process).

    Opening it seeds the demo city when the database is empty.
    """
    return GuardedStore(_store_for(str(db_path())))


def data_version() -> str:
    """Changes whenever the database changes: modification times and sizes of the file and its WAL."""
    path = db_path()
    parts = []
    for suffix in ("", "-wal"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            stat = candidate.stat()
            parts.append(f"{stat.st_mtime_ns}:{stat.st_size}")
    return "|".join(parts) or "empty"


def workbook_fingerprint(wb: Workbook) -> str:
    """A hash of the workbook's content: equal data gives equal solves whatever else was written."""
    digest = hashlib.sha256()
    for name in ("budgets", "resources", "targets", "candidates", "contributions", "options"):
        frame = getattr(wb, name)
        digest.update(name.encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).values.tobytes())
        digest.update(",".join(map(str, frame.columns)).encode())
    for name in ("locks", "floors"):
        digest.update(getattr(wb, name).to_csv(index=False).encode())
    digest.update(json.dumps(wb.settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


@st.cache_data(show_spinner=False, max_entries=4)
def _load_workbook(path: str, version: str) -> tuple[Workbook, str]:
    wb = _store_for(path).load_workbook()
    return wb, workbook_fingerprint(wb)


def workbook() -> tuple[Workbook, str]:
    """The stored workbook and its content fingerprint, loaded once per data version."""
    get_store()
    return _load_workbook(str(db_path()), data_version())


def clear_data_caches() -> None:
    """Forget the cached workbook (after an import or a reset) and the settings built on it."""
    _load_workbook.clear()
    st.session_state.pop("scenario_fingerprint", None)


# ---------------------------------------------------------------------------------------------
# scenario settings


def drop_widget_state() -> None:
    """Forget every widget's own value so widgets re-read the scenario on the next run."""
    for key in [k for k in st.session_state if str(k).startswith(WIDGET_PREFIX)]:
        if key != WIDGET_PREFIX + "lang":
            del st.session_state[key]


def init_scenario(wb: Workbook, fingerprint: str) -> None:
    """Start the session's scenario from the stored data, or from a shared link on first load.

    When the stored data change (an import, a reset), the scenario starts again from the new data.
    """
    if (
        st.session_state.get("scenario_fingerprint") == fingerprint
        and "scenario" in st.session_state
    ):
        return
    first_load = "scenario" not in st.session_state
    st.session_state["scenario"] = settings_from_workbook(wb)
    st.session_state["scenario_name"] = None
    st.session_state["scenario_fingerprint"] = fingerprint
    st.session_state.pop("last_good_plan", None)
    drop_widget_state()
    if first_load:
        load_link(wb)


def load_link(wb: Workbook) -> None:
    """Apply scenario settings carried by the link's query parameters, reporting bad ones."""
    params = {k: st.query_params.get(k) for k in st.query_params}
    if not any(k not in ("lang",) for k in params):
        return
    settings, problems = settings_from_query(params, wb)
    st.session_state["scenario"] = settings
    st.session_state["link_messages"] = problems
    st.session_state["link_loaded"] = True
    for key in list(params):
        if key != "lang":
            del st.query_params[key]


def scenario() -> dict[str, Any]:
    """The scenario settings in use in this session (full settings dict)."""
    return st.session_state["scenario"]


def set_scenario(settings: dict[str, Any], name: str | None = None) -> None:
    """Replace the scenario in use (after loading a saved one), and resync the widgets."""
    st.session_state["scenario"] = normalise_settings(settings)
    st.session_state["scenario_name"] = name
    drop_widget_state()


def update_setting(section: str, name: str | None, value: Any) -> None:
    """Change one setting: ``section`` is a settings key, ``name`` the fund line/resource/target.

    Changing a lock (``section="locks"``) is a planner's action and checked here (``edit_locks``),
    whichever widget asked for it.
    """
    if section == "locks":
        require("edit_locks")
    settings = dict(st.session_state["scenario"])
    if name is None:
        settings[section] = value
    else:
        settings[section] = {**settings.get(section, {}), name: value}
    st.session_state["scenario"] = settings


def remove_locks(candidates: list[str]) -> None:
    """Drop the locks of ``candidates`` from the scenario in use (``edit_locks``)."""
    require("edit_locks")
    settings = dict(st.session_state["scenario"])
    settings["locks"] = {c: o for c, o in settings.get("locks", {}).items() if c not in candidates}
    st.session_state["scenario"] = settings


def scenario_label(wb: Workbook) -> str:
    """How the sidebar names the scenario in use."""
    name = st.session_state.get("scenario_name")
    if name:
        return name
    if settings_diff(settings_from_workbook(wb), scenario()):
        return t("app.scenario_adjusted")
    return t("app.scenario_stored")


# ---------------------------------------------------------------------------------------------
# solving


@dataclass
class Plan:
    """A solve's result as plain data (picklable, cacheable): the AllocationResult's parts."""

    status: str
    message: str
    objective: float | None
    bound: float | None
    gap: float | None
    build_seconds: float
    solve_seconds: float
    choices: dict[str, str]
    allocation: pd.DataFrame
    targets: pd.DataFrame
    fund_lines: pd.DataFrame
    resources: pd.DataFrame
    transfers: pd.DataFrame
    baselines: dict[str, dict[str, Any]] = field(default_factory=dict)
    settings_key: str = ""

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")


def plan_from_result(result: Any, key: str = "") -> Plan:
    """Plain data from an ``optimizer.AllocationResult``."""

    def frame(value: Any) -> pd.DataFrame:
        return value.copy() if isinstance(value, pd.DataFrame) else pd.DataFrame()

    baselines: dict[str, dict[str, Any]] = {}
    for name, evaluation in (getattr(result, "baselines", None) or {}).items():
        baselines[str(name)] = {
            "objective": float(getattr(evaluation, "objective", 0.0) or 0.0),
            "targets": frame(getattr(evaluation, "targets", None)),
            "fund_lines": frame(getattr(evaluation, "fund_lines", None)),
            "resources": frame(getattr(evaluation, "resources", None)),
            "feasible": bool(getattr(evaluation, "feasible", True)),
        }

    def number(value: Any) -> float | None:
        try:
            return None if value is None else float(value)
        except (TypeError, ValueError):
            return None

    return Plan(
        status=str(result.status),
        message=str(getattr(result, "message", "") or ""),
        objective=number(result.objective),
        bound=number(getattr(result, "bound", None)),
        gap=number(getattr(result, "gap", None)),
        build_seconds=float(getattr(result, "build_seconds", 0.0) or 0.0),
        solve_seconds=float(getattr(result, "solve_seconds", 0.0) or 0.0),
        choices={str(k): str(v) for k, v in (result.choices or {}).items()},
        allocation=frame(result.allocation),
        targets=frame(result.targets),
        fund_lines=frame(result.fund_lines),
        resources=frame(result.resources),
        transfers=frame(getattr(result, "transfers", None)),
        baselines=baselines,
        settings_key=key,
    )


def scenario_workbook(wb: Workbook, settings: dict[str, Any]) -> Workbook:
    """The workbook with the scenario applied (for analyses that take a workbook)."""
    return apply_scenario(wb, settings)


def solve_settings(
    wb: Workbook,
    settings: dict[str, Any],
    key: str = "",
    time_limit: float = SOLVE_TIME_LIMIT,
    start: dict[str, str] | None = None,
) -> Plan:
    """Solve the scenario ``settings`` on ``wb`` (no caching): the optimizer's result as a Plan.
    ``start``: a plan in hand for these settings (the live one), to start from."""
    from optimizer import evaluate_plan, solve

    threads = int(os.environ.get("WEIHAI_SOLVER_THREADS", "1"))
    scenario_wb = apply_scenario(wb, settings)
    # The optimizer's own baselines include greedy heuristics the pages do not show; the one the
    # cockpit needs (no support at all) is a single cheap evaluation.
    result = solve(
        scenario_wb, time_limit=time_limit, threads=threads, baselines=False, start=start
    )
    plan = plan_from_result(result, key)
    if plan.has_plan:
        nothing = evaluate_plan(scenario_wb, {})
        plan.baselines["do_nothing"] = {
            "objective": float(nothing.objective),
            "targets": nothing.targets.copy(),
            "fund_lines": nothing.fund_lines.copy(),
            "resources": nothing.resources.copy(),
            "feasible": bool(nothing.feasible),
        }
    return plan


@st.cache_data(show_spinner=False, max_entries=64)
def _solve_cached(fingerprint: str, key: str, settings_json: str, _wb: Workbook) -> Plan:
    # The workbook is excluded from the cache key (leading underscore); its fingerprint stands in.
    return solve_settings(_wb, json.loads(settings_json), key)


@st.cache_data(show_spinner=False, max_entries=64)
def _solve_live_cached(
    fingerprint: str, key: str, settings_json: str, seconds: float, _wb: Workbook
) -> Plan:
    return solve_settings(_wb, json.loads(settings_json), key, time_limit=seconds)


@st.cache_resource(show_spinner=False)
def refiner() -> Refiner[Plan]:
    """The process-wide background solver that finishes live plans (one worker for all sessions)."""
    return Refiner()


def _solve_inputs(fingerprint: str, settings: dict[str, Any]) -> tuple[dict[str, Any], str, str]:
    """The normalised settings, their key (the solve caches'), and the background job's key."""
    normal = normalise_settings(settings)
    key = settings_key(normal)
    return normal, key, f"{fingerprint}:{key}"


def solve_cached(wb: Workbook, fingerprint: str, settings: dict[str, Any]) -> Plan:
    """The plan for ``settings`` on the workbook with ``fingerprint``, solved once per input with the
    full time limit (a plan the background finished for these settings counts)."""
    normal, key, job = _solve_inputs(fingerprint, settings)
    tasks = refiner()
    if tasks.state(job) in (QUEUED, RUNNING):  # being solved in the background: the same plan
        tasks.wait(job, SOLVE_TIME_LIMIT + 5.0)
    finished = tasks.result(job)
    if finished is not None and finished.has_plan:
        return finished
    return _solve_cached(fingerprint, key, json.dumps(normal, sort_keys=True), wb)


def solve_live(wb: Workbook, fingerprint: str, settings: dict[str, Any]) -> tuple[Plan, str]:
    """The plan for ``settings`` within about ``LIVE_TIME_LIMIT`` seconds, and the refinement state.

    A plan found within the time but not proven within the gap is returned at once and solved again
    with the full time limit in the background: the state is then ``queued`` or ``running`` until the
    finished plan is returned here (state ``done``). A live solve that found no plan (out of time
    before any plan kept every rule) is not shown: the full solve runs here and then.
    """
    normal, key, job = _solve_inputs(fingerprint, settings)
    tasks = refiner()
    settings_json = json.dumps(normal, sort_keys=True)
    plan = _solve_live_cached(fingerprint, key, settings_json, LIVE_TIME_LIMIT, wb)
    if not plan.has_plan:
        return _solve_cached(fingerprint, key, settings_json, wb), ""
    if plan.status == "optimal":
        return plan, ""
    live = dict(plan.choices)  # the background solve starts from the live plan
    state = tasks.request(job, lambda: solve_settings(wb, normal, key, start=live))
    finished = tasks.result(job) if state == DONE else None
    # The finished plan replaces the live one only when it is at least as good (a full solve that
    # itself ran out of time could, rarely, end lower).
    at_least_as_good = (
        finished is not None
        and finished.has_plan
        and (finished.objective or 0.0) >= (plan.objective or 0.0) - 1e-12
    )
    if at_least_as_good:
        return finished, DONE
    return plan, FAILED if state == DONE else state


@dataclass
class PlanView:
    """What a page shows: the plan (maybe the last good one) and a message about how it was got."""

    plan: Plan | None
    level: str = "ok"  # ok | info | warning | error
    message: str = ""
    stale: bool = False
    refining: str = ""  # the background job's key while a better plan is being solved


def current_plan() -> PlanView:
    """Solve the session's scenario (live, cached). Errors keep the last good plan and explain why."""
    wb, fingerprint = workbook()
    settings = scenario()
    last: Plan | None = st.session_state.get("last_good_plan")
    try:
        with st.spinner(t("solve.running"), show_time=True):
            plan, refining = solve_live(wb, fingerprint, settings)
    except ScenarioError as exc:
        text = "; ".join(exc.problems)
        if last is None:
            return PlanView(None, "error", t("solve.failed_no_plan", error=text))
        return PlanView(last, "error", t("solve.failed", error=text), stale=True)
    except Exception as exc:  # a failing solve must not take the page down: keep the last good plan
        if last is None:
            return PlanView(None, "error", t("solve.failed_no_plan", error=exc))
        return PlanView(last, "error", t("solve.failed", error=exc), stale=True)
    if not plan.has_plan:
        message = t("solve.infeasible", message=plan.message or plan.status)
        if last is None:
            return PlanView(None, "error", message)
        return PlanView(last, "error", message + " " + t("solve.stale"), stale=True)
    st.session_state["last_good_plan"] = plan
    if plan.status == "feasible":
        gap_known = plan.gap is not None and math.isfinite(plan.gap)
        if refining and refining not in (DONE, FAILED):
            job = _solve_inputs(fingerprint, settings)[2]
            seconds = f"{LIVE_TIME_LIMIT:g}"
            if gap_known:
                message = t("solve.refining", seconds=seconds, gap=f"{100 * plan.gap:.2f}%")
            else:
                message = t("solve.refining_no_bound", seconds=seconds)
            return PlanView(plan, "info", message, refining=job)
        # A time-out before the solver had any bound leaves the gap unknown (None or NaN): say so
        # rather than print "nan%" or pretend the plan is optimal.
        if not gap_known:
            return PlanView(plan, "warning", t("solve.feasible_no_bound"))
        return PlanView(plan, "warning", t("solve.feasible_gap", gap=f"{100 * plan.gap:.2f}%"))
    return PlanView(plan)


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


def plan_summary_json(plan: Plan) -> dict[str, Any]:
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
