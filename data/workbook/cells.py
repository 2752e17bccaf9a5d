"""Cell values as reading, validation and writing share them: blanks, numbers, text, Y/N, sheet keys.

Nothing here knows a sheet's rules; it only says what a cell holds. The sheet order is here too, as
every step lists sheets in it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time

import numpy as np

from data.schema import SHEETS

# Sheets in the order the writer puts them (also the order of the README sheet in the template).
SHEET_ORDER = list(SHEETS)

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


def _is_blank(value: object) -> bool:
    """Whether a cell is empty: None, NaN, pd.NA or text of spaces only."""
    kind = type(value)
    if value is None:
        return True
    if kind is str:
        return not value.strip()  # type: ignore[attr-defined]
    if kind is float:
        return value != value  # NaN
    if kind is int or kind is bool:
        return False
    if isinstance(value, str):
        return value.strip() == ""
    import pandas as pd  # here: a call per cell, and the cases above need none

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


# Columns where a percent sign makes sense: the probabilities and shares that docs/workbook.md
# states as 0–1, so "85%" there is 0.85. Anywhere else (an amount, a goal, a capacity) "12%" is a
# slip that would silently become 0.12, and is refused instead.
PERCENT_COLUMNS = frozenset(
    {
        ("candidates", "base_probability"),
        ("options", "probability"),
        ("floors", "min_share"),
    }
)


def parse_number(value: object, *, percent: bool = True) -> float:
    """A cell as a float: numbers as they are; text such as ``1,234.5``, ``１２３``, ``30%`` too.

    Parameters
    ----------
    value
        The cell as read.
    percent
        Whether a trailing percent sign is allowed (``"85%"`` is then 0.85, never 85). Columns
        outside `PERCENT_COLUMNS` pass False: a percentage there is refused.

    Raises
    ------
    ValueError
        When the cell is not a number (or is a percentage where ``percent`` is False).
    """
    if isinstance(value, bool):
        raise ValueError("expected a number, found TRUE/FALSE")
    if _is_number(value):
        number = float(value)  # type: ignore[arg-type]
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
        if text in _EXCEL_ERRORS:
            raise ValueError(f"the cell holds the Excel error {text}")
        is_percent = text.endswith("%")
        if is_percent:
            text = text[:-1]
        if _GROUPED_NUMBER.match(text):
            text = text.replace(",", "")
        if not _LOOSE_NUMBER.match(text):
            raise ValueError(f"expected a number, found '{value.strip()}'")
        if is_percent and not percent:
            raise ValueError(
                f"a percentage makes no sense here: type the number itself, found '{value.strip()}'"
            )
        number = float(text) / (100.0 if is_percent else 1.0)
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


def _extra_column(values: list[object], blank: np.ndarray) -> tuple[str, list[object]]:
    """An extra (descriptive) column's kind and cells: ``number`` when every non-blank cell is a
    number (or plain numeric text), its cells as floats (NaN for blanks); else ``text``, its cells as
    `_text` gives them ("" for blanks). A column at a time where the cells are plain numbers or text;
    ``blank``: its `blank_mask`, found with the sheet's blank rows."""
    cells = np.asarray(values, dtype=object).reshape(-1)
    rest = cells[~blank].tolist()
    kinds = {type(v) for v in rest}
    kind = _extra_column_kind(values, rest, kinds)
    if kind == "number":
        if kinds <= {float, int, str}:
            # float(_text(v)) is float(v) for a number and for text a plain number (docs/workbook.md).
            out = np.full(len(cells), np.nan)
            out[~blank] = cells[~blank].astype(np.float64)
            return kind, out.tolist()
        return kind, [float("nan") if _is_blank(v) else float(_text(v)) for v in values]
    if kinds <= {str} and not _NOT_XML.search("".join(rest)):
        text: list[object] = [""] * len(cells)
        for position, v in zip(np.flatnonzero(~blank).tolist(), rest, strict=True):
            text[position] = v
        return kind, text
    return kind, ["" if _is_blank(v) else _text(v) for v in values]


def _extra_column_kind(values: list[object], rest: list[object], kinds: set[type]) -> str:
    # `_extra_column`'s kind, from its non-blank cells and their types.
    if not rest:
        return "text"
    if kinds <= {float, int}:  # not bool
        return "number" if bool(np.isfinite(np.asarray(rest, dtype=np.float64)).all()) else "text"
    if kinds == {str}:
        return "number" if all(_PLAIN_NUMBER.match(str(v).strip()) for v in rest) else "text"
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


def blank_mask(values: np.ndarray) -> np.ndarray:
    """Which cells of an object array are blank (`_is_blank`: None, NaN, pd.NA, NaT, text of spaces),
    for a whole column at once: pandas' missing-value test runs in C, and only text is looked at in
    Python (one ``strip`` per text cell)."""
    import pandas as pd

    blank = np.asarray(pd.isna(values), dtype=bool)
    if blank.all():
        return blank
    rest = np.flatnonzero(~blank)
    cells = values[rest].tolist()
    kinds = list(map(type, cells))
    kind_set = set(kinds)
    if kind_set == {str}:
        texts = np.arange(len(cells))
    elif str in kind_set:
        texts = np.flatnonzero([k is str for k in kinds])
    else:
        texts = np.zeros(0, dtype=np.int64)
    if len(texts):
        strs = cells if len(texts) == len(cells) else [cells[t] for t in texts.tolist()]
        # Text of spaces only: empty, or every character a space (str.isspace is strip's test).
        spaces = np.fromiter(map(str.isspace, strs), dtype=bool, count=len(strs))
        spaces |= np.fromiter(map(len, strs), dtype=np.int64, count=len(strs)) == 0
        blank[rest[texts[spaces]]] = True
    # Other objects than text and numbers (dates, str subclasses): the per-cell rule decides.
    if kind_set - {str, float, int, bool}:
        odd = [k not in (str, float, int, bool) for k in kinds]
        for position in rest[np.asarray(odd, dtype=bool)].tolist():
            blank[position] = _is_blank(values[position])
    return blank


def _cell_name(j: int, excel_row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(j + 1)}{excel_row}"


def _sheet_key(title: str) -> str:
    """The sheet a title or CSV file name names: its key, whatever the case; Chinese titles too."""
    from data.workbook.aliases import sheet_for_title

    return sheet_for_title(title.strip()).strip().lower()
