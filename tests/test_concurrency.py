"""No lost writes: many planners saving scenarios, changing locks, setting baselines and importing at once.

Threads and separate processes write to one SQLite file together. Afterwards every write is there,
the database passes ``PRAGMA integrity_check``, readers only ever saw whole workbooks, and no writer
saw SQLITE_BUSY ("database is locked"): the store retries instead of surfacing it.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import traceback
from pathlib import Path

import pytest

from data.store import open_store
from data.workbook import workbook_differences
from tests.helpers import variant

WRITERS = 24  # threads; and as many processes below
SAVES_EACH = 4


def writer_job(db_path: str, i: int, start: object | None = None) -> None:
    """One planner: saves scenarios (with locks), overwrites one, sets a baseline, maybe imports."""
    if start is not None:
        start.wait()  # all writers start together
    store = open_store(db_path, create_demo=False)
    try:
        for k in range(SAVES_EACH):
            locks = {"E1": "coaching"} if (i + k) % 2 else {"E2": "none", "P1": "assisted_handling"}
            store.save_scenario(
                f"w{i}-s{k}",
                {"pool_share": k / 10, "locks": locks},
                {"objective": i + k / 10},
                user=f"u{i}",
            )
        # everybody edits the same shared scenario's locks: last writer wins, nobody errors
        store.save_scenario(
            "shared", {"locks": {"E1": f"coaching-{i}"}}, None, user=f"u{i}", overwrite=True
        )
        sid = store.save_scenario(f"w{i}-base", {"pool_share": 0.0}, None, user=f"u{i}")
        store.set_baseline(sid, user=f"u{i}")
        if i % 3 == 0:
            store.replace_workbook(variant(i), user=f"u{i}", action="import", detail=f"variant {i}")
        store.log(f"u{i}", "done", str(i))
    finally:
        store.close()


def _process_entry(db_path: str, i: int, start, errors) -> None:
    try:
        writer_job(db_path, i, start)
    except BaseException:
        errors.put(f"process {i}: {traceback.format_exc()}")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "shared.db"
    store = open_store(path, create_demo=False)
    store.replace_workbook(variant(-1), user="seed")
    store.close()
    return path


def assert_every_write_present(db_path: Path, writers: list[int]) -> None:
    store = open_store(db_path, create_demo=False)
    try:
        names = set(store.list_scenarios()["name"])
        expected = {f"w{i}-s{k}" for i in writers for k in range(SAVES_EACH)}
        expected |= {f"w{i}-base" for i in writers} | {"shared"}
        assert expected <= names, sorted(expected - names)[:10]
        for i in writers:
            sid = int(store.list_scenarios().set_index("name").loc[f"w{i}-s1", "id"])
            record = store.get_scenario(sid)
            assert record["settings"]["pool_share"] == 0.1 and record["author"] == f"u{i}"
        shared = store.list_scenarios().set_index("name").loc["shared", "id"]
        assert store.get_scenario(int(shared))["settings"]["locks"]["E1"] in {
            f"coaching-{i}" for i in writers
        }
        baselines = store.list_scenarios()["is_baseline"].sum()
        assert baselines == 1
        log = store.audit_log(limit=100_000)
        done = set(log.loc[log["action"] == "done", "detail"])
        assert done == {str(i) for i in writers}
        per_writer = SAVES_EACH + 1 + 1 + 1  # saves, shared, base, set_baseline
        saves = log["action"].isin(["save_scenario", "overwrite_scenario", "set_baseline"]).sum()
        assert saves == per_writer * len(writers)
        imports = log.loc[log["action"] == "import", "detail"].tolist()
        assert len(imports) == 1 + sum(1 for i in writers if i % 3 == 0)
        # the stored workbook is exactly one of the imported ones, never a mixture
        stored = store.load_workbook()
        candidates = [variant(-1)] + [variant(i) for i in writers if i % 3 == 0]
        assert any(workbook_differences(stored, c) == [] for c in candidates)
    finally:
        store.close()
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_many_threads_lose_nothing(db_path):
    start = threading.Barrier(WRITERS)
    errors: list[str] = []

    def run(i: int) -> None:
        try:
            writer_job(str(db_path), i, start)
        except BaseException:
            errors.append(f"thread {i}: {traceback.format_exc()}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == [], errors[0]
    assert_every_write_present(db_path, list(range(WRITERS)))


def test_many_processes_lose_nothing(db_path):
    ctx = multiprocessing.get_context("fork")  # the parent holds no open connection at this point
    start = ctx.Barrier(WRITERS)
    errors = ctx.Queue()
    procs = [
        ctx.Process(target=_process_entry, args=(str(db_path), i, start, errors))
        for i in range(WRITERS)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=180)
    alive = [p for p in procs if p.is_alive()]
    for p in alive:
        p.kill()
    assert not alive, "a writer hung"
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == [], problems[0]
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    assert_every_write_present(db_path, list(range(WRITERS)))


def test_readers_see_whole_workbooks_while_imports_run(db_path):
    """A reader during imports gets the workbook before or after an import, never half of each."""
    known = [variant(i) for i in range(-1, 12)]
    amounts = {float(wb.budgets["amount"].iloc[0]) for wb in known}
    stop = threading.Event()
    errors: list[str] = []
    seen: list[float] = []

    def importer(i: int) -> None:
        store = open_store(db_path, create_demo=False)
        try:
            for _ in range(3):
                store.replace_workbook(known[i], user=f"imp{i}")
        except BaseException:
            errors.append(traceback.format_exc())
        finally:
            store.close()

    def reader() -> None:
        store = open_store(db_path, create_demo=False)
        try:
            while not stop.is_set():
                wb = store.load_workbook()
                amount = float(wb.budgets["amount"].iloc[0])
                seen.append(amount)
                match = known[int(amount) - 99]
                diffs = workbook_differences(wb, match)
                if diffs:
                    errors.append(f"mixed workbook: {diffs[:3]}")
        except BaseException:
            errors.append(traceback.format_exc())
        finally:
            store.close()

    readers = [threading.Thread(target=reader) for _ in range(4)]
    importers = [threading.Thread(target=importer, args=(i,)) for i in range(1, len(known))]
    for t in readers + importers:
        t.start()
    for t in importers:
        t.join(timeout=120)
    stop.set()
    for t in readers:
        t.join(timeout=30)
    assert errors == [], errors[0]
    assert seen and set(seen) <= amounts


def test_cli_imports_and_scenario_saves_together(db_path, tmp_path):
    """``python -m data import`` processes racing dashboard threads that save scenarios."""
    import os
    import subprocess
    import sys

    from data.workbook import write_workbook

    repo = Path(__file__).resolve().parents[1]
    files = []
    for i in range(3):
        path = tmp_path / f"v{i}.xlsx"
        write_workbook(variant(50 + i), path)
        files.append(path)
    env = {**os.environ, "PYTHONPATH": str(repo)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "data", "import", str(f), "--db", str(db_path)],
            cwd=repo,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    errors: list[str] = []

    def saver(i: int) -> None:
        store = open_store(db_path, create_demo=False)
        try:
            for k in range(10):
                store.save_scenario(f"cli-race-{i}-{k}", {"pool_share": 0.1}, None, user="p")
        except BaseException:
            errors.append(traceback.format_exc())
        finally:
            store.close()

    threads = [threading.Thread(target=saver, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    outputs = [p.communicate(timeout=120) for p in procs]
    for t in threads:
        t.join(timeout=60)
    assert errors == [], errors[0]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err.lower()
    store = open_store(db_path, create_demo=False)
    try:
        names = set(store.list_scenarios()["name"])
        assert {f"cli-race-{i}-{k}" for i in range(4) for k in range(10)} <= names
        stored = store.load_workbook()
        assert any(workbook_differences(stored, variant(50 + i)) == [] for i in range(3))
    finally:
        store.close()


@pytest.mark.parametrize("busy_timeout_ms", [5000, 20])
def test_busy_database_is_retried_not_shown(db_path, monkeypatch, busy_timeout_ms):
    """Another process holds the write lock for a while: the save waits (busy timeout) or retries."""
    import time

    import data.store as store_module

    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", busy_timeout_ms)
    blocker = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # hold the write lock
    release = threading.Timer(0.8, lambda: blocker.execute("COMMIT"))
    release.start()
    store = open_store(db_path, create_demo=False)
    try:
        started = time.perf_counter()
        sid = store.save_scenario("waited", {"pool_share": 0.1}, None, user="p")
        waited = time.perf_counter() - started
        assert store.get_scenario(sid)["name"] == "waited"
        assert waited >= 0.5, "the save must have waited for the lock"
    finally:
        release.join()
        blocker.close()
        store.close()
