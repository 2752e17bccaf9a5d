"""The reports' command line: `python -m reports checklist WORKBOOK` writes firms' checklists (明白纸)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from data.schema import Workbook
from optimizer.analysis_cli import run_on_workbook
from reports.checklist import (
    district_checklists_bytes,
    district_firm_ids,
    firm_checklist,
    firm_checklist_bytes,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also read by the docs test)."""
    parser = argparse.ArgumentParser(
        prog="python -m reports",
        description="Documents for the people the plan is about: firms' checklists (明白纸) and "
        "the monthly 调度通报.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "checklist",
        help="firm checklists (明白纸) for one firm or a district (JSON; file with --out)",
        description="Build the firm checklist from the enterprises sheet: next rungs, each "
        "criterion met or missed and by how much, materials, support options per gap.",
    )
    p.add_argument("workbook", help="an .xlsx file or a folder of <sheet>.csv files")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--firm", help="one firm_id")
    who.add_argument("--district", help="every listed firm of one district")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language (default: zh)")
    p.add_argument(
        "--format", choices=["md", "csv"], default="md", help="file format for --out (default: md)"
    )
    p.add_argument("--out", help="also write the checklist(s) to this file")
    p.add_argument(
        "--docx",
        action="store_true",
        help="write --out as a printable Word file (one firm, or the district's firms page by page)",
    )
    p.set_defaults(func=_checklist)

    d = sub.add_parser(
        "dispatch",
        help="the monthly 调度通报 as Word (.docx) or Excel (.xlsx)",
        description="Solve the workbook and write the 调度通报: targets with achieved / expected / "
        "chance, the district ranking, the key projects and the red/yellow lists.",
    )
    d.add_argument("workbook", help="an .xlsx file or a folder of <sheet>.csv files")
    d.add_argument("--out", required=True, help="the file to write: .docx or .xlsx")
    d.add_argument("--lang", choices=["zh", "en"], default="zh", help="language (default: zh)")
    d.add_argument(
        "--time-limit", type=float, default=10.0, help="solver time limit in seconds (default: 10)"
    )
    d.set_defaults(func=_dispatch)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 done, 1 bad data or name, 2 bad usage)."""
    from optimizer.quiet import set_quiet

    set_quiet(True)  # standard output carries only the JSON
    args = build_parser().parse_args(argv)
    return int(args.func(args))


def _checklist(args: argparse.Namespace) -> int:
    def work(wb: Workbook) -> dict | None:
        ids = [args.firm] if args.firm else district_firm_ids(wb, args.district)
        firms = []
        for fid in ids:
            cl = firm_checklist(wb, fid)
            firms.append(
                {
                    "firm_id": cl.firm_id,
                    "name": cl.name,
                    "district": cl.district,
                    "rungs": [r.__dict__ for r in cl.rungs],
                    "gaps": [
                        {
                            "rung": ln.rung,
                            "criterion": ln.criterion,
                            "gap": ln.gap,
                            "timing": ln.timing,
                            "money_gap": ln.money_gap,
                            "text": ln.text(args.lang),
                            "addressed_by": ln.addressed_by,
                        }
                        for ln in cl.gaps()
                    ],
                }
            )
        out: dict = {"firms": firms}
        if args.out:
            if args.docx:
                from reports.checklist_docx import checklist_docx_bytes

                data = checklist_docx_bytes(
                    wb, firm_id=args.firm, district=args.district, lang=args.lang
                )
            elif args.firm and args.format == "csv":
                data = district_checklists_bytes(
                    _only_firm(wb, args.firm), cl.district, fmt="csv", candidates_only=False
                )
            elif args.firm:
                data = firm_checklist_bytes(wb, args.firm, lang=args.lang)
            else:
                data = district_checklists_bytes(wb, args.district, lang=args.lang, fmt=args.format)
            try:
                Path(args.out).parent.mkdir(parents=True, exist_ok=True)
                Path(args.out).write_bytes(data)
            except OSError as exc:
                print(f"Cannot write {args.out}: {exc}", file=sys.stderr)
                return None
            out["file"] = str(args.out)
        return out

    if args.docx and not args.out:
        print("--docx needs --out FILE.docx", file=sys.stderr)
        return 2
    return run_on_workbook(args, work, problem_only=False)  # the registers are read


def _only_firm(wb: Workbook, firm_id: str) -> Workbook:
    """A copy of the workbook whose enterprises sheet holds one firm (for a one-firm CSV)."""
    one = wb.copy()
    one.enterprises = one.enterprises[one.enterprises["firm_id"].astype(str) == firm_id]
    return one


def _dispatch(args: argparse.Namespace) -> int:
    fmt = Path(args.out).suffix.lower().lstrip(".")
    if fmt not in ("docx", "xlsx"):
        print(f"--out must end in .docx or .xlsx, found {args.out}", file=sys.stderr)
        return 2

    def work(wb: Workbook) -> dict | None:
        from optimizer.solve import solve
        from reports.dispatch import build_dispatch, report_bytes

        plan = solve(wb, time_limit=args.time_limit, baselines=False)
        if plan.status == "infeasible":
            print(f"No plan is possible with this workbook: {plan.message}", file=sys.stderr)
            return None
        goals = getattr(wb, "district_goals", None)
        report = build_dispatch(wb, plan, lang=args.lang, district_goals=goals)
        data = report_bytes(report, fmt)
        try:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_bytes(data)
        except OSError as exc:
            print(f"Cannot write {args.out}: {exc}", file=sys.stderr)
            return None
        return {
            "file": str(args.out),
            "as_of": report.as_of.isoformat(),
            "targets": [
                {
                    "target": str(r["target"]),
                    "goal": float(r["goal"]),
                    "achieved": float(r["achieved"]),
                    "expected": float(r["expected"]),
                    "p_meet": float(r["p_meet"]),
                    "light": str(r["light"]),
                }
                for r in report.targets.to_dict("records")
            ],
            "districts": [
                {"district": str(r["district"]), "rank": int(r["rank"])}
                for r in report.ranking.to_dict("records")
            ],
            "stalled_projects": len(report.stalled),
        }

    return run_on_workbook(args, work, problem_only=False)  # the registers are read
