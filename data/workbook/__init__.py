"""Read, validate and write the planning workbook (.xlsx or a folder of CSVs), as docs/workbook.md defines it.

Reading happens in two steps. First every cell is read as it stands (text or number, no formula is ever
evaluated) into one raw DataFrame per sheet (`read`). Then `validate_tables` checks the raw sheets against
`data.schema.SHEETS` and docs/workbook.md, collects *every* problem with its sheet, Excel row and column,
and either raises one `WorkbookError` listing them all or returns a canonical `Workbook` (`validate`,
with the cell-level `checker`).

Row numbers are Excel's: the header is row 1 and the first data row is row 2; a folder of CSVs is
numbered the same way. Completely blank rows are skipped but keep their number.

This package is the security boundary for uploads; its modules, smallest first:

- `issues`: `WorkbookIssue`, `WorkbookError`.
- `cells`: what a cell holds (blank, number, text, Y/N), shared by every step; the sheet order.
- `read`: .xlsx, CSV folders and uploads (.xlsx or .zip) into raw sheets, with the size and zip-bomb limits.
- `checker`, `validate`: raw sheets into a canonical `Workbook`, or every problem.
- `write`: .xlsx, CSV folder, .zip of CSVs and the empty template, neutralised against formula injection.
- `compare`: `workbook_differences`, `workbooks_equal`.

Callers import from ``data.workbook``; the limits live in `data.workbook.read` (patch them there).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from data.workbook.cells import SHEET_ORDER, parse_number  # noqa: F401
    from data.workbook.compare import workbook_differences, workbooks_equal
    from data.workbook.issues import WorkbookError, WorkbookIssue
    from data.workbook.read import (
        MAX_ARCHIVE_MEMBERS,  # noqa: F401
        MAX_CSV_MEMBERS,  # noqa: F401
        MAX_UNCOMPRESSED_BYTES,  # noqa: F401
        MAX_UPLOAD_BYTES,  # noqa: F401
        _raw_from_xlsx,  # noqa: F401
        not_a_workbook_path,
        prefetch_xlsx,
        read_raw_tables,
        read_workbook,
        read_workbook_upload,
    )
    from data.workbook.validate import settings_notes, validate_tables
    from data.workbook.write import (
        template_xlsx_bytes,
        workbook_to_csv_zip_bytes,
        workbook_to_xlsx_bytes,
        write_workbook,
    )

# Each name importable from here → the module that defines it, imported on first use (PEP 562): so
# `data.workbook.read` alone, which imports no pandas, can start reading an .xlsx while pandas is
# imported (the command line, docs/optimizer.md "The demo workbook end to end"). Importable as before
# the split though not in __all__: the sheet order, the upload limits (patch them in
# data.workbook.read, where they are used) and the raw .xlsx reader.
_WHERE = {
    "SHEET_ORDER": "cells",
    "parse_number": "cells",
    "workbook_differences": "compare",
    "workbooks_equal": "compare",
    "WorkbookError": "issues",
    "WorkbookIssue": "issues",
    "MAX_ARCHIVE_MEMBERS": "read",
    "MAX_CSV_MEMBERS": "read",
    "MAX_UNCOMPRESSED_BYTES": "read",
    "MAX_UPLOAD_BYTES": "read",
    "_raw_from_xlsx": "read",
    "not_a_workbook_path": "read",
    "prefetch_xlsx": "read",
    "read_raw_tables": "read",
    "read_workbook": "read",
    "read_workbook_upload": "read",
    "settings_notes": "validate",
    "validate_tables": "validate",
    "template_xlsx_bytes": "write",
    "workbook_to_csv_zip_bytes": "write",
    "workbook_to_xlsx_bytes": "write",
    "write_workbook": "write",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


__all__ = [
    "WorkbookError",
    "WorkbookIssue",
    "not_a_workbook_path",
    "parse_number",
    "prefetch_xlsx",
    "settings_notes",
    "read_raw_tables",
    "read_workbook",
    "read_workbook_upload",
    "template_xlsx_bytes",
    "validate_tables",
    "workbook_differences",
    "workbook_to_csv_zip_bytes",
    "workbook_to_xlsx_bytes",
    "workbooks_equal",
    "write_workbook",
]
