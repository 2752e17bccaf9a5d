"""Data safety at the edges: neutralise spreadsheet formulas in every export, and vet uploads before parsing.

Exports (OWASP "CSV injection", CWE-1236). A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab,
a carriage return (or their full-width forms, which Excel on a Chinese-locale PC also accepts) could be run
as a formula when a planner opens the file in Excel or WPS. Such cells are neutralised:

- in CSV, by prefixing a single quote ``'`` (OWASP's advice); :func:`restore_cell` undoes it on import, so
  the product reads its own export back unchanged;
- in XLSX, by storing the cell as an explicit text cell with Excel's "quote prefix" flag, the same thing
  Excel does when a user types ``'=...``: the text is kept as it was, shown without the quote, and can
  never become a formula, not even after the cell is edited.

Numbers stay numbers: numeric cells (and text that is just a signed number such as ``-12.5``) are left
alone.

Uploads are vetted where they are read (``data.workbook.read_workbook_upload``: size, zip container,
declared unpacked size); the tests in ``tests/test_bad_input*.py`` hold it to that.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Mapping
from numbers import Number
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# Characters that make a spreadsheet treat a cell as a formula (OWASP), plus NUL and line feed (ASVS
# 1.2.10) and the full-width forms Excel/WPS convert on CJK systems.
FORMULA_TRIGGERS = "=+-@\t\r\n\0＝＋－＠"
_TRIGGER_CLASS = "[" + re.escape(FORMULA_TRIGGERS) + "]"
# Text that a spreadsheet reads as a plain number, never as a formula (kept as is: numbers stay numbers).
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d+)?%?$")
# A value we escaped on export: one or more quotes, then a trigger. Escaping those too (one more quote)
# keeps restore_cell an exact inverse of neutralise_cell.
_ESCAPED = re.compile(r"^[ ']*'[ ']*" + _TRIGGER_CLASS)


def is_formula_like(value: object) -> bool:
    """True when ``value`` is text a spreadsheet could run as a formula.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    bool
        ``True`` for text starting (after spaces) with a formula trigger, unless it is a plain number.
    """
    if not isinstance(value, str) or not value:
        return False
    stripped = value.lstrip(" ")
    if not stripped or stripped[0] not in FORMULA_TRIGGERS:
        return False
    return not _PLAIN_NUMBER.match(stripped)


def neutralise_cell(value: Any) -> Any:
    """A CSV cell value that cannot run as a formula; numbers and safe text are returned unchanged.

    Parameters
    ----------
    value : Any
        A cell value (any type).

    Returns
    -------
    Any
        ``"'" + value`` when ``value`` is formula-like text (or looks like text escaped this way, so the
        escape can be undone exactly by :func:`restore_cell`); else ``value`` itself.
    """
    if isinstance(value, str) and (is_formula_like(value) or _ESCAPED.match(value)):
        return "'" + value
    return value


def restore_cell(value: Any) -> Any:
    """Undo :func:`neutralise_cell` (for the importer reading the product's own CSV export).

    Parameters
    ----------
    value : Any
        A cell value as read from a CSV.

    Returns
    -------
    Any
        The value without the one leading quote that :func:`neutralise_cell` added; other values
        unchanged.
    """
    if isinstance(value, str) and _ESCAPED.match(value):
        return value[1:] if value.startswith("'") else value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column name passed through :func:`neutralise_cell`.

    Numeric, boolean and date columns are untouched, so numbers stay numbers in the written file.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table about to be written to CSV.

    Returns
    -------
    pandas.DataFrame
        The safe copy.
    """
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        out[column] = series.map(neutralise_cell)
    out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def safe_csv_bytes(frame: pd.DataFrame, *, encoding: str = "utf-8-sig", **to_csv: Any) -> bytes:
    """``frame`` as CSV bytes with formulas neutralised (UTF-8 with BOM by default, as Excel likes).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    encoding : str
        Text encoding; ``utf-8-sig`` lets Excel on a Chinese-locale PC show Chinese text correctly.
    **to_csv
        Passed to :meth:`pandas.DataFrame.to_csv` (``index`` defaults to ``False``).

    Returns
    -------
    bytes
        The CSV file's content.
    """
    to_csv.setdefault("index", False)
    text = neutralise_frame(frame).to_csv(**to_csv)
    return text.encode(encoding)


def harden_worksheet(worksheet: Any) -> int:
    """Make every cell of an openpyxl worksheet inert: no formulas, formula-like text kept as text.

    openpyxl turns any string starting with ``=`` into a formula when it is assigned to a cell; this
    turns such cells (and other formula-like text) back into explicit text cells with the quote prefix
    set, keeping the text unchanged.

    Parameters
    ----------
    worksheet : openpyxl.worksheet.worksheet.Worksheet
        A worksheet about to be saved.

    Returns
    -------
    int
        How many cells were neutralised.
    """
    changed = 0
    for row in worksheet.iter_rows():
        for cell in row:
            value = cell.value
            if cell.data_type == "f" or is_formula_like(value):
                text = value if isinstance(value, str) else str(value)
                # Bypass openpyxl's value setter, which would make "=..." a formula again.
                cell._value = text
                cell.data_type = "s"
                cell.quotePrefix = True
                changed += 1
    return changed


def harden_workbook(workbook: Any) -> int:
    """:func:`harden_worksheet` on every worksheet of an openpyxl workbook; returns cells changed."""
    return sum(harden_worksheet(ws) for ws in workbook.worksheets)


def safe_xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An ``.xlsx`` with one sheet per table, every text cell inert and numbers kept numeric.

    Parameters
    ----------
    sheets : Mapping of str to pandas.DataFrame
        Sheet title → table (titles longer than Excel's 31 characters are cut).

    Returns
    -------
    bytes
        The workbook file's content.
    """
    from openpyxl import Workbook as XlsxWorkbook

    book = XlsxWorkbook()
    book.remove(book.active)
    for title, frame in sheets.items():
        sheet = book.create_sheet(title=str(title)[:31])
        sheet.append([str(c) for c in frame.columns])
        for record in frame.itertuples(index=False, name=None):
            sheet.append([_xlsx_value(v) for v in record])
    harden_workbook(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def harden_xlsx_bytes(data: bytes) -> bytes:
    """Re-save an ``.xlsx`` written elsewhere (e.g. by pandas) with every cell inert.

    Parameters
    ----------
    data : bytes
        An ``.xlsx`` file's content.

    Returns
    -------
    bytes
        The same workbook with formulas and formula-like text turned into quote-prefixed text.
    """
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    harden_workbook(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    """A value openpyxl can store: NaN/None blank, numpy scalars as Python numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if type(value) in (str, int, float, bool):  # most cells: no pandas needed (a call per cell)
        return value
    import pandas as pd

    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and isinstance(value, Number):
        return value.item()  # type: ignore[attr-defined]
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def formula_cells_in_xlsx(data: bytes, *, strict: bool = False) -> list[str]:
    """Where an ``.xlsx`` holds a formula or unprotected formula-like text (for tests and audits).

    Parameters
    ----------
    data : bytes
        An ``.xlsx`` file's content.
    strict : bool
        Also report formula-like text cells without Excel's quote prefix. A text cell is never run
        when the file is opened; the prefix also keeps it text after a planner edits the cell.

    Returns
    -------
    list of str
        ``"sheet!A1: reason"`` for each formula cell (and, when strict, each unprefixed formula-like
        text cell). Empty when the file is safe to open.
    """
    from openpyxl import load_workbook

    found: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and re.search(rb"<f[ >]", archive.read(name)):
                found.append(f"{name}: contains a <f> formula element")
    book = load_workbook(io.BytesIO(data))
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found.append(f"{ws.title}!{cell.coordinate}: formula {cell.value!r}")
                elif strict and is_formula_like(cell.value) and not cell.quotePrefix:
                    found.append(f"{ws.title}!{cell.coordinate}: formula-like text {cell.value!r}")
    return found


def formula_cells_in_csv(text: str) -> list[str]:
    """Cells of a CSV text that a spreadsheet could run as formulas (for tests and audits).

    Parameters
    ----------
    text : str
        The CSV content (decoded).

    Returns
    -------
    list of str
        ``"row r, column c: value"`` for each dangerous cell (rows and columns from 1).
    """
    import csv

    found = []
    for r, record in enumerate(csv.reader(io.StringIO(text)), start=1):
        for c, value in enumerate(record, start=1):
            if is_formula_like(value):
                found.append(f"row {r}, column {c}: {value!r}")
    return found
