"""Read, validate and write the planning workbook (.xlsx or a folder of CSVs), as WORKBOOK.md defines it.

Reading happens in two steps. First every cell is read as it stands (text or number, no formula is ever
evaluated) into one raw DataFrame per sheet. Then `validate_tables` checks the raw sheets against
`data.schema.SHEETS` and WORKBOOK.md, collects *every* problem with its sheet, Excel row and column, and
either raises one `WorkbookError` listing them all or returns a canonical `Workbook`.

Row numbers are Excel's: the header is row 1 and the first data row is row 2; a folder of CSVs is
numbered the same way. Completely blank rows are skipped but keep their number.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from data.safety import is_formula_like, neutralise_cell, restore_cell
from data.schema import (
    DASHBOARD_SETTINGS,
    DESCRIPTIVE_SHEETS,
    KINDS,
    NONE_OPTION,
    SETTINGS_DEFAULTS,
    SHEETS,
    Column,
    Workbook,
)

__all__ = [
    "WorkbookError",
    "WorkbookIssue",
    "not_a_workbook_path",
    "parse_number",
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

# Guards for uploaded archives (an .xlsx is a zip too): a planning workbook is a few MB at most.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 1000
MAX_CSV_MEMBERS = 50

# Sheets in the order the writer puts them (also the order of the README sheet in the template).
SHEET_ORDER = list(SHEETS)

# Range rules per (sheet, column): (lowest, highest, lowest_is_exclusive).
_RANGES: dict[tuple[str, str], tuple[float, float | None, bool]] = {
    ("budgets", "amount"): (0.0, None, False),
    ("resources", "capacity"): (0.0, None, False),
    ("targets", "goal"): (0.0, None, True),
    ("targets", "weight"): (0.0, None, False),
    ("candidates", "base_probability"): (0.0, 1.0, False),
    ("candidates", "award"): (0.0, None, False),
    ("contributions", "value"): (0.0, None, True),
    ("options", "probability"): (0.0, 1.0, False),
    ("options", "cost"): (0.0, None, False),
    ("floors", "min_share"): (0.0, 1.0, False),
}
_SETTING_RANGES: dict[str, tuple[float, float | None]] = {
    "pool_share": (0.0, 1.0),
    "award_prudence": (0.0, None),
}

_YES = {"y", "yes", "true", "1", "是", "t"}
_NO = {"n", "no", "false", "0", "否", "f"}

# A plain number as a CSV or a text cell writes it: no leading zeros (so codes like "007" stay text).
_PLAIN_NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$")
_GROUPED_NUMBER = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_LOOSE_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
# Characters an .xlsx cannot hold (XML 1.0 forbids them): controls other than tab, line feed and
# carriage return, lone surrogates, U+FFFE/U+FFFF. A CSV may carry them as invisible debris; they are
# dropped on reading (and, defensively, on writing) so that every valid workbook can be exported.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EXCEL_ERRORS = {
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
}


class WorkbookIssue(NamedTuple):
    """One problem in a workbook: where it is (sheet, Excel row, column) and what is wrong."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"sheet '{self.sheet}'"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class WorkbookError(Exception):
    """The workbook cannot be used; ``issues`` lists every problem found, in sheet and row order."""

    def __init__(self, issues: Sequence[WorkbookIssue]):
        self.issues: list[WorkbookIssue] = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))

    def __str__(self) -> str:
        return "\n".join(str(i) for i in self.issues)


# --------------------------------------------------------------------------------------------------
# Raw reading
# --------------------------------------------------------------------------------------------------


def read_workbook(path: str | Path) -> Workbook:
    """Read and validate a planning workbook.

    Parameters
    ----------
    path
        An ``.xlsx`` file, or a folder holding ``<sheet>.csv`` files (UTF-8, UTF-8 with BOM, GBK or
        GB18030).

    Returns
    -------
    Workbook
        The workbook in canonical form.

    Raises
    ------
    WorkbookError
        When the file cannot be read or any cell breaks the rules; lists every problem.
    """
    return validate_tables(read_raw_tables(path))


def read_raw_tables(path: str | Path) -> dict[str, pd.DataFrame]:
    """Every sheet of an ``.xlsx`` file or CSV folder as read: object DataFrames, headers as columns."""
    path = Path(path)
    if path.is_dir():
        files = {}
        # Budgets.CSV as well as budgets.csv (saved on Windows, where case does not matter).
        for csv_path in sorted(path.iterdir()):
            if csv_path.is_file() and csv_path.suffix.lower() == ".csv":
                files[csv_path.stem] = csv_path.read_bytes()
        if not files:
            raise WorkbookError([_file_issue(f"no <sheet>.csv files in folder {path}")])
        return _raw_from_csv_files(files)
    if not path.exists():
        raise WorkbookError([_file_issue(f"no such file or folder: {path}")])
    if path.suffix.lower() != ".xlsx":
        raise WorkbookError(
            [_file_issue(f"{path.name}: expected an .xlsx file or a folder of CSV files")]
        )
    return _raw_from_xlsx(path.read_bytes(), path.name)


def not_a_workbook_path(path: str | Path) -> bool:
    """Whether a path cannot name a workbook: a file, or a name with a suffix, other than ``.xlsx``.

    The command lines treat such a path as bad usage. A missing ``.xlsx`` file or folder is not caught
    here: `read_workbook` reports it ("no such file or folder").
    """
    path = Path(path)
    if path.is_dir() or path.suffix.lower() == ".xlsx":
        return False
    return path.exists() or bool(path.suffix)


def read_workbook_upload(filename: str, data: bytes) -> Workbook:
    """Read and validate an uploaded workbook: ``.xlsx`` bytes or a ``.zip`` of ``<sheet>.csv`` files.

    Parameters
    ----------
    filename
        The uploaded file's name; its suffix says which kind it is.
    data
        The file's bytes.

    Raises
    ------
    WorkbookError
        For a file that is not a spreadsheet, an oversized or suspicious archive, or invalid data.
    """
    name = Path(filename).name
    suffix = Path(filename).suffix.lower()
    if len(data) > MAX_UPLOAD_BYTES:
        raise WorkbookError([_file_issue(f"{name}: file is larger than 50 MB")])
    if suffix == ".xlsx":
        return validate_tables(_raw_from_xlsx(data, name))
    if suffix == ".zip":
        return validate_tables(_raw_from_csv_zip(data, name))
    raise WorkbookError(
        [_file_issue(f"{name}: upload an .xlsx workbook or a .zip of <sheet>.csv files")]
    )


# What a damaged or hostile archive raises while a member is unpacked (bad CRC, sizes that lie,
# truncated data, unsupported compression or encryption).
_ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
)


def _file_issue(message: str) -> WorkbookIssue:
    return WorkbookIssue("(file)", None, None, message)


def _check_archive(archive: zipfile.ZipFile, name: str, max_members: int) -> None:
    """Refuse zip bombs before anything is decompressed (the declared sizes are checked again on read)."""
    members = archive.infolist()
    if len(members) > max_members:
        raise WorkbookError([_file_issue(f"{name}: archive has more than {max_members} files")])
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookError([_file_issue(f"{name}: archive unpacks to more than 200 MB")])


def _open_zip(data: bytes, name: str, what: str) -> zipfile.ZipFile:
    if not data.startswith(b"PK"):
        raise WorkbookError([_file_issue(f"{name}: not {what}")])
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError([_file_issue(f"{name}: not {what} ({exc})")]) from exc


def _raw_from_xlsx(data: bytes, name: str) -> dict[str, pd.DataFrame]:
    """Read an .xlsx as cached cell values; a formula without a cached value is an error."""
    import openpyxl

    what = "a valid .xlsx workbook"
    with _open_zip(data, name, what) as archive:
        _check_archive(archive, name, MAX_ARCHIVE_MEMBERS)
        # Only workbooks that contain formulas need the second (formula) pass.
        try:
            has_formulas = any(
                _has_formula(archive.read(m))
                for m in archive.namelist()
                if m.startswith("xl/worksheets/") and m.endswith(".xml")
            )
        except _ZIP_READ_ERRORS as exc:
            raise WorkbookError([_file_issue(f"{name}: not {what} ({exc})")]) from exc
    try:
        values_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formula_book = (
            openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            if has_formulas
            else None
        )
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise WorkbookError([_file_issue(f"{name}: not {what} ({exc})")]) from exc

    tables: dict[str, pd.DataFrame] = {}
    issues: list[WorkbookIssue] = []
    try:
        for ws in values_book.worksheets:
            sheet = _sheet_key(ws.title)
            if sheet not in SHEETS:
                continue  # extra sheets are ignored
            if sheet in tables:
                issues.append(WorkbookIssue(sheet, None, None, "two sheets have this name"))
                continue
            ws.reset_dimensions()  # the stored <dimension> may be stale; read every row present
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            if formula_book is not None:
                fws = formula_book[ws.title]
                fws.reset_dimensions()
                for excel_row, (values, formulas) in enumerate(
                    zip(rows, fws.iter_rows(values_only=True), strict=False), start=1
                ):
                    for j, formula in enumerate(formulas):
                        is_formula = isinstance(formula, str) and formula.startswith("=")
                        if is_formula and (j >= len(values) or values[j] is None):
                            issues.append(
                                WorkbookIssue(
                                    sheet,
                                    excel_row,
                                    _header_at(rows, j),
                                    f"cell {_cell_name(j, excel_row)} holds a formula "
                                    f"({formula}) with no saved value: open the file in Excel, "
                                    "save it, and upload it again",
                                )
                            )
            tables[sheet] = _frame_from_rows(rows)
    except WorkbookError:
        raise
    except Exception as exc:  # a damaged sheet inside a readable archive (bad XML, bad CRC)
        raise WorkbookError([_file_issue(f"{name}: not {what} ({exc})")]) from exc
    finally:
        values_book.close()
        if formula_book is not None:
            formula_book.close()
    if issues:
        raise WorkbookError(issues)
    return tables


def _has_formula(sheet_xml: bytes) -> bool:
    return b"<f>" in sheet_xml or b"<f " in sheet_xml or b":f>" in sheet_xml


def _header_at(rows: list[list], j: int) -> str | None:
    if rows and j < len(rows[0]) and rows[0][j] is not None:
        return str(rows[0][j]).strip()
    return None


def _cell_name(j: int, excel_row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(j + 1)}{excel_row}"


def _sheet_key(title: str) -> str:
    return title.strip().lower()


def _frame_from_rows(rows: list[list]) -> pd.DataFrame:
    """Header row → columns, other rows → data, as an object DataFrame (no dtype inference)."""
    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    # Drop trailing columns that are blank everywhere (formatting often extends the used range).
    while width > 0 and all(len(r) < width or _is_blank(r[width - 1]) for r in rows):
        width -= 1
    padded = [list(r[:width]) + [None] * (width - len(r)) for r in rows]
    # Drop trailing blank rows (they would otherwise just be skipped one by one).
    while len(padded) > 1 and all(_is_blank(v) for v in padded[-1]):
        padded.pop()
    header = [None if _is_blank(h) else str(h).strip() for h in padded[0]]
    return pd.DataFrame(padded[1:], columns=header, dtype=object)


def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; otherwise GB18030, a superset of GBK that Chinese Excel saves."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ValueError("not UTF-8, GBK or GB18030 text") from exc


def _raw_from_csv_files(files: dict[str, bytes]) -> dict[str, pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {}
    issues: list[WorkbookIssue] = []
    for stem, data in files.items():
        sheet = _sheet_key(stem)
        if sheet not in SHEETS:
            continue
        if sheet in tables:
            issues.append(WorkbookIssue(sheet, None, None, "two CSV files have this name"))
            continue
        try:
            text = _decode_csv(data)
        except ValueError as exc:
            issues.append(WorkbookIssue(sheet, None, None, f"{stem}.csv: {exc}"))
            continue
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            issues.append(WorkbookIssue(sheet, None, None, f"{stem}.csv is not valid CSV: {exc}"))
            continue
        # restore_cell undoes the quote our CSV export puts before formula-like text.
        tables[sheet] = _frame_from_rows(
            [[None if c == "" else restore_cell(c) for c in r] for r in rows]
        )
    if issues:
        raise WorkbookError(issues)
    return tables


def _raw_from_csv_zip(data: bytes, name: str) -> dict[str, pd.DataFrame]:
    with _open_zip(data, name, "a valid .zip archive") as archive:
        _check_archive(archive, name, MAX_ARCHIVE_MEMBERS)
        files: dict[str, bytes] = {}
        budget = MAX_UNCOMPRESSED_BYTES
        for info in archive.infolist():
            member = Path(info.filename)
            if info.is_dir() or member.suffix.lower() != ".csv" or "__MACOSX" in member.parts:
                continue
            if len(files) >= MAX_CSV_MEMBERS:
                raise WorkbookError([_file_issue(f"{name}: more than {MAX_CSV_MEMBERS} CSV files")])
            # Read with a hard cap: the sizes declared in the archive can lie.
            try:
                with archive.open(info) as fh:
                    content = fh.read(budget + 1)
            except _ZIP_READ_ERRORS as exc:
                raise WorkbookError(
                    [_file_issue(f"{name}: {info.filename} cannot be unpacked ({exc})")]
                ) from exc
            budget -= len(content)
            if budget < 0:
                raise WorkbookError([_file_issue(f"{name}: archive unpacks to more than 200 MB")])
            files[member.stem] = content
    if not files:
        raise WorkbookError([_file_issue(f"{name}: the archive holds no <sheet>.csv files")])
    return _raw_from_csv_files(files)


# --------------------------------------------------------------------------------------------------
# Cell conversion
# --------------------------------------------------------------------------------------------------


def _is_blank(value: object) -> bool:
    """Whether a cell is empty: None, NaN, pd.NA or text of spaces only."""
    kind = type(value)
    if value is None:
        return True
    if kind is str:
        return not value.strip()  # type: ignore[union-attr]
    if kind is float:
        return value != value  # NaN
    if kind is int or kind is bool:
        return False
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))  # pd.NA, NaT, numpy nan
    except (TypeError, ValueError):
        return False


def _is_number(value: object) -> bool:
    """Whether a cell holds a number (TRUE/FALSE are not numbers)."""
    kind = type(value)
    if kind is float or kind is int:
        return True
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def parse_number(value: object) -> float:
    """A cell as a float: numbers as they are; text such as ``1,234.5``, ``１２３``, ``30%`` too.

    Raises
    ------
    ValueError
        When the cell is not a number.
    """
    if isinstance(value, bool):
        raise ValueError("expected a number, found TRUE/FALSE")
    if _is_number(value):
        number = float(value)  # type: ignore[arg-type]
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
        if text in _EXCEL_ERRORS:
            raise ValueError(f"the cell holds the Excel error {text}")
        percent = text.endswith("%")
        if percent:
            text = text[:-1]
        if _GROUPED_NUMBER.match(text):
            text = text.replace(",", "")
        if not _LOOSE_NUMBER.match(text):
            raise ValueError(f"expected a number, found '{value.strip()}'")
        number = float(text) / (100.0 if percent else 1.0)
    elif isinstance(value, (datetime, date, time)):
        raise ValueError(f"expected a number, found a date or time ({value})")
    else:
        raise ValueError(f"expected a number, found '{value}'")
    if not math.isfinite(number):
        raise ValueError("expected a finite number")
    return number


def _text(value: object) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates in ISO form, no XML-illegal characters."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if _is_number(value):
        number = float(value)  # type: ignore[arg-type]
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return repr(number)
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def _parse_yn(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"expected Y or N, found '{_text(value).strip()}'")


def _extra_column_kind(values: Iterable[object]) -> str:
    """``number`` when every non-blank cell is a number (or plain numeric text), else ``text``."""
    seen = False
    for v in values:
        if _is_blank(v):
            continue
        seen = True
        if isinstance(v, bool):
            return "text"
        if _is_number(v):
            if not math.isfinite(float(v)):  # type: ignore[arg-type]
                return "text"
            continue
        if isinstance(v, str) and _PLAIN_NUMBER.match(v.strip()):
            continue
        return "text"
    return "number" if seen else "text"


def _extra_values(values: list[object], kind: str) -> list[object]:
    if kind == "number":
        return [float("nan") if _is_blank(v) else float(_text(v)) for v in values]
    return ["" if _is_blank(v) else _text(v) for v in values]


# --------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------


class _RawSheet:
    """A raw sheet prepared for checking: its headers and its non-blank rows with Excel row numbers."""

    def __init__(self, name: str, frame: pd.DataFrame, issues: list[WorkbookIssue]):
        self.name = name
        self.headers: list[str | None] = [
            None if _is_blank(c) or _is_blank(_text(str(c))) else _text(str(c)).strip()
            for c in frame.columns
        ]
        self.rows: list[tuple[int, list[object]]] = []
        blank_header_data: set[int] = set()
        for position, cells in enumerate(frame.itertuples(index=False, name=None)):
            cells = list(cells)
            if all(_is_blank(v) for v in cells):
                continue
            excel_row = position + 2
            self.rows.append((excel_row, cells))
            for j, v in enumerate(cells):
                if self.headers[j] is None and not _is_blank(v) and j not in blank_header_data:
                    blank_header_data.add(j)
                    issues.append(
                        WorkbookIssue(
                            name,
                            excel_row,
                            _cell_name(j, excel_row),
                            "this column has data but no header",
                        )
                    )
        # Column positions by header; a header used twice is an error (which of the two is meant?).
        self.index: dict[str, int] = {}
        lowered: dict[str, int] = {}
        for j, h in enumerate(self.headers):
            if h is None:
                continue
            key = h.lower()
            if key in lowered:
                issues.append(WorkbookIssue(name, 1, h, "this column header appears twice"))
                continue
            lowered[key] = j
            self.index[h] = j
        self._lowered = lowered

    def find(self, column: str) -> int | None:
        """Position of a contract column; headers match whatever their case."""
        return self._lowered.get(column.lower())

    def values(self, j: int) -> list[object]:
        return [cells[j] for _, cells in self.rows]


class _Checker:
    """Turns raw sheets into canonical columns, recording every issue on the way."""

    def __init__(self) -> None:
        self.issues: list[WorkbookIssue] = []

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.issues.append(WorkbookIssue(sheet, row, column, message))

    def column(self, raw: _RawSheet, col: Column, *, present_required: bool = True) -> list[object]:
        """Canonical values of one contract column (``None`` where the cell was invalid)."""
        j = raw.find(col.name)
        if j is None:
            if col.required and present_required:
                self.add(raw.name, 1, col.name, "required column is missing")
                return [None] * len(raw.rows)
            return [col.default] * len(raw.rows)
        out: list[object] = []
        bounds = _RANGES.get((raw.name, col.name))
        for excel_row, cells in raw.rows:
            out.append(self.cell(raw.name, excel_row, col, cells[j], bounds))
        return out

    def cell(
        self,
        sheet: str,
        excel_row: int,
        col: Column,
        value: object,
        bounds: tuple[float, float | None, bool] | None,
    ) -> object:
        if _is_blank(value):
            if col.required:
                self.add(sheet, excel_row, col.name, "required value is blank")
                return None
            return col.default if col.default is not None else ""
        if col.type == "text":
            if isinstance(value, str) and value.strip() in _EXCEL_ERRORS:
                self.add(sheet, excel_row, col.name, f"the cell holds the Excel error {value}")
                return None
            return _text(value).strip()
        if col.type == "yn":
            try:
                return _parse_yn(value)
            except ValueError as exc:
                self.add(sheet, excel_row, col.name, str(exc))
                return None
        try:
            number = parse_number(value)
        except ValueError as exc:
            self.add(sheet, excel_row, col.name, str(exc))
            return None
        if bounds is not None and not _in_range(number, bounds):
            self.add(sheet, excel_row, col.name, _range_message(bounds, number))
            return None
        return number

    def unique(self, raw: _RawSheet, keys: list[tuple], column: str, label: str) -> None:
        first: dict[tuple, int] = {}
        for (excel_row, _), key in zip(raw.rows, keys, strict=True):
            if any(k is None or k == "" for k in key):
                continue
            if key in first:
                shown = key[0] if len(key) == 1 else key
                self.add(
                    raw.name,
                    excel_row,
                    column,
                    f"duplicate {label} {shown!r} (first on row {first[key]})",
                )
            else:
                first[key] = excel_row


def _in_range(x: float, bounds: tuple[float, float | None, bool]) -> bool:
    low, high, exclusive = bounds
    if x < low or (exclusive and x == low):
        return False
    return high is None or x <= high


def _range_message(bounds: tuple[float, float | None, bool], x: float) -> str:
    low, high, exclusive = bounds
    shown = _text(x)
    if high is not None:
        return f"must be between {_text(low)} and {_text(high)} (found {shown})"
    if exclusive:
        return f"must be greater than {_text(low)} (found {shown})"
    return f"must be {_text(low)} or more (found {shown})"


def validate_tables(tables: dict[str, pd.DataFrame]) -> Workbook:
    """Check raw sheets (every cell as read) and build the canonical `Workbook`.

    Parameters
    ----------
    tables
        Sheet name → DataFrame whose columns are the header cells and whose cells are as read (text,
        numbers, ``None``/NaN for blanks). Row ``i`` of a DataFrame is Excel row ``i + 2``. Sheets
        not in `data.schema.SHEETS` are ignored.

    Returns
    -------
    Workbook
        Contract columns first in WORKBOOK.md's order and canonical types, then resource-use columns
        (options only), then extra columns in their original order.

    Raises
    ------
    WorkbookError
        Listing every problem found, with sheet, Excel row and column.
    """
    checker = _Checker()
    raw: dict[str, _RawSheet] = {}
    for name, frame in tables.items():
        key = _sheet_key(str(name))
        if key in SHEETS:
            raw[key] = _RawSheet(key, frame, checker.issues)
    for name, sheet in SHEETS.items():
        if sheet.required and name not in raw:
            checker.add(name, None, None, "required sheet is missing")

    frames: dict[str, pd.DataFrame] = {}
    values: dict[str, dict[str, list[object]]] = {}
    for name in (
        "budgets",
        "resources",
        "targets",
        "candidates",
        "contributions",
        "locks",
        "floors",
    ):
        if name not in raw:
            continue
        cols = {c.name: checker.column(raw[name], c) for c in SHEETS[name].columns}
        if name == "locks":
            # 'None' or 'NONE' in a lock means no support, as 'none' does.
            cols["option"] = [
                NONE_OPTION if isinstance(o, str) and o.lower() == NONE_OPTION else o
                for o in cols["option"]
            ]
        values[name] = cols
    # Options need the resource names to tell resource-use columns from extra ones.
    resource_names = [r for r in values.get("resources", {}).get("resource", []) if r]
    if "options" in raw:
        values["options"] = {
            c.name: checker.column(raw["options"], c) for c in SHEETS["options"].columns
        }
        _resource_use(checker, raw["options"], resource_names, values["options"])

    for name, cols in values.items():
        sheet = SHEETS[name]
        keys = list(zip(*(cols[k] for k in sheet.key), strict=True)) if raw[name].rows else []
        label = sheet.key[0] if len(sheet.key) == 1 else "(" + ", ".join(sheet.key) + ")"
        checker.unique(raw[name], keys, sheet.key[-1], label)

    _check_references(checker, raw, values, resource_names)
    settings = _settings(checker, raw.get("settings"))

    descriptive: dict[str, pd.DataFrame] = {}
    for name in DESCRIPTIVE_SHEETS:
        if name not in raw:
            continue
        key_col = SHEETS[name].columns[0]
        cols = {key_col.name: checker.column(raw[name], key_col)}
        checker.unique(raw[name], [(k,) for k in cols[key_col.name]], key_col.name, key_col.name)
        values[name] = cols

    if checker.issues:
        raise WorkbookError(_sorted_issues(checker.issues))

    for name, cols in values.items():
        frames[name] = _build_frame(name, raw[name], cols, resource_names)
    for name in DESCRIPTIVE_SHEETS:
        if name in frames:
            descriptive[name] = frames.pop(name)
    return Workbook(**frames, settings=settings, **descriptive)


def _resource_use(
    checker: _Checker, raw: _RawSheet, resource_names: list[str], cols: dict[str, list[object]]
) -> None:
    contract = {c.name.lower() for c in SHEETS["options"].columns}
    for resource in resource_names:
        if resource.lower() in contract:
            checker.add(
                "resources",
                None,
                "resource",
                f"resource {resource!r} has the same name as an options column",
            )
            continue
        j = raw.find(resource)
        if j is None:
            cols[resource] = [0.0] * len(raw.rows)
            continue
        column = Column(resource, "number", required=False, default=0.0)
        cols[resource] = [
            checker.cell("options", r, column, cells[j], (0.0, None, False))
            for r, cells in raw.rows
        ]


def _check_references(
    checker: _Checker,
    raw: dict[str, _RawSheet],
    values: dict[str, dict[str, list[object]]],
    resource_names: list[str],
) -> None:
    def rows(sheet: str) -> list[int]:
        return [r for r, _ in raw[sheet].rows]

    fund_lines = set(values["budgets"]["fund_line"]) if "budgets" in values else None
    targets = set(values["targets"]["target"]) if "targets" in values else None
    candidates = values.get("candidates")
    candidate_ids = set(candidates["candidate_id"]) if candidates else None

    if fund_lines is not None:
        for excel_row, resource in zip(
            rows("resources") if "resources" in values else [],
            values.get("resources", {}).get("resource", []),
            strict=True,
        ):
            if resource and resource in fund_lines:
                checker.add("resources", excel_row, "resource", f"{resource!r} is also a fund line")

    if candidates is not None:
        for excel_row, kind, award, line in zip(
            rows("candidates"),
            candidates["kind"],
            candidates["award"],
            candidates["award_line"],
            strict=True,
        ):
            if kind is not None and kind != "" and str(kind).lower() not in KINDS:
                checker.add(
                    "candidates",
                    excel_row,
                    "kind",
                    f"must be project or enterprise, found {kind!r}",
                )
            if isinstance(award, float) and award > 0 and line == "":
                checker.add(
                    "candidates",
                    excel_row,
                    "award_line",
                    "an award needs the fund line that pays it",
                )
            if line and fund_lines is not None and line not in fund_lines:
                checker.add("candidates", excel_row, "award_line", f"unknown fund line {line!r}")

    def check_candidate(sheet: str, excel_row: int, cid: object) -> None:
        if cid and candidate_ids is not None and cid not in candidate_ids:
            checker.add(sheet, excel_row, "candidate_id", f"unknown candidate {cid!r}")

    if "contributions" in values:
        cols = values["contributions"]
        for excel_row, cid, target in zip(
            rows("contributions"), cols["candidate_id"], cols["target"], strict=True
        ):
            check_candidate("contributions", excel_row, cid)
            if target and targets is not None and target not in targets:
                checker.add("contributions", excel_row, "target", f"unknown target {target!r}")

    options_by_candidate: dict[object, set[object]] = {}
    if "options" in values:
        cols = values["options"]
        for excel_row, cid, option, line, cost in zip(
            rows("options"),
            cols["candidate_id"],
            cols["option"],
            cols["fund_line"],
            cols["cost"],
            strict=True,
        ):
            check_candidate("options", excel_row, cid)
            options_by_candidate.setdefault(cid, set()).add(option)
            if isinstance(option, str) and option.lower() == NONE_OPTION:
                checker.add(
                    "options",
                    excel_row,
                    "option",
                    "'none' is reserved for no support and cannot be listed as an option",
                )
            if line and fund_lines is not None and line not in fund_lines:
                checker.add("options", excel_row, "fund_line", f"unknown fund line {line!r}")
            if isinstance(cost, float) and cost > 0 and line == "":
                checker.add(
                    "options",
                    excel_row,
                    "fund_line",
                    "a cost above 0 needs the fund line that pays it",
                )

    if "locks" in values:
        cols = values["locks"]
        for excel_row, cid, option in zip(
            rows("locks"), cols["candidate_id"], cols["option"], strict=True
        ):
            check_candidate("locks", excel_row, cid)
            known = candidate_ids is None or cid in candidate_ids
            if (
                option
                and known
                and "options" in values
                and option != NONE_OPTION
                and option not in options_by_candidate.get(cid, set())
            ):
                checker.add(
                    "locks",
                    excel_row,
                    "option",
                    f"candidate {cid!r} has no option {option!r} (use 'none' to rule support out)",
                )

    if "floors" in values and candidates is not None:
        districts = set(candidates["district"])
        for excel_row, district in zip(rows("floors"), values["floors"]["district"], strict=True):
            if district and district not in districts:
                checker.add(
                    "floors", excel_row, "district", f"no candidate is in district {district!r}"
                )


def settings_notes(wb: Workbook) -> list[str]:
    """Settings keys nothing reads (kept as text, as the contract allows), each with a likely meant key.

    Not errors: another tool may keep its own keys in the sheet. But a misspelt ``pool_shares`` would
    silently leave pooling off, so the import report names every such key.
    """
    known = [*SETTINGS_DEFAULTS, *DASHBOARD_SETTINGS]
    notes = []
    for key in wb.settings:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key).lower(), known, n=1, cutoff=0.6)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        notes.append(
            f"settings: key {key!r} is not one this product reads ({', '.join(known)}); it is kept "
            f"as text and has no effect.{hint}"
        )
    return notes


def _settings(checker: _Checker, raw: _RawSheet | None) -> dict[str, object]:
    settings: dict[str, object] = dict(SETTINGS_DEFAULTS)
    if raw is None:
        return settings
    key_col, value_col = SHEETS["settings"].columns
    keys = checker.column(raw, key_col)
    j = raw.find("value")
    if j is None:
        checker.add("settings", 1, "value", "required column is missing")
        return settings
    # The known keys match whatever their case (Pool_Share is pool_share).
    keys = [k.lower() if isinstance(k, str) and k.lower() in _SETTING_RANGES else k for k in keys]
    checker.unique(raw, [(k,) for k in keys], "key", "key")
    for (excel_row, cells), key in zip(raw.rows, keys, strict=True):
        if not key:
            continue
        value = cells[j]
        if key in _SETTING_RANGES:
            if _is_blank(value):
                continue  # blank: keep the default
            low, high = _SETTING_RANGES[key]
            try:
                number = parse_number(value)
            except ValueError as exc:
                checker.add("settings", excel_row, "value", f"{key}: {exc}")
                continue
            if not _in_range(number, (low, high, False)):
                checker.add(
                    "settings",
                    excel_row,
                    "value",
                    f"{key}: {_range_message((low, high, False), number)}",
                )
                continue
            settings[key] = number
        else:
            settings[key] = "" if _is_blank(value) else _text(value)
    return settings


def _build_frame(
    name: str, raw: _RawSheet, cols: dict[str, list[object]], resource_names: list[str]
) -> pd.DataFrame:
    sheet = SHEETS[name]
    data: dict[str, pd.Series] = {}
    n = len(raw.rows)
    for col in sheet.columns:
        series = cols[col.name]
        if name == "candidates" and col.name == "kind":
            series = [str(k).lower() for k in series]
        data[col.name] = _typed(series, col.type)
    used = {c.name.lower() for c in sheet.columns}
    if name == "options":
        for resource in resource_names:
            data[resource] = _typed(cols[resource], "number")
            used.add(resource.lower())
    for j, header in enumerate(raw.headers):
        if header is None or header.lower() in used or raw.index.get(header) != j:
            continue
        column_values = raw.values(j)
        kind = _extra_column_kind(column_values)
        data[header] = _typed(_extra_values(column_values, kind), kind)
    frame = pd.DataFrame(data, index=pd.RangeIndex(n))
    return frame


def _typed(values: list[object], kind: str) -> pd.Series:
    if kind == "number":
        return pd.Series(values, dtype="float64")
    if kind == "yn":
        return pd.Series(values, dtype="bool")
    return pd.Series(values, dtype=object)


def _sorted_issues(issues: list[WorkbookIssue]) -> list[WorkbookIssue]:
    order = {name: i for i, name in enumerate(SHEET_ORDER)}
    return sorted(
        issues,
        key=lambda i: (order.get(i.sheet, -1), i.row if i.row is not None else 0),
    )


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------


def _export_frames(wb: Workbook) -> list[tuple[str, pd.DataFrame]]:
    return [(name, wb.sheet(name)) for name in SHEET_ORDER]


def _cell_out(value: object, column_type: str | None) -> object:
    """A value as it should land in a cell: numbers as numbers, booleans as Y/N, blanks empty."""
    if _is_blank(value) and not isinstance(value, str):
        return None
    if isinstance(value, bool) or (column_type == "yn" and not isinstance(value, str)):
        return "Y" if bool(value) else "N"
    if _is_number(value):
        number = float(value)  # type: ignore[arg-type]
        if number.is_integer() and abs(number) < 1e15:
            return int(number)
        return number
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()  # type: ignore[union-attr]
    return value


def _column_types(name: str) -> dict[str, str]:
    return {c.name: c.type for c in SHEETS[name].columns}


def workbook_to_xlsx_bytes(wb: Workbook) -> bytes:
    """The workbook as ``.xlsx`` bytes: one sheet per WORKBOOK.md sheet, bold frozen header row."""
    return _xlsx_bytes(_export_frames(wb), readme=False)


def template_xlsx_bytes() -> bytes:
    """An empty workbook to fill in: every sheet with its headers only, plus a README sheet."""
    frames = [(name, pd.DataFrame(columns=SHEETS[name].column_names)) for name in SHEET_ORDER]
    return _xlsx_bytes(frames, readme=True)


def _xlsx_bytes(frames: list[tuple[str, pd.DataFrame]], *, readme: bool) -> bytes:
    from openpyxl import Workbook as XlsxBook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = XlsxBook(write_only=True)
    bold = Font(bold=True)
    if readme:
        _readme_sheet(book, bold)
    for name, frame in frames:
        ws = book.create_sheet(name)
        ws.freeze_panes = "A2"
        headers = [_NOT_XML.sub("", str(c)) for c in frame.columns]
        types = _column_types(name)
        columns = [frame[c].tolist() for c in frame.columns] if len(frame.columns) else []
        for j, header in enumerate(headers):
            longest = max(
                [len(header)] + [len(_text(v)) for v in columns[j][:200] if not _is_blank(v)]
            )
            ws.column_dimensions[get_column_letter(j + 1)].width = min(max(10, longest + 2), 50)
        header_cells = []
        for h in headers:
            cell = WriteOnlyCell(ws, value=None)
            cell._value, cell.data_type = h, "s"  # a header is always text, never a formula
            cell.font = bold
            header_cells.append(cell)
        ws.append(header_cells)
        column_types = [types.get(h) for h in headers]
        for i in range(len(frame)):
            row = []
            for j in range(len(headers)):
                value = _cell_out(columns[j][i], column_types[j])
                if isinstance(value, str):
                    value = _NOT_XML.sub("", value)
                if is_formula_like(value):
                    # Text that looks like a formula stays text, quote-prefixed as Excel does
                    # when a planner types '=..., so it cannot become a formula even when edited.
                    cell = WriteOnlyCell(ws, value=None)
                    cell._value = value
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    value = cell
                elif isinstance(value, float) and float(f"{value:.16g}") != value:
                    # openpyxl writes 16 significant digits, which loses the last bit of some
                    # floats; write the shortest exact form instead so a round trip is exact.
                    cell = WriteOnlyCell(ws, value=value)
                    cell._value = repr(value)
                    value = cell
                row.append(value)
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_README_ROWS = [
    ("budgets", "fund_line", "text, unique: one row per fund line"),
    ("budgets", "amount", "number ≥ 0, 万元"),
    ("budgets", "pooled", "Y/N, optional (default Y): takes part in fund integration"),
    ("resources", "resource", "text, unique; not also a fund line"),
    ("resources", "capacity", "number ≥ 0"),
    ("resources", "unit", "text, optional"),
    ("targets", "target", "text, unique"),
    ("targets", "goal", "number > 0"),
    ("targets", "weight", "number ≥ 0, optional (default 1)"),
    ("targets", "unit", "text, optional"),
    ("candidates", "candidate_id", "text, unique"),
    ("candidates", "name", "text"),
    ("candidates", "kind", "project or enterprise"),
    ("candidates", "district", "text"),
    ("candidates", "base_probability", "0–1: chance of success this year with no support"),
    ("candidates", "award", "number ≥ 0, optional, 万元 paid on success (an entitlement)"),
    ("candidates", "award_line", "fund line that pays the award; required when award > 0"),
    ("contributions", "candidate_id", "a known candidate"),
    ("contributions", "target", "a known target"),
    ("contributions", "value", "number > 0 added to the target on success"),
    ("options", "candidate_id", "a known candidate"),
    ("options", "option", "text, unique per candidate; not 'none'"),
    ("options", "probability", "0–1: chance of success with this option"),
    ("options", "fund_line", "a known fund line, or blank when cost is 0"),
    ("options", "cost", "number ≥ 0, 万元 paid up front"),
    ("options", "<resource name>", "one optional column per resource: use ≥ 0, blank = 0"),
    ("locks", "candidate_id", "optional sheet: a known candidate, at most once"),
    ("locks", "option", "one of its options, or 'none' to rule support out"),
    ("floors", "district", "optional sheet: a district some candidate has, at most once"),
    ("floors", "min_share", "0–1: least share of up-front money for the district"),
    (
        "settings",
        "key",
        "optional sheet: pool_share (0–1, default 0), award_prudence (≥ 0, default 1)",
    ),
    ("settings", "value", "the setting's value"),
    ("projects", "project_id", "optional descriptive sheet; other columns are free"),
    ("enterprises", "firm_id", "optional descriptive sheet; other columns are free"),
]


def _readme_sheet(book: object, bold: object) -> None:
    from openpyxl.cell import WriteOnlyCell

    ws = book.create_sheet("README")  # type: ignore[attr-defined]
    for letter, width in zip("ABC", (16, 20, 80), strict=True):
        ws.column_dimensions[letter].width = width
    ws.append(
        [
            "Planning workbook: one row per item on each sheet. Money in 万元. Extra columns are kept."
        ]
    )
    ws.append([])
    header = []
    for text in ("sheet", "column", "rule"):
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in _README_ROWS:
        ws.append(list(row))


def write_workbook(wb: Workbook, path: str | Path) -> None:
    """Write the workbook: an ``.xlsx`` file when the suffix is ``.xlsx``, else a folder of CSVs.

    CSVs are UTF-8 with a BOM, so Excel on a Chinese-locale PC opens them with the right characters.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(workbook_to_xlsx_bytes(wb))
        return
    path.mkdir(parents=True, exist_ok=True)
    for name, frame in _export_frames(wb):
        (path / f"{name}.csv").write_bytes(_csv_bytes(name, frame))


def _csv_bytes(name: str, frame: pd.DataFrame) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise_cell(str(c)) for c in frame.columns])
    types = _column_types(name)
    column_types = [types.get(str(c)) for c in frame.columns]
    columns = [frame[c].tolist() for c in frame.columns]
    for i in range(len(frame)):
        row = []
        for j, column in enumerate(columns):
            value = _cell_out(column[i], column_types[j])
            # Text a spreadsheet could run as a formula gets a leading quote (CSV injection).
            row.append("" if value is None else neutralise_cell(_text(value)))
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


def workbook_to_csv_zip_bytes(wb: Workbook) -> bytes:
    """The workbook as a ``.zip`` of ``<sheet>.csv`` files (what `read_workbook_upload` accepts)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, frame in _export_frames(wb):
            archive.writestr(f"{name}.csv", _csv_bytes(name, frame))
    return out.getvalue()


# --------------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------------


def workbook_differences(a: Workbook, b: Workbook) -> list[str]:
    """What differs between two workbooks, sheet by sheet (empty when they are identical).

    Values are compared exactly (floats bit for bit, text as text, NaN equal to NaN); column order
    matters; the index and the pandas dtype of text columns (object or str) do not.
    """
    diffs: list[str] = []
    if a.settings != b.settings:
        diffs.append(f"settings: {a.settings!r} != {b.settings!r}")
    for name in SHEET_ORDER:
        if name == "settings":
            continue
        fa, fb = getattr(a, name), getattr(b, name)
        if list(fa.columns) != list(fb.columns):
            diffs.append(f"{name}: columns {list(fa.columns)} != {list(fb.columns)}")
            continue
        if len(fa) != len(fb):
            diffs.append(f"{name}: {len(fa)} rows != {len(fb)} rows")
            continue
        for column in fa.columns:
            for i, (x, y) in enumerate(zip(fa[column].tolist(), fb[column].tolist(), strict=True)):
                if not _same_value(x, y):
                    diffs.append(f"{name}: row {i}, column {column!r}: {x!r} != {y!r}")
                    break
    return diffs


def workbooks_equal(a: Workbook, b: Workbook) -> bool:
    """Whether two workbooks hold exactly the same data (see `workbook_differences`)."""
    return not workbook_differences(a, b)


def _same_value(x: object, y: object) -> bool:
    x_blank = x is None or (isinstance(x, float) and math.isnan(x))
    y_blank = y is None or (isinstance(y, float) and math.isnan(y))
    if x_blank or y_blank:
        return x_blank and y_blank
    if isinstance(x, str) or isinstance(y, str):
        return isinstance(x, str) and isinstance(y, str) and x == y
    if isinstance(x, bool) or isinstance(y, bool):
        return isinstance(x, bool) and isinstance(y, bool) and x == y
    return x == y
