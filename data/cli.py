"""Command line for the store: seed the demo city, export the workbook, import a workbook.

    python -m data demo   [--db PATH] [--seed N]
    python -m data export PATH.xlsx|DIR [--db PATH]
    python -m data import PATH.xlsx|DIR [--db PATH]

Exit status: 0 done, 1 invalid workbook (every problem printed on standard error, one a line;
nothing written), 2 bad usage.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from data.store import default_db_path, open_store
from data.workbook import (
    WorkbookError,
    not_a_workbook_path,
    read_workbook,
    settings_notes,
    write_workbook,
)


def _user() -> str:
    """Who is running the command, for the audit log: the OS account the process runs as.

    Not ``$USER``, which anyone can set to any name (``USER=chen.li python -m data import``).
    """
    try:
        import pwd

        account = pwd.getpwuid(os.geteuid()).pw_name
    except ImportError:  # Windows has no pwd; getpass is the best it offers
        account = getpass.getuser()
    except KeyError:  # a uid with no passwd entry (some containers)
        account = f"uid {os.geteuid()}"
    return f"command line (OS account {account})"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (one sub-command per action)."""
    parser = argparse.ArgumentParser(
        prog="python -m data",
        description="Manage the planning store: seed the demo city, export or import the workbook.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def db_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--db",
            type=Path,
            default=None,
            help=f"SQLite store (default: $WEIHAI_DB or {default_db_path()})",
        )

    demo = commands.add_parser("demo", help="replace the stored workbook with the demo city")
    db_option(demo)
    demo.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")

    export = commands.add_parser(
        "export", help="write the stored workbook to .xlsx or a CSV folder"
    )
    export.add_argument("path", type=Path, help="an .xlsx file, or a folder for <sheet>.csv files")
    db_option(export)

    imp = commands.add_parser(
        "import", help="validate a workbook and replace the stored one with it"
    )
    imp.add_argument("path", type=Path, help="an .xlsx file, or a folder of <sheet>.csv files")
    db_option(imp)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)  # exits with status 2 on bad usage
    user = _user()
    started = time.perf_counter()

    if args.command == "import":
        path: Path = args.path
        if not_a_workbook_path(path):
            parser.error(f"{path}: expected an .xlsx file or a folder of <sheet>.csv files")
        try:
            wb = read_workbook(path)
        except WorkbookError as exc:
            for issue in exc.issues:
                print(issue, file=sys.stderr)
            print(f"{exc.total} problem(s) found; nothing was imported.", file=sys.stderr)
            return 1
        for note in settings_notes(wb):
            print(f"note: {note}", file=sys.stderr)
        store = open_store(args.db, create_demo=False)
        store.replace_workbook(wb, user=user, action="import", detail=str(path))
        print(
            f"imported {path}: {len(wb.candidates)} candidates, {len(wb.options)} options "
            f"into {store.path} in {time.perf_counter() - started:.2f} s"
        )
        return 0

    if args.command == "export":
        path = args.path
        if path.suffix and path.suffix.lower() != ".xlsx" and not path.is_dir():
            parser.error(f"{path}: export to an .xlsx file or a folder (for <sheet>.csv files)")
        store = open_store(args.db, create_demo=True)
        wb = store.load_workbook()
        write_workbook(wb, path)
        store.log(user, "export", str(path))
        print(f"exported {store.path} to {path} in {time.perf_counter() - started:.2f} s")
        return 0

    # demo
    store = open_store(args.db, create_demo=False)
    store.seed_demo(user=user, seed=args.seed)
    wb = store.load_workbook()
    print(
        f"stored the demo city (seed {args.seed}): {len(wb.candidates)} candidates, "
        f"{len(wb.options)} options in {store.path} in {time.perf_counter() - started:.2f} s"
    )
    return 0
