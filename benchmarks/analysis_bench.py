"""Benchmark of the decision analytics on the demo city: marginal values, frontier, robustness, explain.

Run from the repository root:

    python benchmarks/analysis_bench.py [--seed 2026] [--samples 50] [--points 21]

Prints one line per measurement (seconds, wall clock, 1 solver thread), the largest relative gap
of the re-solves behind it, the load average of the machine, and the targets of the analytics
issue (marginal < 5 s, 21-point frontier < 10 s, 50-sample robustness < 60 s).
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
from optimizer.analysis import (  # noqa: E402
    PlanModel,
    explain_candidate,
    frontier,
    lock_prices,
    marginal_values,
    robustness,
)
from optimizer.quiet import quiet_stdout  # noqa: E402
from reports.checklist import district_checklists_bytes  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--points", type=int, default=21)
    parser.add_argument("--gap", type=float, default=1e-3)
    args = parser.parse_args()

    with quiet_stdout():
        wb = generate_demo(args.seed)
        rows: list[tuple[str, float, str]] = []

        started = time.perf_counter()
        model = PlanModel(wb, mip_gap=args.gap)
        base = model.solve()
        rows.append(
            (
                "build + base solve",
                time.perf_counter() - started,
                f"{len(model.candidate_ids)} candidates, {model.n_x} columns, "
                f"attainment {base.attainment:.4f}, gap vs LP {base.gap:.1e}",
            )
        )

        mv = marginal_values(model)
        n_limits = len(mv.table)
        gaps = mv.table[["gap_up", "gap_down"]].to_numpy()
        rows.append(
            (
                "marginal values (all)",
                mv.seconds,
                f"{n_limits} limits × (up, down) + LP prices; gap ≤ {max_gap(gaps)}; target < 5 s",
            )
        )

        fr = frontier(model, points_count=args.points)
        rows.append(
            (
                f"frontier, {args.points} points (+ today)",
                fr.seconds,
                f"{int(fr.table['carried'].sum())} carried, "
                f"{int((fr.table['status'] == 'infeasible').sum())} infeasible; "
                f"gap ≤ {max_gap(fr.table['gap'])}; target < 10 s",
            )
        )

        scaled = frontier(model, points_count=args.points, entitlements="scaled")
        rows.append(
            (
                "frontier, entitlements scaled too",
                scaled.seconds,
                f"{int((scaled.table['status'] == 'infeasible').sum())} points without a plan; "
                f"gap ≤ {max_gap(scaled.table['gap'])}",
            )
        )

        one = frontier(model, scope=model.resource_names[0], points_count=args.points)
        rows.append(
            (
                f"frontier of {model.resource_names[0]}",
                one.seconds,
                f"gap ≤ {max_gap(one.table['gap'])}",
            )
        )

        rb = robustness(model, samples=args.samples)
        counts = rb.counts()
        rows.append(
            (
                f"robustness, {args.samples} samples",
                rb.seconds,
                f"core {counts['core']}, borderline {counts['borderline']}, "
                f"exterior {counts['exterior']}; gap ≤ {max_gap(rb.attainment['gap'])}; "
                "target < 60 s",
            )
        )

        base = model.solve()
        unfunded = [c for c in model.candidate_ids if not base.funded(c)][:3]
        funded = [c for c in model.candidate_ids if base.funded(c)][:3]
        for cand in unfunded + funded:
            ex = explain_candidate(model, cand, base=base)
            what = (
                f"takes +{ex.takes:g} {ex.limit_unit} on {ex.limit}"
                if ex.takes is not None
                else f"drop loss {ex.drop_points}"
                if ex.funded
                else "not fundable in range"
            )
            rows.append((f"explain {cand}", ex.seconds, f"{ex.solves} solves; {what}"))

        lp = lock_prices(model)
        rows.append(("lock prices", lp.seconds, f"{len(lp.table)} locks"))

        started = time.perf_counter()
        district = str(wb.enterprises["district"].iloc[0])
        data = district_checklists_bytes(wb, district, fmt="md")
        rows.append(
            (
                f"checklists of {district} (Markdown)",
                time.perf_counter() - started,
                f"{len(data) // 1024} KiB",
            )
        )

    width = max(len(r[0]) for r in rows)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average at the end: {load:.1f} on {os.cpu_count()} cores")
    for name, seconds, note in rows:
        print(f"{name:<{width}}  {seconds:7.2f} s  {note}")


def max_gap(gaps: object) -> str:
    """The largest relative gap among re-solves (NaN ones, e.g. no plan, left out)."""
    values = np.asarray(gaps, dtype=float).ravel()
    values = values[np.isfinite(values)]
    return f"{values.max():.1e}" if len(values) else "n/a"


if __name__ == "__main__":
    main()
