"""`python -m optimizer batch`: every workbook of a folder solved, on the local pool and on Dask alike."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pandas as pd
import pytest

from data.workbook import write_workbook
from optimizer.batch import find_workbooks, run_batch
from optimizer.cli import main
from optimizer.executor import Executor
from optimizer.instances import random_workbook


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Three small workbooks (two CSV folders, one .xlsx) and one that is not a valid workbook."""
    root = tmp_path_factory.mktemp("province")
    for k, seed in enumerate((1, 2)):
        wb = random_workbook(30, seed=seed, n_fund_lines=2, n_resources=1, n_targets=2)
        write_workbook(wb, root / f"city{k}")
    write_workbook(random_workbook(25, seed=3, n_fund_lines=2, n_targets=2), root / "city2.xlsx")
    broken = root / "city3"
    broken.mkdir()
    (broken / "budgets.csv").write_text("fund_line,amount\nx,-5\n", encoding="utf-8")
    (root / "notes.txt").write_text("not a workbook", encoding="utf-8")
    return root


def _comparable(summary: pd.DataFrame) -> pd.DataFrame:
    return summary.drop(columns=["seconds", "allocation_csv"])


def test_finds_xlsx_files_and_csv_folders(folder):
    assert [p.name for p in find_workbooks(folder)] == ["city0", "city1", "city2.xlsx", "city3"]


def test_batch_on_the_local_pool_reports_each_workbook(folder, tmp_path):
    summary = run_batch(folder, tmp_path, executor=Executor(workers=2))
    assert summary["workbook"].tolist() == ["city0", "city1", "city2", "city3"]
    good = summary.iloc[:3]
    assert good["status"].isin(["optimal", "feasible"]).all()
    assert (good["gap"] <= 1e-3 + 1e-9).all()
    assert summary.loc[3, "status"] == "invalid" and summary.loc[3, "error"]
    for name in ("city0", "city1", "city2"):
        allocation = pd.read_csv(tmp_path / f"{name}.allocation.csv")
        assert list(allocation.columns[:2]) == ["candidate_id", "option"]
    assert json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))[3]["status"] == (
        "invalid"
    )
    inline = run_batch(folder, tmp_path / "inline", executor=Executor(workers=1))
    pd.testing.assert_frame_equal(_comparable(summary), _comparable(inline))


def test_batch_on_a_local_dask_cluster_gives_the_same_results(folder, tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    # Dask starts its worker processes with "spawn", which re-imports the parent's __main__. Inside
    # the whole suite that can be a script an earlier AppTest left behind (AppTest.from_function's
    # script refers to names only its runner defines: "NameError: __args"); a real command line's
    # __main__ is the command's own module. Give the workers a plain __main__ to import.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    pooled = run_batch(folder, tmp_path / "pool", executor=Executor(workers=2))
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    )
    with cluster, Executor(cluster.scheduler_address) as executor:
        assert executor.kind == "dask" and executor.parallelism() == 2
        on_dask = run_batch(folder, tmp_path / "dask", executor=executor)
    pd.testing.assert_frame_equal(_comparable(pooled), _comparable(on_dask))
    for name in ("city0", "city1", "city2"):
        a = (tmp_path / "pool" / f"{name}.allocation.csv").read_text(encoding="utf-8")
        b = (tmp_path / "dask" / f"{name}.allocation.csv").read_text(encoding="utf-8")
        assert a == b


def test_command_line(folder, tmp_path, capsys):
    code = main(["batch", str(folder), "--out", str(tmp_path), "--workers", "1"])
    out, err = capsys.readouterr()
    assert code == 1  # city3 is invalid: reported, and the others still solved
    rows = json.loads(out)["workbooks"]
    assert [r["status"] for r in rows][:3] == [rows[0]["status"]] * 3
    assert "city3: invalid" in err
    assert (tmp_path / "summary.csv").exists()
    assert main(["batch", str(tmp_path / "missing")]) == 2
