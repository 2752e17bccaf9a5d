"""I/O benchmark: reading, validating, baselines and writing around the solve, and the demo .xlsx end to end.

Run from the repository root:

    python benchmarks/io_bench.py --sizes 50000,200000   # generated CSV folders, phase by phase
    python benchmarks/io_bench.py --demo-xlsx            # `python -m optimizer solve demo.xlsx`, median of 5
    python benchmarks/io_bench.py --imports              # import time of the command line
    python benchmarks/io_bench.py --demo-xlsx --same-as ../main   # and the allocation byte for byte
                                                                  # as that checkout writes it
    python benchmarks/io_bench.py --demo-xlsx --against ../old    # runs alternating with another
                                                                  # checkout's, run by run

The generated instances are `optimizer.instances.scale_workbook(n, seed=2026)` written once as CSV folders
to ``$WEIHAI_BENCH_DIR`` (default ``/tmp/weihai_io_bench``); docs/optimizer.md describes them. Each
size runs in its own process (peak memory is its own) and prints one line per phase with the machine's
load average, so figures from a busy machine can be told apart.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

# WEIHAI_REPO: measure another checkout (the figures before a change) with this script.
REPO = Path(os.environ.get("WEIHAI_REPO") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(REPO))
BENCH_DIR = Path(os.environ.get("WEIHAI_BENCH_DIR", "/tmp/weihai_io_bench"))


def vm_hwm_mb() -> float:
    """Peak resident memory (VmHWM) of this process in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def folder_for(n: int) -> Path:
    """The generated instance of ``n`` candidates as a CSV folder (written once, then reused)."""
    from data.workbook import write_workbook
    from optimizer.instances import scale_workbook

    folder = BENCH_DIR / f"scale_{n}"
    if not (folder / "options.csv").exists():
        write_workbook(scale_workbook(n, seed=2026), folder)
    return folder


def phases(n: int) -> dict:
    """Read, validate, compile, baselines (each), odds of the greedy plan and writing, timed one by one."""
    import numpy as np

    from data.workbook import validate_tables
    from data.workbook.read import LARGE_LIMITS, read_raw_tables
    from optimizer.baselines import do_nothing_plan, greedy_plan, proportional_plan
    from optimizer.evaluate import evaluate_slots
    from optimizer.problem import compile_problem

    folder = folder_for(n)
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def timed(name: str, fn):  # noqa: ANN001, ANN202 - a benchmark helper
        started, started_cpu = time.perf_counter(), time.process_time()
        value = fn()
        times[name] = round(time.perf_counter() - started, 3)
        cpu[name] = round(time.process_time() - started_cpu, 3)
        return value

    tables = timed("read", lambda: read_raw_tables(folder, limits=LARGE_LIMITS))
    wb = timed("validate", lambda: validate_tables(tables))
    p = timed("compile", lambda: compile_problem(wb))
    plans = {}
    for name, plan in (
        ("do_nothing", do_nothing_plan),
        ("greedy", greedy_plan),
        ("proportional", proportional_plan),
    ):
        plans[name] = timed(name, lambda plan=plan: plan(p))
    ev = timed("odds", lambda: evaluate_slots(p, plans["greedy"], odds=True))
    timed(
        "evaluate_baselines",
        lambda: [evaluate_slots(p, s, odds=True) for s in plans.values()],
    )
    try:
        from optimizer.cli import write_allocation
    except ImportError:  # a checkout before it (WEIHAI_REPO)
        from data.safety import neutralise_frame

        def write_allocation(frame, out):  # noqa: ANN001, ANN202
            neutralise_frame(frame).to_csv(out, index=False, encoding="utf-8")

    timed("write", lambda: write_allocation(ev.allocation, BENCH_DIR / f"alloc_{n}.csv"))
    return {
        "candidates": n,
        "wall": times,
        "cpu": cpu,
        "objectives": {
            k: round(float(evaluate_slots(p, s).objective), 6) for k, s in plans.items()
        },
        "plans_digest": {
            k: int(np.asarray(s) @ np.arange(1, p.n + 1) % 1_000_003) for k, s in plans.items()
        },
        "peak_mb": round(vm_hwm_mb()),
        "load": os.getloadavg(),
    }


def demo_xlsx(
    same_as: Path | None = None, runs: int = 5, against: list[Path] | None = None
) -> None:
    """`python -m optimizer solve demo.xlsx` end to end, median of ``runs`` wall clocks, twice: with the
    repository's bytecode cached (as on any machine after the first run, and in any installed copy)
    and compiled afresh every run (as where PYTHONDONTWRITEBYTECODE is set: 0.1–0.25 s more).
    ``against``: other checkouts run under the same script, run by run in turn with this one, so that
    a busy minute touches each alike (this machine's speed drifts by a third within minutes).
    With ``same_as`` (another checkout) its allocation must be the same file byte for byte."""
    from data.demo import generate_demo
    from data.workbook import write_workbook

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / "demo.xlsx"
    # Written afresh every time: a file kept from an earlier run is an earlier demo (one kept from
    # 2026-11-30 had no year correlation, so the odds under ρ were never timed).
    write_workbook(generate_demo(), path)
    import resource
    import tempfile

    checkouts = [REPO, *(against or [])]
    # Each checkout writes its own allocation (this one's is the one `same_as` is compared with).
    outs = {
        c: BENCH_DIR / ("demo_alloc.csv" if k == 0 else f"demo_alloc_against_{k}.csv")
        for k, c in enumerate(checkouts)
    }

    def command(checkout: Path) -> list[str]:
        return [sys.executable, "-m", "optimizer", "solve", str(path), "--out", str(outs[checkout])]

    with tempfile.TemporaryDirectory() as cached:
        environments = {
            # Every module's bytecode (the packages' too) written to and read from ``cached``.
            "bytecode cached": {**os.environ, "PYTHONPYCACHEPREFIX": cached},
            # The packages' bytecode as installed; the repository's compiled each run (unless a
            # __pycache__ was left in it).
            "repository compiled every run": {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        }
        environments["bytecode cached"].pop("PYTHONDONTWRITEBYTECODE", None)
        for checkout in checkouts:
            subprocess.run(
                command(checkout),
                capture_output=True,
                cwd=checkout,
                env=environments["bytecode cached"],
            )
        walls: dict[tuple[Path, str], list[float]] = {}
        cpus: dict[tuple[Path, str], list[float]] = {}
        statuses: dict[Path, object] = {}
        for _ in range(runs):  # all alternate, so that a busy minute touches each alike
            for checkout in checkouts:
                for name, env in environments.items():
                    started = time.perf_counter()
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    proc = subprocess.run(
                        command(checkout), capture_output=True, cwd=checkout, env=env
                    )
                    walls.setdefault((checkout, name), []).append(time.perf_counter() - started)
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    cpus.setdefault((checkout, name), []).append(
                        after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                    )
                    if proc.returncode != 0:
                        print(proc.stderr.decode()[-500:], file=sys.stderr)
                    lines = proc.stdout.decode().splitlines()
                    statuses[checkout] = json.loads(lines[-1]).get("status") if lines else None
    for (checkout, name), wall in walls.items():
        w, c = sorted(wall), sorted(cpus[(checkout, name)])
        which = "" if checkout == REPO else f" [{checkout}]"
        print(
            f"demo .xlsx end to end{which}, {name}: {w[len(w) // 2]:.2f} s median of {runs} "
            f"({', '.join(f'{x:.2f}' for x in w)}), CPU {c[len(c) // 2]:.2f} s median, "
            f"status {statuses[checkout]}, load {os.getloadavg()}"
        )
    if same_as is not None:
        other = BENCH_DIR / "demo_alloc_other.csv"
        subprocess.run(
            [sys.executable, "-m", "optimizer", "solve", str(path), "--out", str(other)],
            capture_output=True,
            cwd=same_as,
            check=True,
        )
        same = other.read_bytes() == (BENCH_DIR / "demo_alloc.csv").read_bytes()
        print(f"allocation the same byte for byte as {same_as}'s: {same}")


def imports() -> None:
    """Seconds to import the command line's modules (a fresh process each, median of 3)."""
    code = (
        "import time; t = time.perf_counter(); import optimizer.cli, data.workbook, optimizer.solve; "
        "import sys; print(time.perf_counter() - t, sorted(m for m in ('sklearn', 'dask', 'docx', "
        "'altair', 'streamlit', 'openpyxl', 'scipy', 'pulp') if m in sys.modules))"
    )
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
        runs.append(out.stdout.strip())
    runs.sort(key=lambda r: float(r.split()[0]))
    print(f"imports: {runs[1]} (median of 3), load {os.getloadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="comma-separated candidate counts")
    parser.add_argument("--demo-xlsx", action="store_true")
    parser.add_argument("--imports", action="store_true")
    parser.add_argument("--same-as", type=Path, help="another checkout: compare the allocation")
    parser.add_argument("--runs", type=int, default=5, help="runs of the demo .xlsx (median)")
    parser.add_argument(
        "--against",
        type=Path,
        action="append",
        help="another checkout whose demo .xlsx runs alternate with this one's (repeatable)",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(phases(args.child)))
        return
    if args.imports:
        imports()
    if args.demo_xlsx:
        demo_xlsx(args.same_as, args.runs, args.against)
    for n in [int(x) for x in args.sizes.split(",")] if args.sizes else []:
        folder_for(n)
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(n)], capture_output=True, text=True, cwd=REPO
        )
        if proc.returncode != 0:
            print(proc.stderr[-1000:], file=sys.stderr)
            continue
        print(proc.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
