"""Small helpers several test modules share: the tiny workbook with changes, its recognisable
variants, a store's fingerprint and integrity, Markdown as a reader sees it, and a complete
``[auth]`` section of secrets.toml.

Plain functions (no fixtures), so child processes of the crash tests can import them too.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

from data.schema import Workbook
from data.workbook import validate_tables
from tests.conftest import TINY_SHEETS, raw_from_csv

# Every key st.login needs, as a city's secrets.toml would have them (the role and gate tests).
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-enough-random-cookie-secret",
    "client_id": "weihai-planner",
    "client_secret": "s3cret",
    "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
}


def tiny(**changes: str) -> Workbook:
    """The tiny workbook (tests/conftest.py) with some sheets replaced, validated."""
    sheets = {**TINY_SHEETS, **changes}
    return validate_tables({n: raw_from_csv(t) for n, t in sheets.items()})


def variant(i: int) -> Workbook:
    """The tiny workbook with fund line 'industry' set to 100 + i, so each import is recognisable."""
    return tiny(budgets=TINY_SHEETS["budgets"].replace("industry,100", f"industry,{100 + i}"))


def store_fingerprint(db_path: Path) -> str:
    """SHA-256 of the database file and of its SQL dump, after folding the write-ahead log into it:
    equal before and after only when nothing, not even a page, changed."""
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    return (
        hashlib.sha256(db_path.read_bytes()).hexdigest()
        + ":"
        + hashlib.sha256(dump.encode()).hexdigest()
    )


def integrity(db_path: Path) -> str:
    """SQLite's ``PRAGMA integrity_check`` answer ("ok" for a whole database)."""
    conn = sqlite3.connect(db_path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def shown_text(markdown: str) -> str:
    """What a reader sees of Markdown made by ``ui.safe_text.plain``: escapes and word joiners gone."""
    return re.sub(r"\\(.)", r"\1", str(markdown)).replace("\u2060", "")
