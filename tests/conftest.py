"""Shared test fixtures: a tiny inline planning workbook, CSV-folder writers, a temporary store, the demo."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

# The smallest workbook that uses every sheet and rule: two fund lines (one not pooled), one resource,
# two targets, three candidates (an award, a project, a firm), options with resource use, a lock, a floor.
TINY_SHEETS: dict[str, str] = {
    "budgets": "fund_line,amount,pooled\nindustry,100,Y\nprojects,50,N\n",
    "resources": "resource,capacity,unit\nstaff_days,20,day\n",
    "targets": "target,goal,weight,unit\nnew_srdi,2,1,firms\nstarts,1,2,projects\n",
    "candidates": (
        "candidate_id,name,kind,district,base_probability,award,award_line,cluster\n"
        "E1,威海甲公司,enterprise,环翠区,0.3,30,industry,碳纤维\n"
        "E2,威海乙公司,enterprise,文登区,0.25,,,医疗器械\n"
        "P1,临港项目,project,文登区,0.5,0,,\n"
    ),
    "contributions": ("candidate_id,target,value\nE1,new_srdi,1\nE2,new_srdi,1\nP1,starts,1\n"),
    "options": (
        "candidate_id,option,probability,fund_line,cost,staff_days,note\n"
        "E1,coaching,0.6,industry,10,2,服务机构\n"
        "E2,coaching,0.5,industry,10,,\n"
        "E2,rd_subsidy,0.7,industry,40,1,\n"
        "P1,assisted_handling,0.8,,0,5,\n"
    ),
    "locks": "candidate_id,option\nE2,coaching\n",
    "floors": "district,min_share\n文登区,0.2\n",
    "settings": "key,value\npool_share,0.2\naward_prudence,1\nnote,hello\n",
}


def raw_from_csv(text: str) -> pd.DataFrame:
    """A raw sheet (as the readers produce it) from an inline CSV string: blanks are None."""
    rows = list(csv.reader(io.StringIO(text)))
    return pd.DataFrame(
        [[None if c == "" else c for c in r] for r in rows[1:]], columns=rows[0], dtype=object
    )


@pytest.fixture
def tiny_sheets() -> dict[str, str]:
    """The tiny workbook as inline CSV strings, one per sheet (a fresh copy to modify)."""
    return dict(TINY_SHEETS)


@pytest.fixture
def raw_tables() -> Callable[[dict[str, str]], dict[str, pd.DataFrame]]:
    """Turn ``{sheet: csv_text}`` into raw tables for `data.workbook.validate_tables`."""

    def build(sheets: dict[str, str]) -> dict[str, pd.DataFrame]:
        return {name: raw_from_csv(text) for name, text in sheets.items()}

    return build


@pytest.fixture
def csv_folder(tmp_path: Path) -> Callable[..., Path]:
    """Write ``{sheet: csv_text}`` as a folder of ``<sheet>.csv`` in the given encoding."""

    def write(sheets: dict[str, str], encoding: str = "utf-8", name: str = "wb") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for sheet, text in sheets.items():
            (folder / f"{sheet}.csv").write_bytes(text.encode(encoding))
        return folder

    return write


@pytest.fixture
def tiny_workbook(raw_tables):
    """The tiny workbook, validated."""
    from data.workbook import validate_tables

    return validate_tables(raw_tables(TINY_SHEETS))


@pytest.fixture
def store(tmp_path: Path):
    """An empty store in a temporary folder (no demo seeded)."""
    from data.store import open_store

    s = open_store(tmp_path / "test.db", create_demo=False)
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_workbook():
    """The demo city (seed 2026); skips while data.demo is not written yet."""
    demo = pytest.importorskip("data.demo")
    return demo.generate_demo(2026)


@pytest.fixture(scope="session")
def demo_assumptions():
    """The demo's default assumptions table; skips while data.demo is not written yet."""
    demo = pytest.importorskip("data.demo")
    return demo.default_assumptions()


# Browser assertions wait for content, not a fixed time: Playwright's `expect` waits 5 s by default, which a
# first solve of the demo city overruns on a shared CI machine (three times slower than this one, a whole
# page switch plus a solve). One long default for every browser test; each passes as soon as its content is
# there.
BROWSER_EXPECT_TIMEOUT_MS = 90_000

try:
    from playwright.sync_api import expect as _expect
except ImportError:  # the browser tests are skipped without Playwright
    pass
else:
    _expect.set_options(timeout=BROWSER_EXPECT_TIMEOUT_MS)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, request):
    """The dashboard for one browser-test module: ``streamlit run`` on a free port with its own copy
    of the demo database (devtools/browser.py), stopped after the module's last test."""
    import shutil

    from devtools.browser import prepare_db, running_app

    folder = tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2])
    db = prepare_db(folder / "weihai.db")
    with running_app(db, folder / "streamlit.log") as url:
        yield url
    shutil.rmtree(folder, ignore_errors=True)
