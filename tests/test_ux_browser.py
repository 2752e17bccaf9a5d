"""The studio's before/after display in a real browser: a move shows what it changed, in Chinese.

Screens at the two office sizes (1366×768 and 1440×1000) are saved for people to look at. Run with
``pytest -m browser``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools.browser import (
    CHROMIUM,
    PAGES,
    SCREENSHOTS,
    launch_chromium,
    wait_for_app,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]
expect = pytest.importorskip("playwright.sync_api").expect
LOAD_TIMEOUT = 90_000  # ms; the first page solves the demo city on a busy machine


@pytest.mark.parametrize("size", [(1366, 768), (1440, 1000)])
def test_a_move_shows_what_it_changed(app_url, size) -> None:
    from playwright.sync_api import sync_playwright

    width, height = size
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(LOAD_TIMEOUT)
            page.goto(f"{app_url}/{PAGES['studio']}?lang=zh")
            expect(page.locator("h1").first).to_have_text("资源配置", timeout=LOAD_TIMEOUT)
            wait_for_app(page, timeout=LOAD_TIMEOUT)
            page.screenshot(path=str(SCREENSHOTS / f"studio_before_zh_{width}x{height}.png"))
            # the number box beside the fund line's slider (key w.budget.above_size_upgrade.exact)
            # (the demo in motion has spent 751 of its 1,150 万元 by 30 June: money spent stays spent)
            box = page.locator(".st-key-w-budget-above_size_upgrade-exact input").first
            box.fill("800")
            box.press("Enter")
            changes = page.locator(".st-key-plan-changes")
            expect(changes).to_contain_text("本次调整带来的变化", timeout=LOAD_TIMEOUT)
            expect(changes).to_contain_text("1,150 万元 → 800 万元")
            expect(changes).to_contain_text("新增支持")
            wait_for_app(page, timeout=LOAD_TIMEOUT)
            figures = page.locator(".st-key-cockpit-figures [data-testid='stMetricDelta']")
            expect(figures.first).to_contain_text("个百分点")
            text = page.locator("[data-testid='stMain']").inner_text()
            assert " pp" not in text and "staff days" not in text
            changes.scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / f"studio_after_zh_{width}x{height}.png"))
            context.close()
        finally:
            browser.close()
