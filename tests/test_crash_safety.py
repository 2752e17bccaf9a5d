"""Crash safety: a process killed with SIGKILL in the middle of an import or a scenario save.

A child process opens the store and starts writing; inside the transaction (after some rows are
written, before the commit) it tells the parent and sleeps, and the parent kills it with SIGKILL.
The store must then be exactly as it was before. A second test kills a busy writer at random moments
in a loop: every time, the store is whole (integrity check), holds exactly one of the workbooks that
were imported, and every scenario is complete with its audit entry: before, or fully after.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from data.store import open_store
from data.workbook import workbook_differences
from tests.helpers import integrity, store_fingerprint, variant

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


def spawn(code: str) -> subprocess.Popen:
    """A child Python running ``code`` from the repository, its output read as text."""
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "crash.db"
    store = open_store(path, create_demo=False)
    store.replace_workbook(variant(0), user="seed")
    store.save_scenario("before", {"pool_share": 0.1}, None, user="seed")
    store.close()
    return path


# The child: patch the store so it pauses inside the write transaction, announce it, and wait to die.
CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {repo!r})
    from data.store import Store, open_store
    from tests.helpers import variant

    def announce_and_wait(conn):
        # Make the uncommitted transaction spill to the write-ahead log on disk, so the kill really
        # leaves half a transaction in the files (small ones would stay in memory until COMMIT).
        conn.execute("PRAGMA cache_size = 10")
        for _ in range(40):
            conn.execute(
                "INSERT INTO audit_log (ts, user, action, detail) VALUES ('x', 'victim', 'pad', ?)",
                ("x" * 100_000,),
            )
        print("IN-TRANSACTION", flush=True)
        time.sleep(60)

    mode = {mode!r}
    store = open_store({db!r}, create_demo=False)
    if mode == "import":
        original = Store._insert_sheet

        def slow_insert(conn, name, frame, resources):
            layout = original(conn, name, frame, resources)
            if name == "options":  # budgets .. options are written, locks and the rest not yet
                announce_and_wait(conn)
            return layout

        Store._insert_sheet = staticmethod(slow_insert)
        store.replace_workbook(variant(7), user="victim", action="import")
    else:
        original_audit = Store._audit

        def slow_audit(conn, user, action, detail=""):
            original_audit(conn, user, action, detail)  # the scenario row and its audit entry are written
            announce_and_wait(conn)

        Store._audit = staticmethod(slow_audit)
        store.save_scenario("half-saved", {{"pool_share": 0.3}}, {{"objective": 1}}, user="victim")
    print("COMMITTED", flush=True)
    """
)


@pytest.mark.parametrize("mode", ["import", "scenario"])
def test_sigkill_inside_the_transaction_leaves_the_store_as_before(db_path, mode):
    before = store_fingerprint(db_path)
    child = spawn(CHILD.format(repo=str(REPO), db=str(db_path), mode=mode))
    try:
        line = child.stdout.readline()
        assert line.strip() == "IN-TRANSACTION", (
            line,
            child.stderr.read() if child.poll() is not None else "",
        )
        # the child's uncommitted rows really are in the database files at this point
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 1_000_000
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    assert integrity(db_path) == "ok"
    assert store_fingerprint(db_path) == before
    store = open_store(db_path, create_demo=False)
    try:
        assert workbook_differences(store.load_workbook(), variant(0)) == []
        assert list(store.list_scenarios()["name"]) == ["before"]
        assert "victim" not in set(store.audit_log()["user"])
    finally:
        store.close()


LOOP_CHILD = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {repo!r})
    from data.store import open_store
    from tests.helpers import variant

    store = open_store({db!r}, create_demo=False)
    workbooks = [variant(i) for i in range(1, 4)]
    print("READY", flush=True)
    n = 0
    while True:
        n += 1
        store.replace_workbook(workbooks[n % 3], user="loop", action="import", detail=str(n))
        store.save_scenario(
            f"run{{{run}}}-{{n}}", {{"pool_share": 0.2, "n": n, "pad": "x" * 20000}}, {{"n": n}}, user="loop"
        )
    """
)


def test_sigkill_at_random_moments_leaves_before_or_after(db_path):
    rng = random.Random(6)
    known = [variant(i) for i in range(0, 4)]
    for run in range(6):
        child = spawn(LOOP_CHILD.format(repo=str(REPO), db=str(db_path), run=run))
        try:
            assert child.stdout.readline().strip() == "READY", child.stderr.read()
            time.sleep(rng.uniform(0.05, 0.6))
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=10)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        assert integrity(db_path) == "ok", f"run {run}"
        store = open_store(db_path, create_demo=False)
        try:
            stored = store.load_workbook()
            assert any(workbook_differences(stored, wb) == [] for wb in known), f"run {run}: mixed"
            scenarios = store.list_scenarios()
            log = store.audit_log(limit=1_000_000)
            saved = log[log["action"] == "save_scenario"]["detail"].tolist()
            assert len(saved) == len(scenarios), f"run {run}: a scenario without its audit entry"
            for sid, name in zip(scenarios["id"], scenarios["name"], strict=True):
                record = store.get_scenario(int(sid))
                if name.startswith("run"):
                    n = int(name.rsplit("-", 1)[1])
                    assert record["settings"]["n"] == n and record["result"] == {"n": n}
                    assert len(record["settings"]["pad"]) == 20000
        finally:
            store.close()
    assert any(n.startswith("run") for n in scenarios["name"]), "the loop never committed anything"
    json.dumps(saved)  # the audit details are plain text
