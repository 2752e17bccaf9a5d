"""Writing: the workbook as .xlsx, a CSV folder or a .zip of CSVs, and the empty template.

Exports are neutralised (docs/security.md): text a spreadsheet could run as a formula stays text,
quote-prefixed in .xlsx and with a leading quote in CSV, which the reader undoes.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd

from data.safety import is_formula_like, neutralise_cell
from data.schema import SHEETS, Workbook
from data.workbook.cells import _NOT_XML, SHEET_ORDER, _is_blank, _is_number, _text


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
        return value.item()
    return value


def _column_types(name: str) -> dict[str, str]:
    return {c.name: c.type for c in SHEETS[name].columns}


def workbook_to_xlsx_bytes(wb: Workbook) -> bytes:
    """The workbook as ``.xlsx`` bytes: one sheet per docs/workbook.md sheet, bold frozen header row."""
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
    ("budgets", "amount", "0, or 0.0001 (one yuan) to 1e9 万元"),
    ("budgets", "pooled", "Y/N, optional (default Y): takes part in fund integration"),
    ("resources", "resource", "text, unique; not also a fund line"),
    ("resources", "capacity", "number 0 to 1e9"),
    ("resources", "unit", "text, optional"),
    ("targets", "target", "text, unique"),
    ("targets", "goal", "number > 0, at most 1e9, at least a millionth of any contribution to it"),
    ("targets", "weight", "number 0 to 1e6, optional (default 1)"),
    ("targets", "unit", "text, optional"),
    ("candidates", "candidate_id", "text, unique"),
    ("candidates", "name", "text"),
    ("candidates", "kind", "project or enterprise"),
    ("candidates", "district", "text"),
    ("candidates", "base_probability", "0–1: chance of success this year with no support"),
    (
        "candidates",
        "award",
        "0, or one yuan to 1e9 万元, optional: paid on success (an entitlement)",
    ),
    ("candidates", "award_line", "fund line that pays the award; required when award > 0"),
    ("contributions", "candidate_id", "a known candidate"),
    ("contributions", "target", "a known target"),
    ("contributions", "value", "number 1e-6 to 1e9 added to the target on success"),
    ("options", "candidate_id", "a known candidate"),
    ("options", "option", "text, unique per candidate; not 'none'"),
    ("options", "probability", "0–1: chance of success with this option"),
    ("options", "fund_line", "a known fund line, or blank when cost is 0"),
    ("options", "cost", "0, or 0.0001 (one yuan) to 1e9 万元, paid up front"),
    (
        "options",
        "paid_on_success",
        "0, or one yuan to 1e9 万元, optional (blank = 0): paid from the same line only on success",
    ),
    ("options", "<resource name>", "one optional column per resource: use 0 to 1e9, blank = 0"),
    (
        "options",
        "act_by",
        "optional (this product's extension): YYYY-MM-DD, last day to act for it to pay off this year",
    ),
    ("locks", "candidate_id", "optional sheet: a known candidate, at most once"),
    ("locks", "option", "one of its options, or 'none' to rule support out"),
    ("floors", "district", "optional sheet: a district some candidate has, at most once"),
    ("floors", "min_share", "0–1: least share of up-front money for the district"),
    ("actuals", "candidate_id", "optional sheet: a known candidate, at most once, not also locked"),
    ("actuals", "status", "supported, succeeded or failed"),
    ("actuals", "option", "the option it was given, or 'none' (blank = none)"),
    ("actuals", "date", "optional, YYYY-MM-DD: when it happened"),
    ("history", "year", "optional sheet: a past year (whole number)"),
    ("history", "kind", "project or enterprise"),
    ("history", "rung", "what success meant (start, srdi, above_size, ...)"),
    ("history", "support", "an option name as on the options sheet, or 'none'"),
    ("history", "outcome", "1 if it succeeded that year, else 0; other columns are features"),
    (
        "settings",
        "key",
        "optional sheet: pool_share (0–1, default 0), award_prudence (0–2, default 1), "
        "as_of (YYYY-MM-DD), correlation (0 to below 1, default 0), objective (expected or chance)",
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
