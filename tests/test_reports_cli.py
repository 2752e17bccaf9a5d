"""`python -m reports checklist`: JSON on standard output, the file with --out, exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from data.workbook import validate_tables, write_workbook
from reports.cli import main
from tests.conftest import raw_from_csv
from tests.test_checklist import SHEETS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def firms_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "firms"
    write_workbook(validate_tables({k: raw_from_csv(v) for k, v in SHEETS.items()}), folder)
    return folder


def run(capsys, *argv: str) -> tuple[int, dict | None, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_checklist_command(capsys, tmp_path, firms_folder):
    out_file = tmp_path / "out" / "list.csv"
    code, out, _ = run(
        capsys,
        "checklist",
        str(firms_folder),
        "--district",
        "环翠区",
        "--format",
        "csv",
        "--out",
        str(out_file),
    )
    assert code == 0 and [f["firm_id"] for f in out["firms"]] == ["F1", "F2"]
    assert out_file.read_bytes().startswith("\ufeff".encode())
    code, out, _ = run(capsys, "checklist", str(firms_folder), "--firm", "F1", "--lang", "en")
    assert code == 0
    assert out["firms"][0]["gaps"][0]["text"].startswith("R&D 2.1% of revenue")


def test_one_firm_as_markdown_and_as_csv(capsys, tmp_path, firms_folder):
    md, csv = tmp_path / "f1.md", tmp_path / "f1.csv"
    assert run(capsys, "checklist", str(firms_folder), "--firm", "F1", "--out", str(md))[0] == 0
    assert md.read_text(encoding="utf-8").startswith("#")
    code, out, _ = run(
        capsys, "checklist", str(firms_folder), "--firm", "F1", "--format", "csv", "--out", str(csv)
    )
    assert code == 0 and out["file"] == str(csv)
    text = csv.read_text(encoding="utf-8-sig")
    assert "F1" in text and "F2" not in text


def test_bad_workbook_and_usage(capsys, tmp_path):
    code, out, err = run(capsys, "checklist", str(tmp_path / "missing"), "--firm", "F1")
    assert code == 1 and out is None and err
    with pytest.raises(SystemExit) as exc:
        main(["checklist", str(tmp_path)])  # neither --firm nor --district
    assert exc.value.code == 2


def test_stdout_is_json_only_in_a_fresh_process(firms_folder):
    proc = subprocess.run(
        [sys.executable, "-m", "reports", "checklist", str(firms_folder), "--firm", "F1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["firms"][0]["firm_id"] == "F1"
