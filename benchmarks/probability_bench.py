"""Benchmark of the probabilities from history and the chance-aware plan on the demo city.

Run from the repository root:

    python benchmarks/probability_bench.py [--seed 2026] [--rho RHO] [--time-limit 10]

Prints one line per measurement (seconds, wall clock), the load average of the machine, and the
issue's targets (calibrate on the demo ≤ 5 s; the chance-aware plan on the demo ≤ 10 s), then how
well calibrate recovers the demo's own probabilities (mean absolute error, Brier score against the
truth) and what the chance plan gives up against the expected-attainment plan.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data.demo import generate_demo  # noqa: E402
from data.demo.history import DEMO_CORRELATION, with_history  # noqa: E402
from optimizer.calibrate import calibrate  # noqa: E402
from optimizer.chance import chance_plan, compare_plans  # noqa: E402
from optimizer.problem import compile_problem  # noqa: E402
from optimizer.quiet import quiet_stdout  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--rho",
        type=float,
        default=None,
        help="correlation of the chance plan (default: the demo's)",
    )
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()
    wb = generate_demo(args.seed)
    if len(wb.history) == 0:
        wb = with_history(wb, args.seed)
    rho = wb.correlation if args.rho is None else args.rho

    started = time.perf_counter()
    result = calibrate(wb)
    seconds = time.perf_counter() - started
    print(
        f"calibrate: {seconds:.2f} s (target ≤ 5 s) at load {os.getloadavg()[0]:.2f} on "
        f"{os.cpu_count()} cores, {len(wb.history)} history rows"
    )
    truth_base = wb.candidates["base_probability"].to_numpy(dtype=float)
    truth_opt = wb.options["probability"].to_numpy(dtype=float)
    est = result.workbook
    est_base = est.candidates["base_probability"].to_numpy(dtype=float)
    est_opt = est.options["probability"].to_numpy(dtype=float)
    print(
        f"  recovery: MAE base {np.abs(est_base - truth_base).mean():.4f}, "
        f"MAE options {np.abs(est_opt - truth_opt).mean():.4f}; "
        f"estimated correlation {result.report['correlation']} (truth {DEMO_CORRELATION:g})"
    )
    # Brier score of the estimates against the truth: E[(p̂ − Y)²] with Y ~ Bernoulli(p).
    brier = np.mean(est_base**2 - 2 * est_base * truth_base + truth_base)
    floor = np.mean(truth_base * (1 - truth_base))
    print(
        f"  Brier (base, expected against the truth) {brier:.4f}; with perfect estimates {floor:.4f}"
    )
    for rung, info in result.report["rungs"].items():  # type: ignore[union-attr]
        back = info["backtest"]
        print(
            f"  {rung:15s} rows {info['rows_used']:5d}  backtest Brier {back['brier']:.4f} "
            f"vs plain rate {back['brier_plain_rate']:.4f}"
        )

    problem = compile_problem(wb)
    started = time.perf_counter()
    with quiet_stdout():
        plan = chance_plan(problem, rho, time_limit=args.time_limit)
    seconds = time.perf_counter() - started
    bound = f"bound {plan.bound:.4f}" if np.isfinite(plan.bound) else "no bound"
    print(
        f"chance plan (ρ = {rho:g}): {seconds:.2f} s (target ≤ 10 s) at load "
        f"{os.getloadavg()[0]:.2f}, {plan.iterations} MILPs; weighted chance {plan.objective:.4f} "
        f"vs {plan.expected_objective:.4f} for the expected-attainment plan (of "
        f"{problem.weight.sum():g}); {bound}"
    )
    table = compare_plans(problem, plan, rho)
    with np.printoptions(precision=3):
        print(table.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
