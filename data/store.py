"""The product's SQLite store: the planning workbook, assumptions, saved scenarios and the audit log.

One SQLite file, WAL mode, foreign keys on. Each thread gets its own connection (a sqlite3 connection
must not cross threads). Writes are short ``BEGIN IMMEDIATE`` transactions, retried while another
writer holds the lock, so many dashboard sessions can save at once.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar, cast

import numpy as np
import pandas as pd
from sqlite_utils import Database

from data.migrations import apply_migrations
from data.schema import DESCRIPTIVE_SHEETS, SETTINGS_DEFAULTS, SHEETS, Workbook, empty_frame

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000  # SQLite waits this long for a lock before reporting SQLITE_BUSY ...
WRITE_ATTEMPTS = 8  # ... and a write is then retried this many times with a growing pause.

ASSUMPTION_COLUMNS = ["key", "value", "unit", "description_en", "description_zh", "source"]

# Text columns that reference another table: blank is stored as NULL so the foreign key holds.
_NULLABLE_REFERENCES = {("candidates", "award_line"), ("options", "fund_line")}
_SHEET_TABLES = [n for n in SHEETS if n != "settings"]
SNAPSHOT_COLUMNS = ["id", "as_of", "saved_at", "author", "note", "rows"]
DISTRICT_GOAL_COLUMNS = ["district", "target", "goal"]


class ScenarioNameTaken(ValueError):
    """A scenario with this name already exists (pass ``overwrite=True`` to replace it)."""


def default_db_path() -> Path:
    """Where the store lives: ``$WEIHAI_DB``, else ``<repo>/data/weihai.db``."""
    env = os.environ.get("WEIHAI_DB")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent / "weihai.db"


def open_store(path: str | Path | None = None, *, create_demo: bool = True) -> Store:
    """Open (creating and migrating as needed) the store; seed the demo city when it is empty.

    Parameters
    ----------
    path
        The SQLite file; default `default_db_path()`.
    create_demo
        When the store holds no workbook, fill it with the demo city in motion
        (``data.demo.actuals.generate_demo_in_motion()``, with its three 调度 rounds) and, if there
        are none yet, ``data.demo.default_assumptions()``.
    """
    path = Path(path) if path is not None else default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    store = Store(path)
    if create_demo and store.is_empty():
        store.seed_demo(user="system", only_if_empty=True)
    return store


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


_SCENARIO_NAME = "SELECT name FROM scenarios WHERE id = ?"


def _one_row(conn: sqlite3.Connection, sql: str, key: int, what: str) -> tuple:
    """The row ``sql`` selects for ``key`` (its one ``?``); KeyError "no <what> #<key>" when none."""
    row = conn.execute(sql, (int(key),)).fetchone()
    if row is None:
        raise KeyError(f"no {what} #{key}")
    return tuple(row)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, pd.DataFrame):
        return value.to_dict(orient="records")
    if isinstance(value, pd.Series):
        return value.tolist()
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.isoformat()
    raise TypeError(f"cannot store a {type(value).__name__} as JSON")


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_json_default)


def _dumps(value: object) -> str:
    return _ENCODER.encode(value)


def _extra_kind(series: pd.Series) -> str:
    """How an extra column is stored and restored: ``bool``, ``number`` (float) or ``object``."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(series.dtype):
        return "number"
    return "object"


def _plain(value: object) -> object:
    """A Python scalar for SQLite/JSON (numpy scalars unwrapped)."""
    return value.item() if isinstance(value, np.generic) else value


class Store:
    """The SQLite store. Safe to share between threads: each thread uses its own connection.

    Parameters
    ----------
    path
        The SQLite file (created if missing). The schema is migrated to the latest version.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._local = threading.local()
        db = self.db
        db.enable_wal()
        apply_migrations(db)

    # ---------------------------------------------------------------------------------------------
    # Connections and transactions

    @property
    def db(self) -> Database:
        """This thread's sqlite-utils Database (opened on first use)."""
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000)
            db = Database(conn, execute_plugins=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.db = db
        return db

    def close(self) -> None:
        """Close this thread's connection (others close with their threads)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file (for backups and byte comparisons)."""
        self.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` in one short write transaction; retry while another writer holds the lock."""
        conn = self.db.conn
        for attempt in range(WRITE_ATTEMPTS):
            try:
                # IMMEDIATE takes the write lock up front, so the busy timeout applies here rather
                # than failing later when a read transaction would have to be upgraded.
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if _is_busy(exc) and attempt < WRITE_ATTEMPTS - 1:
                    time.sleep(0.05 * 2**attempt)
                    continue
                raise
            try:
                result = work(conn)
                conn.execute("COMMIT")
                return result
            except sqlite3.OperationalError as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if _is_busy(exc) and attempt < WRITE_ATTEMPTS - 1:
                    time.sleep(0.05 * 2**attempt)
                    continue
                raise
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        raise RuntimeError("unreachable")  # pragma: no cover

    def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run several reads on one consistent snapshot."""
        conn = self.db.conn
        conn.execute("BEGIN")
        try:
            return work(conn)
        finally:
            conn.execute("ROLLBACK")

    @staticmethod
    def _audit(conn: sqlite3.Connection, user: str, action: str, detail: str = "") -> None:
        conn.execute(
            "INSERT INTO audit_log (ts, user, action, detail) VALUES (?, ?, ?, ?)",
            (_now(), user, action, detail),
        )

    # ---------------------------------------------------------------------------------------------
    # The workbook

    def is_empty(self) -> bool:
        """Whether no workbook has been stored yet (no fund lines and no candidates)."""
        row = self.db.execute(
            "SELECT EXISTS (SELECT 1 FROM budgets) OR EXISTS (SELECT 1 FROM candidates)"
        ).fetchone()
        return not row[0]

    def replace_workbook(
        self, wb: Workbook, *, user: str, action: str = "import", detail: str = ""
    ) -> None:
        """Replace every sheet with ``wb``'s, and log it, in one transaction (all or nothing).

        Parameters
        ----------
        wb
            A validated workbook (see `data.workbook.validate_tables`).
        user, action, detail
            The audit-log entry written with the data.
        """

        def work(conn: sqlite3.Connection) -> None:
            self._write_workbook(conn, wb)
            summary = f"{len(wb.candidates)} candidates, {len(wb.options)} options"
            self._audit(conn, user, action, f"{detail} ({summary})" if detail else summary)

        self._write(work)

    def _write_workbook(self, conn: sqlite3.Connection, wb: Workbook) -> None:
        # Children first, so foreign keys hold at every step.
        for table in (
            "actuals",
            "history",
            "option_use",
            "locks",
            "options",
            "contributions",
            "candidates",
            "floors",
            "targets",
            "resources",
            "budgets",
            "settings",
            "projects",
            "enterprises",
        ):
            conn.execute(f"DELETE FROM {table}")
        resources = [str(r) for r in wb.resources["resource"]]
        layout: dict[str, list[list[str]]] = {}
        for name in ("budgets", "resources", "targets", "candidates", "contributions", "options"):
            layout[name] = self._insert_sheet(conn, name, getattr(wb, name), resources)
        for name in ("locks", "floors", "actuals", "history", *DESCRIPTIVE_SHEETS):
            layout[name] = self._insert_sheet(conn, name, getattr(wb, name), resources)
        options = wb.options
        use_rows = []
        ids, names = options["candidate_id"].tolist(), options["option"].tolist()
        for resource in resources:
            if resource not in options.columns:
                continue
            for cid, option, amount in zip(ids, names, options[resource].tolist(), strict=True):
                if amount:
                    use_rows.append((cid, option, resource, float(amount)))
        conn.executemany(
            "INSERT INTO option_use (candidate_id, option, resource, amount) VALUES (?, ?, ?, ?)",
            use_rows,
        )
        conn.executemany(
            "INSERT INTO settings (key, value, position) VALUES (?, ?, ?)",
            [(str(k), _dumps(_plain(v)), i) for i, (k, v) in enumerate(wb.settings.items())],
        )
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('extra_columns', ?)",
            (_dumps(layout),),
        )

    @staticmethod
    def _insert_sheet(
        conn: sqlite3.Connection, name: str, frame: pd.DataFrame, resources: list[str]
    ) -> list[list[str]]:
        """Insert one sheet; return its extra columns as ``[name, kind]`` pairs, in order."""
        contract = SHEETS[name].column_names
        skip = set(contract) | (set(resources) if name == "options" else set())
        extras = [str(c) for c in frame.columns if c not in skip]
        kinds = [_extra_kind(frame[c]) for c in extras]
        n = len(frame)
        columns = []
        for col in SHEETS[name].columns:
            if col.name in frame.columns:
                values = frame[col.name].tolist()
            else:
                values = [col.default] * n
            if col.type == "yn":
                values = [int(bool(v)) for v in values]
            elif col.type == "number":
                values = [float(v) for v in values]
            elif (name, col.name) in _NULLABLE_REFERENCES:
                values = [v if v else None for v in values]
            columns.append(values)
        # One encoder and whole columns at a time: the demo's ~13,000 rows of extras (the options'
        # act_by among them) took most of a save when each row went through json.dumps' keywords.
        extra_values = [
            frame[c].tolist()
            if kind != "object"
            else [_plain(v) for v in frame[c].tolist()]  # object columns may hold numpy scalars
            for c, kind in zip(extras, kinds, strict=True)
        ]
        encode = _ENCODER.encode
        extra_json: list[str | None] = (
            [encode(dict(zip(extras, row, strict=True))) for row in zip(*extra_values, strict=True)]
            if extras
            else [None] * n
        )
        names = [*contract, "extra", "position"]
        sql = f"INSERT INTO {name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        conn.executemany(sql, zip(*columns, extra_json, range(n), strict=True))
        return [[c, k] for c, k in zip(extras, kinds, strict=True)]

    def load_workbook(self) -> Workbook:
        """The stored workbook, exactly as it was written (empty sheets on an empty store)."""
        return self._read(self._load_workbook)

    def _load_workbook(self, conn: sqlite3.Connection) -> Workbook:
        row = conn.execute("SELECT value FROM meta WHERE key = 'extra_columns'").fetchone()
        layout: dict[str, list[list[str]]] = json.loads(row[0]) if row else {}
        frames: dict[str, pd.DataFrame] = {}
        for name in _SHEET_TABLES:
            frames[name] = self._load_sheet(conn, name, layout.get(name, []))
        resources = frames["resources"]["resource"].tolist()
        options = frames["options"]
        if resources:
            index = {
                key: i
                for i, key in enumerate(
                    zip(options["candidate_id"].tolist(), options["option"].tolist(), strict=True)
                )
            }
            use = {r: [0.0] * len(options) for r in resources}
            for cid, option, resource, amount in conn.execute(
                "SELECT candidate_id, option, resource, amount FROM option_use"
            ):
                use[resource][index[(cid, option)]] = amount
            # Resource columns sit right after ``cost``, before any extra columns.
            contract = SHEETS["options"].column_names
            extras = [c for c in options.columns if c not in contract]
            data = {c: options[c] for c in contract}
            data.update({r: pd.Series(use[r], dtype="float64") for r in resources})
            data.update({c: options[c] for c in extras})
            frames["options"] = pd.DataFrame(data, index=pd.RangeIndex(len(options)))
        settings: dict[str, object] = {}
        for key, value in conn.execute("SELECT key, value FROM settings ORDER BY position"):
            settings[key] = json.loads(value)
        if not settings:
            settings = dict(SETTINGS_DEFAULTS)
        return Workbook(**frames, settings=settings)

    @staticmethod
    def _load_sheet(conn: sqlite3.Connection, name: str, extras: list[list[str]]) -> pd.DataFrame:
        sheet = SHEETS[name]
        contract = sheet.column_names
        rows = conn.execute(
            f"SELECT {', '.join(contract)}, extra FROM {name} ORDER BY position"
        ).fetchall()
        if not rows and not extras:
            return empty_frame(name)
        columns = list(zip(*rows, strict=True)) if rows else [()] * (len(contract) + 1)
        data: dict[str, pd.Series] = {}
        for j, col in enumerate(sheet.columns):
            values = list(columns[j])
            if col.type == "number":
                data[col.name] = pd.Series(values, dtype="float64")
            elif col.type == "yn":
                data[col.name] = pd.Series([bool(v) for v in values], dtype="bool")
            else:
                data[col.name] = pd.Series(["" if v is None else v for v in values], dtype=object)
        if extras:
            decoded = [json.loads(e) if e else {} for e in columns[-1]]
            for column, kind in extras:
                values = [d.get(column) for d in decoded]
                if kind == "number":
                    data[column] = pd.Series(
                        [math.nan if v is None else v for v in values], dtype="float64"
                    )
                elif kind == "bool":
                    data[column] = pd.Series(values, dtype="bool")
                else:
                    data[column] = pd.Series(values, dtype=object)
        return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))

    def seed_demo(self, *, user: str, seed: int = 2026, only_if_empty: bool = False) -> bool:
        """Store the demo city (and default assumptions when none are stored).

        Returns
        -------
        bool
            False when ``only_if_empty`` and another session stored a workbook first.
        """
        from data import demo  # lazy: the demo generator is only needed to seed

        assumptions = self.load_assumptions()
        fresh_assumptions = assumptions.empty
        if fresh_assumptions:
            assumptions = demo.default_assumptions()
        from data.demo.actuals import demo_snapshots, generate_demo_in_motion

        wb = generate_demo_in_motion(seed, assumptions)  # the demo city on 2026-06-30, in motion

        rounds = demo_snapshots(wb, seed)  # the demo's three 调度 rounds, drawn before the write

        def work(conn: sqlite3.Connection) -> bool:
            if only_if_empty:
                filled = conn.execute(
                    "SELECT EXISTS (SELECT 1 FROM budgets) OR EXISTS (SELECT 1 FROM candidates)"
                ).fetchone()[0]
                if filled:
                    return False
            if fresh_assumptions:
                self._write_assumptions(conn, assumptions)
            self._write_workbook(conn, wb)
            kept = conn.execute("SELECT EXISTS (SELECT 1 FROM dispatch_snapshots)").fetchone()[0]
            for as_of, actuals in [] if kept else rounds:  # rounds already kept stay the only ones
                # Figures are left to optimizer.progress (it fills in what a round did not keep).
                conn.execute(
                    "INSERT INTO dispatch_snapshots (as_of, saved_at, author, note, actuals,"
                    " figures) VALUES (?, ?, ?, 'demo', ?, '{}')",
                    (as_of, _now(), user, _dumps(actuals.to_dict(orient="records"))),
                )
            self._audit(
                conn,
                user,
                "demo",
                f"demo city, seed {seed} ({len(wb.candidates)} candidates, {len(wb.options)} options)",
            )
            return True

        return self._write(work)

    # ---------------------------------------------------------------------------------------------
    # Assumptions

    def load_assumptions(self) -> pd.DataFrame:
        """The assumptions table: key, value, unit, description_en, description_zh, source."""
        rows = self.db.execute(
            f"SELECT {', '.join(ASSUMPTION_COLUMNS)} FROM assumptions ORDER BY position"
        ).fetchall()
        if not rows:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in ASSUMPTION_COLUMNS})
        return pd.DataFrame(rows, columns=ASSUMPTION_COLUMNS)

    def save_assumptions(self, df: pd.DataFrame, *, user: str) -> None:
        """Replace the assumptions table with ``df`` (same columns), and log it, in one transaction."""

        def work(conn: sqlite3.Connection) -> None:
            self._write_assumptions(conn, df)
            self._audit(conn, user, "save_assumptions", f"{len(df)} assumptions")

        self._write(work)

    @staticmethod
    def _write_assumptions(conn: sqlite3.Connection, df: pd.DataFrame) -> None:
        missing = [c for c in ASSUMPTION_COLUMNS if c not in df.columns]
        if missing:
            raise ValueError(f"assumptions are missing columns {missing}")
        conn.execute("DELETE FROM assumptions")
        columns = [[_plain(v) for v in df[c].tolist()] for c in ASSUMPTION_COLUMNS]
        conn.executemany(
            f"INSERT INTO assumptions ({', '.join(ASSUMPTION_COLUMNS)}, position) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            zip(*columns, range(len(df)), strict=True),
        )

    # ---------------------------------------------------------------------------------------------
    # Scenarios

    def save_scenario(
        self,
        name: str,
        settings: dict,
        result: dict | None,
        *,
        user: str,
        overwrite: bool = False,
    ) -> int:
        """Save a scenario's settings (and optionally its result); return its id.

        Raises
        ------
        ScenarioNameTaken
            When a scenario of that name exists and ``overwrite`` is False.
        """
        name = name.strip()
        if not name:
            raise ValueError("a scenario needs a name")
        settings_json = _dumps(settings)
        result_json = None if result is None else _dumps(result)

        def work(conn: sqlite3.Connection) -> int:
            now = _now()
            row = conn.execute("SELECT id FROM scenarios WHERE name = ?", (name,)).fetchone()
            if row is not None:
                if not overwrite:
                    raise ScenarioNameTaken(f"a scenario named {name!r} already exists")
                conn.execute(
                    "UPDATE scenarios SET settings = ?, result = ?, updated_at = ? WHERE id = ?",
                    (settings_json, result_json, now, row[0]),
                )
                scenario_id = int(row[0])
                self._audit(conn, user, "overwrite_scenario", f"#{scenario_id} {name}")
                return scenario_id
            cursor = conn.execute(
                "INSERT INTO scenarios (name, settings, result, is_baseline, author, created_at,"
                " updated_at) VALUES (?, ?, ?, 0, ?, ?, ?)",
                (name, settings_json, result_json, user, now, now),
            )
            scenario_id = int(cast(int, cursor.lastrowid))  # set after an INSERT
            self._audit(conn, user, "save_scenario", f"#{scenario_id} {name}")
            return scenario_id

        return self._write(work)

    def list_scenarios(self) -> pd.DataFrame:
        """Saved scenarios, oldest first: id, name, created_at, updated_at, author, is_baseline."""
        columns = ["id", "name", "created_at", "updated_at", "author", "is_baseline"]
        rows = self.db.execute(f"SELECT {', '.join(columns)} FROM scenarios ORDER BY id").fetchall()
        frame = pd.DataFrame(rows, columns=columns)
        frame["id"] = frame["id"].astype("int64")
        frame["is_baseline"] = frame["is_baseline"].astype(bool)
        return frame

    def get_scenario(self, scenario_id: int) -> dict:
        """One scenario: id, name, settings, result, is_baseline, created_at, updated_at, author.

        Raises
        ------
        KeyError
            When there is no such scenario.
        """
        row = _one_row(
            self.db.conn,
            "SELECT id, name, settings, result, is_baseline, created_at, updated_at, author"
            " FROM scenarios WHERE id = ?",
            scenario_id,
            "scenario",
        )
        return {
            "id": row[0],
            "name": row[1],
            "settings": json.loads(row[2]),
            "result": None if row[3] is None else json.loads(row[3]),
            "is_baseline": bool(row[4]),
            "created_at": row[5],
            "updated_at": row[6],
            "author": row[7],
        }

    def rename_scenario(self, scenario_id: int, name: str, *, user: str) -> None:
        """Rename a scenario (``ScenarioNameTaken`` if another has that name; ``KeyError`` if unknown)."""
        name = name.strip()
        if not name:
            raise ValueError("a scenario needs a name")

        def work(conn: sqlite3.Connection) -> None:
            other = conn.execute(
                "SELECT id FROM scenarios WHERE name = ? AND id != ?", (name, int(scenario_id))
            ).fetchone()
            if other is not None:
                raise ScenarioNameTaken(f"a scenario named {name!r} already exists")
            cursor = conn.execute(
                "UPDATE scenarios SET name = ?, updated_at = ? WHERE id = ?",
                (name, _now(), int(scenario_id)),
            )
            if cursor.rowcount == 0:
                raise KeyError(f"no scenario #{scenario_id}")
            self._audit(conn, user, "rename_scenario", f"#{scenario_id} → {name}")

        self._write(work)

    def delete_scenario(self, scenario_id: int, *, user: str) -> None:
        """Delete a scenario (``KeyError`` if unknown)."""

        def work(conn: sqlite3.Connection) -> None:
            row = _one_row(conn, _SCENARIO_NAME, scenario_id, "scenario")
            conn.execute("DELETE FROM scenarios WHERE id = ?", (int(scenario_id),))
            self._audit(conn, user, "delete_scenario", f"#{scenario_id} {row[0]}")

        self._write(work)

    def set_baseline(self, scenario_id: int, *, user: str) -> None:
        """Make this scenario the baseline (the previous baseline stops being one)."""

        def work(conn: sqlite3.Connection) -> None:
            row = _one_row(conn, _SCENARIO_NAME, scenario_id, "scenario")
            conn.execute("UPDATE scenarios SET is_baseline = 0 WHERE is_baseline = 1")
            conn.execute("UPDATE scenarios SET is_baseline = 1 WHERE id = ?", (int(scenario_id),))
            self._audit(conn, user, "set_baseline", f"#{scenario_id} {row[0]}")

        self._write(work)

    def baseline_id(self) -> int | None:
        """The baseline scenario's id, or None."""
        row = self.db.execute("SELECT id FROM scenarios WHERE is_baseline = 1").fetchone()
        return None if row is None else int(row[0])

    # ---------------------------------------------------------------------------------------------
    # 调度 snapshots and district goals (docs/dashboard.md "The year loop")

    def save_snapshot(
        self,
        actuals: pd.DataFrame,
        as_of: str,
        figures: dict | None = None,
        *,
        user: str,
        note: str = "",
        update_workbook: bool = True,
    ) -> int:
        """Keep one 调度 round as a new dated snapshot; return its id. Snapshots are never overwritten
        (a second round on the same date is a second snapshot) and never deleted.

        Parameters
        ----------
        actuals
            The actuals table as of ``as_of`` (checked by the caller: `optimizer.progress.check_actuals`).
        as_of
            The date of the round, YYYY-MM-DD.
        figures
            The round's key figures (`optimizer.progress.snapshot_figures`), kept as they were.
        update_workbook
            Also make ``actuals`` the workbook's actuals sheet and ``as_of`` its setting, in the same
            short transaction, so the next re-plan starts from this round.
        """
        as_of = date.fromisoformat(str(as_of).strip()).isoformat()
        frame = actuals.reset_index(drop=True)
        rows_json = _dumps(frame.to_dict(orient="records"))
        figures_json = _dumps(figures or {})

        def work(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "INSERT INTO dispatch_snapshots (as_of, saved_at, author, note, actuals, figures)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (as_of, _now(), user, note, rows_json, figures_json),
            )
            snapshot_id = int(cast(int, cursor.lastrowid))  # set after an INSERT
            if update_workbook:
                self._write_actuals(conn, frame, as_of)
            self._audit(
                conn,
                user,
                "save_snapshot",
                f"#{snapshot_id} as of {as_of}: {len(frame)} actuals rows"
                + (f" ({note})" if note else ""),
            )
            return snapshot_id

        return self._write(work)

    def _write_actuals(self, conn: sqlite3.Connection, frame: pd.DataFrame, as_of: str) -> None:
        """Replace the workbook's actuals sheet and its ``as_of`` setting (inside a transaction)."""
        if "actuals" in SHEETS:
            conn.execute("DELETE FROM actuals")
            row = conn.execute("SELECT value FROM meta WHERE key = 'extra_columns'").fetchone()
            layout = json.loads(row[0]) if row else {}
            layout["actuals"] = self._insert_sheet(conn, "actuals", frame, [])
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('extra_columns', ?)",
                (_dumps(layout),),
            )
        position = conn.execute("SELECT position FROM settings WHERE key = 'as_of'").fetchone()
        if position is None:
            position = conn.execute(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM settings"
            ).fetchone()
        conn.execute(
            "INSERT OR REPLACE INTO settings (key, value, position) VALUES ('as_of', ?, ?)",
            (_dumps(as_of), int(position[0])),
        )

    def list_snapshots(self) -> pd.DataFrame:
        """The 调度 snapshots, oldest round first: id, as_of, saved_at, author, note, rows."""
        rows = self.db.execute(
            "SELECT id, as_of, saved_at, author, note, json_array_length(actuals)"
            " FROM dispatch_snapshots ORDER BY as_of, id"
        ).fetchall()
        frame = pd.DataFrame(rows, columns=SNAPSHOT_COLUMNS)
        frame["id"] = frame["id"].astype("int64")
        frame["rows"] = frame["rows"].astype("int64")
        return frame

    def get_snapshot(self, snapshot_id: int) -> dict:
        """One snapshot: id, as_of, saved_at, author, note, actuals (DataFrame), figures (dict).

        Raises
        ------
        KeyError
            When there is no such snapshot.
        """
        row = _one_row(
            self.db.conn,
            "SELECT id, as_of, saved_at, author, note, actuals, figures FROM dispatch_snapshots"
            " WHERE id = ?",
            snapshot_id,
            "snapshot",
        )
        records = json.loads(row[5])
        actuals = pd.DataFrame(records) if records else pd.DataFrame()
        for column in ("candidate_id", "status", "option", "date"):
            if column not in actuals.columns:
                actuals[column] = pd.Series(dtype=object)
        return {
            "id": int(row[0]),
            "as_of": row[1],
            "saved_at": row[2],
            "author": row[3],
            "note": row[4],
            "actuals": actuals,
            "figures": json.loads(row[6]),
        }

    def snapshot_figures(self) -> list[dict]:
        """Every snapshot's figures, oldest round first, each with its ``as_of`` (and ``id``)."""
        rows = self.db.execute(
            "SELECT id, as_of, figures FROM dispatch_snapshots ORDER BY as_of, id"
        ).fetchall()
        return [{**json.loads(f), "as_of": a, "id": int(i)} for i, a, f in rows]

    def load_district_goals(self) -> pd.DataFrame:
        """The district goals (district, target, goal); empty when the city has set none."""
        rows = self.db.execute(
            "SELECT district, target, goal FROM district_goals ORDER BY position"
        ).fetchall()
        frame = pd.DataFrame(rows, columns=DISTRICT_GOAL_COLUMNS)
        frame["goal"] = frame["goal"].astype(float)
        return frame

    def save_district_goals(self, goals: pd.DataFrame, *, user: str) -> None:
        """Replace the district goals with ``goals`` (checked by the caller), and log it."""
        values = [
            (str(d).strip(), str(t).strip(), float(g), i)
            for i, (d, t, g) in enumerate(
                zip(goals["district"], goals["target"], goals["goal"], strict=True)
            )
        ]

        def work(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM district_goals")
            conn.executemany(
                "INSERT INTO district_goals (district, target, goal, position) VALUES (?, ?, ?, ?)",
                values,
            )
            self._audit(conn, user, "save_district_goals", f"{len(values)} district goals")

        self._write(work)

    # ---------------------------------------------------------------------------------------------
    # Audit log

    def log(self, user: str, action: str, detail: str = "") -> None:
        """Write one audit-log entry."""
        self._write(lambda conn: self._audit(conn, user, action, detail))

    def audit_log(self, limit: int = 500) -> pd.DataFrame:
        """The latest audit entries, newest first: ts (UTC, ISO 8601), user, action, detail."""
        rows = self.db.execute(
            "SELECT ts, user, action, detail FROM audit_log ORDER BY id DESC LIMIT ?", (int(limit),)
        ).fetchall()
        return pd.DataFrame(rows, columns=["ts", "user", "action", "detail"])
