"""`python -m optimizer solve`: JSON on standard output only, the allocation CSV, exit codes 0/1/2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from data.workbook import write_workbook
from optimizer import evaluate_plan
from optimizer.cli import build_parser
from optimizer.instances import random_workbook

REPO = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def write_folder(wb, folder: Path) -> Path:
    write_workbook(wb, folder)
    return folder


def test_solve_demo_city_prints_clean_json_and_writes_the_allocation(tmp_path):
    from data.demo import generate_demo

    wb = generate_demo()
    path = tmp_path / "demo.xlsx"
    write_workbook(wb, path)
    out = tmp_path / "allocation.csv"
    proc = run("solve", str(path), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)  # the whole of stdout is one JSON object: no solver banner
    assert "HiGHS" not in proc.stdout
    assert result["status"] == "optimal"
    assert result["gap"] <= 1e-3 + 1e-6
    assert {t["target"] for t in result["targets"]} == set(wb.targets["target"])
    for t in result["targets"]:
        assert {"expected", "achieved", "p_meet", "goal", "attainment", "p_meet_method"} <= set(t)
    assert result["objective_kind"] == "expected"
    assert set(result["baselines"]) == {"do_nothing", "greedy", "proportional"}
    allocation = pd.read_csv(out, dtype={"candidate_id": str, "option": str}, keep_default_na=False)
    assert list(allocation.columns[:2]) == ["candidate_id", "option"]
    assert sorted(allocation["candidate_id"]) == sorted(wb.candidates["candidate_id"])
    ev = evaluate_plan(wb, dict(zip(allocation["candidate_id"], allocation["option"], strict=True)))
    assert ev.feasible, ev.violations
    assert ev.objective == pytest.approx(result["objective"], abs=1e-9)
    # The objective recomputed from the CSV alone (its probabilities) and the workbook's contributions.
    merged = wb.contributions.merge(allocation[["candidate_id", "probability"]], on="candidate_id")
    expected = (merged["value"] * merged["probability"]).groupby(merged["target"]).sum()
    recomputed = sum(
        t.weight * min(1.0, expected.get(t.target, 0.0) / t.goal) for t in wb.targets.itertuples()
    )
    assert recomputed == pytest.approx(result["objective"], abs=1e-9)


def test_cbc_and_time_limit_options(tmp_path):
    wb = random_workbook(60, seed=2, pool_share=0.2)
    folder = write_folder(wb, tmp_path / "wb")
    out = tmp_path / "a.csv"
    proc = run("solve", str(folder), "--out", str(out), "--solver", "cbc", "--time-limit", "5")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["solver"] == "cbc" and result["status"] in ("optimal", "feasible")
    assert out.exists()


def test_infeasible_exits_1_with_the_cause_on_stderr(tmp_path):
    wb = random_workbook(5, seed=1, award_share=0.0)
    wb.locks = pd.DataFrame({"candidate_id": ["C00001"], "option": ["opt_1"]})
    wb.budgets["amount"] = 0.0
    folder = write_folder(wb, tmp_path / "wb")
    proc = run("solve", str(folder), "--out", str(tmp_path / "a.csv"))
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["status"] == "infeasible"
    assert "short by" in proc.stderr and "Fund line" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "a.csv").exists()


def test_infeasible_only_the_solver_can_see_reads_plainly(tmp_path):
    # Two 50% floors that the locked 11 万元 and the only other option (20) can never share equally.
    sheets = {
        "budgets": "fund_line,amount\nA,1000\n",
        "resources": "resource,capacity\n",
        "targets": "target,goal\nstarts,2\n",
        "candidates": "candidate_id,name,kind,district,base_probability\n"
        "P1,one,project,North,0.5\nP2,two,project,South,0.1\n",
        "contributions": "candidate_id,target,value\nP1,starts,1\nP2,starts,1\n",
        "options": "candidate_id,option,probability,fund_line,cost\nP1,help,0.9,A,11\nP2,help,0.6,A,20\n",
        "locks": "candidate_id,option\nP1,help\n",
        "floors": "district,min_share\nNorth,0.5\nSouth,0.5\n",
    }
    folder = tmp_path / "wb"
    folder.mkdir()
    for name, text in sheets.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    proc = run("solve", str(folder), "--out", str(tmp_path / "a.csv"))
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["status"] == "infeasible"
    message = proc.stderr.strip()
    assert message.startswith("No plan keeps every rule"), message
    assert "No plan is possible: No plan" not in message


def test_invalid_workbook_exits_1_naming_the_sheet(tmp_path):
    wb = random_workbook(5, seed=1)
    folder = write_folder(wb, tmp_path / "wb")
    (folder / "budgets.csv").write_text("fund_line,amount\nfund_1,-5\n", encoding="utf-8")
    proc = run("solve", str(folder))
    assert proc.returncode == 1
    assert "budgets" in proc.stderr and proc.stdout == ""


def test_a_broken_register_stops_an_import_but_no_solve(tmp_path):
    # The registers are descriptive: the optimizer's commands read the problem's sheets alone, and
    # the import, which stores the registers, still names the problem (docs/workbook.md).
    from data.cli import main as data_main
    from optimizer.batch import run_batch

    wb = random_workbook(8, seed=1)
    wb.projects = pd.DataFrame({"project_id": ["P1", "P1"], "name": ["甲", "乙"]})
    folder = write_folder(wb, tmp_path / "province" / "city")
    write_workbook(wb, tmp_path / "province" / "city.xlsx")
    for path in (folder, tmp_path / "province" / "city.xlsx"):
        proc = run("solve", str(path), "--out", str(tmp_path / "allocation.csv"))
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["status"] == "optimal"
    proc = run("marginal", str(folder))
    assert proc.returncode == 0, proc.stderr
    summary = run_batch(tmp_path / "province", tmp_path / "batch")
    assert summary["status"].tolist() == ["optimal", "optimal"], summary["error"].tolist()
    assert data_main(["import", str(folder), "--db", str(tmp_path / "store.db")]) == 1


def test_a_workbook_over_50_mb_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.xlsx"
    with open(big, "wb") as fh:
        fh.truncate(64 * 1024 * 1024)  # sparse: no disk used
    proc = run("solve", str(big), "--out", str(tmp_path / "a.csv"))
    assert proc.returncode == 1 and proc.stdout == ""
    assert "big.xlsx: file is larger than 50 MB" in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["solve"],
        ["solve", "x.xlsx", "--solver", "gurobi"],
        ["solve", "x.xlsx", "--time-limit", "0"],
    ],
)
def test_bad_usage_exits_2(args):
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stdout == "" and proc.stderr.strip()


def test_a_path_of_the_wrong_kind_is_bad_usage_and_a_missing_one_is_named(tmp_path):
    # An existing file that is neither an .xlsx nor a folder is a usage error (2), as in `python -m
    # data import`; a path that does not exist is reported by name (1); neither writes a CSV.
    single = tmp_path / "budgets.csv"
    single.write_text("fund_line,amount\nA,1\n", encoding="utf-8")
    out = tmp_path / "a.csv"
    wrong = run("solve", str(single), "--out", str(out))
    assert wrong.returncode == 2 and wrong.stdout == ""
    assert ".xlsx" in wrong.stderr and "usage" in wrong.stderr
    missing = run("solve", str(tmp_path / "no_such_folder"), "--out", str(out))
    assert missing.returncode == 1 and missing.stdout == ""
    assert "no such file or folder" in missing.stderr and "no_such_folder" in missing.stderr
    assert not out.exists()


def test_every_option_is_documented():
    doc = (REPO / "docs" / "optimizer.md").read_text(encoding="utf-8")
    solve_parser = build_parser()._subparsers._group_actions[0].choices["solve"]
    for action in solve_parser._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert flag in doc, flag


def test_solve_json_reports_what_actuals_achieved(tmp_path):
    # Two decided candidates: one succeeded (counts as achieved, certain), one failed.
    wb = random_workbook(12, seed=5, n_targets=2, amount_targets=0)
    first, second = wb.candidates["candidate_id"].tolist()[:2]
    wb.actuals = pd.DataFrame(
        {
            "candidate_id": [first, second],
            "status": ["succeeded", "failed"],
            "option": ["none", "none"],
            "date": ["2026-03-01", ""],
        }
    )
    folder = write_folder(wb, tmp_path / "wb")
    out = tmp_path / "allocation.csv"
    proc = run("solve", str(folder), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["objective_kind"] == "expected"
    values = wb.contributions.groupby("candidate_id")["value"].sum()
    contributions = wb.contributions[wb.contributions["candidate_id"] == first]
    achieved = {t["target"]: t["achieved"] for t in result["targets"]}
    for target in wb.targets["target"]:
        assert achieved[target] == float(
            contributions.loc[contributions["target"] == target, "value"].sum()
        )
    assert sum(achieved.values()) == float(values[first])
    for t in result["targets"]:
        assert t["expected"] >= t["achieved"]
    allocation = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("candidate_id")
    assert allocation.loc[first, "status"] == "succeeded"
    assert allocation.loc[second, "status"] == "failed"
    assert allocation.loc[second, "probability"] == "0.0"


# --- startup: `python -m optimizer solve` starts fast, with the same results (issue 14)


def _heavy_imports_of_a_solve(workbook: Path, tmp_path: Path) -> list[str]:
    """Which of SciPy, scikit-learn, Dask, openpyxl, PuLP and the large-workbook method
    (`optimizer.structured`) a command-line solve imports."""
    code = (
        "import sys\n"
        "from optimizer.cli import main\n"
        f"status = main(['solve', {str(workbook)!r}, '--out', {str(tmp_path / 'a.csv')!r}])\n"
        "assert status == 0, status\n"
        "heavy = ('scipy', 'sklearn', 'dask', 'openpyxl', 'pulp', 'optimizer.structured')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1].replace("'", '"'))


def test_solve_without_year_correlation_never_imports_scipy(tmp_path):
    folder = write_folder(random_workbook(40, seed=3), tmp_path / "wb")
    assert _heavy_imports_of_a_solve(folder, tmp_path) == []


def test_year_odds_need_no_scipy(tmp_path):
    # The demo has a year correlation (ρ = 0.15): its plan's odds take the standard library's Φ, and
    # the command line never imports SciPy (its import alone costs a third of a second).
    from data.demo import generate_demo

    xlsx = tmp_path / "demo.xlsx"
    write_workbook(generate_demo(), xlsx)
    assert _heavy_imports_of_a_solve(xlsx, tmp_path) == []


def test_demo_xlsx_solve_is_the_same_from_csv(tmp_path):
    from data.demo import generate_demo

    wb = generate_demo()
    xlsx = tmp_path / "demo.xlsx"
    write_workbook(wb, xlsx)
    folder = write_folder(wb, tmp_path / "demo")
    first = run("solve", str(xlsx), "--out", str(tmp_path / "x.csv"))
    second = run("solve", str(folder), "--out", str(tmp_path / "c.csv"))
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    # The sheets parsed ahead (.xlsx) or read (CSV): the same plan, byte for byte.
    assert (tmp_path / "x.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()
