"""Bad input everywhere it enters: the upload entry, ``python -m data import`` and ``python -m optimizer``.

Every malformed file in the corpus (tests/bad_inputs/corpus.py) must be refused with messages that name
sheet, row, column and the reason, never with a traceback, and must leave the store byte for byte as it
was. The tricky-but-valid files must import correctly.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from data.workbook import WorkbookError, read_workbook_upload
from tests.bad_inputs.corpus import CORPUS_VERSION, Case, build_corpus, write_for_cli
from tests.helpers import store_fingerprint

REPO = Path(__file__).resolve().parents[1]
CORPUS = build_corpus()
INVALID = [c for c in CORPUS if not c.valid]
VALID = [c for c in CORPUS if c.valid]


def ids(cases: list[Case]) -> list[str]:
    return [c.name for c in cases]


def param(cases: list[Case]) -> list:
    return [pytest.param(c, id=c.name) for c in cases]


def test_corpus_is_big_enough():
    assert CORPUS_VERSION >= 1
    assert len(INVALID) >= 40, len(INVALID)
    assert len(VALID) >= 10
    assert len({c.name for c in CORPUS}) == len(CORPUS)


def assert_issues_match(case: Case, issues: list) -> None:
    """Every issue is located and explained; every expected issue is among them."""
    assert issues, "a WorkbookError must list at least one issue"
    for issue in issues:
        assert isinstance(issue.sheet, str) and issue.sheet, issue
        assert isinstance(issue.message, str) and issue.message.strip(), issue
        assert issue.row is None or (isinstance(issue.row, int) and issue.row >= 1), issue
        assert "Traceback" not in issue.message
    for expect in case.expect:
        matching = [
            i
            for i in issues
            if i.sheet == expect.sheet
            and i.row == expect.row
            and i.column == expect.column
            and re.search(expect.reason, i.message)
        ]
        assert matching, f"expected {expect} among {[tuple(i) for i in issues]}"


# --- the upload entry ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", param(INVALID))
def test_upload_refuses_malformed_file(case: Case):
    with pytest.raises(WorkbookError) as err:
        read_workbook_upload(case.filename, case.data)
    assert_issues_match(case, err.value.issues)
    text = str(err.value)
    assert all(f"sheet '{i.sheet}'" in text for i in err.value.issues)


@pytest.mark.parametrize("case", param(VALID))
def test_upload_reads_tricky_but_valid_file(case: Case):
    wb = read_workbook_upload(case.filename, case.data)
    if case.check is not None:
        case.check(wb)


def test_gbk_and_utf8_read_the_same(raw_tables):
    by_name = {c.name: c for c in VALID}
    from data.workbook import workbook_differences

    gbk = read_workbook_upload("g.zip", by_name["gbk_csv"].data)
    utf8 = read_workbook_upload("u.zip", by_name["tiny_csv_zip"].data)
    bom = read_workbook_upload("b.zip", by_name["bom_csv"].data)
    assert workbook_differences(gbk, utf8) == [] and workbook_differences(bom, utf8) == []


# --- the store stays byte for byte as it was ----------------------------------------------------------


@pytest.fixture
def seeded_db(tmp_path: Path, tiny_workbook) -> Path:
    """A store holding the tiny workbook, one saved scenario and their audit entries (connections closed)."""
    import data.store as store_mod

    path = tmp_path / "planner.db"
    store = store_mod.open_store(path, create_demo=False)
    store.replace_workbook(tiny_workbook, user="seed", action="import")
    store.save_scenario("baseline", {"pool_share": 0.1}, None, user="seed")
    store.close()
    return path


def run_cli_in_process(args: list[str], capsys) -> tuple[int, str, str]:
    from data.cli import main

    try:
        code = main(args)
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


CLI_INVALID = [c for c in INVALID if c.cli]


@pytest.mark.parametrize("case", param(CLI_INVALID))
def test_cli_import_refuses_and_leaves_store_unchanged(case: Case, seeded_db, tmp_path, capsys):
    before = store_fingerprint(seeded_db)
    path = write_for_cli(case, tmp_path / "in")
    code, out, err = run_cli_in_process(["import", str(path), "--db", str(seeded_db)], capsys)
    assert code == 1, (out, err)
    assert "Traceback" not in err
    assert "nothing was imported" in err
    for expect in case.expect:
        if expect.sheet != "(file)":
            where = f"sheet '{expect.sheet}'" + (f", row {expect.row}" if expect.row else "")
            assert where in err, (where, err)
    assert store_fingerprint(seeded_db) == before


@pytest.mark.parametrize("case", param([c for c in VALID if c.cli]))
def test_cli_imports_valid_file(case: Case, seeded_db, tmp_path, capsys):
    from data.store import open_store
    from data.workbook import read_workbook_upload, workbook_differences

    before = store_fingerprint(seeded_db)
    path = write_for_cli(case, tmp_path / "in")
    code, out, err = run_cli_in_process(["import", str(path), "--db", str(seeded_db)], capsys)
    assert code == 0, err
    assert store_fingerprint(seeded_db) != before  # the fingerprint does see a real import
    store = open_store(seeded_db, create_demo=False)
    try:
        stored = store.load_workbook()
        assert workbook_differences(stored, read_workbook_upload(case.filename, case.data)) == []
        if case.check is not None:
            case.check(stored)
        assert store.audit_log(1)["action"].tolist() == ["import"]
    finally:
        store.close()


@pytest.mark.parametrize("case", param(INVALID))
def test_upload_then_store_is_all_or_nothing(case: Case, seeded_db):
    """The page's flow: read the upload, and only a valid workbook reaches replace_workbook."""
    from data.store import open_store

    before = store_fingerprint(seeded_db)
    store = open_store(seeded_db, create_demo=False)
    try:
        with pytest.raises(WorkbookError):
            store.replace_workbook(read_workbook_upload(case.filename, case.data), user="t")
    finally:
        store.close()
    assert store_fingerprint(seeded_db) == before


# --- real processes: exit status, stderr, no traceback ----------------------------------------------


def run_module(*args: str, cwd: Path = REPO, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_data_cli_subprocess_reports_every_problem_and_writes_nothing(seeded_db, tmp_path):
    case = next(c for c in INVALID if c.name == "many_problems_at_once")
    path = write_for_cli(case, tmp_path)
    before = store_fingerprint(seeded_db)
    proc = run_module("data", "import", str(path), "--db", str(seeded_db))
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "sheet 'budgets', row 2, column 'amount'" in proc.stderr
    assert "sheet 'budgets', row 3, column 'amount'" in proc.stderr
    assert "sheet 'targets', row 2, column 'goal'" in proc.stderr
    assert store_fingerprint(seeded_db) == before


@pytest.mark.parametrize(
    "args",
    [
        ["import"],  # no path
        ["import", "budgets.pdf"],  # not a workbook
        ["frobnicate"],
    ],
)
def test_data_cli_bad_usage_exits_2(args, seeded_db, tmp_path, capsys):
    code, out, err = run_cli_in_process([*args, "--db", str(seeded_db)], capsys)
    assert code == 2, (out, err)
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "name",
    [
        "negative_budget",
        "option_unknown_fund_line",
        "text_named_xlsx",
        "formula_without_saved_value",
    ],
)
def test_optimizer_cli_refuses_bad_workbook(name, tmp_path):
    case = next(c for c in INVALID if c.name == name)
    path = write_for_cli(case, tmp_path)
    out = tmp_path / "allocation.csv"
    proc = run_module("optimizer", "solve", str(path), "--out", str(out))
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip(), "a plain message on standard error"
    for expect in case.expect:
        if expect.sheet != "(file)":
            assert expect.sheet in proc.stderr, proc.stderr
    assert not out.exists(), "no allocation is written for an invalid workbook"


@pytest.mark.parametrize(
    "args",
    [
        ["solve"],
        ["solve", "{wb}", "--time-limit", "soon"],
        ["solve", "{wb}", "--solver", "gurobi"],
        ["solve", "{wb}", "--time-limit", "-5"],
        ["solve", "{missing}"],
    ],
)
def test_optimizer_cli_bad_usage(args, tmp_path):
    case = next(c for c in VALID if c.name == "tiny_xlsx")
    wb = write_for_cli(case, tmp_path)
    args = [a.format(wb=wb, missing=tmp_path / "nope.xlsx") for a in args]
    proc = run_module("optimizer", *args)
    assert proc.returncode in (1, 2), (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip()


def test_optimizer_cli_solves_tricky_valid_file_and_never_picks_a_dominated_option(tmp_path):
    case = next(c for c in VALID if c.name == "options_cheaper_but_weaker")
    path = write_for_cli(case, tmp_path)
    out = tmp_path / "allocation.csv"
    proc = run_module("optimizer", "solve", str(path), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] in ("optimal", "feasible")
    import pandas as pd

    allocation = pd.read_csv(out, dtype=str)
    chosen = dict(zip(allocation["candidate_id"], allocation["option"], strict=True))
    # probability 0.1 is below E1's base 0.3 and 0.55 costs more than coaching's 0.6: never worth it
    assert chosen["E1"] not in ("cheap_but_useless", "dear_and_weaker")


def test_upload_size_limit_is_configured_and_below_the_readers():
    import tomllib

    from data.workbook import MAX_UPLOAD_BYTES

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    limit_mb = config["server"]["maxUploadSize"]
    assert 0 < limit_mb * 1024 * 1024 <= MAX_UPLOAD_BYTES
