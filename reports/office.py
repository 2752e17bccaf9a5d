"""Word and Excel building blocks the documents share: columns with units and formats, display names.

A document's table is a DataFrame of raw values (numbers stay numbers) plus a list of `Col`: the
column's key, its header in each language and its kind (``text``, ``int``, ``money`` in 万元,
``number``, ``percent`` as a 0–1 share). Word gets the values formatted as text; Excel gets the
numbers with a number format, so a planner can still sum and sort them. Government documents follow
GB/T 9704 (A4, 仿宋 body, 黑体 headings, a 小标宋 title); the fonts are named, Word substitutes on a PC
without them.
"""

from __future__ import annotations

import copy
import io
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from data import vocabulary
from data.safety import is_formula_like
from data.schema import Workbook

LANGS = ("zh", "en")

# Fonts of a government notice (GB/T 9704); English documents use common Office fonts.
FONTS = {
    "zh": {
        "title": "方正小标宋简体",
        "heading": "黑体",
        "sub": "楷体_GB2312",
        "body": "仿宋_GB2312",
    },
    "en": {
        "title": "Times New Roman",
        "heading": "Arial",
        "sub": "Arial",
        "body": "Times New Roman",
    },
}
_LATIN = "Times New Roman"

# Excel number formats per kind (money in 万元 to one decimal, shares as percentages).
XLSX_FORMATS = {
    "int": "#,##0",
    "money": "#,##0.0",
    "number": "#,##0.0",
    "percent": "0.0%",
    "text": "@",
}

# Units of the workbook's targets and resources (codes as the demo and imports write them).
UNITS: dict[str, tuple[str, str]] = {
    "firms": ("家", "firms"),
    "家": ("家", "firms"),
    "projects": ("个", "projects"),
    "个": ("个", "items"),
    "count": ("个", "items"),
    "万元": ("万元", "10k yuan"),
    "wan": ("万元", "10k yuan"),
    "staff days": ("人日", "staff-days"),
    "staff_days": ("人日", "staff-days"),
    "days": ("人日", "staff-days"),
    "人日": ("人日", "staff-days"),
    "slots": ("个", "slots"),
    "mu": ("亩", "mu"),
    "亩": ("亩", "mu"),
    "tce": ("吨标准煤", "tce"),
}


@dataclass(frozen=True)
class Col:
    """One column of a document table: key in the frame, headers (zh, en) and kind."""

    key: str
    zh: str
    en: str
    kind: str = "text"  # text, int, money, number, percent

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def term_col(key: str, term: str, kind: str = "money") -> Col:
    """A column headed by an official term of the vocabulary (``TERM_LABELS``), with 万元 for money:
    the documents take the words from there rather than typing them again (docs/projects.md)."""
    zh, en = vocabulary.TERM_LABELS[term]
    if kind == "money":
        zh, en = f"{zh}（{UNITS['万元'][0]}）", f"{en} ({UNITS['万元'][1]})"
    return Col(key, zh, en, kind)


def check_lang(lang: str) -> str:
    """``lang`` if it is ``zh`` or ``en``; otherwise ValueError."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use 'zh' or 'en'")
    return lang


def unit_label(unit: object, lang: str) -> str:
    """A unit in ``lang`` (unknown units as they are)."""
    text = "" if unit is None or (isinstance(unit, float) and math.isnan(unit)) else str(unit)
    pair = UNITS.get(text.strip().lower()) or UNITS.get(text.strip())
    return text if pair is None else pair[LANGS.index(lang)]


def display_names(wb: Workbook, lang: str) -> dict[str, str]:
    """Display names of fund lines, resources and targets: their ``label_zh``/``label_en`` columns
    when the workbook has them, else the vocabulary's label, else the code."""
    out: dict[str, str] = {}
    column = f"label_{lang}"
    for frame, key, kind in (
        (wb.budgets, "fund_line", "fund_line"),
        (wb.resources, "resource", None),
        (wb.targets, "target", "target"),
    ):
        for row in frame.to_dict("records"):
            code = str(row[key])
            text = row.get(column)
            if isinstance(text, str) and text.strip():
                out[code] = text.strip()
            elif kind is not None:
                out[code] = vocabulary.label(kind, code, lang)
            else:
                out[code] = vocabulary.value_label(code, lang)
    return out


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def cell_text(value: object, kind: str) -> str:
    """A value as the Word table shows it: money and counts grouped, shares as percentages."""
    if _missing(value) or (isinstance(value, str) and not value.strip()):
        return "—"
    if kind == "text" or isinstance(value, str):
        return str(value)
    number = float(value)  # type: ignore[arg-type]
    if kind == "percent":
        return f"{100 * number:.0f}%"
    if kind == "int":
        return f"{number:,.0f}"
    if kind in ("money", "number"):
        return f"{number:,.0f}" if abs(number) >= 100 or number == int(number) else f"{number:,.1f}"
    return str(value)


def text_width(text: str) -> int:
    """Display width in Excel's character units: CJK characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# -------------------------------------------------------------------------------------------------
# Word


def new_document(lang: str) -> Any:
    """An A4 document with GB/T 9704 margins and the body font of ``lang``."""
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16 if lang == "zh" else 12)  # 三号 for a notice's body
    _set_font(normal.element, FONTS[lang]["body"], lang)
    return doc


def _set_font(element: Any, name: str, lang: str) -> None:
    """Set the Latin and East Asian font of a run or style (python-docx sets only the Latin one)."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    latin = _LATIN if lang == "zh" else name
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), name if lang == "zh" else FONTS["zh"]["body"])


def add_text(
    doc: Any,
    text: str,
    lang: str,
    *,
    font: str = "body",
    size: float | None = None,
    bold: bool = False,
    align: str = "left",
    indent: bool = False,
    color: tuple[int, int, int] | None = None,
) -> Any:
    """One paragraph of one run, in a font of the document's set (``title``, ``heading`` ...)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    paragraph = doc.add_paragraph()
    paragraph.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    if indent:  # two characters, as Chinese paragraphs begin
        paragraph.paragraph_format.first_line_indent = Pt(2 * (size or 16))
    run = paragraph.add_run(text)
    run.bold = bold
    if size is not None:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = RGBColor(*color)
    _set_font(run._element, FONTS[lang][font], lang)
    return paragraph


def add_table(doc: Any, frame: pd.DataFrame, cols: Sequence[Col], lang: str) -> Any:
    """A bordered table: bold header row, values as text (`cell_text`), numbers right-aligned."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    table = doc.add_table(rows=1, cols=len(cols))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = 10.5 if lang == "zh" else 9

    def fill(cell: Any, text: str, *, bold: bool = False, right: bool = False) -> None:
        cell.text = ""
        paragraph = cell.paragraphs[0]
        if right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)
        _set_font(run._element, FONTS[lang]["heading" if bold else "body"], lang)

    for cell, col in zip(table.rows[0].cells, cols, strict=True):
        fill(cell, col.header(lang), bold=True)
    # The header repeats on every page of a long table.
    header_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    for record in frame.to_dict("records"):
        cells = table.add_row().cells
        for cell, col in zip(cells, cols, strict=True):
            fill(cell, cell_text(record.get(col.key), col.kind), right=col.kind != "text")
    return table


def document_bytes(doc: Any) -> bytes:
    """The document as ``.docx`` bytes."""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# -------------------------------------------------------------------------------------------------
# Excel


def write_sheet(
    ws: Any,
    frame: pd.DataFrame,
    cols: Sequence[Col],
    lang: str,
    *,
    title: str | None = None,
    totals: Iterable[str] = (),
    notes: Sequence[str] = (),
) -> None:
    """A formatted table on a worksheet: optional title line, bold frozen header with filters,
    number formats per kind, widths to fit, and a totals row summing the ``totals`` columns.

    Text that a spreadsheet could run as a formula is written as text (docs/security.md).
    """
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    thin = Side(style="thin", color="BFBFBF")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    row = 1
    if title:
        ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
        row = 2
        for note in notes:
            ws.cell(row=row, column=1, value=note).font = Font(italic=True, color="595959")
            row += 1
        row += 1
    header_row = row
    for j, col in enumerate(cols, start=1):
        cell = ws.cell(row=header_row, column=j, value=col.header(lang))
        cell.font, cell.fill, cell.border = bold, fill, border
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    widths = [text_width(col.header(lang)) for col in cols]
    records = frame.to_dict("records")
    # A column's cells all share one style: set it on the first and copy its style record to the
    # rest. Setting a border or format cell by cell makes openpyxl look the style up again every
    # time (the demo's allocation took half a minute); the file is the same.
    styles: list[Any] = [None] * len(cols)
    for i, record in enumerate(records, start=header_row + 1):
        for j, col in enumerate(cols, start=1):
            value = _xlsx_value(record.get(col.key), col.kind)
            cell = ws.cell(row=i, column=j)
            if styles[j - 1] is None:
                cell.border = border
                if col.kind != "text":
                    cell.number_format = XLSX_FORMATS[col.kind]
                styles[j - 1] = copy.copy(cell._style)
            else:
                cell._style = copy.copy(styles[j - 1])
            if isinstance(value, str) and is_formula_like(value):
                cell.value, cell.data_type, cell.quotePrefix = value, "s", True
            else:
                cell.value = value
            shown = cell_text(value, col.kind) if value is not None else ""
            widths[j - 1] = max(widths[j - 1], text_width(shown))
    last = header_row + len(records)
    sums = set(totals)
    if sums and records:
        total_row = last + 1
        ws.cell(row=total_row, column=1, value="合计" if lang == "zh" else "Total").font = bold
        for j, col in enumerate(cols, start=1):
            if col.key in sums:
                # A plain value, not a formula: the file stays inert and reads the same everywhere.
                total = float(pd.to_numeric(frame[col.key], errors="coerce").fillna(0).sum())
                cell = ws.cell(row=total_row, column=j, value=round(total, 4))
                cell.font, cell.number_format = bold, XLSX_FORMATS[col.kind]
                widths[j - 1] = max(widths[j - 1], text_width(cell_text(total, col.kind)))
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(8, width + 2), 60)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if records:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(cols))}{last}"


def _xlsx_value(value: object, kind: str) -> object:
    """A value for an Excel cell: numbers rounded to what the format shows (and a little more), so
    no 0.01715059424794832 reaches the planner; blanks empty."""
    if _missing(value):
        return None
    if kind == "text":
        return str(value)
    if isinstance(value, str):
        return value
    number = float(value)  # type: ignore[arg-type]
    digits = {"int": 0, "money": 2, "number": 2, "percent": 4}.get(kind, 4)
    rounded = round(number, digits)
    return int(rounded) if kind == "int" else rounded


def workbook_bytes(book: Any) -> bytes:
    """An openpyxl workbook as ``.xlsx`` bytes."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
