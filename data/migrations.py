"""The store's database schema as ordered migrations (sqlite-utils `Migrations`), each in its own transaction.

Add a change as a new function at the end; never edit one that has shipped. `apply_migrations` brings
any database, new or old, to the latest version and is a no-op when it is already there.
"""

from __future__ import annotations

import sqlite3
import threading
import time

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("weihai")

# One migrating connection at a time within a process; other processes are handled by retrying.
_migrate_lock = threading.Lock()


def _run(db: Database, script: str) -> None:
    """Run DDL statements inside the migration's transaction (executescript would commit early)."""
    db.executescript(script)


@migrations()
def m001_workbook_tables(db: Database) -> None:
    """One table per workbook sheet; ``position`` keeps row order, ``extra`` keeps free columns (JSON)."""
    _run(
        db,
        """
        CREATE TABLE budgets (
            fund_line TEXT PRIMARY KEY, amount REAL NOT NULL, pooled INTEGER NOT NULL,
            extra TEXT, position INTEGER NOT NULL);
        CREATE TABLE resources (
            resource TEXT PRIMARY KEY, capacity REAL NOT NULL, unit TEXT NOT NULL DEFAULT '',
            extra TEXT, position INTEGER NOT NULL);
        CREATE TABLE targets (
            target TEXT PRIMARY KEY, goal REAL NOT NULL, weight REAL NOT NULL,
            unit TEXT NOT NULL DEFAULT '', extra TEXT, position INTEGER NOT NULL);
        CREATE TABLE candidates (
            candidate_id TEXT PRIMARY KEY, name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('project', 'enterprise')),
            district TEXT NOT NULL, base_probability REAL NOT NULL, award REAL NOT NULL,
            award_line TEXT REFERENCES budgets (fund_line),
            extra TEXT, position INTEGER NOT NULL);
        CREATE TABLE contributions (
            candidate_id TEXT NOT NULL REFERENCES candidates (candidate_id),
            target TEXT NOT NULL REFERENCES targets (target),
            value REAL NOT NULL, extra TEXT, position INTEGER NOT NULL,
            PRIMARY KEY (candidate_id, target));
        CREATE TABLE options (
            candidate_id TEXT NOT NULL REFERENCES candidates (candidate_id),
            option TEXT NOT NULL, probability REAL NOT NULL,
            fund_line TEXT REFERENCES budgets (fund_line), cost REAL NOT NULL,
            extra TEXT, position INTEGER NOT NULL,
            PRIMARY KEY (candidate_id, option));
        CREATE TABLE option_use (
            candidate_id TEXT NOT NULL, option TEXT NOT NULL,
            resource TEXT NOT NULL REFERENCES resources (resource), amount REAL NOT NULL,
            PRIMARY KEY (candidate_id, option, resource),
            FOREIGN KEY (candidate_id, option) REFERENCES options (candidate_id, option));
        CREATE TABLE locks (
            candidate_id TEXT PRIMARY KEY REFERENCES candidates (candidate_id),
            option TEXT NOT NULL, extra TEXT, position INTEGER NOT NULL);
        CREATE TABLE floors (
            district TEXT PRIMARY KEY, min_share REAL NOT NULL, extra TEXT,
            position INTEGER NOT NULL);
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, position INTEGER NOT NULL);
        CREATE TABLE projects (project_id TEXT PRIMARY KEY, extra TEXT, position INTEGER NOT NULL);
        CREATE TABLE enterprises (firm_id TEXT PRIMARY KEY, extra TEXT, position INTEGER NOT NULL);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)
        """,
    )


@migrations()
def m002_assumptions(db: Database) -> None:
    """The assumptions table: one source for award amounts, thresholds and rates."""
    # ``value`` has no declared type so numbers stay numbers and text stays text.
    _run(
        db,
        """
        CREATE TABLE assumptions (
            key TEXT PRIMARY KEY, value, unit TEXT, description_en TEXT, description_zh TEXT,
            source TEXT, position INTEGER NOT NULL)
        """,
    )


@migrations()
def m003_scenarios_and_audit(db: Database) -> None:
    """Saved scenarios (at most one baseline) and the audit log."""
    _run(
        db,
        """
        CREATE TABLE scenarios (
            id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,
            settings TEXT NOT NULL, result TEXT, is_baseline INTEGER NOT NULL DEFAULT 0,
            author TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE UNIQUE INDEX scenarios_one_baseline ON scenarios (is_baseline) WHERE is_baseline = 1;
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, user TEXT NOT NULL,
            action TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
        CREATE INDEX audit_log_ts ON audit_log (ts)
        """,
    )


@migrations()
def m004_actuals_history(db: Database) -> None:
    """The options' paid_on_success, and the actuals and history sheets (docs/workbook.md)."""
    _run(
        db,
        """
        ALTER TABLE options ADD COLUMN paid_on_success REAL NOT NULL DEFAULT 0;
        CREATE TABLE actuals (
            candidate_id TEXT PRIMARY KEY REFERENCES candidates (candidate_id),
            status TEXT NOT NULL, option TEXT NOT NULL, date TEXT NOT NULL DEFAULT '',
            extra TEXT, position INTEGER NOT NULL);
        CREATE TABLE history (
            year REAL NOT NULL, kind TEXT NOT NULL, rung TEXT NOT NULL, support TEXT NOT NULL,
            outcome REAL NOT NULL, extra TEXT, position INTEGER NOT NULL)
        """,
    )


@migrations()
def m005_year(db: Database) -> None:
    """The year in motion (docs/dashboard.md "The year loop").

    The 调度 snapshots, which triggers keep from ever being changed or deleted, and the district
    goals (a product extension, docs/workbook.md). The workbook's actuals sheet is m004's table.
    """
    _run(
        db,
        """
        CREATE TABLE dispatch_snapshots (
            id INTEGER PRIMARY KEY AUTOINCREMENT, as_of TEXT NOT NULL, saved_at TEXT NOT NULL,
            author TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', actuals TEXT NOT NULL,
            figures TEXT NOT NULL);
        CREATE INDEX dispatch_snapshots_as_of ON dispatch_snapshots (as_of);
        CREATE TRIGGER dispatch_snapshots_never_updated BEFORE UPDATE ON dispatch_snapshots
        BEGIN SELECT RAISE(ABORT, 'a dispatch snapshot is never changed'); END;
        CREATE TRIGGER dispatch_snapshots_never_deleted BEFORE DELETE ON dispatch_snapshots
        BEGIN SELECT RAISE(ABORT, 'a dispatch snapshot is never deleted'); END;
        CREATE TABLE district_goals (
            district TEXT NOT NULL, target TEXT NOT NULL, goal REAL NOT NULL,
            position INTEGER NOT NULL, PRIMARY KEY (district, target))
        """,
    )


def migration_names() -> list[str]:
    """Every migration's name, oldest first (the last one is the latest schema version)."""
    return [m.name for m in migrations._migrations]


def apply_migrations(db: Database, *, attempts: int = 20) -> None:
    """Bring the database to the latest schema version; a no-op when it is already there.

    Another process migrating the same file at the same moment makes a step fail with "locked" or
    "already exists"; the step is then retried once that process is done.
    """
    with _migrate_lock:
        for attempt in range(attempts):
            try:
                migrations.apply(db)
                return
            except sqlite3.OperationalError as exc:
                text = str(exc).lower()
                retryable = "locked" in text or "busy" in text or "already exists" in text
                if not retryable or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
