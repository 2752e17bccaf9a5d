"""The sign-in gate in a real browser when a page URL is the very first request of a server.

A ``pages/`` folder beside ``app.py`` puts Streamlit 1.67 in its old multipage mode until ``app.py``
has called ``st.navigation`` once in the server process; in that mode a page URL runs
``pages/<name>.py`` as a script. The page modules only define ``render()`` and, run as a script,
hand over to ``app.py`` (pages/__init__.py), so the first visitor of any page URL meets the sign-in
like everyone else. Each URL gets its own fresh server with sign-in configured (the local OpenID
Connect provider of tests/test_auth_browser.py): only the sign-in, no figure, table, chart, uploader
or page list, and the database is unchanged.
"""

from __future__ import annotations

import pytest

from devtools.browser import PAGES, free_port, running_app
from tests.test_auth_browser import (
    IDLE,
    SIGN_IN,
    content_fingerprint,
    oidc_provider,
    write_secrets,
)

pytestmark = pytest.mark.browser

# What a page shows and the sign-in screen does not: data, charts, the uploader, the page list.
PAGE_CONTENT = [
    "stMetric",
    "stDataFrame",
    "stTable",
    "stVegaLiteChart",
    "stArrowVegaLiteChart",
    "stFileUploader",
    "stDownloadButton",
    "stSlider",
    "stSidebarNav",
    "stTabs",
]


@pytest.fixture(scope="module")
def idp_url():
    with oidc_provider() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from devtools.browser import launch_chromium

    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("path", [*[p for p in PAGES.values() if p], "studio?pool_share=0.5"])
def test_first_request_to_a_page_url_shows_only_the_sign_in(
    browser, idp_url, tmp_path, path: str
) -> None:
    from data.store import open_store

    db = tmp_path / "gate.db"
    open_store(db, create_demo=True).close()
    before = content_fingerprint(db)
    port = free_port()
    secrets = write_secrets(tmp_path / "secrets.toml", port, idp_url)
    with running_app(
        db,
        tmp_path / "app.log",
        port=port,
        extra_args=["--secrets.files", str(secrets)],
        drop_env=["WEIHAI_ROLES_FILE"],
    ) as url:
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        try:
            page.goto(f"{url}/{path}")  # the server's first request
            page.get_by_role("button", name=SIGN_IN).first.wait_for(timeout=90_000)
            page.wait_for_selector(IDLE, timeout=90_000)
            page.wait_for_timeout(1_000)  # late reruns would draw here
            page.wait_for_selector(IDLE, timeout=90_000)
            assert page.get_by_role("button", name=SIGN_IN).count() == 1, path
            shown = {
                test_id: page.locator(f"[data-testid='{test_id}']").count()
                for test_id in PAGE_CONTENT
            }
            assert not any(shown.values()), (path, shown)
            # The only buttons are the sign-in (and Streamlit's own menu/sidebar toggles, if any).
            body = page.locator("[data-testid='stMain']").inner_text()
            assert "万元" not in body and "%" not in body, (path, body)
        finally:
            context.close()
    assert content_fingerprint(db) == before
