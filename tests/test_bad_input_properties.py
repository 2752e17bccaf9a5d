"""Property-based bad input: random mutations of a valid workbook never crash the validator.

Whatever hypothesis does to the tiny workbook (odd cell values, dropped or duplicated rows, columns and
sheets, renamed headers), ``validate_tables`` either returns a workbook that keeps docs/workbook.md's rules or
raises ``WorkbookError`` whose every issue names a sheet and explains itself. Scenario query parameters
get the same treatment.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.schema import SHEETS
from data.workbook import WorkbookError, validate_tables
from tests.conftest import TINY_SHEETS

SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def base_rows() -> dict[str, list[list[object]]]:
    """The tiny workbook as lists of rows (header first); blanks as None."""
    return {
        name: [[None if c == "" else c for c in r] for r in csv.reader(io.StringIO(text))]
        for name, text in TINY_SHEETS.items()
    }


ODD_VALUES = st.one_of(
    st.sampled_from(
        [
            None,
            "",
            "   ",
            "abc",
            "-1",
            "1e309",
            "NaN",
            "inf",
            "１２",
            "1,234.5",
            "12%",
            "=1+2",
            "#REF!",
            "none",
            "None",
            "Y",
            "是",
            "威海🚀",
            "E1",
            "industry",
            "staff_days",
            "new_srdi",
            "文登区",
            "0",
            "1",
            "0.5",
            "2",
        ]
    ),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(max_size=12),
    st.just(datetime(2026, 3, 1)),
)


@st.composite
def mutated_tables(draw) -> dict[str, pd.DataFrame]:
    sheets = base_rows()
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        name = draw(st.sampled_from(sorted(sheets)))
        rows = sheets[name]
        kind = draw(
            st.sampled_from(
                [
                    "cell",
                    "cell",
                    "cell",
                    "drop_row",
                    "dup_row",
                    "drop_col",
                    "rename",
                    "add_col",
                    "drop_sheet",
                ]
            )
        )
        if kind == "drop_sheet" and len(sheets) > 1:
            sheets.pop(name)
        elif kind == "cell" and len(rows) > 1 and rows[0]:
            i = draw(st.integers(min_value=1, max_value=len(rows) - 1))
            j = draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
            rows[i][j] = draw(ODD_VALUES)
        elif kind == "drop_row" and len(rows) > 1:
            rows.pop(draw(st.integers(min_value=1, max_value=len(rows) - 1)))
        elif kind == "dup_row" and len(rows) > 1:
            rows.append(list(rows[draw(st.integers(min_value=1, max_value=len(rows) - 1))]))
        elif kind == "drop_col" and rows[0]:
            j = draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
            for r in rows:
                r.pop(j)
        elif kind == "rename" and rows[0]:
            j = draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
            rows[0][j] = draw(
                st.one_of(st.none(), st.text(max_size=8), st.sampled_from(["amount", "cost"]))
            )
        elif kind == "add_col":
            rows[0].append(
                draw(st.one_of(st.text(max_size=8), st.sampled_from(["staff_days", "cost"])))
            )
            for r in rows[1:]:
                r.append(draw(ODD_VALUES))
    return {
        name: pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
        if rows and rows[0]
        else pd.DataFrame()
        for name, rows in sheets.items()
    }


def check_invariants(wb) -> None:
    """What a returned workbook promises (docs/workbook.md)."""
    for frame, column, low, high in (
        (wb.candidates, "base_probability", 0, 1),
        (wb.options, "probability", 0, 1),
        (wb.budgets, "amount", 0, math.inf),
        (wb.options, "cost", 0, math.inf),
        (wb.candidates, "award", 0, math.inf),
        (wb.resources, "capacity", 0, math.inf),
    ):
        values = frame[column].astype(float)
        assert values.between(low, high).all(), (column, values.tolist())
    assert (wb.targets["goal"].astype(float) > 0).all()
    assert (wb.contributions["value"].astype(float) > 0).all()
    candidates = set(wb.candidates["candidate_id"])
    assert wb.candidates["candidate_id"].is_unique
    assert set(wb.contributions["candidate_id"]) <= candidates
    assert set(wb.options["candidate_id"]) <= candidates
    assert set(wb.contributions["target"]) <= set(wb.targets["target"])
    lines = set(wb.budgets["fund_line"])
    assert {f for f in wb.options["fund_line"] if f} <= lines
    assert "none" not in {str(o).lower() for o in wb.options["option"]}
    for resource in wb.resource_names:
        assert (wb.options[resource].astype(float) >= 0).all()
    assert 0 <= wb.pool_share <= 1


@SETTINGS
@given(mutated_tables())
def test_validator_never_crashes_and_always_locates_problems(tables):
    try:
        wb = validate_tables(tables)
    except WorkbookError as err:
        assert err.issues
        for issue in err.issues:
            assert isinstance(issue.sheet, str) and issue.sheet
            assert issue.sheet in SHEETS or issue.sheet == "(file)", issue
            assert isinstance(issue.message, str) and issue.message.strip()
            assert issue.row is None or (isinstance(issue.row, int) and issue.row >= 1)
        return
    check_invariants(wb)


@SETTINGS
@given(mutated_tables())
def test_valid_mutations_round_trip_through_xlsx(tables):
    from data.workbook import read_workbook_upload, workbook_differences, workbook_to_xlsx_bytes

    try:
        wb = validate_tables(tables)
    except WorkbookError:
        return
    back = read_workbook_upload("round.xlsx", workbook_to_xlsx_bytes(wb))
    assert workbook_differences(back, wb) == []


@SETTINGS
@given(
    st.dictionaries(
        st.one_of(
            st.sampled_from(
                [
                    "b.industry",
                    "r.staff_days",
                    "g.new_srdi",
                    "w.starts",
                    "pool",
                    "prudence",
                    "l.E1",
                    "locks",
                    "lang",
                ]
            ),
            st.text(max_size=10),
        ),
        st.one_of(
            st.text(max_size=10),
            st.sampled_from(["-1", "1e309", "nan", "2", "0.5", "none", "coaching"]),
        ),
        max_size=6,
    )
)
def test_crafted_query_parameters_never_crash_and_never_apply_bad_values(params):
    from data.scenario import apply_scenario, settings_from_query, validate_settings
    from tests.conftest import raw_from_csv

    wb = validate_tables({n: raw_from_csv(t) for n, t in TINY_SHEETS.items()})
    settings_, problems = settings_from_query(params, wb)
    assert all(isinstance(p, str) and p for p in problems)
    assert validate_settings(wb, settings_) == []  # whatever was kept is valid
    apply_scenario(wb, settings_)  # and applies without error
