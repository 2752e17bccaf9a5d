"""Tests for ``python -m data``: demo, export, import, their exit codes, audit entries and documentation."""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import subprocess
import sys
from pathlib import Path

import pytest

from data.cli import build_parser, main
from data.store import open_store
from data.workbook import read_workbook, workbook_differences, workbooks_equal, write_workbook

REPO = Path(__file__).resolve().parent.parent


def db_hash(path: Path) -> str:
    store = open_store(path, create_demo=False)
    store.checkpoint()
    store.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


# The account the tests run as: the audit log must name it, whatever $USER claims.
OS_ACCOUNT = f"command line (OS account {pwd.getpwuid(os.geteuid()).pw_name})"


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("USER", "chen.li")  # anyone can set $USER: it must not be recorded
    monkeypatch.setenv("USERNAME", "chen.li")
    return tmp_path / "cli.db"


def test_import_then_export_round_trip(
    db, tmp_path, csv_folder, tiny_sheets, tiny_workbook, capsys
):
    folder = csv_folder(tiny_sheets, encoding="gbk")
    assert main(["import", str(folder), "--db", str(db)]) == 0
    assert "3 candidates" in capsys.readouterr().out
    for target in (tmp_path / "out.xlsx", tmp_path / "out_csv"):
        assert main(["export", str(target), "--db", str(db)]) == 0
        back = read_workbook(target)
        assert workbooks_equal(back, tiny_workbook), workbook_differences(back, tiny_workbook)
    log = open_store(db, create_demo=False).audit_log()
    assert log["action"].tolist() == ["export", "export", "import"]
    assert set(log["user"]) == {OS_ACCOUNT}


def test_import_names_settings_keys_nothing_reads(db, csv_folder, tiny_sheets, capsys):
    tiny_sheets["settings"] = "key,value\npool_shares,0.3\n"
    assert main(["import", str(csv_folder(tiny_sheets)), "--db", str(db)]) == 0
    captured = capsys.readouterr()
    assert "3 candidates" in captured.out
    assert "'pool_shares'" in captured.err and "Did you mean 'pool_share'?" in captured.err


def test_invalid_import_exits_1_lists_every_error_and_writes_nothing(
    db, csv_folder, tiny_sheets, tiny_workbook, tmp_path, capsys
):
    good = tmp_path / "good.xlsx"
    write_workbook(tiny_workbook, good)
    assert main(["import", str(good), "--db", str(db)]) == 0
    before = db_hash(db)
    tiny_sheets["options"] = tiny_sheets["options"].replace(
        "E2,rd_subsidy,0.7", "E2,rd_subsidy,1.7"
    )
    tiny_sheets["budgets"] = tiny_sheets["budgets"].replace("projects,50", "projects,lots")
    capsys.readouterr()
    assert main(["import", str(csv_folder(tiny_sheets)), "--db", str(db)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:2] == [
        "sheet 'budgets', row 3, column 'amount': expected a number, found 'lots'",
        "sheet 'options', row 4, column 'probability': must be between 0 and 1 (found 1.7)",
    ]
    assert "nothing was imported" in err[2]
    assert db_hash(db) == before


def test_bad_usage_exits_2(db, tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["import"])
    assert info.value.code == 2
    (tmp_path / "plan.txt").write_text("x")
    with pytest.raises(SystemExit) as info:
        main(["import", str(tmp_path / "plan.txt"), "--db", str(db)])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["export", str(tmp_path / "plan.csv"), "--db", str(db)])
    assert info.value.code == 2
    assert not db.exists()


def test_import_of_a_missing_file_exits_1(db, tmp_path, capsys):
    assert main(["import", str(tmp_path / "missing.xlsx"), "--db", str(db)]) == 1
    assert "no such file" in capsys.readouterr().err


def test_demo_command_stores_the_demo(db, demo_workbook, capsys):
    assert main(["demo", "--db", str(db), "--seed", "2026"]) == 0
    store = open_store(db, create_demo=False)
    # The demo the store seeds is the city in motion (its actuals as of 30 June), with its history.
    from data.demo.actuals import generate_demo_in_motion

    stored = store.load_workbook()
    assert workbooks_equal(stored, generate_demo_in_motion(2026))
    assert len(stored.actuals) > 0 and len(stored.history) > 0
    assert store.audit_log().iloc[0][["user", "action"]].tolist() == [OS_ACCOUNT, "demo"]
    assert "seed 2026" in capsys.readouterr().out


def test_python_dash_m_data_runs(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "data",
            "import",
            str(tmp_path / "nothing.xlsx"),
            "--db",
            str(tmp_path / "x.db"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "no such file" in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "data"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2


def test_import_of_a_missing_folder_exits_1_like_a_missing_file(db, tmp_path, capsys):
    assert main(["import", str(tmp_path / "no_such_folder"), "--db", str(db)]) == 1
    assert "no such file or folder" in capsys.readouterr().err
    assert not db.exists()


def test_every_command_is_documented():
    doc = (REPO / "docs" / "workbook.md").read_text(encoding="utf-8")
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for command in commands:
        assert re.search(rf"python -m data {command}\b", doc), (
            f"`{command}` is not in docs/workbook.md"
        )


def test_import_refuses_more_than_50_mb_file_or_folder(
    db, tmp_path, csv_folder, tiny_sheets, capsys
):
    """The README's 50 MB holds on the command line too, for a file and a folder's CSVs together."""
    big = tmp_path / "big.xlsx"
    with open(big, "wb") as fh:
        fh.truncate(64 * 1024 * 1024)  # sparse: no disk used
    folder = csv_folder(tiny_sheets)
    with open(folder / "enterprises.csv", "wb") as fh:
        fh.truncate(120 * 1024 * 1024)
    for path, reason in ((big, "file is larger than 50 MB"), (folder, "total more than 50 MB")):
        assert main(["import", str(path), "--db", str(db)]) == 1
        assert reason in capsys.readouterr().err
    assert not db.exists()
