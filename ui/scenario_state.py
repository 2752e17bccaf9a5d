"""The session's scenario: started from the stored data or a shared link, changed by the widgets.

The scenario in use is a :class:`ui.settings.ScenarioSettings` under the non-widget key ``scenario``
(with ``scenario_name`` and the data's ``scenario_fingerprint``), so it survives page switches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from data.scenario import (
    settings_diff,
    settings_from_query,
    settings_from_workbook,
    settings_to_query,
)
from data.schema import Workbook
from ui.auth import can, require
from ui.i18n import t
from ui.session import drop_widget_state
from ui.settings import ScenarioSettings


def init_scenario(wb: Workbook, fingerprint: str) -> None:
    """Start the session's scenario from the stored data, or from a shared link on first load.

    When the stored data change (an import, a reset), the scenario starts again from the new data.
    """
    if (
        st.session_state.get("scenario_fingerprint") == fingerprint
        and "scenario" in st.session_state
    ):
        sync_link(wb)
        return
    first_load = "scenario" not in st.session_state
    st.session_state["scenario"] = ScenarioSettings.from_mapping(settings_from_workbook(wb))
    st.session_state["scenario_name"] = None
    st.session_state["scenario_fingerprint"] = fingerprint
    st.session_state.pop("last_good_plan", None)
    st.session_state.pop("plan_history", None)  # a plan on other data is no "before"
    drop_widget_state()
    if first_load:
        load_link(wb)
    sync_link(wb)


# The link's parameter naming the scenario (docs/CONTRACTS.md's settings keys are the others).
NAME_PARAM = "name"


def sync_link(wb: Workbook) -> None:
    """Keep the address bar shareable: the language, the settings that differ from the stored data
    and the scenario's name, so that copying the address reproduces what is on screen."""
    wanted = {**settings_to_query(scenario(), settings_from_workbook(wb))}
    name = st.session_state.get("scenario_name")
    if name:
        wanted[NAME_PARAM] = str(name)
    current = {k: st.query_params[k] for k in st.query_params if k != "lang"}
    if current == wanted:
        return
    for key in list(current):
        if key not in wanted:
            del st.query_params[key]
    for key, value in wanted.items():
        if current.get(key) != value:
            st.query_params[key] = value


def load_link(wb: Workbook) -> None:
    """Apply scenario settings carried by the link's query parameters, reporting bad ones."""
    # each key's last value (what ``get`` gave); indexing, as every key is present
    params = {k: st.query_params[k] for k in st.query_params}
    name = params.pop(NAME_PARAM, None)
    if not any(k not in ("lang",) for k in params):
        if name:
            st.session_state["scenario_name"] = name
        return
    # Locks are a planner's decision: a viewer's link may move amounts and goals in their own session only.
    settings, problems = settings_from_query(params, wb, locks_allowed=can("edit_locks"))
    st.session_state["scenario"] = ScenarioSettings.from_mapping(settings)
    st.session_state["link_messages"] = problems
    st.session_state["link_loaded"] = True
    if name:
        st.session_state["scenario_name"] = name
    for key in list(params):
        if key != "lang":
            del st.query_params[key]


def scenario() -> ScenarioSettings:
    """The scenario settings in use in this session."""
    return st.session_state["scenario"]


def set_scenario(settings: Mapping[str, Any], name: str | None = None) -> None:
    """Replace the scenario in use (after loading a saved one), and resync the widgets."""
    st.session_state["scenario"] = ScenarioSettings.from_mapping(settings)
    st.session_state["scenario_name"] = name
    drop_widget_state()


def update_setting(section: str, name: str | None, value: Any) -> None:
    """Change one setting: ``section`` is a settings key, ``name`` the fund line/resource/target.

    Changing a lock (``section="locks"``) is a planner's action and checked here (``edit_locks``),
    whichever widget asked for it.
    """
    if section == "locks":
        require("edit_locks")
    st.session_state["scenario"] = scenario().with_value(section, name, value)


def remove_locks(candidates: list[str]) -> None:
    """Drop the locks of ``candidates`` from the scenario in use (``edit_locks``)."""
    require("edit_locks")
    st.session_state["scenario"] = scenario().without_locks(candidates)


def scenario_label(wb: Workbook) -> str:
    """How the sidebar names the scenario in use."""
    name = st.session_state.get("scenario_name")
    if name:
        return name
    if settings_diff(settings_from_workbook(wb), scenario()):
        return t("app.scenario_adjusted")
    return t("app.scenario_stored")
