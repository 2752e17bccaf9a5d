"""Files the dashboard hands out, and the slower analyses it runs on request (cached by their inputs).

Download bytes are built by plain functions (tested directly); pages pass them to
``st.download_button`` as callables so a file is only built when someone clicks. The analyses are
``optimizer.analysis``'s, cached by the data's fingerprint and the scenario settings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from data.scenario import apply_scenario, normalise_settings
from data.schema import Workbook
from optimizer.analysis import frontier, marginal_values
from optimizer.solve import AllocationResult
from ui.settings import ScenarioSettings
from ui.tables import allocation_csv_bytes, allocation_xlsx_bytes


def file_stem(label: str, key: str = "") -> str:
    """A safe file-name stem from a scenario's name (Chinese kept, punctuation dropped)."""
    stem = re.sub(r"[^\w\-]+", "_", label, flags=re.UNICODE).strip("_") or "scenario"
    return f"{stem[:40]}_{key[:6]}" if key else stem[:40]


def allocation_csv(
    plan: AllocationResult, lang: str, labels: Mapping[str, str], resources: Sequence[str]
) -> Callable[[], bytes]:
    """A callable building the allocation CSV (UTF-8 with BOM) with headers in ``lang``."""
    return lambda: allocation_csv_bytes(plan.allocation, lang, labels, resources)


def allocation_xlsx(
    plan: AllocationResult, lang: str, labels: Mapping[str, str], resources: Sequence[str]
) -> Callable[[], bytes]:
    """A callable building the allocation XLSX (allocation and targets sheets) in ``lang``."""
    return lambda: allocation_xlsx_bytes(plan.allocation, lang, labels, resources, plan.targets)


def scenario_workbook_bytes(wb: Workbook, settings: Mapping[str, Any]) -> bytes:
    """The whole planning workbook with the scenario's settings applied, as ``.xlsx`` bytes."""
    from data.workbook import workbook_to_xlsx_bytes

    return workbook_to_xlsx_bytes(apply_scenario(wb, settings))


def scenario_workbook(wb: Workbook, settings: Mapping[str, Any]) -> Callable[[], bytes]:
    """A callable building :func:`scenario_workbook_bytes` (only when the button is clicked)."""
    frozen = normalise_settings(settings)
    return lambda: scenario_workbook_bytes(wb, frozen)


# ---------------------------------------------------------------------------------------------
# analyses on request


@st.cache_data(show_spinner=False, max_entries=16)
def _marginal_cached(fingerprint: str, settings: ScenarioSettings, _wb: Workbook) -> pd.DataFrame:
    # The workbook is excluded from the cache key (leading underscore); its fingerprint stands in.
    return marginal_values(apply_scenario(_wb, settings), lp_check=True).table


def marginal_values_table(
    wb: Workbook, fingerprint: str, settings: Mapping[str, Any]
) -> pd.DataFrame:
    """``optimizer.analysis.marginal_values`` for these settings on this data, cached."""
    return _marginal_cached(fingerprint, ScenarioSettings.from_mapping(settings), wb)


def analysis_frontier(
    wb: Workbook,
    settings: Mapping[str, Any],
    points_count: int,
    max_scale: float,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """The total-budget frontier (``optimizer.analysis.frontier``) as
    ``scale, total_budget, objective, status`` (objective: the plan's weighted attainment)."""
    table = frontier(
        apply_scenario(wb, settings),
        points_count=points_count,
        max_scale=max_scale,
        progress=progress,
    ).table
    return pd.DataFrame(
        {
            "scale": table["scale"].astype(float),
            "total_budget": table["total_budget"].astype(float),
            "objective": table["attainment"].astype(float),
            "status": table["status"].astype(str),
        }
    )
