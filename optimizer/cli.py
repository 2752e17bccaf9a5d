"""The optimizer's command line: `python -m optimizer solve WORKBOOK` prints the plan's summary as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"the time limit must be more than 0 seconds, not {text}")
    return value


def _gap(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"the gap is a fraction between 0 and 1, not {text}")
    return value


def build_parser(*, solve_only: bool = False) -> argparse.ArgumentParser:
    """The argument parser (also used by the docs test).

    ``solve_only`` leaves out the analysis, batch and calibrate commands: their modules pull in
    scikit-learn, SciPy's statistics and the executors, a second or more of imports that
    `python -m optimizer solve` never uses (docs/optimizer.md: the demo end to end within 2 s)."""
    parser = argparse.ArgumentParser(
        prog="python -m optimizer",
        description="Choose the support option for every candidate that maximises the weighted "
        "expected attainment of the targets (docs/workbook.md).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    solve = sub.add_parser(
        "solve",
        help="solve a planning workbook and print the result as JSON",
        description="Solve a planning workbook (.xlsx or a folder of CSVs). Prints one JSON object "
        "on standard output and writes the allocation as CSV. Exit status: 0 with a plan, "
        "1 for invalid data or an infeasible problem, 2 for bad usage.",
    )
    solve.add_argument("workbook", help="an .xlsx file or a folder of <sheet>.csv files")
    solve.add_argument(
        "--out",
        default="allocation.csv",
        help="where to write the allocation CSV, one row per candidate (default: allocation.csv)",
    )
    solve.add_argument("--solver", choices=["highs", "cbc"], default="highs", help="default: highs")
    solve.add_argument(
        "--time-limit",
        type=_positive_seconds,
        default=10.0,
        metavar="SECONDS",
        help="stop the search after this many seconds and return the best plan so far (default: 10)",
    )
    solve.add_argument(
        "--gap",
        type=_gap,
        default=1e-3,
        help="stop when the plan is within this fraction of the best possible (default: 0.001)",
    )
    solve.add_argument(
        "--method",
        choices=["auto", "milp", "lp_round", "structured"],
        default="auto",
        help="auto (default), the exact MILP through PuLP, the LP rounding heuristic alone, or the "
        "structured method (what auto uses above 20,000 option variables)",
    )
    solve.add_argument(
        "--large",
        action="store_true",
        help="a province's or the nation's CSV folder: up to 5,000,000 rows a sheet and 4 GB of CSV "
        "(default: the limits of an upload, 200,000 rows and 50 MB)",
    )
    solve.add_argument(
        "--no-baselines",
        action="store_true",
        help="skip the do-nothing, greedy and proportional comparison plans",
    )
    if solve_only:
        return parser
    from optimizer.analysis_cli import add_analysis_commands, add_batch_command

    add_analysis_commands(sub)
    add_batch_command(sub)
    from optimizer.calibrate import add_calibrate_command

    add_calibrate_command(sub)
    return parser


def write_allocation(allocation: pd.DataFrame, out: str | Path) -> None:
    """The allocation CSV: ``candidate_id, option`` first, then the other columns, neutralised against
    formula injection (docs/optimizer.md). Raises OSError when it cannot be written."""
    first = ["candidate_id", "option"]
    allocation = allocation[first + [c for c in allocation.columns if c not in first]]
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    _neutralised(allocation).to_csv(out, index=False, encoding="utf-8")


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """`data.safety.neutralise_frame`, with the cells it could change found a column at a time.

    Only text starting with a formula trigger, a space or a quote can be changed, so those cells alone
    go through `neutralise_cell` (a province's allocation has a million text cells; docs/optimizer.md).
    """
    import numpy as np
    import pandas as pd

    from data.safety import FORMULA_TRIGGERS, neutralise_cell

    starts = list(FORMULA_TRIGGERS + " '")
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        if pd.api.types.is_string_dtype(series) and not pd.api.types.is_object_dtype(series):
            maybe = series.str[:1].isin(starts).fillna(False).to_numpy(dtype=bool)
        else:
            maybe = np.asarray(
                [not isinstance(v, str) or v[:1] in starts for v in series.tolist()], dtype=bool
            )
        if maybe.any():
            out[column] = series.where(~maybe, series[maybe].map(neutralise_cell))
    out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from optimizer.quiet import set_quiet

    set_quiet(True)  # standard output carries only the result (the dashboard turns this off)
    arguments = sys.argv[1:] if argv is None else list(argv)
    # Only `solve` given first: the other commands' parsers (and imports) are not needed.
    parser = build_parser(solve_only=bool(arguments) and arguments[0] == "solve")
    args = parser.parse_args(arguments)
    if args.command != "solve":
        return args.func(args)
    from data.schema import PROBLEM_SHEETS
    from data.workbook.read import LARGE_LIMITS, not_a_workbook_path, prefetch_xlsx

    path = Path(args.workbook)
    # As in `python -m data import`: a path of the wrong kind is bad usage (exit 2).
    if not_a_workbook_path(path):
        parser.error(f"{path}: expected an .xlsx file or a folder of <sheet>.csv files")
    # An .xlsx is checked and parsed in a second thread, in Rust without the GIL, while pandas (and
    # the validation built on it) is imported here: neither waits for the other (docs/optimizer.md,
    # "The demo workbook end to end"). Nothing imported so far imports pandas.
    # Only the problem's sheets are read: the descriptive registers (projects, enterprises) play no
    # part in a solve and are checked when the workbook is imported (docs/workbook.md).
    ahead = prefetch_xlsx(path, PROBLEM_SHEETS)
    import data.workbook.validate  # noqa: F401 - the import that overlaps the parse
    from data.workbook import WorkbookError, read_workbook
    from optimizer.solve import solve

    try:
        wb = read_workbook(
            path,
            limits=LARGE_LIMITS if args.large else None,
            ahead=ahead,
            sheets=PROBLEM_SHEETS,
        )
    except WorkbookError as exc:
        print(f"The workbook {args.workbook} cannot be used:", file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Cannot read {args.workbook}: {exc}", file=sys.stderr)
        return 1

    result = solve(
        wb,
        solver=args.solver,
        time_limit=args.time_limit,
        mip_gap=args.gap,
        baselines=not args.no_baselines,
        method=args.method,
        baseline_odds=False,  # the JSON reports no baseline chance
    )
    out = result.to_json()
    if result.status == "infeasible":
        print(json.dumps(out, ensure_ascii=False))
        message = result.message
        if not message.startswith("No plan"):  # the solver's own sentences already say so
            message = f"No plan is possible: {message}"
        print(message, file=sys.stderr)
        return 1
    try:
        write_allocation(result.allocation, args.out)
    except OSError as exc:
        print(f"Cannot write the allocation to {args.out}: {exc}", file=sys.stderr)
        return 1
    out["allocation_csv"] = str(args.out)
    print(json.dumps(out, ensure_ascii=False))
    return 0
