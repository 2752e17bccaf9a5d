"""Optimizer benchmark: build time, time to 0.1% / 0.01% of the LP bound, HiGHS vs CBC, peak memory, plan quality.

Run from the repository root:

    python benchmarks/optimizer_bench.py                 # demo city, 10,000 and 50,000 candidates
    python benchmarks/optimizer_bench.py --sizes demo,2000 --milp-limit 30
    python benchmarks/optimizer_bench.py --scale 50000,200000,1000000   # province / national scale
    python benchmarks/optimizer_bench.py --demo-xlsx     # the demo workbook (.xlsx) end to end
    python benchmarks/optimizer_bench.py --solve-path 200000,1000000   # build, solve, odds only

Each measurement runs in its own Python process, so that its peak memory is its own. ``--scale``
writes generated instances (`optimizer.instances.scale_workbook`, seed 2026: 3 fund lines, 3
resources, 3 targets, up to 3 options) as CSV folders, runs ``python -m optimizer solve --large`` on
each end to end, then each phase on its own (read, validate, build, solve, odds, baselines, write);
peak memory is the child's VmHWM from /proc (ru_maxrss is carried across fork and exec). Prints
Markdown tables (the ones in docs/optimizer.md) with the machine's load.
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


SCALE_DIR = Path(os.environ.get("WEIHAI_BENCH_DIR", "/tmp/weihai_bench"))
PHASES = ("read", "validate", "build", "solve", "odds", "baselines", "write")


def scale_folder(n: int) -> Path:
    """The generated instance of ``n`` candidates as a CSV folder (made once, then reused)."""
    from data.workbook import write_workbook
    from optimizer.instances import scale_workbook

    folder = SCALE_DIR / f"scale_{n}"
    if not (folder / "options.csv").exists():
        write_workbook(scale_workbook(n, seed=2026), folder)
    return folder


def vm_hwm_mb(pid: int | str = "self") -> float:
    """Peak resident memory (VmHWM) of a process in MB, 0 when /proc does not say."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_cli(workbook: Path, limit: float, large: bool) -> dict:
    """``python -m optimizer solve`` end to end: wall seconds, the child's peak memory, its JSON."""
    out_csv = SCALE_DIR / "allocation.csv"
    args = [sys.executable, "-m", "optimizer", "solve", str(workbook), "--out", str(out_csv)]
    args += ["--time-limit", str(limit)] + (["--large"] if large else [])
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, vm_hwm_mb(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - started
    stdout, stderr = proc.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the command and its forked solver children (reaped by it)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode != 0:
        return {"error": stderr.decode(errors="replace").strip()[-300:], "wall": wall}
    result = json.loads(stdout.decode().strip().splitlines()[-1])
    return {"wall": wall, "cpu": cpu, "peak_mb": peak, **result}


def phases(folder: str, limit: float) -> dict:
    """Each phase of the command line on its own, in this (child) process."""
    import numpy as np

    from data.workbook import validate_tables
    from data.workbook.read import LARGE_LIMITS, read_raw_tables
    from optimizer.baselines import do_nothing_plan, greedy_plan, proportional_plan
    from optimizer.evaluate import evaluate_slots
    from optimizer.solve import AllocationModel

    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    peaks: dict[str, float] = {}
    loads: dict[str, float] = {}

    def timed(name: str, fn):  # noqa: ANN001, ANN202 - a benchmark helper
        started, cpu_started = time.perf_counter(), cpu_seconds()
        value = fn()
        times[name] = time.perf_counter() - started
        # on a machine shared with other work the wall clock grows with the load, CPU time much less
        cpu[name] = cpu_seconds() - cpu_started
        # VmHWM only grows: the peak of the process up to the end of this phase
        peaks[name] = vm_hwm_mb()
        loads[name] = os.getloadavg()[0]
        return value

    tables = timed("read", lambda: read_raw_tables(folder, limits=LARGE_LIMITS))
    wb = timed("validate", lambda: validate_tables(tables))
    model = timed("build", lambda: AllocationModel(wb))
    found = timed("solve", lambda: model.search(time_limit=limit, mip_gap=1e-3))
    p = model.problem
    slots = found.slots if found.slots is not None else p.locked_slots()
    ev = timed("odds", lambda: evaluate_slots(p, slots, odds=True))
    timed(
        "baselines",
        lambda: [
            evaluate_slots(p, plan(p), odds=True)
            for plan in (do_nothing_plan, greedy_plan, proportional_plan)
        ],
    )
    out_csv = SCALE_DIR / "phases_allocation.csv"
    timed("write", lambda: ev.allocation.to_csv(out_csv, index=False, encoding="utf-8"))
    return {
        "candidates": int(p.n),
        "variables": int(model.form.nv),
        "status": found.status,
        "gap": float(found.gap) if np.isfinite(found.gap) else None,
        "method": found.used,
        "objective": float(found.objective),
        "bound": float(found.bound) if np.isfinite(found.bound) else None,
        "times": times,
        "cpu": cpu,
        "peaks_mb": peaks,
        "loads": loads,
        "peak_mb": vm_hwm_mb(),
    }


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (the forked solver calls)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def solve_path(n: int) -> dict:
    """The optimizer's own share at scale, in this (child) process: the generated workbook straight
    from `scale_workbook` (no CSV), then build, solve (`search`) and odds, each with wall and CPU
    seconds, and the peak memory."""
    from optimizer.evaluate import evaluate_slots
    from optimizer.instances import scale_workbook
    from optimizer.solve import AllocationModel

    wb = scale_workbook(n, seed=2026)
    out: dict = {"candidates": n, "load_before": os.getloadavg()[0]}

    def timed(name: str, fn):  # noqa: ANN001, ANN202 - a benchmark helper
        wall, cpu = time.perf_counter(), cpu_seconds()
        value = fn()
        out[name] = {"wall": time.perf_counter() - wall, "cpu": cpu_seconds() - cpu}
        return value

    model = timed("build", lambda: AllocationModel(wb))
    limit = 60.0 if n <= 200_000 else 300.0
    found = timed("solve", lambda: model.search(time_limit=limit, mip_gap=1e-3))
    timed("odds", lambda: evaluate_slots(model.problem, found.slots, odds=True))
    out.update(
        variables=int(model.form.nv),
        status=found.status,
        gap=float(found.gap),
        method=found.used,
        load_after=os.getloadavg()[0],
        peak_mb=vm_hwm_mb(),
    )
    return out


def solve_path_main(sizes: list[int]) -> None:
    """`solve_path` for each size in its own process: a Markdown row each."""
    print(
        "| candidates | option variables | build | solve | odds | status, gap | method | peak memory | load |"
    )
    print("|" + "---|" * 9)
    for n in sizes:
        proc = subprocess.run(
            [sys.executable, __file__, "--solve-path-child", str(n)],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        if proc.returncode != 0:
            print(f"| {n:,} | error: {proc.stderr.strip()[-300:]} |")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        cells = " | ".join(
            f"{r[k]['wall']:.1f} s ({r[k]['cpu']:.1f} s CPU)" for k in ("build", "solve", "odds")
        )
        print(
            f"| {n:,} | {r['variables']:,} | {cells} | {r['status']}, {r['gap']:.3%} | "
            f"{r['method']} | {r['peak_mb']:,.0f} MB | {r['load_before']:.1f}–{r['load_after']:.1f} |"
        )


RESULTS = REPO / "docs" / "img" / "scaling.json"
PLOT = REPO / "docs" / "img" / "scaling.svg"


def scale_main(
    sizes: list[int], limit: float | None, phases_only: bool = False, keep: bool = True
) -> None:
    """The province / national scale table: end to end via the command line, then per phase.

    Every run is appended to docs/img/scaling.json (the data behind docs/img/scaling.svg, which is
    redrawn after each size)."""
    SCALE_DIR.mkdir(parents=True, exist_ok=True)
    print(f"load before: {os.getloadavg()} on {os.cpu_count()} cores", file=sys.stderr)
    print(
        "| candidates | option variables | end to end (CLI) | status, gap | method | peak memory | "
        + " | ".join(PHASES)
        + " | load (1 min) |"
    )
    print("|" + "---|" * (7 + len(PHASES)))
    for n in sizes:
        folder = scale_folder(n)
        t = limit or (60.0 if n <= 200_000 else 300.0)
        load_before = os.getloadavg()[0]
        cli = {"skipped": True} if phases_only else run_cli(folder, t, large=True)
        load = os.getloadavg()[0]
        # the end-to-end figure as soon as it is known (the phases take as long again)
        print(f"{n:,} end to end: {json.dumps(cli)[:400]} load {load:.1f}", file=sys.stderr)
        proc = subprocess.run(
            [sys.executable, __file__, "--phases-child", str(folder), str(t)],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        ph = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else {}
        print(f"{n:,} phases: {json.dumps(ph)[:600]}", file=sys.stderr)
        record = {
            "candidates": n,
            "measured": time.strftime("%Y-%m-%d %H:%M"),
            "load_before": load_before,
            "load_after_cli": load,
            "cli": {
                k: cli.get(k)
                for k in ("wall", "cpu", "peak_mb", "status", "gap", "method", "error")
            },
            "phases": ph,
        }
        if keep:
            history = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
            RESULTS.parent.mkdir(parents=True, exist_ok=True)
            RESULTS.write_text(json.dumps(history + [record], indent=1) + "\n")
            write_plot(json.loads(RESULTS.read_text()), PLOT)
        else:
            print(f"{n:,} record: {json.dumps(record)}", file=sys.stderr)
        if "error" in cli or phases_only:
            print(f"| {n:,} | end to end: {cli.get('error', 'not run')} |")
            continue
        gap = cli.get("gap")
        print(
            f"| {n:,} | {ph.get('variables', 0):,} | {cli['wall']:.1f} s | {cli['status']}, "
            f"{gap:.3%} | {cli['method']} | {cli['peak_mb']:,.0f} MB (phases "
            f"{ph.get('peak_mb', 0):,.0f} MB) | "
            + " | ".join(f"{ph.get('times', {}).get(k, float('nan')):.1f} s" for k in PHASES)
            + f" | {load:.1f} |"
        )
        print(f"done {n}", file=sys.stderr)
    print(f"load after: {os.getloadavg()}", file=sys.stderr)


def write_plot(records: list[dict], path: Path) -> None:
    """A log–log plot of CPU seconds against candidates, one line per phase and one for the
    command line end to end, as a plain SVG (matplotlib is not a dependency; vl-convert, which
    would turn an altair chart into SVG, is not installed). CPU seconds, not the wall clock: on the
    shared 2-core machine the wall clock is the CPU time times a factor that moves with the load.
    Runs without CPU figures are left out; per size and series the smallest figure is drawn."""
    series: dict[str, dict[int, float]] = {}
    for r in records:
        n = int(r["candidates"])
        points = dict(r.get("phases", {}).get("cpu", {}))
        if r.get("cli", {}).get("cpu"):
            points["end to end (CLI)"] = r["cli"]["cpu"]
        for name, seconds in points.items():
            if seconds and seconds > 0:
                old = series.setdefault(name, {}).get(n)
                series[name][n] = seconds if old is None else min(old, seconds)
    if not series:
        return
    xs = [n for s in series.values() for n in s]
    ys = [v for s in series.values() for v in s.values()]
    x0, x1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    x1 = max(x1, x0 + 1)
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    y1 = max(y1, y0 + 1)
    width, height, left, right, top, bottom = 720, 440, 70, 190, 30, 50

    def px(n: float) -> float:
        return left + (math.log10(n) - x0) / (x1 - x0) * (width - left - right)

    def py(s: float) -> float:
        return height - bottom - (math.log10(s) - y0) / (y1 - y0) * (height - top - bottom)

    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#111"]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="18" font-size="14">CPU seconds against candidates (log–log), '
        "generated instances (scale_workbook)</text>",
    ]
    for e in range(x0, x1 + 1):
        x = px(10**e)
        out.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - bottom}" stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">{10**e:,}</text>'
        )
    for e in range(y0, y1 + 1):
        y = py(10**e)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        label = f"{10.0**e:g} s CPU"
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    out.append(
        f'<text x="{(left + width - right) / 2:.0f}" y="{height - 12}" text-anchor="middle">'
        "candidates</text>"
    )
    for k, (name, pts) in enumerate(
        sorted(series.items(), key=lambda kv: kv[0] != "end to end (CLI)")
    ):
        colour = colours[k % len(colours)]
        ordered = sorted(pts.items())
        path_d = " ".join(f"{px(n):.1f},{py(s):.1f}" for n, s in ordered)
        out.append(f'<polyline points="{path_d}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for n, s in ordered:
            out.append(f'<circle cx="{px(n):.1f}" cy="{py(s):.1f}" r="3" fill="{colour}"/>')
        ly = top + 10 + 18 * k
        out.append(
            f'<line x1="{width - right + 15}" y1="{ly}" x2="{width - right + 35}" y2="{ly}" stroke="{colour}" stroke-width="2"/>'
        )
        out.append(f'<text x="{width - right + 40}" y="{ly + 4}">{name}</text>')
    out.append("</svg>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n")


def demo_xlsx_main() -> None:
    """The demo workbook as .xlsx through the command line, end to end."""
    from data.demo import generate_demo
    from data.workbook import write_workbook

    SCALE_DIR.mkdir(parents=True, exist_ok=True)
    path = SCALE_DIR / "demo.xlsx"
    write_workbook(generate_demo(), path)
    runs = [run_cli(path, 10.0, large=False) for _ in range(3)]
    walls = sorted(r["wall"] for r in runs)
    print(
        f"demo .xlsx end to end: {walls[1]:.2f} s median of 3 ({', '.join(f'{w:.2f}' for w in walls)}), "
        f"status {runs[0].get('status')}, peak {runs[0].get('peak_mb', 0):.0f} MB, "
        f"load {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="demo,10000,50000")
    parser.add_argument("--scale", help="comma-separated candidate counts: the scale table")
    parser.add_argument(
        "--phases-only", action="store_true", help="with --scale: the phases, not the command line"
    )
    parser.add_argument("--plot", action="store_true", help="redraw docs/img/scaling.svg only")
    parser.add_argument(
        "--no-record",
        action="store_true",
        help="--scale: print the run's record instead of adding it to docs/img/scaling.json",
    )
    parser.add_argument(
        "--solve-path", help="comma-separated candidate counts: build, solve and odds in process"
    )
    parser.add_argument("--solve-path-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--demo-xlsx", action="store_true", help="the demo .xlsx end to end")
    parser.add_argument("--phases-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=float, default=30.0, help="time limit of the fast path")
    parser.add_argument("--milp-limit", type=float, default=60.0, help="time limit of the MILPs")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phases_child:
        folder, limit = args.phases_child
        with open(os.devnull, "w") as quiet:
            saved = sys.stdout
            sys.stdout = quiet
            try:
                out = phases(folder, float(limit))
            finally:
                sys.stdout = saved
        print(json.dumps(out))
        return
    if args.solve_path_child:
        with open(os.devnull, "w") as quiet:
            saved = sys.stdout
            sys.stdout = quiet
            try:
                out = solve_path(args.solve_path_child)
            finally:
                sys.stdout = saved
        print(json.dumps(out))
        return
    if args.solve_path:
        solve_path_main([int(x) for x in args.solve_path.split(",")])
        return
    if args.plot:
        write_plot(json.loads(RESULTS.read_text()), PLOT)
        return
    if args.scale:
        scale_main(
            [int(x) for x in args.scale.split(",")],
            None,
            args.phases_only,
            keep=not args.no_record,
        )
        return
    if args.demo_xlsx:
        demo_xlsx_main()
        return
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
