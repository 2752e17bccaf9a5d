"""Fail-closed configuration in a real browser against the real server (issue 16 item 1).

A secrets file with a TOML syntax error, or with an ``[auth]`` table missing ``cookie_secret`` or with
``redirect_uri`` misspelt, used to fall back to the open demo whose role is admin: an anonymous visitor
got the uploader, the reset button and the audit log. Now every page shows the configuration error
naming the file and the key, and nothing is written. With no secrets file at all the open demo runs
and a banner at the top of every page says so, also at a phone's width where the sidebar is hidden.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.browser import CHROMIUM, CHROMIUM_ARGS, free_port, running_app
from tests.test_auth_browser import APP_DIR, content_fingerprint, idle, literal

pytestmark = pytest.mark.browser

GOOD_AUTH = {
    "redirect_uri": "http://127.0.0.1:{port}/oauth2callback",
    "cookie_secret": "test-only-cookie-secret-0123456789abcdef",
    "client_id": "weihai-planner",
    "client_secret": "test-only-client-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ROLES = '\n[roles]\ndemo = "admin"\ndefault = "admin"\n'


def toml_auth(port: int, drop: str = "", rename: tuple[str, str] | None = None) -> str:
    lines = ["[auth]"]
    for key, value in GOOD_AUTH.items():
        if key == drop:
            continue
        if rename and key == rename[0]:
            key = rename[1]
        lines.append(f'{key} = "{value.format(port=port)}"')
    return "\n".join(lines) + "\n" + ROLES


BROKEN = {
    "syntax_error": (
        lambda port: toml_auth(port).replace('client_id = "', "client_id = ", 1),
        None,
    ),
    "no_cookie_secret": (lambda port: toml_auth(port, drop="cookie_secret"), "cookie_secret"),
    "redirect_misspelt": (
        lambda port: toml_auth(port, rename=("redirect_uri", "redirect_url")),
        "redirect_uri",
    ),
}
PATHS = ["", "data", "data?reset=1", "scenarios?save=x&baseline=1", "studio"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    from data.store import open_store

    path = tmp_path_factory.mktemp("security_browser") / "seed.db"
    open_store(path, create_demo=True).close()
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_secrets_file_closes_every_page(browser, demo_db, tmp_path, case):
    import shutil

    from ui.i18n import t

    db = tmp_path / "app.db"
    shutil.copy(demo_db, db)
    port = free_port()
    make, key = BROKEN[case]
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(make(port), encoding="utf-8")
    before = content_fingerprint(db)
    with running_app(
        db,
        tmp_path / "app.log",
        port=port,
        app_dir=APP_DIR,
        extra_args=["--secrets.files", str(secrets)],
        drop_env=["WEIHAI_ROLES_FILE"],
    ) as url:
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        try:
            for path in PATHS:
                page.goto(f"{url}/{path}")
                idle(page)
                app = page.locator("[data-testid='stApp']")
                error = page.locator("[data-testid='stAlert']").filter(
                    has_text=re.compile(t("auth.config_error", "zh")[:6])
                )
                assert error.count() == 1, (case, path, app.inner_text()[:500])
                text = error.first.inner_text().replace("\u2060", "")
                assert str(secrets) in text, text  # which file
                if key:
                    assert key in text, text  # which key
                assert page.locator("[data-testid='stFileUploader']").count() == 0, path
                assert page.locator("[data-testid='stSidebarNav']").count() == 0, path
                reset = page.get_by_role("button", name=t("data.reset_button", "zh"), exact=True)
                assert reset.count() == 0, path
                assert page.get_by_text(literal(t("app.open_demo", "zh"))).count() == 0, path
        finally:
            context.close()
    assert content_fingerprint(db) == before


def test_open_demo_banner_shows_on_a_phone(browser, demo_db, tmp_path):
    """No secrets file anywhere: the open demo, and its notice in the main area of every page."""
    import shutil

    from ui.i18n import t

    db = tmp_path / "app.db"
    shutil.copy(demo_db, db)
    # An empty folder as the only secrets place: Streamlit finds no secrets file, as on a bare machine.
    empty = tmp_path / "no-secrets"
    empty.mkdir()
    with running_app(
        db,
        tmp_path / "app.log",
        app_dir=APP_DIR,
        extra_args=["--secrets.files", str(empty)],
        drop_env=["WEIHAI_ROLES_FILE"],
    ) as url:
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        page = context.new_page()
        try:
            for path in ["", "pipeline", "ladder", "studio", "scenarios", "data"]:
                page.goto(f"{url}/{path}")
                idle(page)
                banner = page.locator("[data-testid='stMain'] [data-testid='stAlert']").filter(
                    has_text=t("app.open_demo", "zh")
                )
                banner.first.wait_for(timeout=60_000)
                assert t("app.open_demo_admin", "zh") in banner.first.inner_text(), path
                box = banner.first.bounding_box()
                assert box is not None and box["width"] > 200, (path, box)
                assert banner.first.is_visible(), path
                # the sidebar is collapsed at this width: the notice must not depend on it
                sidebar = page.locator("[data-testid='stSidebar']")
                assert sidebar.count() == 0 or sidebar.get_attribute("aria-expanded") != "true"
        finally:
            context.close()
