"""Tests for the SQLite store: migrations, exact workbook round trips, atomic imports, scenarios, threads."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlite_utils import Database

from data import store as store_module
from data.migrations import apply_migrations, migration_names, migrations
from data.schema import Workbook
from data.store import ScenarioNameTaken, Store, default_db_path, open_store
from data.workbook import workbook_differences, workbooks_equal


def dump(store: Store) -> list[str]:
    """Every statement needed to rebuild the database: equal dumps mean equal contents."""
    return list(store.db.conn.iterdump())


def file_hash(store: Store) -> str:
    store.checkpoint()
    return hashlib.sha256(store.path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------------------------------
# Migrations and connection settings


def test_fresh_database_reaches_the_latest_version(tmp_path):
    db = Database(tmp_path / "fresh.db")
    apply_migrations(db)
    applied = [m.name for m in migrations.applied(db)]
    assert applied == migration_names()
    assert migrations.pending(db) == []
    for table in ("budgets", "options", "option_use", "assumptions", "scenarios", "audit_log"):
        assert db[table].exists()


def test_migrating_twice_is_a_no_op(tmp_path):
    db = Database(tmp_path / "twice.db")
    apply_migrations(db)
    schema = db.schema
    rows = db.execute("SELECT * FROM _sqlite_migrations").fetchall()
    apply_migrations(db)
    Store(tmp_path / "twice.db").close()  # opening a store migrates again
    assert db.schema == schema
    assert db.execute("SELECT * FROM _sqlite_migrations").fetchall() == rows


def test_store_connections_use_wal_and_foreign_keys(store):
    conn = store.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == store_module.BUSY_TIMEOUT_MS
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute(
            "INSERT INTO options (candidate_id, option, probability, cost, position)"
            " VALUES ('ghost', 'x', 0.5, 0, 0)"
        )


def test_each_thread_gets_its_own_connection(store):
    seen = []
    thread = threading.Thread(target=lambda: seen.append(store.db.conn))
    thread.start()
    thread.join()
    assert seen[0] is not store.db.conn


def test_default_db_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WEIHAI_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("WEIHAI_DB")
    assert default_db_path().name == "weihai.db"
    assert default_db_path().parent.name == "data"


# --------------------------------------------------------------------------------------------------
# The workbook


def test_empty_store_loads_an_empty_workbook(store):
    assert store.is_empty()
    wb = store.load_workbook()
    assert wb.candidates.empty
    assert list(wb.options.columns) == [
        "candidate_id",
        "option",
        "probability",
        "fund_line",
        "cost",
        "paid_on_success",
    ]
    assert wb.settings == {"pool_share": 0.0, "award_prudence": 1.0}


def test_workbook_round_trip_through_the_store_is_exact(store, tiny_workbook):
    store.replace_workbook(tiny_workbook, user="li")
    assert not store.is_empty()
    back = store.load_workbook()
    assert workbooks_equal(back, tiny_workbook), workbook_differences(back, tiny_workbook)
    assert back.options["note"].tolist() == ["服务机构", "", "", ""]
    log = store.audit_log()
    assert log.iloc[0][["user", "action"]].tolist() == ["li", "import"]
    assert "3 candidates" in log.iloc[0]["detail"]


def test_extra_column_types_survive_the_store(store, tiny_workbook):
    wb = tiny_workbook.copy()
    wb.candidates["revenue"] = [1200.5, float("nan"), 3.0]
    wb.candidates["listed"] = [True, False, True]
    wb.candidates["mixed"] = pd.Series(["a", 2.5, None], dtype=object)
    wb.projects = pd.DataFrame({"project_id": ["PJ1"], "stage": ["reserve"], "land_mu": [12.0]})
    store.replace_workbook(wb, user="li")
    back = store.load_workbook()
    assert workbooks_equal(back, wb), workbook_differences(back, wb)
    assert back.candidates["listed"].dtype == bool
    assert back.candidates["mixed"].tolist() == ["a", 2.5, None]


def test_a_second_import_replaces_the_first(store, tiny_workbook):
    store.replace_workbook(tiny_workbook, user="li")
    smaller = tiny_workbook.copy()
    smaller.locks = smaller.locks.iloc[0:0]
    smaller.options = smaller.options[smaller.options["candidate_id"] != "E2"].reset_index(
        drop=True
    )
    store.replace_workbook(smaller, user="li")
    back = store.load_workbook()
    assert workbooks_equal(back, smaller), workbook_differences(back, smaller)


def test_a_failing_import_changes_nothing(store, tiny_workbook):
    store.replace_workbook(tiny_workbook, user="li")
    store.save_scenario("keep", {"pool_share": 0.1}, None, user="li")
    before_dump, before_hash = dump(store), file_hash(store)
    broken = tiny_workbook.copy()
    # A lock on a candidate that is not there breaks a foreign key late in the transaction.
    broken.locks = pd.DataFrame({"candidate_id": ["ghost"], "option": ["none"]})
    with pytest.raises(sqlite3.IntegrityError):
        store.replace_workbook(broken, user="mallory")
    assert dump(store) == before_dump
    assert file_hash(store) == before_hash
    assert "mallory" not in store.audit_log()["user"].tolist()


def test_demo_round_trip_through_the_store_is_fast_and_exact(tmp_path, demo_workbook):
    store = open_store(tmp_path / "demo.db", create_demo=False)
    started = time.perf_counter()
    store.replace_workbook(demo_workbook, user="test")
    saved = time.perf_counter()
    back = store.load_workbook()
    loaded = time.perf_counter()
    assert workbooks_equal(back, demo_workbook), workbook_differences(back, demo_workbook)
    print(f"demo save {saved - started:.3f} s, load {loaded - saved:.3f} s")
    assert saved - started < 1.0
    assert loaded - saved < 1.0


def test_open_store_seeds_the_demo_once(tmp_path):
    from data.demo.actuals import generate_demo_in_motion

    path = tmp_path / "seeded.db"
    store = open_store(path)
    assert not store.is_empty()
    # The demo city in motion: the generator's city on 2026-06-30 with its actuals.
    assert workbooks_equal(store.load_workbook(), generate_demo_in_motion(2026))
    assert not store.load_assumptions().empty
    again = open_store(path)
    assert again.audit_log()["action"].tolist().count("demo") == 1


# --------------------------------------------------------------------------------------------------
# Assumptions


def test_assumptions_round_trip(store):
    table = pd.DataFrame(
        {
            "key": ["award_ten_billion", "rd_ratio_srdi", "note"],
            "value": [1000, 0.03, "see 威政发〔2022〕3号"],
            "unit": ["万元", "", ""],
            "description_en": ["first crossing of 10 billion yuan", "R&D share", "text"],
            "description_zh": ["首次突破百亿元奖励", "研发占比", "说明"],
            "source": ["威政发〔2022〕3号", "工信部企业〔2022〕63号", ""],
        }
    )
    store.save_assumptions(table, user="wang")
    back = store.load_assumptions()
    assert list(back.columns) == list(table.columns)
    assert back["value"].tolist() == [1000, 0.03, "see 威政发〔2022〕3号"]
    assert back["description_zh"].tolist() == table["description_zh"].tolist()
    assert store.audit_log().iloc[0]["action"] == "save_assumptions"
    with pytest.raises(ValueError, match="missing columns"):
        store.save_assumptions(table.drop(columns=["source"]), user="wang")


# --------------------------------------------------------------------------------------------------
# Scenarios and the audit log


def test_scenario_life_cycle(store):
    settings = {"budgets": {"industry": 120.0}, "pool_share": 0.2, "locks": {"E1": "none"}}
    result = {"objective": 0.93, "targets": [{"target": "new_srdi", "p_meet": 0.71}]}
    first = store.save_scenario("高投入", settings, result, user="li")
    second = store.save_scenario("baseline", {}, None, user="wang")
    listed = store.list_scenarios()
    assert listed["name"].tolist() == ["高投入", "baseline"]
    assert list(listed.columns) == [
        "id",
        "name",
        "created_at",
        "updated_at",
        "author",
        "is_baseline",
    ]
    got = store.get_scenario(first)
    assert got["settings"] == settings and got["result"] == result
    assert got["author"] == "li" and got["is_baseline"] is False

    with pytest.raises(ScenarioNameTaken):
        store.save_scenario("高投入", {}, None, user="wang")
    assert (
        store.save_scenario("高投入", {"pool_share": 0.3}, None, user="wang", overwrite=True)
        == first
    )
    assert store.get_scenario(first)["settings"] == {"pool_share": 0.3}

    store.set_baseline(second, user="li")
    store.set_baseline(first, user="li")
    assert store.baseline_id() == first
    assert store.list_scenarios()["is_baseline"].tolist() == [True, False]

    with pytest.raises(ScenarioNameTaken):
        store.rename_scenario(second, "高投入", user="li")
    store.rename_scenario(second, "low cost", user="li")
    assert store.get_scenario(second)["name"] == "low cost"

    store.delete_scenario(first, user="li")
    assert store.baseline_id() is None
    with pytest.raises(KeyError):
        store.get_scenario(first)
    with pytest.raises(KeyError):
        store.delete_scenario(first, user="li")
    actions = store.audit_log()["action"].tolist()
    assert actions[0] == "delete_scenario"
    assert {"save_scenario", "overwrite_scenario", "set_baseline", "rename_scenario"} <= set(
        actions
    )


def test_scenario_results_may_hold_numpy_values(store):
    import numpy as np

    scenario_id = store.save_scenario(
        "np", {"goals": {"t": np.float64(2.5)}}, {"p": np.array([0.1, 0.2])}, user="li"
    )
    got = store.get_scenario(scenario_id)
    assert got["settings"] == {"goals": {"t": 2.5}} and got["result"] == {"p": [0.1, 0.2]}


def test_audit_log_is_newest_first_in_utc(store):
    store.log("li", "login")
    store.log("wang", "export", "plan.xlsx")
    log = store.audit_log()
    assert log["action"].tolist() == ["export", "login"]
    assert log.iloc[0]["ts"].endswith("+00:00")
    assert len(store.audit_log(limit=1)) == 1


def test_ten_threads_save_scenarios_at_once(store, tiny_workbook):
    store.replace_workbook(tiny_workbook, user="li")
    errors: list[BaseException] = []
    barrier = threading.Barrier(10)

    def session(i: int) -> None:
        try:
            barrier.wait()
            for j in range(5):
                store.save_scenario(f"s{i}-{j}", {"pool_share": i / 10}, {"j": j}, user=f"u{i}")
                store.load_workbook()
            store.close()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    names = set(store.list_scenarios()["name"])
    assert names == {f"s{i}-{j}" for i in range(10) for j in range(5)}


def test_busy_writer_is_retried(tmp_path, tiny_workbook, monkeypatch):
    path = tmp_path / "busy.db"
    store = open_store(path, create_demo=False)
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    other = Store(path)  # a second store: new connections with the short timeout
    blocker = sqlite3.connect(path, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")

    def release() -> None:
        time.sleep(0.3)
        blocker.rollback()

    threading.Thread(target=release).start()
    other.save_scenario("after the lock", {}, None, user="li")  # waits, retries, succeeds
    blocker.close()
    assert store.list_scenarios()["name"].tolist() == ["after the lock"]


def test_workbook_dataclass_is_what_the_store_returns(store, tiny_workbook):
    store.replace_workbook(tiny_workbook, user="li")
    assert isinstance(store.load_workbook(), Workbook)
    assert isinstance(store.path, Path)


# --------------------------------------------------------------------------------------------------
# 调度 snapshots and district goals


def _actuals(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["candidate_id", "status", "option", "date"])


def test_snapshots_are_kept_never_overwritten_and_audited(store, tiny_workbook):
    store.replace_workbook(tiny_workbook, user="alice")
    first = _actuals([("E1", "supported", "coaching", "2026-05-03")])
    second = _actuals([("E1", "succeeded", "coaching", "2026-06-20")])
    a = store.save_snapshot(first, "2026-05-31", {"spent": 10.0}, user="alice", note="May")
    b = store.save_snapshot(second, "2026-05-31", {"spent": 10.0}, user="bob")
    assert a != b  # the same date twice is a second snapshot, not an overwrite
    listed = store.list_snapshots()
    assert listed["id"].tolist() == [a, b]
    assert listed["rows"].tolist() == [1, 1]
    assert listed["author"].tolist() == ["alice", "bob"]
    got = store.get_snapshot(a)
    assert got["actuals"].to_dict("records") == first.to_dict("records")
    assert got["figures"] == {"spent": 10.0} and got["note"] == "May"
    figures = store.snapshot_figures()
    assert [f["id"] for f in figures] == [a, b] and figures[0]["as_of"] == "2026-05-31"
    log = store.audit_log()
    assert (log["action"] == "save_snapshot").sum() == 2
    assert f"#{b} as of 2026-05-31" in log.iloc[0]["detail"]
    # The database itself refuses to change or delete one.
    with pytest.raises(sqlite3.DatabaseError, match="never changed"):
        store.db.conn.execute("UPDATE dispatch_snapshots SET note = 'x' WHERE id = ?", (a,))
    with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
        store.db.conn.execute("DELETE FROM dispatch_snapshots WHERE id = ?", (a,))
    with pytest.raises(KeyError):
        store.get_snapshot(999)


def test_a_snapshot_sets_the_workbooks_as_of(store, tiny_workbook):
    store.replace_workbook(tiny_workbook, user="alice")
    store.save_snapshot(_actuals([]), "2026-06-30", user="alice")
    wb = store.load_workbook()
    assert wb.settings["as_of"] == "2026-06-30"
    assert wb.settings["note"] == "hello"  # the other settings stay as they were
    if hasattr(wb, "actuals"):
        assert wb.actuals.empty


def test_a_bad_snapshot_date_stores_nothing(store, tiny_workbook):
    store.replace_workbook(tiny_workbook, user="alice")
    with pytest.raises(ValueError):
        store.save_snapshot(_actuals([]), "30/06/2026", user="alice")
    assert store.list_snapshots().empty


def test_district_goals_round_trip_and_audit(store):
    assert store.load_district_goals().empty
    goals = pd.DataFrame(
        {"district": ["环翠区", "文登区"], "target": ["starts", "starts"], "goal": [3, 2.5]}
    )
    store.save_district_goals(goals, user="alice")
    back = store.load_district_goals()
    assert back.to_dict("records") == [
        {"district": "环翠区", "target": "starts", "goal": 3.0},
        {"district": "文登区", "target": "starts", "goal": 2.5},
    ]
    assert store.audit_log().iloc[0]["action"] == "save_district_goals"


def test_the_demo_comes_with_three_rounds_once(tmp_path):
    s = open_store(tmp_path / "demo.db")
    try:
        listed = s.list_snapshots()
        assert listed["as_of"].tolist() == ["2026-04-30", "2026-05-31", "2026-06-30"]
        assert (listed["rows"].diff().dropna() > 0).all()  # the year moves on
        s.seed_demo(user="alice")  # a reset of the demo keeps the rounds, adds none
        assert len(s.list_snapshots()) == 3
    finally:
        s.close()
