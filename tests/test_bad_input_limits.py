"""Hostile sizes: small files that claim huge sheets, huge folders, duplicate CSVs, too many problems.

Each hostile file is built here from a few lines of sheet XML (or CSV) packed with zipfile, and read in
a child process whose address space is capped, so that a reader that pads cells cannot take the
machine down; the child reports its peak memory, which must stay a few hundred MB at most.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from data.workbook import WorkbookError, read_workbook, read_workbook_upload
from tests.conftest import TINY_SHEETS

REPO = Path(__file__).resolve().parents[1]
PEAK_MB = 400  # the child's whole peak (Python, pandas and openpyxl alone take about 110 MB)
ADDRESS_SPACE = 3 * 1024**3  # what the child may map: a padding reader dies here, not the machine

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def hostile_xlsx(sheet_data: str, sheet: str = "candidates") -> bytes:
    """The smallest .xlsx openpyxl opens: one sheet holding ``sheet_data`` (``<row>`` elements)."""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
            f'<sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        # The <dimension> tag claims a tiny sheet: the reader must not trust it either way.
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{_NS}"><dimension ref="A1:B2"/><sheetData>{sheet_data}'
            "</sheetData></worksheet>"
        ),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + xml)
    return buf.getvalue()


HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>candidate_id</t></is></c></row>'

_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    from data.workbook import WorkbookError, read_workbook_upload
    path = Path(sys.argv[1])
    started = time.perf_counter()
    try:
        read_workbook_upload(path.name, path.read_bytes())
        out = {"issues": []}
    except WorkbookError as exc:
        out = {"issues": [str(i) for i in exc.issues]}
    except MemoryError:
        out = {"issues": ["MemoryError"]}
    out["seconds"] = time.perf_counter() - started
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss across fork and exec, so a child of a
    # large test process would report its parent's peak.
    status = Path("/proc/self/status").read_text()
    out["peak_mb"] = int(status.split("VmHWM:")[1].split()[0]) / 1024
    print(json.dumps(out))
    """
)


def read_in_child(tmp_path: Path, filename: str, data: bytes) -> dict:
    """Read an upload in a child process with a capped address space: its issues, time and peak."""
    path = tmp_path / filename
    path.write_bytes(data)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    env = {**os.environ, "PYTHONPATH": str(REPO), "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env=env,
        preexec_fn=cap,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        # One value in Excel's last cell: 1,048,576 rows × 16,384 columns once padded.
        ("XFD1048576", "more than 200,000 rows (a value in row 1,048,576)"),
        ("A1048576", "more than 200,000 rows (a value in row 1,048,576)"),
        # Row 20,000, column 2,000: 1.2 GB and 25 s before the limits.
        ("BXX20000", "more than 1,000 columns (a value in column 2,000)"),
        # Within the row and column limits, but 150,000 × 900 padded cells.
        ("AHP150000", "more than 2,000,000 cells"),
    ],
)
def test_one_far_cell_is_refused_in_little_memory(tmp_path, cell, reason):
    row = int("".join(ch for ch in cell if ch.isdigit()))
    data = hostile_xlsx(HEADER + f'<row r="{row}"><c r="{cell}"><v>1</v></c></row>')
    assert len(data) < 2000
    out = read_in_child(tmp_path, "far.xlsx", data)
    assert len(out["issues"]) == 1 and reason in out["issues"][0], out["issues"]
    assert out["issues"][0].startswith("sheet 'candidates'")
    assert out["peak_mb"] < PEAK_MB, out


def test_styled_empty_cells_far_away_cost_nothing(tmp_path):
    """Formatting that reaches XFD1048576 (a styled cell with no value) is not part of the sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, text in TINY_SHEETS.items():
        ws = book.create_sheet(name)
        for line in text.strip().splitlines():
            ws.append([c if c != "" else None for c in line.split(",")])
    book["candidates"]["XFD1048576"].number_format = "0.00"  # styled, no value
    out = io.BytesIO()
    book.save(out)
    result = read_in_child(tmp_path, "styled.xlsx", out.getvalue())
    assert result["issues"] == []
    assert result["peak_mb"] < PEAK_MB, result


def test_a_shared_strings_bomb_is_refused_before_openpyxl_reads_it(tmp_path):
    """180 MB of shared strings zip to 0.4 MB; openpyxl reads them whole (1.7 GB, 200 s before)."""
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(hostile_xlsx(HEADER))) as src,
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            part = src.read(item.filename)
            if item.filename == "[Content_Types].xml":  # where openpyxl looks for shared strings
                part = part.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            dst.writestr(item.filename, part)
        strings = b"<si><t>ab</t></si>" * 10_000_000
        dst.writestr(
            "xl/sharedStrings.xml", b"<sst xmlns='" + _NS.encode() + b"'>" + strings + b"</sst>"
        )
    out = read_in_child(tmp_path, "strings.xlsx", buf.getvalue())
    assert out["issues"] == [
        "sheet '(file)': strings.xlsx: its part xl/sharedStrings.xml unpacks to more than 20 MB; "
        "open the file in Excel, save it, and upload it again"
    ]
    assert out["peak_mb"] < PEAK_MB, out


def test_csv_text_in_a_zip_is_held_to_50_mb_as_a_folder_is(tmp_path):
    """190 MB of CSV zip to under 1 MB and took over 500 MB to read; now 50 MB of CSV at most."""
    line = "威海甲公司🚀" * 100
    text = "candidate_id,name\n" + "".join(f"C{i},{line}\n" for i in range(45_000))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("candidates.csv", text)
    out = read_in_child(tmp_path, "long.zip", buf.getvalue())
    assert out["issues"] == [
        "sheet '(file)': long.zip: the CSV files in this archive total more than 50 MB"
    ]
    assert out["peak_mb"] < PEAK_MB, out


def test_a_million_row_csv_is_refused_early_with_one_message(tmp_path):
    lines = "candidate_id,name\n" + "".join(f"C{i},x\n" for i in range(1_000_000))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("candidates.csv", lines)
    out = read_in_child(tmp_path, "million.zip", buf.getvalue())
    assert out["issues"] == [
        "sheet 'candidates': more than 200,000 rows (a value in row 200,002); "
        "no city's plan comes near this"
    ]
    assert out["peak_mb"] < PEAK_MB, out


def test_a_million_row_xlsx_is_refused_early(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, 1_000_001))
    out = read_in_child(tmp_path, "million.xlsx", hostile_xlsx(HEADER + rows))
    # Reading stops at the first row past the limit (the message names it): early, whatever the load.
    assert (
        len(out["issues"]) == 1
        and "more than 200,000 rows (a value in row 200,002)" in out["issues"][0]
    ), out
    assert out["peak_mb"] < PEAK_MB, out


def test_many_problems_are_capped_at_200_and_counted():
    bad = "".join(f"E{i},coaching,1.5,industry,10,,\n" for i in range(1000, 1600))
    sheets = dict(TINY_SHEETS, options=TINY_SHEETS["options"] + bad)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, text in sheets.items():
            archive.writestr(f"{name}.csv", text)
    with pytest.raises(WorkbookError) as info:
        read_workbook_upload("many.zip", buf.getvalue())
    issues = info.value.issues
    # 600 rows × (unknown candidate + probability out of range) = 1,200 problems.
    assert len(issues) == 201
    assert str(issues[-1]) == "sheet '(file)': and 1,000 more problems (1,200 in all) not listed"
    assert info.value.total == 1200
    assert str(issues[0]).startswith("sheet 'options', row 6")


def test_zip_with_two_csvs_for_one_sheet_names_both():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, text in TINY_SHEETS.items():
            archive.writestr(f"a/{name}.csv", text)
        archive.writestr("b/budgets.csv", "fund_line,amount\nindustry,1\n")
    with pytest.raises(WorkbookError) as info:
        read_workbook_upload("two.zip", buf.getvalue())
    assert [str(i) for i in info.value.issues] == [
        "sheet 'budgets': two CSV files have this name: a/budgets.csv and b/budgets.csv (keep one)"
    ]


def test_nan_in_a_number_cell_gets_a_plain_message():
    data = hostile_xlsx(HEADER + '<row r="2"><c r="A2"><v>NaN</v></c></row>')
    with pytest.raises(WorkbookError) as info:
        read_workbook_upload("nan.xlsx", data)
    (issue,) = info.value.issues
    assert "invalid literal" not in str(issue)
    assert (issue.sheet, issue.row, issue.column) == ("candidates", 2, "A2")
    assert "stored as a number but holds something else" in issue.message


def test_every_path_enforces_50_mb(tmp_path):
    """The command lines read through `read_workbook`: a 64 MB file and a 120 MB folder are refused."""
    big = tmp_path / "big.xlsx"
    with open(big, "wb") as fh:
        fh.truncate(64 * 1024 * 1024)  # sparse: no disk is used
    with pytest.raises(WorkbookError, match="big.xlsx: file is larger than 50 MB"):
        read_workbook(big)
    folder = tmp_path / "folder"
    folder.mkdir()
    for name, text in TINY_SHEETS.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    for name in ("projects", "enterprises"):
        with open(folder / f"{name}.csv", "wb") as fh:
            fh.truncate(60 * 1024 * 1024)
    with pytest.raises(WorkbookError, match="the CSV files in this folder total more than 50 MB"):
        read_workbook(folder)
