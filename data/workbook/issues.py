"""What is wrong with a workbook: one `WorkbookIssue` per problem, all raised together as a `WorkbookError`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


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


# At most this many problems are listed; one more line says how many were left out. A sheet of a
# million bad cells would otherwise print a million lines (and keep them all in memory).
MAX_REPORTED_ISSUES = 200


class WorkbookError(Exception):
    """The workbook cannot be used; ``issues`` lists the problems found, in sheet and row order.

    Past `MAX_REPORTED_ISSUES` the list stops and its last entry says how many more there are;
    ``total`` is the number of problems found (``more`` of them never recorded, see `_Checker`).
    """

    def __init__(self, issues: Sequence[WorkbookIssue], more: int = 0):
        issues = list(issues)
        self.total = len(issues) + more
        if self.total > len(issues) or len(issues) > MAX_REPORTED_ISSUES:
            shown = issues[:MAX_REPORTED_ISSUES]
            issues = [
                *shown,
                _file_issue(
                    f"and {self.total - len(shown):,} more problems ({self.total:,} in all) "
                    "not listed"
                ),
            ]
        self.issues: list[WorkbookIssue] = issues
        super().__init__("\n".join(str(i) for i in self.issues))

    def __str__(self) -> str:
        return "\n".join(str(i) for i in self.issues)


def _file_issue(message: str) -> WorkbookIssue:
    return WorkbookIssue("(file)", None, None, message)
