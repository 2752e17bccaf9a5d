"""Benchmark of the decision analytics on the demo city: marginal values, frontier, robustness, explain.

Run from the repository root:

    python benchmarks/analysis_bench.py [--seed 2026] [--samples 50] [--points 21] [--workers 2]
                                        [--scheduler tcp://HOST:8786]

Prints one line per measurement: wall-clock seconds next to its goal (issue 14: robustness of 50
samples ≤ 10 s, frontier of 21 points ≤ 3 s, marginal values ≤ 2 s, explain one candidate ≤ 1 s),
the largest relative gap of the re-solves behind it, and the machine's load average (1 minute)
when it ended, since other work on the machine slows every figure; then the peak memory (VmHWM
from /proc) of this process and of the executor's workers. The re-solves run on the executor
(`optimizer.executor`): a local pool of ``--workers`` processes, or a Dask cluster.
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
from optimizer.executor import Executor, _pools  # noqa: E402
from optimizer.quiet import quiet_stdout  # noqa: E402
from reports.checklist import district_checklists_bytes  # noqa: E402

Row = tuple[str, float, float | None, str, float]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--points", type=int, default=21)
    parser.add_argument("--gap", type=float, default=1e-3)
    parser.add_argument("--workers", type=int, default=None, help="local pool size (default 2)")
    parser.add_argument("--scheduler", default=None, help="a Dask scheduler address")
    parser.add_argument(
        "--all-on-executor",
        action="store_true",
        help="run marginal values, frontiers and explanations on the executor too",
    )
    args = parser.parse_args()

    executor = Executor(args.scheduler, workers=args.workers)
    # Robustness always runs on the executor; the other analyses by default in this process (as
    # the dashboard runs them, see optimizer/analysis/parallel.py), or on it with --all-on-executor.
    others = executor if args.all_on_executor else None
    rows: list[Row] = []

    def row(name: str, seconds: float, goal: float | None, note: str) -> None:
        rows.append((name, seconds, goal, note, load()))

    with quiet_stdout():
        wb = generate_demo(args.seed)

        started = time.perf_counter()
        model = PlanModel(wb, mip_gap=args.gap)
        base = model.solve()
        row(
            "build + base solve",
            time.perf_counter() - started,
            None,
            f"{len(model.candidate_ids)} candidates, {model.n_x} columns, "
            f"attainment {base.attainment:.4f}, gap vs LP {base.gap:.1e}",
        )
        # The workers start and receive the model once (a dashboard's pool stays up between
        # analyses): measured on its own so that the figures below are the analyses' own.
        started = time.perf_counter()
        robustness(model, samples=2, executor=executor)
        row("warm-up: workers start, model shipped", time.perf_counter() - started, None, "")

        mv = marginal_values(model, executor=others)
        gaps = mv.table[["gap_up", "gap_down"]].to_numpy()
        row(
            "marginal values (all)",
            mv.seconds,
            2.0,
            f"{len(mv.table)} limits × (up, down) + LP prices; gap ≤ {max_gap(gaps)}",
        )

        fr = frontier(model, points_count=args.points, executor=others)
        row(
            f"frontier, {args.points} points (+ today)",
            fr.seconds,
            3.0,
            f"{int(fr.table['carried'].sum())} carried, "
            f"{int((fr.table['status'] == 'infeasible').sum())} infeasible; "
            f"gap ≤ {max_gap(fr.table['gap'])}",
        )

        scaled = frontier(model, points_count=args.points, entitlements="scaled", executor=others)
        row(
            "frontier, entitlements scaled too",
            scaled.seconds,
            None,
            f"{int((scaled.table['status'] == 'infeasible').sum())} points without a plan; "
            f"gap ≤ {max_gap(scaled.table['gap'])}",
        )

        one = frontier(
            model, scope=model.resource_names[0], points_count=args.points, executor=others
        )
        row(
            f"frontier of {model.resource_names[0]}",
            one.seconds,
            None,
            f"gap ≤ {max_gap(one.table['gap'])}",
        )

        # The history fit's own uncertainty (the default: the demo city has five past years), with
        # and without year swings, then the flat ±20% of earlier versions for comparison.
        for uncertainty, rho in (("fit", 0.0), ("fit", 0.2), ("spread", 0.0)):
            rb = robustness(
                model,
                samples=args.samples,
                correlation=rho,
                executor=executor,
                uncertainty=uncertainty,
            )
            summary = rb.summary()
            met = rb.targets["samples_met"].tolist()
            first = summary["targets"][0]  # type: ignore[index]
            row(
                f"robustness, {args.samples} samples, {uncertainty}, ρ = {rho:g}",
                rb.seconds,
                10.0,
                f"supports kept in ≥ 90% cost {summary['kept']:,.0f} of {summary['total']:,.0f} "
                f"万元; in 90% of samples {first['target']} ≥ {first['assured']:,.1f} (goal "
                f"{first['goal']:,.0f}); goals met in {min(met)}–{max(met)} of {args.samples}; "
                f"gap ≤ {max_gap(rb.attainment['gap'])}",
            )

        base = model.solve()
        unfunded = [c for c in model.candidate_ids if not base.funded(c)][:3]
        funded = [c for c in model.candidate_ids if base.funded(c)][:3]
        for cand in unfunded + funded:
            ex = explain_candidate(model, cand, base=base, executor=others)
            what = (
                f"takes +{ex.takes:g} {ex.limit_unit} on {ex.limit}"
                if ex.takes is not None
                else f"drop loss {ex.drop_points:.3f} points"
                if ex.funded and ex.drop_points is not None
                else "not fundable in range"
            )
            row(f"explain {cand}", ex.seconds, 1.0, f"{ex.solves} solves; {what}")

        lp = lock_prices(model)
        row("lock prices", lp.seconds, None, f"{len(lp.table)} locks")

        started = time.perf_counter()
        district = str(wb.enterprises["district"].iloc[0])
        data = district_checklists_bytes(wb, district, fmt="md")
        row(
            f"checklists of {district} (Markdown)",
            time.perf_counter() - started,
            None,
            f"{len(data) // 1024} KiB",
        )
    workers = worker_peaks()
    executor.close()

    width = max(len(r[0]) for r in rows)
    print(
        f"{os.cpu_count()} cores; executor: {executor.kind}, {executor.workers} local workers; "
        f"solver threads 1"
    )
    print(f"{'':<{width}}  {'seconds':>8}  {'goal':>6}        load  note")
    for name, seconds, goal, note, at in rows:
        verdict = "" if goal is None else ("met" if seconds <= goal else "MISSED")
        goal_text = "" if goal is None else f"≤ {goal:g} s"
        print(f"{name:<{width}}  {seconds:8.2f}  {goal_text:>6} {verdict:>6}  {at:4.1f}  {note}")
    print(f"peak memory: this process {peak_mib('self'):.0f} MiB; workers {workers}")


def load() -> float:
    """The machine's 1-minute load average (NaN where the OS has none)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def peak_mib(pid: str | int) -> float:
    """Peak resident memory (VmHWM) of a process from /proc, MiB (NaN when unreadable)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def worker_peaks() -> str:
    """Peak memory of the local pool's workers (while they are still up)."""
    peaks = [
        peak_mib(pid)
        for pool in _pools.values()
        for pid in list(getattr(pool, "_processes", {}) or {})
    ]
    return ", ".join(f"{p:.0f} MiB" for p in peaks) or "none (inline or Dask)"


def max_gap(gaps: object) -> str:
    """The largest relative gap among re-solves (NaN ones, e.g. no plan, left out)."""
    values = np.asarray(gaps, dtype=float).ravel()
    values = values[np.isfinite(values)]
    return f"{values.max():.1e}" if len(values) else "n/a"


if __name__ == "__main__":
    main()
