"""Files the dashboard hands out, and the slower analyses it runs on request (cached by their inputs).

Download bytes are built by plain functions (tested directly); pages pass them to
``st.download_button`` as callables so a file is only built when someone clicks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from data.scenario import apply_scenario, normalise_settings
from data.schema import Workbook
from ui.tables import allocation_csv_bytes, allocation_xlsx_bytes


def file_stem(label: str, key: str = "") -> str:
    """A safe file-name stem from a scenario's name (Chinese kept, punctuation dropped)."""
    stem = re.sub(r"[^\w\-]+", "_", label, flags=re.UNICODE).strip("_") or "scenario"
    return f"{stem[:40]}_{key[:6]}" if key else stem[:40]


def allocation_csv(
    plan: Any, lang: str, labels: Mapping[str, str], resources: Sequence[str]
) -> Callable[[], bytes]:
    """A callable building the allocation CSV (UTF-8 with BOM) with headers in ``lang``."""
    return lambda: allocation_csv_bytes(plan.allocation, lang, labels, resources)


def allocation_xlsx(
    plan: Any, lang: str, labels: Mapping[str, str], resources: Sequence[str]
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


def _analysis_module(name: str) -> Any | None:
    """``optimizer.analysis.<name>`` when it is importable (the analytics layer is optional)."""
    try:
        import importlib

        return importlib.import_module(f"optimizer.analysis.{name}")
    except Exception:  # not written yet or broken: the page falls back or hides the section
        return None


@st.cache_data(show_spinner=False, max_entries=16)
def _marginal_cached(fingerprint: str, settings_json: str, _wb: Workbook) -> pd.DataFrame | None:
    module = _analysis_module("marginal")
    if module is None:
        return None
    result = module.marginal_values(apply_scenario(_wb, json.loads(settings_json)), lp_check=True)
    return result.table


def marginal_values_table(
    wb: Workbook, fingerprint: str, settings: Mapping[str, Any]
) -> pd.DataFrame | None:
    """The analysis module's marginal values for these settings, cached; None when unavailable."""
    key = json.dumps(normalise_settings(settings), sort_keys=True)
    return _marginal_cached(fingerprint, key, wb)


def analysis_function(name: str) -> Callable[..., Any] | None:
    """A function exported by ``optimizer.analysis`` (e.g. ``explain_candidate``), or None."""
    try:
        import optimizer.analysis as analysis
    except Exception:  # the analytics layer is optional
        return None
    return getattr(analysis, name, None)


def analysis_checklist() -> Callable[..., bytes] | None:
    """``reports.checklist.firm_checklist_bytes`` (a firm's 明白纸 as Markdown), or None."""
    try:
        from reports.checklist import firm_checklist_bytes
    except Exception:  # the checklist writer is optional
        return None
    return firm_checklist_bytes


def marginal_values_available() -> bool:
    """True when ``optimizer.analysis.marginal`` can be imported."""
    return _analysis_module("marginal") is not None


def frontier_points(
    wb: Workbook,
    settings: Mapping[str, Any],
    scales: Sequence[float],
    solve: Callable[[dict[str, Any]], Any],
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """A simple frontier: the plan's objective with every budget scaled, one solve per scale.

    Used when the analytics module's frontier is not available. Returns columns ``scale``,
    ``total_budget`` (万元), ``objective`` and ``status``.
    """
    base = normalise_settings(settings)
    rows = []
    for i, scale in enumerate(scales):
        scaled = {**base, "budgets": {k: v * scale for k, v in base["budgets"].items()}}
        plan = solve(scaled)
        rows.append(
            {
                "scale": float(scale),
                "total_budget": float(sum(scaled["budgets"].values())),
                "objective": float(plan.objective) if plan.objective is not None else np.nan,
                "status": plan.status,
            }
        )
        if progress is not None:
            progress(i + 1, len(scales))
    return pd.DataFrame(rows)


def analysis_frontier(
    wb: Workbook,
    settings: Mapping[str, Any],
    points_count: int,
    max_scale: float,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame | None:
    """The analytics module's total-budget frontier as ``scale, total_budget, objective, status``."""
    module = _analysis_module("frontier")
    if module is None:
        return None
    result = module.frontier(
        apply_scenario(wb, settings),
        points_count=points_count,
        max_scale=max_scale,
        progress=progress,
    )
    table = result.table
    return pd.DataFrame(
        {
            "scale": table["scale"].astype(float),
            "total_budget": table["total_budget"].astype(float),
            "objective": table["attainment"].astype(float),
            "status": table["status"].astype(str),
        }
    )
