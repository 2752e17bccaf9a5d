"""The allocation optimizer: model, solving, plan evaluation and odds (no Streamlit; usable from any program)."""

from optimizer.evaluate import PlanEvaluation, evaluate_plan
from optimizer.odds import prob_at_least
from optimizer.solve import AllocationModel, AllocationResult, solve

__all__ = [
    "AllocationModel",
    "AllocationResult",
    "PlanEvaluation",
    "evaluate_plan",
    "prob_at_least",
    "solve",
]
