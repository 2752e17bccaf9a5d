"""Validation: raw sheets against `data.schema.SHEETS` and docs/workbook.md into a canonical `Workbook`.

`validate_tables` collects *every* problem with its sheet, Excel row and column (cells, keys,
references between sheets, settings) and either raises one `WorkbookError` listing them all or
returns the workbook.
"""

from __future__ import annotations

import difflib
import re

import numpy as np
import pandas as pd

from data.schema import (
    DASHBOARD_SETTINGS,
    DESCRIPTIVE_SHEETS,
    KINDS,
    MAX_CONTRIBUTION_PER_GOAL,
    NONE_OPTION,
    SETTINGS_DEFAULTS,
    SHEETS,
    YEAR_SETTINGS,
    Column,
    Workbook,
)
from data.workbook.aliases import canonical_headers
from data.workbook.cells import (
    SHEET_ORDER,
    _extra_column,
    _is_blank,
    _sheet_key,
    _text,
    parse_number,
)
from data.workbook.checker import (
    _LIMITS,
    _RANGES,
    _SETTING_LIMITS,
    _SETTING_RANGES,
    RESOURCE_USE_LIMITS,
    RESOURCE_USE_RANGE,
    _Checker,
    _in_range,
    _options_of,
    _range_message,
    _RawSheet,
)
from data.workbook.issues import WorkbookError, WorkbookIssue
from data.workbook.year_sheets import check_year_sheets


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
        Contract columns first in docs/workbook.md's order and canonical types, then resource-use columns
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
            # Chinese headers (the template's, data.workbook.aliases) read as the contract's columns.
            frame = frame.set_axis(canonical_headers(key, list(frame.columns)), axis=1)
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
        cols = {c.name: _column(checker, raw[name], c) for c in SHEETS[name].columns}
        if name == "locks":
            # 'None' or 'NONE' in a lock means no support, as 'none' does.
            cols["option"] = [
                NONE_OPTION if isinstance(o, str) and o.lower() == NONE_OPTION else o
                for o in cols["option"]
            ]
        values[name] = cols
    # Options need the resource names to tell resource-use columns from extra ones.
    resource_names = [
        r for r in values.get("resources", {}).get("resource", []) if isinstance(r, str) and r
    ]
    if "options" in raw:
        values["options"] = {
            c.name: _column(checker, raw["options"], c) for c in SHEETS["options"].columns
        }
        _resource_use(checker, raw["options"], resource_names, values["options"])

    for name, cols in values.items():
        sheet = SHEETS[name]
        keys = list(zip(*(cols[k] for k in sheet.key), strict=True)) if len(raw[name]) else []
        label = sheet.key[0] if len(sheet.key) == 1 else "(" + ", ".join(sheet.key) + ")"
        checker.unique(raw[name], keys, sheet.key[-1], label)

    _check_references(checker, raw, values, resource_names)
    settings = _settings(checker, raw.get("settings"))
    # actuals, history, the year's settings and act_by (docs/workbook.md): their own module.
    check_year_sheets(checker, raw, values, settings)

    descriptive: dict[str, pd.DataFrame] = {}
    for name in DESCRIPTIVE_SHEETS:
        if name not in raw:
            continue
        key_col = SHEETS[name].columns[0]
        cols = {key_col.name: _column(checker, raw[name], key_col)}
        checker.unique(raw[name], [(k,) for k in cols[key_col.name]], key_col.name, key_col.name)
        values[name] = cols

    if checker.issues:
        raise WorkbookError(_sorted_issues(checker.issues), more=checker.more)

    for name, cols in values.items():
        frames[name] = _build_frame(name, raw[name], cols, resource_names)
    for name in DESCRIPTIVE_SHEETS:
        if name in frames:
            descriptive[name] = frames.pop(name)
    return Workbook(**frames, settings=settings, **descriptive)


# Cells whose check is certain without the per-cell path: plain decimal text (no sign but minus, no
# leading zeros, no exponent, grouping, percent or spaces) and numbers. Everything else — blanks,
# other text, TRUE/FALSE, dates, values out of range — goes through `_Checker.cell`, which words the
# problems; so every problem is still reported with its sheet, Excel row and column (docs/workbook.md).
_PLAIN_DECIMAL = re.compile(r"-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,15})?")


def _column(checker: _Checker, raw: _RawSheet, col: Column) -> list[object]:
    """`_Checker.column` decided a whole column at a time where the outcome is certain."""
    j = raw.find(col.name)
    if j is None or col.type not in ("number", "text"):
        return checker.column(raw, col)
    values = raw.values(j)
    if col.type == "text":
        return _texts(checker, raw, col, values)
    return _numbers(
        checker,
        raw,
        col,
        values,
        _RANGES.get((raw.name, col.name)),
        _LIMITS.get((raw.name, col.name)),
    )


def _texts(checker: _Checker, raw: _RawSheet, col: Column, values: list[object]) -> list[object]:
    """Text cells: printable text without surrounding spaces that is no Excel error (``#...``) is
    kept as it is; the others take the per-cell path."""
    out = list(values)
    text = "\n".join(values) if set(map(type, values)) <= {str} else None  # type: ignore[arg-type]
    # Without a line break in any cell, the column is one line per cell: substring searches (in C)
    # find whether any cell is empty, starts with a space or '#' or ends with a space.
    if (
        text is not None
        and text.count("\n") == len(values) - 1
        and text.replace("\n", "").isprintable()
    ):
        lines = f"\n{text}\n"
        if "\n\n" in lines or "\n " in lines or "\n#" in lines or " \n" in lines:
            todo = [i for i, v in enumerate(values) if not v or v[0] in " #" or v[-1] == " "]  # type: ignore[index]
        else:
            todo = []
    else:
        todo = [
            i
            for i, v in enumerate(values)
            if not (type(v) is str and v and v[0] not in " #" and v[-1] != " " and v.isprintable())
        ]
    for position in _blanks_with_default(col, values, out, todo):
        excel_row = raw.excel_rows[position]
        out[position] = checker.cell(raw.name, excel_row, col, values[position], None, None)
    return out


def _blanks_with_default(
    col: Column, values: list[object], out: list[object], positions: list[int]
) -> list[int]:
    """Empty cells (None) of an optional column take its default, as `_Checker.cell` gives it, without
    the per-cell path; returns the other positions (a column of mostly empty cells, such as a
    province's award_line, is decided at once)."""
    if col.required:
        return positions
    default = col.default if col.default is not None else ""
    rest = []
    for position in positions:
        if values[position] is None:
            out[position] = default
        else:
            rest.append(position)
    return rest


# A whole column of plain decimals, one per line, checked in one pass: `_PLAIN_DECIMAL` with possessive
# quantifiers (the same strings match; without backtracking a million cells take a tenth of a second).
_PLAIN_DECIMAL_LINES = re.compile(
    r"(?>-?+(?>0|[1-9][0-9]{0,14}+)(?>\.[0-9]{1,15}+)?+\n)*+-?+(?>0|[1-9][0-9]{0,14}+)(?>\.[0-9]{1,15}+)?+"
)


def _numbers(
    checker: _Checker,
    raw: _RawSheet,
    col: Column,
    values: list[object],
    bounds: tuple[float, float | None, bool] | None,
    limits: tuple[float, float] | None,
) -> list[object]:
    """Number cells: numbers and plain decimal text within range are converted for the whole column at
    once; the others take the per-cell path (`_Checker.cell`), in row order."""
    n = len(values)
    if n == 0:
        return []
    number = np.full(n, np.nan)
    simple = np.zeros(n, dtype=bool)
    cells_of = np.asarray(values, dtype=object)
    # The cells' types found in C (map over the list), not by a Python step per cell.
    kinds = list(map(type, values))
    kind_set = set(kinds)
    texts = _of_types(kinds, kind_set, frozenset({str}))
    numbers = _of_types(kinds, kind_set, frozenset({float, int}))
    if len(numbers):  # not bool, not other number types
        number[numbers] = cells_of[numbers].astype(np.float64)
        simple[numbers] = True
    if len(texts):
        cells = cells_of[texts]
        joined = "\n".join(cells.tolist())
        if joined.count("\n") == len(texts) - 1 and _PLAIN_DECIMAL_LINES.fullmatch(joined):
            plain = texts
        else:
            plain = texts[[_PLAIN_DECIMAL.fullmatch(v) is not None for v in cells.tolist()]]
        del joined
        if len(plain):
            number[plain] = cells_of[plain].astype(np.float64)
            simple[plain] = True
    ok = simple & np.isfinite(number)
    if bounds is not None:
        low, high, exclusive = bounds
        ok &= (number > low) if exclusive else (number >= low)
        if high is not None:
            ok &= number <= high
    if limits is not None:
        smallest, largest = limits
        ok &= (number <= largest) & ~((number > 0) & (number < smallest))
    out: list[object] = number.tolist()
    for position in _blanks_with_default(col, values, out, np.nonzero(~ok)[0].tolist()):
        excel_row = raw.excel_rows[position]
        out[position] = checker.cell(raw.name, excel_row, col, values[position], bounds, limits)
    return out


def _of_types(kinds: list[type], kind_set: set[type], wanted: frozenset[type]) -> np.ndarray:
    """Positions whose type is one of ``wanted`` (exactly: bool is not int here)."""
    if kind_set <= wanted:
        return np.arange(len(kinds))
    if not kind_set & wanted:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(
        np.fromiter(map(wanted.__contains__, kinds), dtype=bool, count=len(kinds))
    )


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
            cols[resource] = [0.0] * len(raw)
            continue
        column = Column(resource, "number", required=False, default=0.0)
        cols[resource] = _numbers(
            checker, raw, column, raw.values(j), RESOURCE_USE_RANGE, RESOURCE_USE_LIMITS
        )


def _check_references(
    checker: _Checker,
    raw: dict[str, _RawSheet],
    values: dict[str, dict[str, list[object]]],
    resource_names: list[str],
) -> None:
    def rows(sheet: str) -> list[int]:
        return raw[sheet].excel_rows

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
        suspects = _suspect_rows(
            {
                k
                for k in set(candidates["kind"])
                if k is not None and k != "" and str(k).lower() not in KINDS
            },
            _blank_text_rows(candidates["award_line"]),
            _unknown(candidates["award_line"], fund_lines),
        )
        for excel_row, kind, award, line in _at(
            suspects,
            rows("candidates"),
            candidates["kind"],
            candidates["award"],
            candidates["award_line"],
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
        suspects = _suspect_rows(
            _unknown(cols["candidate_id"], candidate_ids), _unknown(cols["target"], targets)
        )
        for excel_row, cid, target in _at(
            suspects, rows("contributions"), cols["candidate_id"], cols["target"]
        ):
            check_candidate("contributions", excel_row, cid)
            if target and targets is not None and target not in targets:
                checker.add("contributions", excel_row, "target", f"unknown target {target!r}")
        largest = _largest_by(cols["target"], cols["value"])
        if "targets" in values:
            for excel_row, target, goal in zip(
                rows("targets"), values["targets"]["target"], values["targets"]["goal"], strict=True
            ):
                top = largest.get(target, 0.0)
                if isinstance(goal, float) and top > goal * MAX_CONTRIBUTION_PER_GOAL:
                    checker.add(
                        "targets",
                        excel_row,
                        "goal",
                        f"must be at least a millionth of the largest contribution toward it "
                        f"({_text(top)}), found {_text(goal)}",
                    )

    if "options" in values:
        cols = values["options"]
        suspects = _suspect_rows(
            _unknown(cols["candidate_id"], candidate_ids),
            _unknown(
                cols["option"], lambda o: not (isinstance(o, str) and o.lower() == NONE_OPTION)
            ),
            _unknown(cols["fund_line"], fund_lines),
            _blank_text_rows(cols["fund_line"]),
        )
        for excel_row, cid, option, line, cost in _at(
            suspects,
            rows("options"),
            cols["candidate_id"],
            cols["option"],
            cols["fund_line"],
            cols["cost"],
        ):
            check_candidate("options", excel_row, cid)
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
        options_by_candidate = _options_of(values, set(cols["candidate_id"]))
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


# Reference checks a whole column at a time (docs/optimizer.md: a province's sheets have hundreds of
# thousands of rows). Which distinct values can fail is found with set operations; only the rows that
# hold one go through the per-row checks, in row order, so the same problems are reported in the same
# order as a check of every row.


def _unknown(values: list[object], known: object) -> set[object] | None:
    """The distinct truthy values not in ``known`` (a set, or a test that a value is fine); None when
    there is nothing to check against."""
    if known is None:
        return None
    distinct = set(values)
    if callable(known):
        return {v for v in distinct if v and not known(v)}
    return {v for v in distinct - known if v}  # type: ignore[operator]


def _blank_text_rows(values: list[object]) -> list[int]:
    """Positions of empty text (a blank optional text cell): the rows where a missing fund line can
    matter."""
    return [i for i, v in enumerate(values) if v == ""] if "" in set(values) else []


def _suspect_rows(*found: set[object] | list[int] | None) -> list[int] | None:
    """Rows to check one by one (sorted), from value sets (`_unknown`, resolved later) and row
    lists; None for every row (when a value set is not empty, see `_at`)."""
    rows: set[int] = set()
    for item in found:
        if isinstance(item, set):
            if item:
                return None
        elif item:
            rows.update(item)
    return sorted(rows)


def _at(suspects: list[int] | None, *columns: list) -> list[tuple]:
    """The rows ``suspects`` names (every row for None), as tuples across ``columns``."""
    if suspects is None:
        return list(zip(*columns, strict=True))
    return [tuple(column[i] for column in columns) for i in suspects]


def _largest_by(targets: list[object], values: list[object]) -> dict[object, float]:
    """Per target, the largest float value and 0, as ``max(value, largest.get(target, 0.0))`` row by
    row gives it."""
    largest: dict[object, float] = {}
    for target, value in zip(targets, values, strict=True):
        if isinstance(value, float):
            largest[target] = max(value, largest.get(target, 0.0))
    return largest


def settings_notes(wb: Workbook) -> list[str]:
    """Settings keys nothing reads (kept as text, as the contract allows), each with a likely meant key.

    Not errors: another tool may keep its own keys in the sheet. But a misspelt ``pool_shares`` would
    silently leave pooling off, so the import report names every such key.
    """
    known = list(dict.fromkeys([*SETTINGS_DEFAULTS, *DASHBOARD_SETTINGS, *YEAR_SETTINGS]))
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
        # A valid key cell is text; None marks a blank or invalid one (already reported).
        if not isinstance(key, str) or not key:
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
            if number > _SETTING_LIMITS.get(key, number):
                checker.add(
                    "settings",
                    excel_row,
                    "value",
                    f"{key}: must be at most {_text(_SETTING_LIMITS[key])}, the dashboard's "
                    f"highest (found {_text(number)})",
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
    n = len(raw)
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
        kind, values = _extra_column(raw.values(j), raw.blanks(j))
        data[header] = _typed(values, kind)
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
