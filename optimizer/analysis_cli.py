"""Command-line subcommands of the decision analytics: marginal, frontier, explain, locks, robustness.

Each prints one JSON object on standard output (solver output never reaches it). Exit status: 0 with
a result, 1 when the workbook is invalid, the plan infeasible or a name unknown (with a plain message
on standard error), 2 for bad usage. `add_analysis_commands` hangs them under ``python -m optimizer``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from data.schema import Workbook
from optimizer.quiet import quiet_stdout


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {text}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"a fraction between 0 and 1 is needed, not {text}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def _solver_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("workbook", help="an .xlsx file or a folder of <sheet>.csv files")
    p.add_argument(
        "--gap",
        type=_fraction,
        default=1e-3,
        help="relative MIP gap of each re-solve (default: 0.001)",
    )
    p.add_argument(
        "--time-limit",
        type=_positive_float,
        default=10.0,
        metavar="SECONDS",
        help="time limit of each re-solve (default: 10)",
    )
    _executor_options(p)


def _executor_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run the re-solves on a Dask cluster (tcp://host:8786); default: the environment "
        "variable WEIHAI_SCHEDULER, else a local process pool",
    )
    p.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        help="size of the local process pool (default: WEIHAI_WORKERS, else 2; 1 = no pool)",
    )


def _executor(args: argparse.Namespace):
    """The executor the options ask for; None (the analyses' default) when they name none."""
    from optimizer.executor import Executor

    scheduler, workers = getattr(args, "scheduler", None), getattr(args, "workers", None)
    if scheduler is None and workers is None:
        return None
    return Executor(scheduler, workers=workers)


def add_analysis_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add the analysis subcommands to ``python -m optimizer``'s subparsers.

    Each subcommand sets ``func`` (``func(args) -> int``, the exit status) with ``set_defaults``.
    """
    p = subparsers.add_parser(
        "marginal",
        help="marginal value of every fund line and resource (JSON)",
        description="Re-solve with each fund line and resource raised and lowered by a sensible "
        "step (about 5%, rounded); print per limit the step, the change in weighted attainment "
        "and in each target's expected value, with the LP shadow price as a cross-check.",
    )
    _solver_options(p)
    p.add_argument("--no-lp-check", action="store_true", help="skip the LP-relaxation prices")
    p.set_defaults(func=_marginal)

    p = subparsers.add_parser(
        "frontier",
        help="best attainment as the budget scales from 0%% to 150%% (JSON)",
        description="Re-solve with the total budget (same fund-line proportions), or one fund line "
        "or resource, scaled from 0 to --max-scale; print per point the scale, the budget, the "
        "weighted attainment and each target's expected value.",
    )
    _solver_options(p)
    p.add_argument(
        "--points", type=_positive_int, default=21, help="number of points (default: 21)"
    )
    p.add_argument(
        "--scope",
        default="total_budget",
        help="total_budget (default), or the name of one fund line or resource",
    )
    p.add_argument(
        "--max-scale", type=_positive_float, default=1.5, help="largest scale (default: 1.5)"
    )
    p.add_argument(
        "--entitlements",
        choices=("kept", "scaled"),
        default="kept",
        help="kept (default): entitlement reserves stay whole and only the money above them "
        "scales; scaled: whole amounts scale (low points may have no plan, and say why)",
    )
    p.set_defaults(func=_frontier)

    p = subparsers.add_parser(
        "explain",
        help="why a candidate is (not) funded and what it would take (JSON)",
        description="Explain one candidate: its option, attainment per 100 万元 against the plan's "
        "cut-off, the smallest budget increase that funds it (or the loss if it is dropped), the "
        "loss if it is forced in, in Chinese and English sentences.",
    )
    _solver_options(p)
    p.add_argument("candidate_id", help="the candidate to explain")
    p.add_argument(
        "--resolution",
        type=_positive_float,
        default=1.0,
        help="万元 resolution of 'what would it take' (default: 1)",
    )
    p.set_defaults(func=_explain)

    p = subparsers.add_parser(
        "locks",
        help="attainment lost by each leadership lock (JSON)",
        description="Re-solve without each lock (and without all of them) and print what each "
        "costs and what the plan would choose instead.",
    )
    _solver_options(p)
    p.set_defaults(func=_locks)

    p = subparsers.add_parser(
        "robustness",
        help="core, borderline and exterior candidates under uncertain probabilities (JSON)",
        description="Draw the probabilities SAMPLES times (seeded) from the history fit's own "
        "uncertainty where the workbook has a history sheet, else within ±SPREAD, and, with a "
        "correlation, let good and bad years move them together; re-solve each; report per goal "
        "what the plan expects in 90% of the samples and in how many it is met, the money on "
        "supports kept in ≥ 90% of the re-solves and on those in doubt, the classes core, "
        "borderline and exterior, and each target's spread.",
    )
    _solver_options(p)
    p.add_argument("--samples", type=_positive_int, default=50, help="re-solves (default: 50)")
    p.add_argument("--spread", type=_fraction, default=0.2, help="relative spread (default: 0.2)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.add_argument(
        "--correlation",
        type=_fraction,
        default=None,
        metavar="RHO",
        help="how strongly a year's successes move together, in [0, 1) (default: the workbook's "
        "setting correlation, else 0)",
    )
    p.add_argument(
        "--uncertainty",
        choices=["auto", "fit", "spread"],
        default="auto",
        help="where the probabilities' uncertainty comes from: the history fit (fit), ±SPREAD "
        "(spread), or the fit when the workbook has history (auto, the default)",
    )
    p.add_argument(
        "--candidates", action="store_true", help="include one row per candidate in the JSON"
    )
    p.set_defaults(func=_robustness)


def add_batch_command(subparsers: argparse._SubParsersAction) -> None:
    """Add ``python -m optimizer batch DIR`` (solve every workbook of a folder, `optimizer.batch`)."""
    p = subparsers.add_parser(
        "batch",
        help="solve every workbook in a folder (a summary CSV/JSON and one allocation each)",
        description="Solve every .xlsx file and every folder of <sheet>.csv files in DIR, on a "
        "local process pool or a Dask cluster. Writes <name>.allocation.csv per workbook and "
        "summary.csv / summary.json (one row per workbook: status, attainment, bound, gap, "
        "seconds, or why it could not be solved), and prints the summary as JSON. A workbook that "
        "fails does not stop the others. Exit status: 0 when every workbook has a plan, 1 "
        "otherwise, 2 for bad usage.",
    )
    p.add_argument("folder", help="a folder of workbooks (.xlsx files or folders of CSVs)")
    p.add_argument("--out", default="batch_out", help="folder for the results (default: batch_out)")
    p.add_argument("--gap", type=_fraction, default=1e-3, help="relative MIP gap (default: 0.001)")
    p.add_argument(
        "--time-limit",
        type=_positive_float,
        default=10.0,
        metavar="SECONDS",
        help="time limit per workbook (default: 10)",
    )
    _executor_options(p)
    p.set_defaults(func=_batch)


def _batch(args: argparse.Namespace) -> int:
    from pathlib import Path

    from optimizer.batch import run_batch

    if not Path(args.folder).is_dir():
        print(f"{args.folder}: not a folder of workbooks", file=sys.stderr)
        return 2
    from optimizer.executor import Executor

    with Executor(args.scheduler, workers=args.workers) as executor:
        summary = run_batch(
            args.folder,
            args.out,
            executor=executor,
            time_limit=args.time_limit,
            mip_gap=args.gap,
        )
    records = json.loads(summary.to_json(orient="records", force_ascii=False))
    print(json.dumps({"out": str(args.out), "workbooks": records}, ensure_ascii=False))
    failed = summary[~summary["status"].isin(["optimal", "feasible"])]
    for rec in failed.to_dict("records"):
        print(f"{rec['workbook']}: {rec['status']}: {rec['error']}", file=sys.stderr)
    return 0 if len(summary) and failed.empty else 1


def load_workbook_or_report(path: str, *, problem_only: bool = False) -> Workbook | None:
    """The workbook at ``path``, or None after naming every problem with it on standard error.

    ``problem_only``: read the problem's sheets only, not the descriptive registers (for commands that
    only solve; docs/workbook.md)."""
    from data.schema import PROBLEM_SHEETS
    from data.workbook import WorkbookError, read_workbook

    try:
        return read_workbook(path, sheets=PROBLEM_SHEETS if problem_only else None)
    except WorkbookError as exc:
        print(f"The workbook {path} cannot be used:", file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
    except OSError as exc:
        print(f"Cannot read {path}: {exc}", file=sys.stderr)
    return None


def run_on_workbook(
    args: argparse.Namespace,
    work: Callable[[Workbook], dict | None],
    *,
    problem_only: bool,
) -> int:
    """Load the workbook, run ``work(wb)`` with solver output kept off stdout, print its JSON.

    ``problem_only``: leave the descriptive registers unread (the analyses, which only solve); a
    command that uses them (the reports) says False. Every caller says which."""
    wb = load_workbook_or_report(args.workbook, problem_only=problem_only)
    if wb is None:
        return 1
    try:
        with quiet_stdout():
            out = work(wb)
    except (KeyError, ValueError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        print(f"Cannot analyse {args.workbook}: {message}", file=sys.stderr)
        return 1
    if out is None:
        return 1
    print(json.dumps(out, ensure_ascii=False))
    return 0


def _model(wb, args: argparse.Namespace):
    from optimizer.analysis import PlanModel

    return PlanModel(wb, mip_gap=args.gap, time_limit=args.time_limit)


def _infeasible(model) -> bool:
    base = model.solve()
    if not base.feasible:
        print(
            "No plan is possible with this workbook; see `python -m optimizer solve`.",
            file=sys.stderr,
        )
        return True
    return False


def _marginal(args: argparse.Namespace) -> int:
    from optimizer.analysis import marginal_values

    def work(wb):
        model = _model(wb, args)
        if _infeasible(model):
            return None
        return marginal_values(
            model, lp_check=not args.no_lp_check, executor=_executor(args)
        ).to_json()

    return run_on_workbook(args, work, problem_only=True)


def _frontier(args: argparse.Namespace) -> int:
    from optimizer.analysis import frontier

    def work(wb):
        model = _model(wb, args)
        return frontier(
            model,
            scope=args.scope,
            points_count=args.points,
            max_scale=args.max_scale,
            entitlements=args.entitlements,
            executor=_executor(args),
        ).to_json()

    return run_on_workbook(args, work, problem_only=True)


def _explain(args: argparse.Namespace) -> int:
    from optimizer.analysis import explain_candidate

    def work(wb):
        model = _model(wb, args)
        if _infeasible(model):
            return None
        return explain_candidate(
            model, args.candidate_id, resolution=args.resolution, executor=_executor(args)
        ).to_json()

    return run_on_workbook(args, work, problem_only=True)


def _locks(args: argparse.Namespace) -> int:
    from optimizer.analysis import lock_prices

    def work(wb):
        model = _model(wb, args)
        if _infeasible(model):
            return None
        return lock_prices(model).to_json()

    return run_on_workbook(args, work, problem_only=True)


def _robustness(args: argparse.Namespace) -> int:
    from optimizer.analysis import robustness

    def work(wb):
        model = _model(wb, args)
        if _infeasible(model):
            return None
        result = robustness(
            model,
            samples=args.samples,
            spread=args.spread,
            seed=args.seed,
            correlation=args.correlation,
            executor=_executor(args),
            uncertainty=args.uncertainty,
        )
        return result.to_json(candidates=args.candidates)

    return run_on_workbook(args, work, problem_only=True)
