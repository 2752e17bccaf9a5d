"""Raw reading: an .xlsx file, a CSV folder or an upload (.xlsx or .zip of CSVs) into raw sheets.

Every cell is read as it stands (text or number, no formula is ever evaluated) into one object
DataFrame per sheet; `data.workbook.validate` then checks them. Uploads and archives are vetted here:
size, member count and unpacked size (zip bombs), damaged members.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import re
import threading
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection

import numpy as np

from data.safety import restore_cell
from data.schema import SHEETS, Workbook
from data.workbook.cells import _cell_name, _is_blank, _sheet_key, blank_mask
from data.workbook.issues import WorkbookError, WorkbookIssue, _file_issue

if TYPE_CHECKING:
    import pandas as pd

# Guards for uploaded archives (an .xlsx is a zip too): a planning workbook is a few MB at most.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 1000
MAX_CSV_MEMBERS = 50
# Sheet sizes, checked as cells are read (.xlsx and CSV alike) so that a small hostile file cannot
# make the reader pad millions of empty cells. A real city has a few thousand candidates and options
# (the demo city: hundreds); 200,000 rows per sheet is far above any, and a workbook of 5 million
# cells (the padded rectangles of all sheets) still reads in a few hundred MB.
MAX_SHEET_ROWS = 200_000
MAX_SHEET_COLUMNS = 1_000
MAX_WORKBOOK_CELLS = 2_000_000
# The parts of an .xlsx other than its sheets (shared strings, styles, the workbook itself) are read
# whole by openpyxl: 180 MB of shared strings zipped into 0.4 MB took 1.7 GB and 200 s. Excel's own
# parts for a city's plan are well under 1 MB (the demo city's styles: 3 KB).
MAX_XLSX_PART_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """How large a local CSV folder may be: its files together, rows per sheet, cells in all."""

    folder_bytes: int = MAX_UPLOAD_BYTES
    sheet_rows: int = MAX_SHEET_ROWS
    workbook_cells: int = MAX_WORKBOOK_CELLS


# A province's or the nation's plan, read from the planner's own folder on the command line
# (`python -m optimizer solve --large`; docs/optimizer.md): up to 5 million rows a sheet. Uploads and
# the default keep the limits above.
LARGE_LIMITS = ReadLimits(
    folder_bytes=4 * 1024**3, sheet_rows=5_000_000, workbook_cells=100_000_000
)


def read_workbook(
    path: str | Path,
    *,
    limits: ReadLimits | None = None,
    ahead: XlsxAhead | None = None,
    sheets: Collection[str] | None = None,
) -> Workbook:
    """Read and validate a planning workbook.

    Parameters
    ----------
    path
        An ``.xlsx`` file, or a folder holding ``<sheet>.csv`` files (UTF-8, UTF-8 with BOM, GBK or
        GB18030).

    limits
        Size limits of a CSV folder (default: those of an upload; `LARGE_LIMITS` for a province).

    ahead
        The same file's `prefetch_xlsx`: its bytes, checks and parsed sheets are used instead of
        reading it again. The problems reported are the same either way.

    sheets
        The sheets to read (default: all of them). Any other is left unread, as if the workbook did
        not have it: `data.schema.PROBLEM_SHEETS` is what a solve needs, without the descriptive
        registers. The whole file is still checked (its archive, every part of it).

    Returns
    -------
    Workbook
        The workbook in canonical form.

    Raises
    ------
    WorkbookError
        When the file cannot be read or any cell breaks the rules; lists every problem.
    """
    raw = read_raw_tables(path, limits=limits, ahead=ahead, sheets=sheets)
    from data.workbook.validate import validate_tables

    return validate_tables(raw)


def read_raw_tables(
    path: str | Path,
    *,
    limits: ReadLimits | None = None,
    ahead: XlsxAhead | None = None,
    sheets: Collection[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Every sheet of an ``.xlsx`` file or CSV folder as read (or those in ``sheets``, as in
    `read_workbook`): object DataFrames, headers as columns."""
    path = Path(path)
    wanted = _wanted_sheets(sheets)
    if path.is_dir():
        files = {}
        # Budgets.CSV as well as budgets.csv (saved on Windows, where case does not matter).
        csv_paths = [
            p for p in sorted(path.iterdir()) if p.is_file() and p.suffix.lower() == ".csv"
        ]
        # The same 50 MB as an upload, for the folder's CSV files together, before any is read.
        limits = limits or ReadLimits()
        if sum(p.stat().st_size for p in csv_paths) > limits.folder_bytes:
            size = f"{limits.folder_bytes / 1024**2:,.0f} MB"
            raise WorkbookError(
                [_file_issue(f"{path.name}: the CSV files in this folder total more than {size}")]
            )
        for csv_path in csv_paths:
            files[csv_path.name] = csv_path.read_bytes()
        if not files:
            raise WorkbookError([_file_issue(f"no <sheet>.csv files in folder {path}")])
        return _raw_from_csv_files(files, limits, wanted)
    if not path.exists():
        raise WorkbookError([_file_issue(f"no such file or folder: {path}")])
    if path.suffix.lower() != ".xlsx":
        raise WorkbookError(
            [_file_issue(f"{path.name}: expected an .xlsx file or a folder of CSV files")]
        )
    if path.stat().st_size > MAX_UPLOAD_BYTES:  # before reading a byte of it
        raise WorkbookError([_file_issue(f"{path.name}: file is larger than 50 MB")])
    if ahead is not None and ahead.path == path and ahead.sheets == wanted:
        return _raw_from_xlsx(ahead.data, path.name, ahead, sheets=wanted)
    return _raw_from_xlsx(path.read_bytes(), path.name, sheets=wanted)


def _wanted_sheets(sheets: Collection[str] | None) -> frozenset[str]:
    """The contract's sheets to read: all of them, or those named (each must be one of them)."""
    if sheets is None:
        return frozenset(SHEETS)
    if isinstance(sheets, str):
        raise TypeError(f"sheets: a collection of sheet names, not one name ({sheets!r})")
    unknown = sorted(set(sheets) - set(SHEETS))
    if unknown:
        raise ValueError(f"not sheets of the workbook: {', '.join(unknown)}")
    return frozenset(sheets)


def not_a_workbook_path(path: str | Path) -> bool:
    """Whether a path cannot name a workbook: a file, or a name with a suffix, other than ``.xlsx``.

    The command lines treat such a path as bad usage. A missing ``.xlsx`` file or folder is not caught
    here: `read_workbook` reports it ("no such file or folder").
    """
    path = Path(path)
    if path.is_dir() or path.suffix.lower() == ".xlsx":
        return False
    return path.exists() or bool(path.suffix)


def read_workbook_upload(
    filename: str, data: bytes, *, sheets: Collection[str] | None = None
) -> Workbook:
    """Read and validate an uploaded workbook: ``.xlsx`` bytes or a ``.zip`` of ``<sheet>.csv`` files.

    Parameters
    ----------
    filename
        The uploaded file's name; its suffix says which kind it is.
    data
        The file's bytes.
    sheets
        The sheets to read, as in `read_workbook` (default: all of them).

    Raises
    ------
    WorkbookError
        For a file that is not a spreadsheet, an oversized or suspicious archive, or invalid data.
    """
    name = Path(filename).name
    suffix = Path(filename).suffix.lower()
    wanted = _wanted_sheets(sheets)
    if len(data) > MAX_UPLOAD_BYTES:
        raise WorkbookError([_file_issue(f"{name}: file is larger than 50 MB")])
    from data.workbook.validate import validate_tables

    if suffix == ".xlsx":
        return validate_tables(_raw_from_xlsx(data, name, sheets=wanted))
    if suffix == ".zip":
        return validate_tables(_raw_from_csv_zip(data, name, wanted))
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


def prefetch_xlsx(path: str | Path, sheets: Collection[str] | None = None) -> XlsxAhead | None:
    """Start reading an .xlsx: None for anything else, a file too large, or one whose archive checks
    fail (`read_workbook` then reports why).

    The archive is checked and every part of it scanned here, as `read_workbook` does; when
    calamine may read it, calamine parses the sheets in a second thread, in Rust without holding the
    GIL, while the caller imports what it needs next (pandas, for the command line: about as long;
    docs/optimizer.md, "The demo workbook end to end"). Hand the result to
    ``read_workbook(path, ahead=..., sheets=...)`` with the same ``sheets``. This module imports no pandas, so a caller can start this
    before importing it.
    """
    path = Path(path)
    wanted = _wanted_sheets(sheets)
    if path.suffix.lower() != ".xlsx" or not path.is_file():
        return None
    if path.stat().st_size > MAX_UPLOAD_BYTES:  # before reading a byte of it
        return None
    try:
        data = path.read_bytes()
        scan = _scan_xlsx(data, path.name)
    except (OSError, WorkbookError):
        return None  # reading it again says why
    return XlsxAhead(path, data, scan, wanted)


class XlsxAhead:
    """An .xlsx read ahead (`prefetch_xlsx`): its bytes, its scan (`_scan_xlsx`) and, when calamine
    may read it, the sheets calamine parses in a second thread (`_parse_plain`).

    Calamine starts only after the whole scan passed, as without reading ahead: a sheet matched to
    its XML one at a time could be matched differently by calamine (a title listed twice, a target
    spelled another way, a member stored twice), and a hostile sheet parsed (tests/test_workbook.py).
    A parse that fails in the second thread is left undone: `read_workbook` does it again in its own
    thread and reports the problem as it always does.
    """

    def __init__(
        self, path: Path, data: bytes, scan: tuple[bool, bool], sheets: frozenset[str]
    ) -> None:
        self.path, self.data, self.scan, self.sheets = path, data, scan, sheets
        self._parsed: _Parsed | None = None
        self._thread: threading.Thread | None = None
        if scan[1]:  # only a plain workbook within the limits is handed to calamine
            self._thread = threading.Thread(target=self._parse, name="xlsx-ahead", daemon=True)
            self._thread.start()

    def _parse(self) -> None:
        with contextlib.suppress(Exception):  # done again, and reported, by the reading thread
            self._parsed = _parse_plain(self.data, self.sheets)

    def parsed(self) -> _Parsed | None:
        """The sheets calamine parsed, or None when it was not asked to or could not open the file."""
        if self._thread is not None:
            self._thread.join()
        return self._parsed


# What an .xlsx that cannot be opened is not, in its problem ("x.xlsx: not a valid .xlsx workbook").
_VALID_XLSX = "a valid .xlsx workbook"


def _raw_from_xlsx(
    data: bytes,
    name: str,
    ahead: XlsxAhead | None = None,
    sheets: frozenset[str] = frozenset(SHEETS),
) -> dict[str, pd.DataFrame]:
    """Read an .xlsx as cached cell values; a formula without a cached value is an error.

    With ``ahead`` (the same bytes read ahead, for the same ``sheets``) its scan and parse are used
    where they got to. Only ``sheets`` are read; the whole archive is checked all the same."""
    if ahead is not None and ahead.sheets != sheets:
        raise ValueError("the workbook was read ahead for other sheets than these")
    has_formulas, calamine_may_read = ahead.scan if ahead is not None else _scan_xlsx(data, name)
    if calamine_may_read:
        parsed = ahead.parsed() if ahead is not None else None
        fast = _raw_from_plain_xlsx(data, sheets, parsed)
        if fast is not None:
            return fast
    return _raw_from_openpyxl(data, name, has_formulas, sheets)


def _scan_xlsx(data: bytes, name: str) -> tuple[bool, bool]:
    """The archive's checks (zip bombs, oversized parts, damaged members: each a `WorkbookError`),
    then whether any sheet has a formula and whether calamine may read it (see below).

    Every member of the archive is scanned as a sheet would be, not only xl/worksheets/*.xml: the
    workbook's relationships may point a sheet at any part, and calamine reads whatever they name.
    Formulas are looked for in the worksheets (a chart's ``<c:f>`` is no cell's formula)."""
    what = _VALID_XLSX
    with _open_zip(data, name, what) as archive:
        _check_archive(archive, name, MAX_ARCHIVE_MEMBERS)
        for info in archive.infolist():
            # Declared sizes are what zipfile enforces on reading (it stops there and the CRC fails).
            is_sheet = info.filename.startswith("xl/worksheets/")
            if not is_sheet and info.file_size > MAX_XLSX_PART_BYTES:
                raise WorkbookError(
                    [
                        _file_issue(
                            f"{name}: its part {info.filename} unpacks to more than 20 MB; "
                            "open the file in Excel, save it, and upload it again"
                        )
                    ]
                )
        # Only workbooks that contain formulas need the second (formula) pass. Each member is read
        # as stored (a name stored twice is read twice, not its last copy twice).
        try:
            has_formulas, plain, plain_cells = False, True, 0
            for info in archive.infolist():
                if info.is_dir():
                    continue
                xml = archive.read(info)
                worksheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(
                    ".xml"
                )
                if plain and not has_formulas:
                    has_formulas, size = _scan_part(xml, worksheet)
                    plain = size is not None
                    plain_cells += size or 0
                elif worksheet and not has_formulas:
                    has_formulas = _has_formula(xml)
                del xml
        except _ZIP_READ_ERRORS as exc:
            raise WorkbookError([_file_issue(f"{name}: not {what} ({exc})")]) from exc
    return has_formulas, not has_formulas and plain and plain_cells <= MAX_WORKBOOK_CELLS


def _raw_from_openpyxl(
    data: bytes, name: str, has_formulas: bool, sheets: frozenset[str] = frozenset(SHEETS)
) -> dict[str, pd.DataFrame]:
    """Read an .xlsx with openpyxl, which words every problem (a formula without a saved value)."""
    what = _VALID_XLSX
    import openpyxl  # only here: its import alone costs more than reading a plain workbook

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
    extent = _Extent()
    try:
        for ws in values_book.worksheets:
            sheet = _sheet_key(ws.title)
            if sheet not in sheets:
                continue  # extra sheets are ignored (and those not asked for)
            if sheet in tables:
                issues.append(WorkbookIssue(sheet, None, None, "two sheets have this name"))
                continue
            cells = _present_cells(ws, sheet, extent)
            rows = extent.dense(sheet, cells)
            if formula_book is not None:
                for excel_row, formulas in _present_cells(
                    formula_book[ws.title], sheet, _Extent()
                ).items():
                    values = rows[excel_row - 1] if excel_row <= len(rows) else []
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


# python-calamine reads an .xlsx many times faster than openpyxl (docs/optimizer.md), but it builds each
# sheet as a dense rectangle and has no place to check the limits while cells stream in. So it is
# used only for a workbook whose sheets are plain: every cell names its position, the rectangles
# are within the limits, no cell is an error or a number that is not one (NaN, INF), and there is no
# formula. Anything else takes the openpyxl path, which words each problem.
_ODD_VALUE = re.compile(rb"<v>[0-9eE+.\-]*[^0-9eE+.\-<]")
_NUMBER_BYTE = np.zeros(256, dtype=bool)  # the bytes of `_ODD_VALUE`'s number class
_NUMBER_BYTE[np.frombuffer(b"0123456789eE+.-", dtype=np.uint8)] = True
_VALUE_BYTES = 32  # a number's text is looked for within this many bytes after <v>
_CELL_START = b'<c r="'
# After `<c r="`: 1–3 capital letters, 1–7 digits and the closing quote fit in this many bytes.
_REFERENCE_BYTES = 11


def _plain_sheet_cells(xml: bytes) -> int | None:
    """The cells of a sheet's rectangle (A1 to its last row and column) when it is plain in the sense
    above, else None (checked on the XML, before calamine).

    No cell may be an error (``t="e"``) or hold a value that `_ODD_VALUE` finds, and every cell tag
    (``<c ``, ``<c>``, ``<c/>``) must be ``<c r="`` followed by 1–3 capital letters, 1–7 digits and
    a quote (what ``<c r="[A-Z]{1,3}[0-9]{1,7}"`` matches). All of it is decided with numpy on the
    XML's bytes from the positions of its tags, not match by match (a tenth of a second for the demo
    city's 16 MB of sheets; docs/optimizer.md).
    """
    return _scan_part(xml, worksheet=False)[1]


def _scan_part(xml: bytes, worksheet: bool) -> tuple[bool, int | None]:
    """(whether a worksheet holds a formula, as `_has_formula` says; `_plain_sheet_cells`, or None
    when it holds one): one pass over the positions of the part's tags for both."""
    if worksheet and b":f>" in xml:
        return True, None
    if b't="e"' in xml:
        return worksheet and _has_formula(xml), None
    data = np.frombuffer(xml, dtype=np.uint8)
    last = len(data) - 1
    tags_at = _positions_of(data, ord("<"))

    # Bytes past the end read as the last byte again: each byte looked for differs from the one
    # before it, so a tag cut off by the end never matches.
    second = data[np.minimum(tags_at + 1, last)]
    third = data[np.minimum(tags_at + 2, last)]
    # `<f>` or `<f ` (the third byte of a tag cut off by the end is never '>' or ' ', as above).
    if worksheet and ((second == ord("f")) & ((third == ord(">")) | (third == ord(" ")))).any():
        return True, None
    values = tags_at[(second == ord("v")) & (third == ord(">"))] + 3
    if len(values) and _odd_values(data, values, xml):
        return False, None
    cell = second == ord("c")
    spaced = tags_at[cell & (third == ord(" "))]  # <c followed by a space
    slash = tags_at[cell & (third == ord("/"))]
    closed = int((data[np.minimum(slash + 3, last)] == ord(">")).sum())  # <c/>
    tags = len(spaced) + int((cell & (third == ord(">"))).sum()) + closed
    starts = spaced
    for offset in range(3, len(_CELL_START)):
        starts = starts[data[np.minimum(starts + offset, last)] == _CELL_START[offset]]
    if len(starts) != tags:
        return False, None  # a cell without its position first
    if not tags:
        return False, 0
    positions = _cell_references(data, starts)
    if positions is None:
        return False, None
    rows, columns = positions
    height, width = int(rows.max()), int(columns.max())
    if height > MAX_SHEET_ROWS + 1 or width > MAX_SHEET_COLUMNS:
        return False, None
    return False, height * width


def _odd_values(data: np.ndarray, values: np.ndarray, xml: bytes) -> bool:
    """Whether a value (text after ``<v>``) has number characters up to a byte other than ``<`` —
    what `_ODD_VALUE` finds; the regular expression decides when a value runs past the window.

    A byte position at a time across all values, so memory stays a few arrays of one number per
    value (a sheet of a million cells is refused within its memory budget, tests/test_bad_input_limits.py).
    """
    if int(values[-1]) + _VALUE_BYTES > len(data):  # a window past the end (values are in order)
        return _ODD_VALUE.search(xml) is not None
    running = values  # the values still inside their run of number characters
    for j in range(_VALUE_BYTES):
        byte = data[running + j]
        number = _NUMBER_BYTE[byte]
        if (byte[~number] != ord("<")).any():
            return True  # a run ends at a byte other than '<': the pattern matches there
        running = running[number]
        if len(running) == 0:
            return False
    return _ODD_VALUE.search(xml) is not None


def _positions_of(data: np.ndarray, value: int) -> np.ndarray:
    """Positions of a byte value, found a block at a time (32-bit: a sheet's XML is under 2 GB)."""
    block = 1 << 22
    parts = [
        np.flatnonzero(data[i : i + block] == value).astype(np.int32) + np.int32(i)
        for i in range(0, len(data), block)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)


def _cell_references(data: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(row, column) numbers of the cells whose ``<c r="`` begins at ``starts`` in the sheet's bytes,
    or None when a reference is not 1–3 capital letters, 1–7 digits and a quote.

    Read a byte position at a time, across the cells whose reference is still open (a few arrays of
    one number per cell): a city's references close within six bytes of the eleven allowed."""
    last = len(data) - 1
    n = len(starts)
    rows = np.zeros(n, dtype=np.int32)  # at most 7 digits
    columns = np.zeros(n, dtype=np.int32)  # at most 3 letters
    letters = np.zeros(n, dtype=np.int8)
    digits = np.zeros(n, dtype=np.int8)
    open_ = np.arange(n)  # the cells still being read, whose reference has not closed
    at = starts.astype(np.int64) + len(_CELL_START)
    for j in range(_REFERENCE_BYTES):
        # Bytes past the end read as the last byte again: a reference cut off by the end then never
        # reads as closed (its quote would have to be a real byte before them).
        byte = data[np.minimum(at + j, last)].astype(np.int32)
        digit_count, letter_count = digits[open_], letters[open_]
        letter = (byte >= ord("A")) & (byte <= ord("Z")) & (digit_count == 0)
        digit = (byte >= ord("0")) & (byte <= ord("9")) & (letter_count > 0)
        quote = (byte == ord('"')) & (digit_count > 0)
        if not (letter | digit | quote).all():
            return None  # a byte that no reference may hold there
        if letter.any():
            to = open_[letter]
            columns[to] = columns[to] * 26 + (byte[letter] - (ord("A") - 1))
            letters[to] += 1
        if digit.any():
            to = open_[digit]
            rows[to] = rows[to] * 10 + (byte[digit] - ord("0"))
            digits[to] += 1
        still = ~quote
        open_, at = open_[still], at[still]
        if len(open_) == 0:
            break
    if len(open_) or (letters > 3).any() or (digits > 7).any():
        return None  # a reference longer than eleven bytes, or too many letters or digits
    return rows.astype(np.int64), columns.astype(np.int64)


def _calamine_value(value: object) -> object:
    """A calamine cell as openpyxl gives it: None for blank, whole numbers as int, dates as datetime."""
    if value == "" and isinstance(value, str):
        return None
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if type(value) is date:
        return datetime(value.year, value.month, value.day)
    return value


def _calamine_table(rows: list[list]) -> np.ndarray | None:
    """`_calamine_value` over a whole sheet at once: a 2-D object array, or None when the rows are not
    one rectangle (the cell-by-cell path then handles them)."""
    if not rows:
        return None
    width = len(rows[0])
    if width == 0 or any(len(r) != width for r in rows):
        return None
    table = np.empty((len(rows), width), dtype=object)
    table[:] = rows
    flat = table.reshape(-1)
    # np.fromiter: assigning a list of type objects into an object array has numpy look into each
    # (a third of a second for the demo city's sheets; docs/optimizer.md).
    kinds = np.fromiter(map(type, flat.tolist()), dtype=object, count=len(flat))
    flat[np.asarray(flat == "", dtype=bool)] = None  # only the empty text equals ""
    floats = np.flatnonzero(kinds == float)  # noqa: E721 - elementwise over an array of types
    if len(floats):
        numbers = flat[floats].astype(np.float64)
        whole = np.isfinite(numbers) & (numbers == np.floor(numbers)) & (np.abs(numbers) < 2**53)
        # Python ints made by numpy (exact: every value is whole and below 2**53).
        flat[floats[whole]] = numbers[whole].astype(np.int64).astype(object)
    for position in np.flatnonzero(kinds == date).tolist():  # noqa: E721 - elementwise
        flat[position] = _calamine_value(flat[position])
    return table


# The sheets calamine parsed (`_parse_plain`): the wanted (title, sheet key) pairs in the workbook's
# order, and title → its parsed sheet, or the exception that stopped the parse (none after that).
_Parsed = tuple[list[tuple[str, str]], dict[str, object]]


def _parse_plain(data: bytes, sheets: frozenset[str] = frozenset(SHEETS)) -> _Parsed:
    """Calamine's parse of each wanted sheet (the first of each name), in Rust without holding the
    GIL: in `XlsxAhead`'s second thread, or by `_raw_from_plain_xlsx` when not read ahead. Only
    parsing happens here, no Python import (the second thread never waits on the first's imports)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    wanted = [(title, _sheet_key(title)) for title in book.sheet_names]
    wanted = [(title, sheet) for title, sheet in wanted if sheet in sheets]
    firsts: dict[str, str] = {}  # each sheet's first title, in the workbook's order
    for title, sheet in wanted:
        firsts.setdefault(sheet, title)
    parsed: dict[str, object] = {}
    for title in firsts.values():
        try:
            parsed[title] = book.get_sheet_by_name(title)
        except Exception as exc:  # noqa: BLE001 - reported by the caller as unreadable
            parsed[title] = exc
            break
    return wanted, parsed


def _raw_from_plain_xlsx(
    data: bytes, sheets: frozenset[str], parsed: _Parsed | None = None
) -> dict[str, pd.DataFrame] | None:
    """The sheets of a plain .xlsx (see `_plain_sheet_cells`) read with python-calamine; None when
    calamine cannot read it (the openpyxl path then says why). ``parsed``: its `_parse_plain`, when
    done ahead."""
    try:
        wanted, found_sheets = parsed if parsed is not None else _parse_plain(data, sheets)
        tables: dict[str, pd.DataFrame] = {}
        issues: list[WorkbookIssue] = []
        extent = _Extent()
        for title, sheet in wanted:
            if sheet in tables:
                issues.append(WorkbookIssue(sheet, None, None, "two sheets have this name"))
                continue
            found = found_sheets[title]
            if isinstance(found, Exception):
                return None
            read: list[list] = found.to_python(skip_empty_area=False)  # type: ignore[attr-defined]
            table = _calamine_table(read)
            if table is None:
                rows = [[_calamine_value(v) for v in row] for row in read]
                for excel_row, row in enumerate(rows, start=1):
                    last = len(row)
                    while last and row[last - 1] is None:
                        last -= 1
                    if last:
                        extent.row(sheet, excel_row, last)
                tables[sheet] = _frame_from_rows(rows)
                continue
            present = table != None  # noqa: E711 - elementwise on objects
            width = table.shape[1]
            ends = np.where(present.any(axis=1), width - np.argmax(present[:, ::-1], axis=1), 0)
            # The sheet's rectangle is within the limits (checked on its XML); the cells count for
            # the workbook's limit as the row-by-row path counts them.
            extent.cells += int(ends.sum())
            extent._check_cells(sheet)
            tables[sheet] = _frame_from_table(table)
    except WorkbookError:
        raise
    except Exception:  # noqa: BLE001 - calamine's errors are many; openpyxl words them
        return None
    if issues:
        raise WorkbookError(issues)
    return tables


class _Extent:
    """The sheet-size limits, checked while cells stream in so that a hostile file fails early.

    Only cells that hold a value count: the ``<dimension>`` tag, styled empty cells and missing rows
    cost nothing, and a sheet is as tall as its last value and as wide as its widest row of values.
    """

    def __init__(self, limits: ReadLimits | None = None) -> None:
        self.cells = 0  # cells read so far (values present, then padded areas) across the workbook
        self.limits = limits or ReadLimits()

    def row(self, sheet: str, excel_row: int, last_column: int) -> None:
        """Check one row of values: its Excel row number and its last column with a value."""
        most = self.limits.sheet_rows
        if excel_row > most + 1:  # row 1 is the header
            raise WorkbookError(
                [WorkbookIssue(sheet, None, None, _too_many("rows", most, excel_row))]
            )
        if last_column > MAX_SHEET_COLUMNS:
            raise WorkbookError(
                [
                    WorkbookIssue(
                        sheet,
                        excel_row,
                        None,
                        _too_many("columns", MAX_SHEET_COLUMNS, last_column),
                    )
                ]
            )
        self.cells += last_column  # the row is held up to its last value
        self._check_cells(sheet)

    def dense(self, sheet: str, cells: dict[int, list]) -> list[list]:
        """Rows 1..last, each padded to the widest, after checking the padded area against the limit.

        ``cells`` maps an Excel row to its values up to its last one (None where blank); the lists
        are padded in place and missing rows made, so memory holds each value once.
        """
        if not cells:
            return []
        height = max(cells)
        width = max(len(row) for row in cells.values())
        # The padded rectangle is what memory holds from here on (the values were counted already).
        self.cells += height * width - sum(len(row) for row in cells.values())
        self._check_cells(sheet)
        rows: list[list] = []
        for excel_row in range(1, height + 1):
            row = cells.pop(excel_row, None)
            if row is None:
                row = [None] * width
            else:
                row.extend([None] * (width - len(row)))
            rows.append(row)
        return rows

    def _check_cells(self, sheet: str) -> None:
        if self.cells > self.limits.workbook_cells:
            raise WorkbookError(
                [
                    WorkbookIssue(
                        sheet,
                        None,
                        None,
                        f"the workbook has more than {self.limits.workbook_cells:,} cells (counting each "
                        "sheet as the rectangle from A1 to its last row and column with a value)",
                    )
                ]
            )


def _too_many(what: str, limit: int, found: int) -> str:
    where = f"row {found:,}" if what == "rows" else f"column {found:,}"
    return f"more than {limit:,} {what} (a value in {where}); no city's plan comes near this"


def _present_cells(ws: object, sheet: str, extent: _Extent) -> dict[int, list]:
    """Excel row → its values up to the last one (None where blank), for rows of a read-only sheet
    that hold a value.

    openpyxl's own row iterator pads every row and fills every missing one, so a single cell at
    XFD1048576 would cost gigabytes; its sheet parser yields only the cells the XML holds, and the
    limits are checked row by row as they come.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    book = ws.parent  # type: ignore[attr-defined]
    cells: dict[int, list] = {}
    with ws._get_source() as src:  # type: ignore[attr-defined]
        parser = WorkSheetParser(
            src,
            ws._shared_strings,  # type: ignore[attr-defined]
            data_only=book.data_only,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        rows = parser.parse()
        while True:
            try:
                excel_row, row = next(rows)
            except StopIteration:
                break
            except ValueError as exc:
                # openpyxl casts a number cell's text with int() or float(): "NaN", "INF" or junk
                # fail there. Say where, not what Python said.
                if "not a valid row number" in str(exc):
                    raise WorkbookError(
                        [WorkbookIssue(sheet, None, None, "a row has an invalid row number")]
                    ) from exc
                j = max(parser.col_counter - 1, 0)
                raise WorkbookError(
                    [
                        WorkbookIssue(
                            sheet,
                            parser.row_counter,
                            _cell_name(j, parser.row_counter),
                            "the cell is stored as a number but holds something else (such as "
                            "NaN or an infinity): type the number again in Excel and save",
                        )
                    ]
                ) from exc
            present = [(c["column"], c["value"]) for c in row if c["value"] is not None]
            if not present:
                continue  # formatting only
            last = max(column for column, _ in present)
            extent.row(sheet, excel_row, last)
            values = cells.setdefault(excel_row, [])  # a row may come twice in a hostile file
            if len(values) < last:
                values.extend([None] * (last - len(values)))
            for column, value in present:
                values[column - 1] = value
    return cells


def _has_formula(sheet_xml: bytes) -> bool:
    return b"<f>" in sheet_xml or b"<f " in sheet_xml or b":f>" in sheet_xml


def _header_at(rows: list[list], j: int) -> str | None:
    if rows and j < len(rows[0]) and rows[0][j] is not None:
        return str(rows[0][j]).strip()
    return None


def _frame_from_rows(rows: list[list]) -> pd.DataFrame:
    """Header row → columns, other rows → data, as an object DataFrame (no dtype inference)."""
    import pandas as pd

    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    if any(len(r) != width for r in rows):
        rows = [list(r) + [None] * (width - len(r)) for r in rows]
    table = np.empty((len(rows), width), dtype=object)
    if width:
        table[:] = rows
    return _frame_from_table(table)


def _frame_from_table(table: np.ndarray) -> pd.DataFrame:
    """`_frame_from_rows` for a 2-D object array (header in row 0), decided column by column."""
    import pandas as pd

    if len(table) == 0:
        return pd.DataFrame()
    # Drop trailing columns that are blank everywhere (formatting often extends the used range), then
    # trailing blank rows (they would otherwise just be skipped one by one); the header stays.
    width = _filled_extent(table.T)
    height = max(_filled_extent(table[:, :width]), 1)
    table = table[:height, :width]
    header = [None if _is_blank(h) else str(h).strip() for h in table[0].tolist()]
    return pd.DataFrame(table[1:], columns=header, dtype=object)


def _filled_extent(table: np.ndarray) -> int:
    """1 + the last row of a 2-D object array with a cell that is not blank (0 when none is).

    Looked for from the end in blocks of 1, 2, 4, … rows: a sheet's last row and column usually hold
    a value, so one block decides, and a long blank tail costs a few blocks, not a row each."""
    end, step = len(table), 1
    while end > 0:
        start = max(0, end - step)
        block = table[start:end]
        blank = blank_mask(block.reshape(-1)).reshape(block.shape).all(axis=1)
        if not blank.all():
            return start + int(np.flatnonzero(~blank)[-1]) + 1
        end, step = start, step * 2
    return 0


def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; otherwise GB18030, a superset of GBK that Chinese Excel saves.

    GB18030 has a byte-order mark of its own (bytes 84 31 95 33, U+FEFF): a UTF-8-with-BOM export
    converted to GB18030 keeps it, and left in place it would glue itself to the first header.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ValueError("not UTF-8, GBK or GB18030 text") from exc
    return text.removeprefix("\ufeff")


def _raw_from_csv_files(
    files: dict[str, bytes],
    limits: ReadLimits | None = None,
    sheets: frozenset[str] = frozenset(SHEETS),
) -> dict[str, pd.DataFrame]:
    """Sheets from CSV files, keyed by the file's name as the planner sees it (``a/budgets.csv``)."""
    tables: dict[str, pd.DataFrame] = {}
    issues: list[WorkbookIssue] = []
    seen: dict[str, str] = {}
    extent = _Extent(limits)
    for filename, data in files.items():
        sheet = _sheet_key(Path(filename).stem)
        if sheet not in sheets:
            continue
        if sheet in seen:
            issues.append(
                WorkbookIssue(
                    sheet,
                    None,
                    None,
                    f"two CSV files have this name: {seen[sheet]} and {filename} (keep one)",
                )
            )
            continue
        seen[sheet] = filename
        try:
            text = _decode_csv(data)
        except ValueError as exc:
            issues.append(WorkbookIssue(sheet, None, None, f"{filename}: {exc}"))
            continue
        fast = _csv_table_without_quotes(text, sheet, extent)
        if fast is not None:
            del text
            tables[sheet] = _frame_from_table(fast)
            continue
        # Only cells with a value are kept, as for an .xlsx: a file of 50 MB of empty lines or
        # commas costs nothing.
        cells: dict[int, list] = {}
        try:
            for excel_row, r in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
                end = len(r)
                while end and r[end - 1] == "":
                    end -= 1
                if end:
                    extent.row(sheet, excel_row, end)
                    # restore_cell undoes the quote our CSV export puts before formula-like text
                    # (only text starting with a quote or space can carry one: the rest skip the call).
                    cells[excel_row] = [
                        None if c == "" else (restore_cell(c) if c[0] in " '" else c)
                        for c in r[:end]
                    ]
        except csv.Error as exc:
            issues.append(WorkbookIssue(sheet, None, None, f"{filename} is not valid CSV: {exc}"))
            continue
        del text
        tables[sheet] = _frame_from_rows(extent.dense(sheet, cells))
    if issues:
        raise WorkbookError(issues)
    return tables


_LINE_BREAK = re.compile("\r\n|\r|\n")


def _csv_table_without_quotes(text: str, sheet: str, extent: _Extent) -> np.ndarray | None:
    """The cells of a CSV file without any quote character, for the whole file at once; None when the
    file needs `csv.reader` (quotes, NUL characters, fields over its size limit) or breaks a size
    limit (the row-by-row reader then says where).

    Without quotes a record is a line and a field is what lies between commas, exactly as
    `csv.reader` splits it; a province's CSV (docs/optimizer.md) is read in a few C-level passes
    instead of a Python step per cell. Returns rows 1 to the last with a value, as wide as the widest
    row's last value, None for an empty cell, as the row-by-row reader gives them.
    """
    if '"' in text or "\x00" in text:
        return None
    # More lines than rows allowed: the row-by-row reader refuses it at the first row too many,
    # before holding the file's cells (a hostile file of a million rows stays within memory).
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    if breaks > extent.limits.sheet_rows + 2:
        return None
    lines = _LINE_BREAK.split(text)
    if max(map(len, lines), default=0) > csv.field_size_limit():
        return None
    # Fields per line from its commas (a C-level count per line); the lines with fewer get commas
    # added, which `split` turns into the empty fields the padding gives, so that one `split` of the
    # whole text yields every cell in row order (a Python list per line took a third of a second at
    # 50,000 candidates; docs/optimizer.md).
    commas = np.fromiter(map(str.count, lines, itertools.repeat(",")), np.int64, len(lines))
    width = int(commas.max()) + 1 if len(lines) else 0
    if (
        width > MAX_SHEET_COLUMNS
        or len(lines) * width > extent.limits.workbook_cells - extent.cells
    ):
        return None  # trailing empty fields, or too many cells: the row-by-row reader decides
    if width == 0:
        return np.empty((0, 0), dtype=object)
    for i in np.flatnonzero(commas != width - 1).tolist():
        lines[i] += "," * (width - 1 - int(commas[i]))
    table = np.array(",".join(lines).split(","), dtype=object).reshape(len(lines), width)
    del lines
    filled = table != ""
    # Each row's last value (0: no value), its Excel row number, and the limits as `_Extent` counts them.
    ends = np.where(filled.any(axis=1), width - np.argmax(filled[:, ::-1], axis=1), 0)
    with_values = np.flatnonzero(ends)
    if not len(with_values):
        return table[:0]
    height = int(with_values[-1]) + 1
    widest = int(ends.max())
    cells = extent.cells + int(ends.sum()) + height * widest - int(ends.sum())
    if (
        height > extent.limits.sheet_rows + 1
        or widest > MAX_SHEET_COLUMNS
        or extent.cells + int(ends.sum()) > extent.limits.workbook_cells
        or cells > extent.limits.workbook_cells
    ):
        return None
    extent.cells = cells
    table = table[:height, :widest]
    table[~filled[:height, :widest]] = None
    # restore_cell undoes the quote our CSV export puts before formula-like text; only text starting
    # with a quote or a space can carry one.
    if "'" in text or " " in text:
        flat = table.ravel()
        for position in [i for i, c in enumerate(flat.tolist()) if c is not None and c[0] in " '"]:
            flat[position] = restore_cell(flat[position])
    return table


def _raw_from_csv_zip(
    data: bytes, name: str, sheets: frozenset[str] = frozenset(SHEETS)
) -> dict[str, pd.DataFrame]:
    with _open_zip(data, name, "a valid .zip archive") as archive:
        _check_archive(archive, name, MAX_ARCHIVE_MEMBERS)
        files: dict[str, bytes] = {}
        # The CSV text itself is the data: at most 50 MB of it, as for a folder of CSV files (text
        # and its cells take several times their size in memory; 190 MB of CSV took over 500 MB).
        budget = min(MAX_UNCOMPRESSED_BYTES, MAX_UPLOAD_BYTES)
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
                raise WorkbookError(
                    [_file_issue(f"{name}: the CSV files in this archive total more than 50 MB")]
                )
            files[info.filename] = content
    if not files:
        raise WorkbookError([_file_issue(f"{name}: the archive holds no <sheet>.csv files")])
    return _raw_from_csv_files(files, sheets=sheets)
