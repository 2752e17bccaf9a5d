"""The database as the pages see it: the guarded store and the workbook, loaded once per data version."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from data.schema import Workbook
from ui.auth import require

if TYPE_CHECKING:  # the store module is imported when first used (see the functions below)
    from data.store import Store


def db_path() -> Path:
    """The database this process uses (``WEIHAI_DB`` or the repository default)."""
    from data.store import default_db_path

    return Path(default_db_path())


@st.cache_resource(show_spinner=False)
def _store_for(path: str) -> Store:
    from data.store import open_store

    return open_store(Path(path), create_demo=True)


class GuardedStore:
    """The store as the pages see it: reads pass through, every write asks permission first.

    Each write method calls ``ui.auth.require`` with its action right before writing and passes the
    signed-in identity to the store, so the audit log names who did it and no page can forget the
    check or write under another name (the methods take no ``user``). Reading the audit log is an
    admin's action too. After a change of the stored workbook the cached copy is dropped.

    Parameters
    ----------
    store : data.store.Store
        The store to guard.
    """

    def __init__(self, store: Store):
        self._store = store

    # reads (open to every role)
    def load_workbook(self) -> Workbook:
        """The stored workbook."""
        return self._store.load_workbook()

    def load_assumptions(self) -> pd.DataFrame:
        """The stored assumptions table."""
        return self._store.load_assumptions()

    def list_scenarios(self) -> pd.DataFrame:
        """Saved scenarios (id, name, created_at, updated_at, author, is_baseline)."""
        return self._store.list_scenarios()

    def get_scenario(self, scenario_id: int) -> dict:
        """One saved scenario (``KeyError`` when unknown)."""
        return self._store.get_scenario(scenario_id)

    def baseline_id(self) -> int | None:
        """The baseline scenario's id, or None."""
        return self._store.baseline_id()

    def list_snapshots(self) -> pd.DataFrame:
        """The 调度 snapshots, oldest round first (id, as_of, saved_at, author, note, rows)."""
        return self._store.list_snapshots()

    def get_snapshot(self, snapshot_id: int) -> dict:
        """One 调度 snapshot (``KeyError`` when unknown)."""
        return self._store.get_snapshot(snapshot_id)

    def snapshot_figures(self) -> list[dict]:
        """Every snapshot's kept figures, oldest round first."""
        return self._store.snapshot_figures()

    def load_district_goals(self) -> pd.DataFrame:
        """The district goals (district, target, goal); empty when none are set."""
        return self._store.load_district_goals()

    # reads that need a role
    def audit_log(self, limit: int = 500) -> pd.DataFrame:
        """The latest audit entries (``read_audit``: admins)."""
        require("read_audit")
        return self._store.audit_log(limit)

    # writes
    def replace_workbook(self, wb: Workbook, *, action: str = "import", detail: str = "") -> None:
        """Replace the stored workbook (``import``)."""
        user = require("import")
        self._store.replace_workbook(wb, user=user.user, action=action, detail=detail)
        clear_data_caches()

    def seed_demo(self, *, seed: int = 2026) -> bool:
        """Restore the demo city (``reset_demo``: admins)."""
        user = require("reset_demo")
        done = self._store.seed_demo(user=user.user, seed=seed)
        clear_data_caches()
        return done

    def save_snapshot(
        self, actuals: pd.DataFrame, as_of: str, figures: dict, *, note: str = ""
    ) -> int:
        """Keep a 调度 round and make it the workbook's actuals (``import``: it changes the data)."""
        user = require("import")
        snapshot_id = self._store.save_snapshot(actuals, as_of, figures, user=user.user, note=note)
        clear_data_caches()
        return snapshot_id

    def save_district_goals(self, goals: pd.DataFrame) -> None:
        """Replace the district goals (``import``)."""
        user = require("import")
        self._store.save_district_goals(goals, user=user.user)

    def save_assumptions(self, df: pd.DataFrame) -> None:
        """Replace the assumptions table (``edit_assumptions``)."""
        user = require("edit_assumptions")
        self._store.save_assumptions(df, user=user.user)

    def save_scenario(
        self, name: str, settings: dict, result: dict | None, *, overwrite: bool = False
    ) -> int:
        """Save a scenario under ``name`` (``save_scenario``); ``ScenarioNameTaken`` if it exists."""
        user = require("save_scenario")
        return self._store.save_scenario(
            name, settings, result, user=user.user, overwrite=overwrite
        )

    def rename_scenario(self, scenario_id: int, name: str) -> None:
        """Rename a saved scenario (``edit_scenario``)."""
        user = require("edit_scenario")
        self._store.rename_scenario(scenario_id, name, user=user.user)

    def delete_scenario(self, scenario_id: int) -> None:
        """Delete a saved scenario (``edit_scenario``)."""
        user = require("edit_scenario")
        self._store.delete_scenario(scenario_id, user=user.user)

    def set_baseline(self, scenario_id: int) -> None:
        """Make a saved scenario the baseline (``set_baseline``)."""
        user = require("set_baseline")
        self._store.set_baseline(scenario_id, user=user.user)


def get_store() -> GuardedStore:
    """The store for :func:`db_path`, guarded by the user's role (opened once per process).

    Opening it seeds the demo city when the database is empty.
    """
    return GuardedStore(_store_for(str(db_path())))


def data_version() -> str:
    """Changes whenever the database changes: modification times and sizes of the file and its WAL."""
    path = db_path()
    parts = []
    for suffix in ("", "-wal"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            stat = candidate.stat()
            parts.append(f"{stat.st_mtime_ns}:{stat.st_size}")
    return "|".join(parts) or "empty"


def workbook_fingerprint(wb: Workbook) -> str:
    """A hash of the workbook's content: equal data gives equal solves whatever else was written."""
    digest = hashlib.sha256()
    for name in ("budgets", "resources", "targets", "candidates", "contributions", "options"):
        frame = getattr(wb, name)
        digest.update(name.encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).values.tobytes())
        digest.update(",".join(map(str, frame.columns)).encode())
    for name in ("locks", "floors", "actuals"):
        digest.update(getattr(wb, name).to_csv(index=False).encode())
    digest.update(json.dumps(wb.settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


@st.cache_data(show_spinner=False, max_entries=4)
def _load_workbook(path: str, version: str) -> tuple[Workbook, str]:
    wb = _store_for(path).load_workbook()
    return wb, workbook_fingerprint(wb)


def workbook() -> tuple[Workbook, str]:
    """The stored workbook and its content fingerprint, loaded once per data version."""
    get_store()
    return _load_workbook(str(db_path()), data_version())


def clear_data_caches() -> None:
    """Forget the cached workbook (after an import or a reset) and the settings built on it."""
    _load_workbook.clear()
    st.session_state.pop("scenario_fingerprint", None)
