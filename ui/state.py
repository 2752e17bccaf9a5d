"""What every page shares, in one namespace: ``from ui import state``.

The parts live in their own modules: the language and widget state (``ui.session``), the guarded store
and the workbook (``ui.store``), the session's scenario (``ui.scenario_state``, a
``ui.settings.ScenarioSettings``) and the solves (``ui.solving``, returning the optimizer's
``AllocationResult``). Replace a function in the module that defines it (e.g. ``ui.solving``), not
here: the others call it there.
"""

from __future__ import annotations

from ui.scenario_state import (
    init_scenario,
    load_link,
    remove_locks,
    scenario,
    scenario_label,
    set_scenario,
    update_setting,
)
from ui.session import WIDGET_PREFIX, drop_widget_state, init_language, language_switch
from ui.settings import ScenarioSettings
from ui.solving import (
    LIVE_TIME_LIMIT,
    REFINE_POLL_SECONDS,
    SOLVE_TIME_LIMIT,
    PlanView,
    current_plan,
    has_plan,
    plan_summary_json,
    refiner,
    scenario_workbook,
    show_plan_status,
    solve_cached,
    solve_live,
    solve_settings,
)
from ui.store import (
    GuardedStore,
    clear_data_caches,
    data_version,
    db_path,
    get_store,
    workbook,
    workbook_fingerprint,
)

__all__ = [
    "LIVE_TIME_LIMIT",
    "REFINE_POLL_SECONDS",
    "SOLVE_TIME_LIMIT",
    "WIDGET_PREFIX",
    "GuardedStore",
    "PlanView",
    "ScenarioSettings",
    "clear_data_caches",
    "current_plan",
    "data_version",
    "db_path",
    "drop_widget_state",
    "get_store",
    "has_plan",
    "init_language",
    "init_scenario",
    "language_switch",
    "load_link",
    "plan_summary_json",
    "refiner",
    "remove_locks",
    "scenario",
    "scenario_label",
    "scenario_workbook",
    "set_scenario",
    "show_plan_status",
    "solve_cached",
    "solve_live",
    "solve_settings",
    "update_setting",
    "workbook",
    "workbook_fingerprint",
]
