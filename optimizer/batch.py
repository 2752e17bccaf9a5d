"""Solve a folder of workbooks: `python -m optimizer batch DIR [--out DIR] [--scheduler ADDR]`.

Every ``.xlsx`` file and every sub-folder of ``<sheet>.csv`` files in DIR is one workbook (a city of
a province, say). Each is read and solved as by `python -m optimizer solve` on a worker of the
executor (`optimizer.executor`: a local process pool, or a Dask cluster when a scheduler address is
given). The workbook travels as bytes, so workers on other machines need no shared folder. Written
to the output folder: ``<name>.allocation.csv`` per workbook with a plan, and ``summary.csv`` /
``summary.json`` with one row per workbook (status, attainment, bound, gap, seconds, or the error).
A workbook that cannot be read or solved is reported in its row; the batch goes on.
"""

from __future__ import annotations

import io
import json
import math
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from optimizer.executor import Executor

SUMMARY_COLUMNS = [
    "workbook",
    "status",
    "attainment",
    "bound",
    "gap",
    "funded",
    "candidates",
    "method",
    "seconds",
    "allocation_csv",
    "error",
]


@dataclass(frozen=True)
class BatchTask:
    """One workbook to solve: its name, its files' bytes and the solver options."""

    name: str
    kind: str  # "xlsx" or "csv"
    files: dict[str, bytes]
    time_limit: float = 10.0
    mip_gap: float = 1e-3


def find_workbooks(folder: str | Path) -> list[Path]:
    """The workbooks in a folder, sorted by name: ``.xlsx`` files and sub-folders holding CSV files."""
    folder = Path(folder)
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")):  # hidden files and Excel's lock files
            continue
        xlsx = path.is_file() and path.suffix.lower() == ".xlsx"
        if xlsx or (path.is_dir() and any(p.suffix.lower() == ".csv" for p in path.iterdir())):
            found.append(path)
    return found


def load_task(path: Path, *, time_limit: float = 10.0, mip_gap: float = 1e-3) -> BatchTask:
    """The task for one workbook path (its bytes read here, so a worker needs no access to it)."""
    if path.is_dir():
        files = {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}
        files = {n: b for n, b in files.items() if n.lower().endswith(".csv")}
        return BatchTask(path.name, "csv", files, time_limit, mip_gap)
    return BatchTask(path.stem, "xlsx", {path.name: path.read_bytes()}, time_limit, mip_gap)


def solve_task(task: BatchTask) -> dict[str, object]:
    """Read, validate and solve one workbook (runs on a worker). Never raises: a failure is a row."""
    from data.schema import PROBLEM_SHEETS
    from data.workbook import WorkbookError, read_workbook_upload, validate_tables
    from data.workbook.read import _raw_from_csv_files
    from optimizer.quiet import quiet_stdout
    from optimizer.solve import solve

    started = time.perf_counter()
    row: dict[str, object] = {"workbook": task.name}
    try:
        if task.kind == "xlsx":
            ((filename, data),) = task.files.items()
            wb = read_workbook_upload(filename, data, sheets=PROBLEM_SHEETS)
        else:
            wb = validate_tables(_raw_from_csv_files(task.files, sheets=frozenset(PROBLEM_SHEETS)))
        with quiet_stdout():
            result = solve(wb, time_limit=task.time_limit, mip_gap=task.mip_gap, baselines=False)
    except WorkbookError as exc:
        row.update(status="invalid", error="; ".join(str(i) for i in exc.issues))
    except Exception as exc:  # a batch reports every workbook, whatever went wrong with one
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        row.update(status="error", error=last)
    else:
        row.update(
            status=result.status,
            attainment=_num(result.objective),
            bound=_num(result.bound),
            gap=_num(result.gap),
            funded=sum(1 for o in result.choices.values() if o != "none"),
            candidates=len(wb.candidates),
            method=result.method,
            error="" if result.status != "infeasible" else result.message,
        )
        if result.status != "infeasible":
            allocation = result.allocation
            first = ["candidate_id", "option"]
            allocation = allocation[first + [c for c in allocation.columns if c not in first]]
            buffer = io.StringIO()
            _neutralised(allocation).to_csv(buffer, index=False)
            row["allocation"] = buffer.getvalue()
    row["seconds"] = round(time.perf_counter() - started, 3)
    return row


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    from data.safety import neutralise_frame

    return neutralise_frame(frame)


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def run_batch(
    folder: str | Path,
    out: str | Path,
    *,
    executor: Executor | None = None,
    time_limit: float = 10.0,
    mip_gap: float = 1e-3,
) -> pd.DataFrame:
    """Solve every workbook in ``folder``, write allocations and the summary to ``out``.

    Returns the summary (one row per workbook, in name order; columns `SUMMARY_COLUMNS`).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tasks = []
    rows: list[dict[str, object]] = []
    for path in find_workbooks(folder):
        try:
            tasks.append(load_task(path, time_limit=time_limit, mip_gap=mip_gap))
        except OSError as exc:
            rows.append({"workbook": path.stem, "status": "error", "error": str(exc)})
    own = executor is None
    executor = executor or Executor()
    try:
        rows.extend(executor.map(solve_task, tasks))
    finally:
        if own:
            executor.close()
    for row in rows:
        text = row.pop("allocation", None)
        if isinstance(text, str):
            target = out / f"{row['workbook']}.allocation.csv"
            target.write_text(text, encoding="utf-8")
            row["allocation_csv"] = str(target)
    summary = pd.DataFrame.from_records(rows).reindex(columns=SUMMARY_COLUMNS)
    summary = summary.sort_values("workbook", kind="stable").reset_index(drop=True)
    summary.to_csv(out / "summary.csv", index=False, encoding="utf-8")
    records = [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
        for r in summary.to_dict("records")
    ]
    (out / "summary.json").write_text(
        json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return summary
