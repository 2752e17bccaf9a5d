"""Checks of the sheets and settings about the year in progress and past years (docs/workbook.md).

`data.workbook.validate.validate_tables` calls `check_year_sheets` once the contract's older sheets are
checked. It checks the optional ``actuals`` and ``history`` sheets, the settings ``as_of``,
``correlation`` and ``objective``, and the product's optional ``act_by`` column of the options sheet
(docs/workbook.md, "act_by"). Every problem goes to the same checker, with sheet, Excel row and
column; the canonical column values are added to ``values`` for the frames to be built from.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from data.schema import (
    ACT_BY_COLUMN,
    KINDS,
    NONE_OPTION,
    OBJECTIVES,
    SHEETS,
    STATUSES,
    YEAR_SETTINGS,
)
from data.workbook.cells import _is_blank, _text, parse_number
from data.workbook.checker import _Checker, _options_of, _RawSheet

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: object) -> str:
    """A cell as an ISO date ``YYYY-MM-DD``: a date cell, or text in that form.

    Raises
    ------
    ValueError
        When the cell is not such a date.
    """
    if isinstance(value, datetime):
        if value.hour or value.minute or value.second or value.microsecond:
            raise ValueError(f"expected a date YYYY-MM-DD, found a date and time ({value})")
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _text(value).strip()
    if not _ISO_DATE.match(text):
        raise ValueError(f"expected a date YYYY-MM-DD, found {text!r}")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"expected a date YYYY-MM-DD, found {text!r} (no such day)") from None


def check_year_sheets(
    checker: _Checker,
    raw: dict[str, _RawSheet],
    values: dict[str, dict[str, list[object]]],
    settings: dict[str, object],
) -> None:
    """Check ``actuals``, ``history``, the year settings and ``act_by``; add canonical values.

    Parameters
    ----------
    checker
        Collects every problem (sheet, Excel row, column).
    raw
        The raw sheets by canonical name.
    values
        Canonical column values of the sheets checked so far; ``actuals`` and ``history`` are added.
    settings
        The settings as `data.workbook.validate` read them; the year keys are replaced by their
        canonical values (``as_of`` ISO text, ``correlation`` float, ``objective`` lower-case text).
    """
    as_of = _year_settings(checker, raw.get("settings"), settings)
    _act_by(checker, raw.get("options"))
    if "options" in values:
        _paid_on_success(checker, raw["options"], values["options"])
    if "actuals" in raw:
        values["actuals"] = _actuals(checker, raw["actuals"], values)
    if "history" in raw:
        values["history"] = _history(checker, raw["history"], values, as_of)


def _year_settings(
    checker: _Checker, raw: _RawSheet | None, settings: dict[str, object]
) -> date | None:
    if raw is None:
        return None
    key_column = raw.find("key")
    value_column = raw.find("value")
    if key_column is None or value_column is None:
        return None  # reported by the settings check
    as_of: date | None = None
    seen: dict[str, int] = {}
    for excel_row, cells in raw.rows:
        key = cells[key_column]
        if not isinstance(key, str) or key.strip().lower() not in YEAR_SETTINGS:
            continue
        original, name = key.strip(), key.strip().lower()
        if name in seen and original != name:
            # Same key in another case ("AS_OF" and "as_of"): the settings check sees two keys.
            checker.add(
                "settings", excel_row, "key", f"duplicate key {name!r} (first on row {seen[name]})"
            )
            continue
        seen.setdefault(name, excel_row)
        value = cells[value_column]
        settings.pop(original, None)
        if _is_blank(value):
            if name == "as_of":
                settings[name] = ""  # kept blank, as before: the dashboard then uses today
            continue  # correlation and objective keep their defaults
        if name == "as_of":
            try:
                text = parse_date(value)
            except ValueError as exc:
                checker.add("settings", excel_row, "value", f"as_of: {exc}")
                continue
            settings[name] = text
            as_of = date.fromisoformat(text)
        elif name == "correlation":
            try:
                number = parse_number(value)
            except ValueError as exc:
                checker.add("settings", excel_row, "value", f"correlation: {exc}")
                continue
            if not 0.0 <= number < 1.0:
                checker.add(
                    "settings",
                    excel_row,
                    "value",
                    f"correlation: must be at least 0 and below 1 (found {_text(number)})",
                )
                continue
            settings[name] = number
        else:
            text = _text(value).strip().lower()
            if text not in OBJECTIVES:
                checker.add(
                    "settings",
                    excel_row,
                    "value",
                    f"objective: must be expected or chance, found {_text(value).strip()!r}",
                )
                continue
            settings[name] = text
    return as_of


def _act_by(checker: _Checker, raw: _RawSheet | None) -> None:
    # The product's extension (docs/workbook.md, "act_by"): an extra column, kept as read (a date cell
    # reads back as ISO text), but a value that is not a date would silently keep an option open.
    if raw is None:
        return
    j = raw.find(ACT_BY_COLUMN)
    if j is None:
        return
    header = raw.headers[j] or ACT_BY_COLUMN
    for excel_row, value in zip(raw.excel_rows, raw.values(j), strict=True):
        if _is_blank(value):
            continue
        try:
            parse_date(value)
        except ValueError as exc:
            checker.add("options", excel_row, header, str(exc))


def _paid_on_success(checker: _Checker, raw: _RawSheet, cols: dict[str, list[object]]) -> None:
    # Paid from the option's own fund line (docs/workbook.md, options), so it needs one.
    for excel_row, paid, line in zip(
        raw.excel_rows, cols["paid_on_success"], cols["fund_line"], strict=True
    ):
        if isinstance(paid, float) and paid > 0 and line == "":
            checker.add(
                "options",
                excel_row,
                "fund_line",
                "a payment on success needs the fund line that pays it",
            )


def _actuals(
    checker: _Checker, raw: _RawSheet, values: dict[str, dict[str, list[object]]]
) -> dict[str, list[object]]:
    from data.workbook.validate import _column  # a column at a time (validate imports this module)

    cols = {c.name: _column(checker, raw, c) for c in SHEETS["actuals"].columns}
    ids = cols["candidate_id"]
    checker.unique(raw, [(c,) for c in ids], "candidate_id", "candidate_id")
    candidates = values.get("candidates")
    known = set(candidates["candidate_id"]) if candidates is not None else None
    locked = set(values["locks"]["candidate_id"]) if "locks" in values else set()
    options = _options_of(values, set(ids))
    status_out: list[object] = []
    option_out: list[object] = []
    date_out: list[object] = []
    for excel_row, cid, status, option, when in zip(
        raw.excel_rows, ids, cols["status"], cols["option"], cols["date"], strict=True
    ):
        is_known = bool(cid) and (known is None or cid in known)
        if cid and known is not None and cid not in known:
            checker.add("actuals", excel_row, "candidate_id", f"unknown candidate {cid!r}")
        if cid and cid in locked:
            checker.add(
                "actuals",
                excel_row,
                "candidate_id",
                f"candidate {cid!r} is also on the locks sheet (an actual already fixes its option)",
            )
        if isinstance(status, str) and status:
            status = status.lower()
            if status not in STATUSES:
                checker.add(
                    "actuals",
                    excel_row,
                    "status",
                    f"must be supported, succeeded or failed, found {status!r}",
                )
        if isinstance(option, str) and option.lower() == NONE_OPTION:
            option = NONE_OPTION
        if (
            isinstance(option, str)
            and option != NONE_OPTION
            and is_known
            and "options" in values
            and option not in options.get(cid, set())
        ):
            checker.add(
                "actuals",
                excel_row,
                "option",
                f"candidate {cid!r} has no option {option!r} (use 'none' or leave it blank "
                f"for no support)",
            )
        if isinstance(when, str) and when:
            try:
                when = parse_date(when)
            except ValueError as exc:
                checker.add("actuals", excel_row, "date", str(exc))
        status_out.append(status)
        option_out.append(option)
        date_out.append(when)
    cols["status"], cols["option"], cols["date"] = status_out, option_out, date_out
    return cols


def _history(
    checker: _Checker,
    raw: _RawSheet,
    values: dict[str, dict[str, list[object]]],
    as_of: date | None,
) -> dict[str, list[object]]:
    from data.workbook.validate import _column  # a column at a time (validate imports this module)

    cols = {c.name: _column(checker, raw, c) for c in SHEETS["history"].columns}
    option_names = set(values["options"]["option"]) if "options" in values else None
    # "A past year": before the year of as_of when it is given, else not after this year.
    latest = as_of.year - 1 if as_of is not None else date.today().year
    # Kinds in lower case, and 'None' or 'NONE' as no support, as everywhere else.
    cols["kind"] = [k.lower() if isinstance(k, str) and k else k for k in cols["kind"]]
    cols["support"] = [
        NONE_OPTION if isinstance(v, str) and v and v.lower() == NONE_OPTION else v
        for v in cols["support"]
    ]
    if _history_is_valid(cols, option_names, latest):
        return cols  # every row passes (a city's thousands of past rows): no need to go row by row
    for excel_row, year, kind, support, outcome in zip(
        raw.excel_rows, cols["year"], cols["kind"], cols["support"], cols["outcome"], strict=True
    ):
        if isinstance(year, float):
            if not year.is_integer():
                checker.add("history", excel_row, "year", f"must be a whole year, found {year:g}")
            elif not 1900 <= year <= latest:
                checker.add(
                    "history",
                    excel_row,
                    "year",
                    f"must be a past year, 1900 to {latest} (found {int(year)})",
                )
        if isinstance(kind, str) and kind and kind not in KINDS:
            checker.add(
                "history", excel_row, "kind", f"must be project or enterprise, found {kind!r}"
            )
        if _unknown_support(support, option_names):
            checker.add(
                "history",
                excel_row,
                "support",
                f"{support!r} is not an option on the options sheet (or 'none')",
            )
        if isinstance(outcome, float) and outcome not in (0.0, 1.0):
            checker.add("history", excel_row, "outcome", f"must be 0 or 1, found {outcome:g}")
    return cols


def _unknown_support(support: object, option_names: set[object] | None) -> bool:
    return (
        isinstance(support, str)
        and bool(support)
        and support != NONE_OPTION
        and option_names is not None
        and support not in option_names
    )


def _history_is_valid(
    cols: dict[str, list[object]], option_names: set[object] | None, latest: int
) -> bool:
    """Whether `_history`'s row-by-row checks would find nothing, decided on each column's distinct
    values (kinds and supports as `_history` normalised them; the loop then runs only to word the
    problems, row by row)."""
    years = {y for y in cols["year"] if isinstance(y, float)}
    if any(not y.is_integer() or not 1900 <= y <= latest for y in years):
        return False
    kinds = {k for k in cols["kind"] if isinstance(k, str) and k}
    if not kinds <= set(KINDS):
        return False
    if any(_unknown_support(v, option_names) for v in set(cols["support"])):
        return False
    return {o for o in cols["outcome"] if isinstance(o, float)} <= {0.0, 1.0}
