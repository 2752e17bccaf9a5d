"""Decision analytics around a plan: marginal values, frontier, why (not) funded, lock prices, robustness.

Data in, data out, no Streamlit: each function takes a `Workbook` (or a `PlanModel` built from one, to
re-use it across analyses) and returns a small result object with DataFrames and ``to_json()``.
See docs/analytics.md.
"""

from .explain import Explanation, LockPrices, explain_candidate, lock_prices, what_it_would_take
from .frontier import TOTAL_BUDGET, Frontier, frontier
from .marginal import MarginalValues, marginal_values, plan_limits
from .model import (
    ANY_OPTION,
    PlanModel,
    PlanOutcome,
    pulp_shadow_price,
    shadow_price_from_highs,
)
from .robustness import Robustness, robustness

__all__ = [
    "ANY_OPTION",
    "TOTAL_BUDGET",
    "Explanation",
    "Frontier",
    "LockPrices",
    "MarginalValues",
    "PlanModel",
    "PlanOutcome",
    "Robustness",
    "explain_candidate",
    "frontier",
    "lock_prices",
    "marginal_values",
    "plan_limits",
    "pulp_shadow_price",
    "robustness",
    "shadow_price_from_highs",
    "what_it_would_take",
]
