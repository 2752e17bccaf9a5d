"""The measured figures of docs/demo-city.md ("What the optimizer makes of it"): run
``python -m devtools.demo_figures`` and paste what it prints; the numbers are measured, not generated.

It solves the demo (seed 2026, default assumptions), prints the objective against the baselines, the
plan's money, what is left on each line and resource, each target's expectation and chance, what 10 %
more of each line or busy resource is worth, and the objective and chances on seeds 7 and 11.
"""

from __future__ import annotations

import time

import optimizer
from data.demo.generate import generate_demo
from data.schema import NONE_OPTION, Workbook


def _solve(wb: Workbook) -> optimizer.AllocationResult:
    return optimizer.solve(wb)


def _with_more(wb: Workbook, sheet: str, key: str, name: str, column: str) -> Workbook:
    edited = wb.copy()
    frame = getattr(edited, sheet)
    frame.loc[frame[key] == name, column] *= 1.1
    return edited


def main() -> None:
    """Print the figures (Markdown) for seed 2026 and the summary lines for seeds 7 and 11."""
    wb = generate_demo()
    started = time.perf_counter()
    plan = _solve(wb)
    seconds = time.perf_counter() - started
    weights = float(wb.targets["weight"].sum())
    print(f"status {plan.status}; {seconds:.1f} s; {plan.message}")
    print(f"objective {plan.objective:.3f} of {weights:g} ({plan.objective / weights:.1%})")
    for name, evaluation in plan.baselines.items():
        print(f"  {name}: {evaluation.objective:.3f} ({evaluation.objective / weights:.1%})")
    chosen = plan.allocation[plan.allocation["option"] != NONE_OPTION]
    print(f"supported {len(chosen):,} candidates, {chosen['cost'].sum():,.0f} 万元 up front")
    print(plan.fund_lines.round(1).to_string(index=False))
    print(plan.resources.round(1).to_string(index=False))
    print()
    print("| target | goal | no support | optimal plan | attainment | P(goal met) |")
    print("|---|---|---|---|---|---|")
    for row in plan.targets.itertuples(index=False):
        print(
            f"| {row.target} | {row.goal:,.0f} | {row.expected_base:,.1f} | {row.expected:,.1f} "
            f"| {row.attainment:.3f} | {row.p_meet:.2f} |"
        )
    print()
    print("| fund line or resource | +10 % | gain |")
    print("|---|---|---|")
    for line, amount in zip(wb.budgets["fund_line"], wb.budgets["amount"], strict=True):
        more = _solve(_with_more(wb, "budgets", "fund_line", line, "amount"))
        print(f"| {line} | {0.1 * amount:,.0f} 万元 | {more.objective - plan.objective:+.4f} |")
    for resource, capacity in zip(wb.resources["resource"], wb.resources["capacity"], strict=True):
        more = _solve(_with_more(wb, "resources", "resource", resource, "capacity"))
        print(f"| {resource} | {0.1 * capacity:,.0f} | {more.objective - plan.objective:+.4f} |")
    print()
    for seed in (7, 11):
        other = generate_demo(seed)
        result = _solve(other)
        total = float(other.targets["weight"].sum())
        chances = " / ".join(f"{p:.2f}" for p in result.targets["p_meet"])
        print(f"seed {seed}: {result.objective / total:.1%}; P(goal met) {chances}")


if __name__ == "__main__":
    main()
