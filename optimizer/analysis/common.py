"""Small shared pieces of the analyses: nice step sizes, attainment points, model reuse."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from data.schema import Workbook

from .model import PlanModel, PlanOutcome

# Progress reporting for long analyses: called with (done, total) after each re-solve.
Progress = Callable[[int, int], None]


def nice_number(x: float) -> float:
    """Round a positive number to the nearest 1, 2 or 5 × 10^k (e.g. 437 → 500, 13.2 → 10)."""
    if not x > 0 or not math.isfinite(x):
        return 0.0
    base = 10.0 ** math.floor(math.log10(x))
    mantissa = x / base
    # round on a log scale: the boundary between 1 and 2 is √2, between 2 and 5 √10, 5 and 10 √50
    for nice in (1.0, 2.0, 5.0):
        upper = {1.0: math.sqrt(2.0), 2.0: math.sqrt(10.0), 5.0: math.sqrt(50.0)}[nice]
        if mantissa < upper:
            return nice * base
    return 10.0 * base


def limit_step(
    current: float, typical_use: float, *, share: float = 0.05, minimum: float = 1.0
) -> float:
    """A step for a limit that makes sense to a planner: about ``share`` of it, rounded to a nice figure.

    For a fund line of 2,000 万元 this is 100 万元; for 200 staff days 10 days; for 2,000 mu of land
    100 mu. A limit of zero gets a step of about one typical use (an option's cost or resource need).
    Steps are whole units at least (1 万元, 1 day).
    """
    raw = share * current if current > 0 else typical_use
    return max(minimum, nice_number(raw)) if raw > 0 else minimum


def points(attainment: float, model: PlanModel) -> float:
    """Weighted attainment on a 0–100 scale: 100 × attainment / Σ weights (100 = every goal met)."""
    total = float(np.sum(model.weights))
    return 100.0 * attainment / total if total > 0 else math.nan


def as_model(wb_or_model: Workbook | PlanModel, **options: object) -> PlanModel:
    """The re-solvable model of a workbook (built once) or the model passed in."""
    if isinstance(wb_or_model, PlanModel):
        return wb_or_model
    return PlanModel(wb_or_model, **options)  # type: ignore[arg-type]


def round_or_none(x: float, digits: int = 6) -> float | None:
    """A float for JSON: rounded, and None for NaN."""
    if x is None or not math.isfinite(float(x)):
        return None
    return round(float(x), digits) + 0.0  # no "-0.0" in JSON


def better_of(a: PlanOutcome, b: PlanOutcome | None) -> PlanOutcome:
    """The outcome with the higher attainment (feasible beats infeasible)."""
    if b is None or not b.feasible:
        return a
    if not a.feasible or b.attainment > a.attainment + 1e-12:
        return b
    return a
