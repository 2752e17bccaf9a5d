"""The dashboard in a real browser: Debian's Chromium through Playwright against ``streamlit run``.

Covers what only a browser proves: every page loads (screenshots saved for people to look at),
the language switch, a slider release re-solving the plan, a real download, and an upload's report.
Run with ``pytest -m browser``; screenshots go to ``artifacts/screenshots/`` (ignored by git).
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from devtools.browser import (
    CHROMIUM,
    PAGES,
    SCREENSHOTS,
    full_page_screenshot,
    launch_chromium,
    running_app,
    wait_for_app,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]
expect = pytest.importorskip("playwright.sync_api").expect
TITLES = {
    "cockpit": ("领导驾驶舱", "Leadership cockpit"),
    "pipeline": ("项目策划生成", "Project pipeline"),
    "ladder": ("企业梯度培育", "Enterprise ladder"),
    "studio": ("资源配置", "Allocation studio"),
    "scenarios": ("情景对比", "Scenarios"),
    "calibration": ("概率校准", "Calibration"),
    "dispatch": ("月度调度", "Monthly dispatch"),
    "data": ("数据管理", "Data"),
}
LOAD_TIMEOUT = 60_000  # ms; the first page solves the demo city


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 2400}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(LOAD_TIMEOUT)
    yield tab
    context.close()


def open_page(page, url: str, name: str, lang: str = "zh") -> None:
    """Open a page and wait for its title (content, not the running indicator)."""
    page.goto(f"{url}/{PAGES[name]}?lang={lang}")
    title = TITLES[name][0 if lang == "zh" else 1]
    expect(page.locator("h1").first).to_have_text(title, timeout=LOAD_TIMEOUT)
    wait_for_app(page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_loads_and_is_screenshotted(app_url, page, lang) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name in PAGES:
        open_page(page, app_url, name, lang)
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        expect(page.locator("[data-testid='stAlertContentError']")).to_have_count(0)
        page.wait_for_timeout(800)  # let charts finish drawing before the picture
        full_page_screenshot(page, SCREENSHOTS / f"{name}_{lang}.png")


def test_switching_language_keeps_the_page_and_the_link(app_url, page) -> None:
    open_page(page, app_url, "ladder", "zh")
    page.locator("[data-testid='stSidebar'] button", has_text="English").click()
    expect(page.locator("h1").first).to_have_text("Enterprise ladder")
    expect(page.locator("[data-testid='stSidebarNav']")).to_contain_text("Leadership cockpit")
    assert "lang=en" in page.url
    page.locator("[data-testid='stSidebar'] button", has_text="中文").click()
    expect(page.locator("h1").first).to_have_text("企业梯度培育")
    assert "lang=zh" in page.url


def _figure(page, label: str) -> str:
    metric = page.locator("[data-testid='stMetric']", has_text=label).first
    return metric.locator("[data-testid='stMetricValue']").inner_text()


def test_moving_a_budget_slider_updates_the_plan(app_url, page) -> None:
    open_page(page, app_url, "studio", "en")
    before = _figure(page, "Weighted attainment")
    # The technical renovation fund down from 3,860 to 1,000 万元 (the demo in motion has spent 293 of
    # it by 30 June, and money spent stays spent), typed in the number box beside its slider.
    box = page.locator(".st-key-w-budget-tech_renovation-exact input").first
    box.fill("1000")
    box.press("Enter")
    # While the page redraws, the old figure can stay on screen beside the new one (a live plan
    # adds a note above the figures): wait until the run is over and the one figure shown changed.
    page.wait_for_function(
        """(before) => {
            const app = document.querySelector("[data-testid='stApp']");
            if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
            const shown = [...document.querySelectorAll("[data-testid='stMetric']")]
                .filter((m) => m.innerText.includes('Weighted attainment'))
                .map((m) => m.querySelector("[data-testid='stMetricValue']").innerText);
            return shown.length === 1 && shown[0] !== before;
        }""",
        arg=before,
        timeout=LOAD_TIMEOUT,
    )
    wait_for_app(page)
    after = _figure(page, "Weighted attainment")
    assert float(after.rstrip("%")) < float(before.rstrip("%"))  # % of Σ weights
    # The cockpit reflects the same scenario.
    page.locator("[data-testid='stSidebarNav'] a", has_text="Leadership cockpit").click()
    expect(page.locator("h1").first).to_have_text("Leadership cockpit")
    expect(page.locator("[data-testid='stSidebar']")).to_contain_text("adjusted settings")


def test_downloading_the_allocation_gives_a_readable_csv(app_url, page) -> None:
    open_page(page, app_url, "studio", "en")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download allocation (CSV)").click()
    download = info.value
    assert download.suggested_filename.endswith("_allocation.csv")
    data = Path(download.path()).read_bytes()
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert {"ID", "Name", "Support option", "Probability"} <= set(frame.columns)
    assert len(frame) > 1000


def test_importing_a_bad_workbook_shows_the_report(app_url, page, tmp_path) -> None:
    bad = tmp_path / "bad.xlsx"
    with pd.ExcelWriter(bad, engine="openpyxl") as writer:
        pd.DataFrame({"fund_line": ["a"], "amount": [-5]}).to_excel(
            writer, sheet_name="budgets", index=False
        )
    open_page(page, app_url, "data", "en")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(bad))
    expect(page.get_by_text("The workbook is not valid")).to_be_visible()
    report = page.locator("[data-testid='stDataFrame']").first
    expect(report).to_be_visible()
    expect(page.get_by_text("Nothing was stored.")).to_be_visible()
    wait_for_app(page)  # the rest of the page (the audit log) too, for the picture
    full_page_screenshot(page, SCREENSHOTS / "data_import_report_en.png")


def test_a_live_plan_is_replaced_by_the_finished_one_without_a_click(browser, tmp_path) -> None:
    """With a live limit far too short for a 4,000-candidate city, the studio first shows the live plan with
    the note that the solver goes on, and then — with no click — the finished plan."""
    from data.store import open_store
    from optimizer.instances import random_workbook

    # A city of 4,000 candidates: the recalibrated demo is proven within 0.1 % in a few tenths of a
    # second, so it would never need the background.
    db = tmp_path / "weihai.db"
    store = open_store(db, create_demo=False)
    store.replace_workbook(random_workbook(4000, seed=3), user="test", action="import")
    store.close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEIHAI_LIVE_SECONDS", "0.05")  # read by the server when it starts
        with running_app(db, tmp_path / "streamlit.log") as url:
            context = browser.new_context(viewport={"width": 1400, "height": 2400})
            tab = context.new_page()
            tab.set_default_timeout(LOAD_TIMEOUT)
            tab.goto(f"{url}/{PAGES['studio']}?lang=en")
            main = tab.locator("[data-testid='stMain']")
            expect(main).to_contain_text("keeps improving it in the background")
            expect(main).not_to_contain_text("keeps improving it")
            wait_for_app(tab)
            expect(tab.locator("[data-testid='stException']")).to_have_count(0)
            expect(tab.locator("[data-testid='stAlertContentWarning']")).to_have_count(0)
            # The finished plan's figure is on screen.
            assert float(_figure(tab, "Weighted attainment").rstrip("%")) > 0
            context.close()
