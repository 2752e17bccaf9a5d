"""Optimizer benchmark: build time, time to 0.1% / 0.01% of the LP bound, HiGHS vs CBC, peak memory, plan quality.

Run from the repository root:

    python benchmarks/optimizer_bench.py                 # demo city, 10,000 and 50,000 candidates
    python benchmarks/optimizer_bench.py --sizes demo,2000 --milp-limit 30

Each measurement runs in its own Python process, so that its peak memory (ru_maxrss) is its own.
Prints a Markdown table (the one in docs/optimizer.md).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def load(size: str):
    """The demo city or a generated instance of the given number of candidates."""
    if size == "demo":
        from data.demo import generate_demo

        return generate_demo()
    from optimizer.instances import random_workbook

    return random_workbook(
        int(size),
        seed=2026,
        n_fund_lines=5,
        n_resources=4,
        n_targets=5,
        max_options=3,
        n_locks=int(size) // 500,
        floors={"D1": 0.15},
        pool_share=0.2,
    )


def measure(size: str, run: str, limit: float) -> dict:
    """One measurement (runs in a child process)."""
    from optimizer.solve import AllocationModel

    started = time.perf_counter()
    wb = load(size)
    made = time.perf_counter() - started
    model = AllocationModel(wb)
    out: dict = {"candidates": len(wb.candidates), "variables": int(model.form.nv), "made": made}
    if run.startswith("fast"):
        gap = 1e-3 if run == "fast3" else 1e-4
        result = model.solve(mip_gap=gap, time_limit=limit, baselines=run == "fast3")
        out["build"] = result.build_seconds
        if run == "fast3":
            out["baselines"] = {k: v.objective for k, v in result.baselines.items()}
    else:
        solver = run.split("_")[1]
        result = model.solve(
            method="milp", solver=solver, mip_gap=1e-3, time_limit=limit, baselines=False
        )
        out["build"] = result.build_seconds
    out.update(
        status=result.status,
        method=result.method,
        gap=result.gap,
        objective=result.objective,
        bound=result.bound,
        solve=result.solve_seconds,
        peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    return out


def child(size: str, run: str, limit: float) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", size, run, str(limit)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=limit * 3 + 600,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fmt_time(r: dict, gap: float) -> str:
    """Solve time, and when the time limit stopped the run first, which plan it had and how close."""
    if "error" in r:
        return "error"
    t = f"{r['solve']:.2f} s"
    reached = r["gap"] is not None and math.isfinite(r["gap"])
    if reached and r["gap"] <= gap + 1e-6:
        return t
    plan = "no MILP plan; greedy fallback" if r["method"].startswith("greedy") else "best plan"
    if not reached:
        return f"{t} (time limit: {plan}, no bound to measure it)"
    return f"{t} (time limit: {plan} {r['gap']:.3%} below the bound)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="demo,10000,50000")
    parser.add_argument("--limit", type=float, default=30.0, help="time limit of the fast path")
    parser.add_argument("--milp-limit", type=float, default=60.0, help="time limit of the MILPs")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        size, run, limit = args.child
        with open(os.devnull, "w") as quiet:  # nothing but the JSON line on stdout
            saved = sys.stdout
            sys.stdout = quiet
            try:
                out = measure(size, run, float(limit))
            finally:
                sys.stdout = saved
        print(json.dumps(out))
        return

    rows = []
    for size in args.sizes.split(","):
        fast3 = child(size, "fast3", args.limit)
        fast4 = child(size, "fast4", args.limit)
        highs = child(size, "milp_highs", args.milp_limit)
        cbc = child(size, "milp_cbc", args.milp_limit)
        rows.append((size, fast3, fast4, highs, cbc))
        print(f"done {size}", file=sys.stderr)

    print(
        "| instance | generated in | candidates | option variables | build (fast / PuLP) | to 0.1% of bound | "
        "to 0.01% | HiGHS MILP to 0.1% | CBC MILP to 0.1% | CBC / HiGHS | peak memory | "
        "attainment: optimum / greedy / proportional / do nothing |"
    )
    print("|" + "---|" * 12)
    for size, f3, f4, hi, cb in rows:
        if "error" in f3:
            print(f"| {size} | error: {f3['error']} |")
            continue
        ratio = (
            f"{cb['solve'] / hi['solve']:.1f}×"
            if "error" not in cb
            and "error" not in hi
            and cb["gap"] <= 1e-3 + 1e-6
            and hi["gap"] <= 1e-3 + 1e-6
            else "n/a (a solver hit the limit)"
        )
        b = f3["baselines"]
        peak = max(r.get("peak_mb", 0) for r in (f3, f4, hi, cb))
        print(
            f"| {'demo city' if size == 'demo' else 'generated'} | {f3['made']:.2f} s | "
            f"{f3['candidates']:,} | {f3['variables']:,} | "
            f"{f3['build']:.2f} s / {hi.get('build', float('nan')):.2f} s | {fmt_time(f3, 1e-3)} | "
            f"{fmt_time(f4, 1e-4)} | {fmt_time(hi, 1e-3)} | {fmt_time(cb, 1e-3)} | {ratio} | "
            f"{peak:.0f} MB (fast path {f3['peak_mb']:.0f} MB) | "
            f"{f3['objective']:.4f} / {b['greedy']:.4f} / {b['proportional']:.4f} / {b['do_nothing']:.4f} |"
        )


if __name__ == "__main__":
    main()
