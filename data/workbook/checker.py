"""Cell-level checking: a raw sheet's headers and rows, and the checker that turns cells into canonical values.

`data.workbook.validate` uses these to check every contract column; each problem becomes a
`WorkbookIssue` with its sheet, Excel row and column, and checking goes on so all are reported.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.schema import (
    AWARD_PRUDENCE_RANGE,
    MAX_MONEY,
    MAX_QUANTITY,
    MAX_WEIGHT,
    MIN_CONTRIBUTION,
    MIN_MONEY,
    POOL_SHARE_RANGE,
    Column,
)
from data.workbook.cells import (
    _EXCEL_ERRORS,
    PERCENT_COLUMNS,
    _cell_name,
    _is_blank,
    _parse_yn,
    _text,
    blank_mask,
    parse_number,
)
from data.workbook.issues import WorkbookIssue

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
    ("options", "paid_on_success"): (0.0, None, False),
    ("floors", "min_share"): (0.0, 1.0, False),
}
# Beyond the ranges, the sizes the optimizer can take (data.schema, docs/workbook.md): one set of
# bounds for import, command lines and dashboard. (lowest nonzero, highest) per (sheet, column).
_LIMITS: dict[tuple[str, str], tuple[float, float]] = {
    ("budgets", "amount"): (MIN_MONEY, MAX_MONEY),
    ("resources", "capacity"): (0.0, MAX_QUANTITY),
    ("targets", "goal"): (0.0, MAX_QUANTITY),
    ("targets", "weight"): (0.0, MAX_WEIGHT),
    ("candidates", "award"): (MIN_MONEY, MAX_MONEY),
    ("contributions", "value"): (MIN_CONTRIBUTION, MAX_QUANTITY),
    ("options", "cost"): (MIN_MONEY, MAX_MONEY),
    ("options", "paid_on_success"): (MIN_MONEY, MAX_MONEY),
}
# Resource use in options (one column per resource): (range, limits).
RESOURCE_USE_RANGE: tuple[float, float | None, bool] = (0.0, None, False)
RESOURCE_USE_LIMITS = (0.0, MAX_QUANTITY)
_SETTING_RANGES: dict[str, tuple[float, float | None]] = {
    "pool_share": POOL_SHARE_RANGE,
    "award_prudence": (AWARD_PRUDENCE_RANGE[0], None),
}
# The highest award_prudence the dashboard's slider offers (data.schema): a workbook above it
# would load into a page that cannot show it.
_SETTING_LIMITS: dict[str, float] = {"award_prudence": AWARD_PRUDENCE_RANGE[1]}


class _RawSheet:
    """A raw sheet prepared for checking: its headers and its non-blank rows with Excel row numbers.

    Held by column (`values`), as the checks read it: blank rows are found for the whole sheet at once
    (`blank_mask`), which is what lets a province's sheets of hundreds of thousands of rows be checked
    in seconds (docs/optimizer.md). `rows` gives the same cells row by row for the checks that want
    them.
    """

    def __init__(self, name: str, frame: pd.DataFrame, issues: list[WorkbookIssue]):
        self.name = name
        self.headers: list[str | None] = [
            None if _is_blank(c) or _is_blank(_text(str(c))) else _text(str(c)).strip()
            for c in frame.columns
        ]
        n = len(frame)
        columns = [
            np.asarray(frame.iloc[:, j].to_numpy(dtype=object), dtype=object)
            for j in range(frame.shape[1])
        ]
        blanks = [blank_mask(c) for c in columns]
        keep = ~np.logical_and.reduce(blanks) if blanks else np.zeros(n, dtype=bool)
        kept = np.flatnonzero(keep)
        # Excel row of each kept row: the header is row 1.
        self.excel_rows: list[int] = (kept + 2).tolist()
        self._columns: list[list[object]] = [c[kept].tolist() for c in columns]
        self._blanks: list[np.ndarray] = [b[kept] for b in blanks]
        self._rows: list[tuple[int, list[object]]] | None = None
        # A column with data but no header: one issue, at its first value (row order, then column).
        found = []
        for j, header in enumerate(self.headers):
            if header is None:
                filled = np.flatnonzero(~blanks[j][kept])
                if len(filled):
                    found.append((int(kept[filled[0]]) + 2, j))
        for excel_row, j in sorted(found):
            issues.append(
                WorkbookIssue(
                    name, excel_row, _cell_name(j, excel_row), "this column has data but no header"
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

    @property
    def rows(self) -> list[tuple[int, list[object]]]:
        """(Excel row, its cells) for every non-blank row, made on first use."""
        if self._rows is None:
            if self._columns:
                cells = [list(c) for c in zip(*self._columns, strict=True)]
            else:
                cells = [[] for _ in self.excel_rows]
            self._rows = list(zip(self.excel_rows, cells, strict=True))
        return self._rows

    def __len__(self) -> int:
        return len(self.excel_rows)

    def find(self, column: str) -> int | None:
        """Position of a contract column; headers match whatever their case."""
        return self._lowered.get(column.lower())

    def values(self, j: int) -> list[object]:
        """The cells of column ``j`` in the non-blank rows (shared: do not change the list)."""
        return self._columns[j]

    def blanks(self, j: int) -> np.ndarray:
        """Which of `values` (j) are blank (`blank_mask`; shared: do not change the array)."""
        return self._blanks[j]


class _Checker:
    """Turns raw sheets into canonical columns, recording every issue on the way."""

    # Problems kept for sorting; past this they are only counted (a sheet of 200,000 bad rows must
    # not hold a million messages). WorkbookError lists the first 200 of those kept.
    KEEP = 10_000

    def __init__(self) -> None:
        self.issues: list[WorkbookIssue] = []
        self.more = 0  # problems found but not kept

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        if len(self.issues) >= self.KEEP:
            self.more += 1
            return
        self.issues.append(WorkbookIssue(sheet, row, column, message))

    def column(self, raw: _RawSheet, col: Column, *, present_required: bool = True) -> list[object]:
        """Canonical values of one contract column (``None`` where the cell was invalid)."""
        j = raw.find(col.name)
        if j is None:
            if col.required and present_required:
                self.add(raw.name, 1, col.name, "required column is missing")
                return [None] * len(raw)
            return [col.default] * len(raw)
        out: list[object] = []
        bounds = _RANGES.get((raw.name, col.name))
        limits = _LIMITS.get((raw.name, col.name))
        for excel_row, value in zip(raw.excel_rows, raw.values(j), strict=True):
            out.append(self.cell(raw.name, excel_row, col, value, bounds, limits))
        return out

    def cell(
        self,
        sheet: str,
        excel_row: int,
        col: Column,
        value: object,
        bounds: tuple[float, float | None, bool] | None,
        limits: tuple[float, float] | None = None,
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
            number = parse_number(value, percent=(sheet, col.name) in PERCENT_COLUMNS)
        except ValueError as exc:
            self.add(sheet, excel_row, col.name, str(exc))
            return None
        if bounds is not None and not _in_range(number, bounds):
            self.add(sheet, excel_row, col.name, _range_message(bounds, number))
            return None
        if limits is not None:
            smallest, largest = limits
            if number > largest:
                self.add(
                    sheet,
                    excel_row,
                    col.name,
                    f"must be at most {_text(largest)} (found {_text(number)})",
                )
                return None
            if 0 < number < smallest:
                unit = " 万元 (one yuan)" if smallest == MIN_MONEY else ""
                zero = "0 or " if smallest == MIN_MONEY else ""
                self.add(
                    sheet,
                    excel_row,
                    col.name,
                    f"must be {zero}at least {_text(smallest)}{unit} (found {_text(number)})",
                )
                return None
        return number

    def unique(self, raw: _RawSheet, keys: list[tuple], column: str, label: str) -> None:
        if len(set(keys)) == len(keys):
            return  # no key twice (the usual case): nothing to report, no row by row
        first: dict[tuple, int] = {}
        for excel_row, key in zip(raw.excel_rows, keys, strict=True):
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


def _options_of(
    values: dict[str, dict[str, list]], wanted: set[object]
) -> dict[object, set[object]]:
    """The option names of each wanted candidate, from the options sheet's checked values (empty
    when there is none). Only the wanted candidates are collected: a province's options sheet has
    hundreds of thousands of rows (docs/optimizer.md)."""
    out: dict[object, set[object]] = {}
    if "options" in values:
        sheet = values["options"]
        for cid, option in zip(sheet["candidate_id"], sheet["option"], strict=True):
            if cid in wanted:
                out.setdefault(cid, set()).add(option)
    return out
