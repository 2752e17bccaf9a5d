"""The year loop in a real browser: a planner enters a month's result on the 调度 page, the cockpit moves,
and the 调度通报 downloaded from the cockpit opens in python-docx with every target and district.

Run with ``pytest -m browser tests/test_year_browser.py``; screenshots go to ``artifacts/screenshots/``.
The data editor is a canvas: the test double-clicks the status cell of the demo's second actuals row
(a project given support, outcome open — checked in the store first), types ``succeeded`` and saves.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from devtools.browser import (
    CHROMIUM,
    SCREENSHOTS,
    launch_chromium,
    prepare_db,
    running_app,
    wait_for_app,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]
expect = pytest.importorskip("playwright.sync_api").expect
LOAD_TIMEOUT = 180_000  # ms; the first page solves the demo city
ROW = 1  # the second row of the actuals editor (0-based)
ROW_HEIGHT = 35  # px: Streamlit's data editor rows and header
STATUS_X = 402  # px from the editor's left edge to the middle of its status column at 1400 px wide


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app on a free port with its own demo database; yields (url, db path)."""
    folder = tmp_path_factory.mktemp("year_browser")
    db = prepare_db(folder / "weihai.db")
    with running_app(db, folder / "streamlit.log") as url:
        yield url, db
    shutil.rmtree(folder, ignore_errors=True)


def metric(page, label: str) -> str:
    """The value of the metric with ``label``."""
    box = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return box.locator("[data-testid='stMetricValue']").inner_text()


def test_entering_a_start_moves_the_cockpit(app) -> None:
    from playwright.sync_api import sync_playwright

    from data.store import open_store

    url, db = app
    store = open_store(db, create_demo=False)
    wb = store.load_workbook()
    row = wb.actuals.iloc[ROW]
    kind = wb.candidates.set_index("candidate_id").at[row["candidate_id"], "kind"]
    assert (row["status"], kind) == ("supported", "project")  # the demo's second row
    rounds = len(store.list_snapshots())

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 2000})
        page.set_default_timeout(LOAD_TIMEOUT)
        page.goto(f"{url}/?lang=en")
        expect(page.locator("h1").first).to_have_text("Leadership cockpit", timeout=LOAD_TIMEOUT)
        wait_for_app(page, LOAD_TIMEOUT)
        started = int(metric(page, "Projects started").replace(",", ""))

        page.goto(f"{url}/dispatch?lang=en")
        expect(page.locator("h1").first).to_have_text("Monthly dispatch", timeout=LOAD_TIMEOUT)
        wait_for_app(page, LOAD_TIMEOUT)
        editor = page.locator("[data-testid='stDataFrame']").first
        box = editor.bounding_box()
        assert box is not None
        y = box["y"] + ROW_HEIGHT * (ROW + 1) + ROW_HEIGHT / 2
        page.mouse.dblclick(box["x"] + STATUS_X, y)
        # The canvas opens its cell editor after the double click is handled; a keystroke sent
        # before that is lost, and no element says it is open.
        page.wait_for_timeout(1500)
        page.keyboard.type("succeeded")
        page.keyboard.press("Enter")
        wait_for_app(page, LOAD_TIMEOUT)  # an edit reruns the page
        page.get_by_label("Note").fill("July")
        page.keyboard.press("Enter")
        wait_for_app(page, LOAD_TIMEOUT)
        page.get_by_role("button", name="Check and save as a dispatch round").click()
        expect(page.get_by_text("Dispatch round #")).to_be_visible(timeout=LOAD_TIMEOUT)
        wait_for_app(page, LOAD_TIMEOUT)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "dispatch_saved_en.png"), full_page=True)

        page.goto(f"{url}/?lang=en")
        expect(page.locator("h1").first).to_have_text("Leadership cockpit", timeout=LOAD_TIMEOUT)
        wait_for_app(page, LOAD_TIMEOUT)
        expect(page.get_by_text("The year so far")).to_be_visible()
        assert int(metric(page, "Projects started").replace(",", "")) == started + 1
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        page.screenshot(path=str(SCREENSHOTS / "cockpit_year_en.png"), full_page=True)

        # The month's 调度通报, as leadership would forward it: Word, in Chinese, from the cockpit.
        page.goto(f"{url}/?lang=zh")
        expect(page.locator("h1").first).to_have_text("领导驾驶舱", timeout=LOAD_TIMEOUT)
        wait_for_app(page, LOAD_TIMEOUT)
        with page.expect_download(timeout=LOAD_TIMEOUT) as download:
            page.get_by_role("button", name="下载调度通报（Word）").click()
        notice = Path(download.value.path()).read_bytes()  # gone once the browser closes
        assert download.value.suggested_filename.endswith(".docx")
        browser.close()

    import docx

    from data.vocabulary import label as vocabulary_label

    document = docx.Document(io.BytesIO(notice))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    shown = store.load_workbook()
    for target in shown.targets["target"].astype(str):
        assert vocabulary_label("target", target, "zh") in text, target
    for district in sorted(set(shown.candidates["district"].astype(str))):
        assert vocabulary_label("district", district, "zh") in text, district

    assert len(store.list_snapshots()) == rounds + 1
    kept = store.load_workbook().actuals.set_index("candidate_id")
    assert kept.at[row["candidate_id"], "status"] == "succeeded"
    store.close()
