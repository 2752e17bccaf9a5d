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


class WorkbookError(Exception):
    """The workbook cannot be used; ``issues`` lists every problem found, in sheet and row order."""

    def __init__(self, issues: Sequence[WorkbookIssue]):
        self.issues: list[WorkbookIssue] = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))

    def __str__(self) -> str:
        return "\n".join(str(i) for i in self.issues)


def _file_issue(message: str) -> WorkbookIssue:
    return WorkbookIssue("(file)", None, None, message)
