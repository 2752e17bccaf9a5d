"""Comparison: whether two workbooks hold exactly the same data, and where they differ."""

from __future__ import annotations

import math

from data.schema import Workbook
from data.workbook.cells import SHEET_ORDER


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
