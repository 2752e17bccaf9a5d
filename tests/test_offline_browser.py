"""The dashboard on an intranet with no internet: no page may fetch anything from another host.

Chromium routes every request: those to the app's own host go through, every other one is refused and
recorded. Every page is opened at the two window sizes of office screens (1366×768 and 1440×1000,
in Chinese; in English at the narrower), and the screens are saved for people to look at. Run with ``pytest -m browser``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

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
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Window sizes of office screens, and the languages looked at in each (English text is longer: the
# narrow screen is where it would break).
VIEWS = [((1366, 768), ("zh", "en")), ((1440, 1000), ("zh",))]


def test_no_page_fetches_anything_from_outside_the_server(app_url) -> None:
    from playwright.sync_api import sync_playwright

    outside: list[str] = []

    def only_local(route) -> None:  # noqa: ANN001 - Playwright's Route
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for (width, height), langs in VIEWS:
                context = browser.new_context(viewport={"width": width, "height": height})
                context.route("**/*", only_local)
                page = context.new_page()
                page.set_default_timeout(LOAD_TIMEOUT)
                for lang in langs:
                    for name, path in PAGES.items():
                        page.goto(f"{app_url}/{path}?lang={lang}")
                        expect(page.locator("h1").first).to_be_visible(timeout=LOAD_TIMEOUT)
                        wait_for_app(page, timeout=LOAD_TIMEOUT)
                        expect(page.locator("[data-testid='stException']")).to_have_count(0)
                        page.wait_for_timeout(600)  # charts and the tab icon load after the script
                        page.screenshot(
                            path=str(SCREENSHOTS / f"{name}_{lang}_{width}x{height}.png")
                        )
                context.close()
        finally:
            browser.close()
    assert outside == [], f"pages fetched from outside the server: {sorted(set(outside))}"
