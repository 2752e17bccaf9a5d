"""Sign-in and roles in a real browser, against a local OpenID Connect provider.

``oidc-provider-mock`` runs on loopback with four predefined accounts; the dashboard runs with a
temporary secrets file (``--secrets.files``: the repository's own ``.streamlit`` is untouched) whose
``[auth]`` points at that provider and whose ``[roles]`` makes them viewer, planner, admin and nobody.
Chromium signs in through the provider's form exactly as a planner would through the city's single
sign-on. A viewer must not reach any write path (also not through crafted query parameters or a file
pushed into the disabled uploader); the planner's save is written with their name in the audit log.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from devtools.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    free_port,
    running_app,
    stop_process,
)

pytestmark = pytest.mark.browser

# Run the same test against another copy of the app (e.g. a patched one) with WEIHAI_AUTH_TEST_APP.
APP_DIR = Path(os.environ.get("WEIHAI_AUTH_TEST_APP", REPO))

# Roles match the verified address (`[roles] match = "email"`, the default): the provider vouches for it.
ACCOUNTS = {
    "viewer": {"sub": "mayor", "email": "mayor@weihai.gov.cn", "name": "市长办公室"},
    "planner": {"sub": "wang", "email": "wang.fang@weihai.gov.cn", "name": "王芳"},
    "admin": {"sub": "chen", "email": "chen.li@weihai.gov.cn", "name": "陈立"},
    "stranger": {"sub": "stranger", "email": "someone@example.com", "name": "Someone"},
    # Issue 16 item 3: an account whose subject is the admin's address, and one that claims the
    # admin's address without the provider vouching for it. Both were admin before; now refused.
    "impostor": {"sub": "chen.li@weihai.gov.cn", "email": "impostor@example.com", "name": "Imp"},
    "unverified": {"sub": "unverified", "email": "chen.li@weihai.gov.cn", "name": "Unverified"},
}
for _account, _claims in ACCOUNTS.items():
    _claims["email_verified"] = _account != "unverified"
# What a refused account sees named in the refusal (its verified address, else its subject).
REFUSED_AS = {"stranger": "someone@example.com", "impostor": "impostor@example.com"}
REFUSED_AS["unverified"] = "unverified"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
SIGN_IN = re.compile(r"登录|sign in|log in", re.I)


def literal(text: str) -> re.Pattern[str]:
    """Match ``text`` as shown by ``ui.safe_text.plain`` (which may add invisible word joiners)."""
    return re.compile("\u2060?".join(re.escape(c) for c in text))


def content_fingerprint(db: Path) -> str:
    """The database's content (iterdump), readable while the app holds it open."""
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@contextlib.contextmanager
def oidc_provider() -> Iterator[str]:
    """``oidc-provider-mock`` on 127.0.0.1 with the predefined accounts; yields its base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "oidc_provider_mock", "-H", "127.0.0.1", "-p", str(port)]
    for claims in ACCOUNTS.values():
        cmd += ["--user-claims", json.dumps(claims, ensure_ascii=False)]
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the OpenID Connect test provider did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        stop_process(process)


def write_secrets(path: Path, app_port: int, idp_url: str) -> Path:
    path.write_text(
        f"""
[auth]
redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"
cookie_secret = "test-only-cookie-secret-0123456789abcdef"
client_id = "weihai-planner"
client_secret = "test-only-client-secret"
server_metadata_url = "{idp_url}/.well-known/openid-configuration"

[roles]
default = "none"
viewer = ["{ACCOUNTS["viewer"]["email"]}"]
planner = ["{ACCOUNTS["planner"]["email"]}"]
admin = ["{ACCOUNTS["admin"]["email"]}"]
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def auth_app(tmp_path_factory) -> Iterator[dict]:
    """The dashboard with sign-in configured, its database, and the provider."""
    from data.store import open_store

    tmp = tmp_path_factory.mktemp("auth_app")
    db = tmp / "app.db"
    store = open_store(db, create_demo=True)
    store.save_scenario("已保存的情景", {"pool_share": 0.1}, None, user="seed")
    store.close()
    with oidc_provider() as idp_url:
        port = free_port()
        secrets = write_secrets(tmp / "secrets.toml", port, idp_url)
        with running_app(
            db,
            tmp / "app.log",
            port=port,
            app_dir=APP_DIR,
            extra_args=["--secrets.files", str(secrets)],
            drop_env=["WEIHAI_ROLES_FILE"],
        ) as url:
            yield {"url": url, "idp": idp_url, "db": db, "log": tmp / "app.log"}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def idle(page, settle: float = 0.5) -> None:
    page.wait_for_selector(IDLE, timeout=90_000)
    time.sleep(settle)  # let late reruns (query parameters, fragments) finish
    page.wait_for_selector(IDLE, timeout=90_000)


def sign_in(browser, auth_app: dict, account: str):
    """A fresh browser context signed in as ``account`` through the provider's form."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(auth_app["url"])
    idle(page, 0.5)
    page.get_by_role("button", name=SIGN_IN).first.click()
    page.wait_for_url(f"{auth_app['idp']}/**", timeout=30_000)
    page.get_by_role("button", name=ACCOUNTS[account]["sub"], exact=True).click()
    page.wait_for_url(f"{auth_app['url']}/**", timeout=30_000)
    # Wait on content, not time: the sidebar greets a user with a role by name; a refused account
    # sees its identity in the refusal.
    shown = REFUSED_AS.get(account, ACCOUNTS[account]["name"])
    page.get_by_text(literal(shown)).first.wait_for(timeout=90_000)
    idle(page)
    return context, page


def goto(page, url: str) -> None:
    page.goto(url)
    idle(page)


def test_anonymous_visitor_only_sees_sign_in(browser, auth_app):
    before = content_fingerprint(auth_app["db"])
    context = browser.new_context()
    page = context.new_page()
    try:
        for path in [
            "",
            "studio",
            "scenarios",
            "data",
            "data?reset=1",
            "scenarios?save=x&baseline=1",
        ]:
            goto(page, f"{auth_app['url']}/{path}")
            assert page.get_by_role("button", name=SIGN_IN).count() >= 1, path
            assert page.locator("[data-testid='stFileUploader']").count() == 0, path
            assert page.locator("[data-testid='stSidebarNav']").count() == 0, path
    finally:
        context.close()
    assert content_fingerprint(auth_app["db"]) == before


def test_account_without_a_role_is_refused(browser, auth_app):
    context, page = sign_in(browser, auth_app, "stranger")
    try:
        for path in ["", "data", "scenarios"]:
            goto(page, f"{auth_app['url']}/{path}")
            assert page.locator("[data-testid='stSidebarNav']").count() == 0, path
            assert page.locator("[data-testid='stFileUploader']").count() == 0, path
            assert page.get_by_text(literal("someone@example.com")).count() >= 1
    finally:
        context.close()


# Query parameters a viewer might craft to reach a write: scenario links with every kind of setting
# (they may change the screen, never the store), and made-up action parameters.
CRAFTED = [
    "studio?b.industry=1&l.E1=none&pool=1&prudence=0&locks=none",
    "scenarios?save=viewer-scenario&overwrite=1",
    "scenarios?baseline=1&set_baseline=1&delete=1",
    "data?reset=1&reset_demo=1&confirm=1",
    "data?import=1&action=import",
    "?page=data&role=admin&user=chen.li@weihai.gov.cn",
    "?role=admin&email=chen.li@weihai.gov.cn&is_logged_in=true",
]


def test_viewer_reaches_no_write_path(browser, auth_app, tmp_path):
    from data.workbook import workbook_to_xlsx_bytes
    from tests.conftest import TINY_SHEETS, raw_from_csv
    from ui.i18n import t

    before = content_fingerprint(auth_app["db"])
    context, page = sign_in(browser, auth_app, "viewer")
    try:
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        assert t("role.viewer", "zh") in sidebar or "viewer" in sidebar.lower()
        for path in ["", "pipeline", "ladder", "studio"]:
            goto(page, f"{auth_app['url']}/{path}")
            assert page.locator("[data-testid='stException']").count() == 0, path

        goto(page, f"{auth_app['url']}/scenarios")
        save = page.get_by_role("button", name=t("scenarios.save_button", "zh"), exact=True)
        assert save.count() >= 1 and all(save.nth(i).is_disabled() for i in range(save.count()))
        baseline = page.get_by_role("button", name=t("scenarios.set_baseline", "zh"), exact=True)
        assert all(baseline.nth(i).is_disabled() for i in range(baseline.count()))

        goto(page, f"{auth_app['url']}/data")
        assert (
            page.get_by_role("button", name=t("data.reset_button", "zh"), exact=True).count() == 0
        )
        # push a valid workbook into the greyed-out uploader, as a crafted client could
        from data.workbook import validate_tables

        wb = validate_tables({n: raw_from_csv(s) for n, s in TINY_SHEETS.items()})
        upload = tmp_path / "tiny.xlsx"
        upload.write_bytes(workbook_to_xlsx_bytes(wb))
        uploader = page.locator("[data-testid='stFileUploader'] input[type='file']")
        if uploader.count():
            with contextlib.suppress(Exception):
                uploader.first.set_input_files(str(upload), timeout=5_000)
            idle(page)
            for button in page.get_by_role("button", name=t("data.import_button", "zh")).all():
                if button.is_enabled():
                    button.click()
                    idle(page)

        for path in CRAFTED:
            goto(page, f"{auth_app['url']}/{path}")
            assert page.locator("[data-testid='stException']").count() == 0, path
    finally:
        context.close()
    assert content_fingerprint(auth_app["db"]) == before, "a viewer's session changed the store"


def test_planner_saves_and_the_audit_log_names_them(browser, auth_app):
    from data.store import open_store
    from ui.i18n import t

    context, page = sign_in(browser, auth_app, "planner")
    try:
        goto(page, f"{auth_app['url']}/scenarios")
        page.get_by_label(t("scenarios.name", "zh")).first.fill("王芳的情景")
        page.get_by_role("button", name=t("scenarios.save_button", "zh"), exact=True).first.click()
        page.get_by_text(t("scenarios.saved", "zh", name="王芳的情景")).wait_for(timeout=90_000)
        idle(page)
    finally:
        context.close()
    store = open_store(auth_app["db"], create_demo=False)
    try:
        saved = store.list_scenarios().set_index("name")
        assert saved.loc["王芳的情景", "author"] == ACCOUNTS["planner"]["email"]
        log = store.audit_log(20)
        assert (
            (log["user"] == ACCOUNTS["planner"]["email"]) & (log["action"] == "save_scenario")
        ).any()
    finally:
        store.close()


def test_admin_reads_the_audit_log_and_viewer_does_not(browser, auth_app):
    from ui.i18n import t

    tables = {}
    for account in ("viewer", "admin"):
        context, page = sign_in(browser, auth_app, account)
        try:
            goto(page, f"{auth_app['url']}/data")
            # the audit section is the page's last: once its heading is there, the page is drawn
            page.get_by_role("heading", name=t("data.audit", "zh")).wait_for(timeout=90_000)
            denied = page.get_by_text(t("auth.denied", "zh")).count()
            assert (denied == 0) == (account == "admin"), (account, denied)
            tables[account] = page.locator("[data-testid='stDataFrame']").count()
            reset = page.get_by_role(
                "button", name=t("data.reset_button", "zh"), exact=True
            ).count()
            assert (reset >= 1) == (account == "admin"), account
        finally:
            context.close()
    assert tables["admin"] > tables["viewer"], tables  # the audit log table is the admin's extra


@pytest.mark.parametrize("account", ["impostor", "unverified"])
def test_loose_identities_get_no_role(browser, auth_app, account):
    """Issue 16 item 3: neither the admin's address as subject nor an unverified address is admin."""
    from ui.i18n import t

    before = content_fingerprint(auth_app["db"])
    context, page = sign_in(browser, auth_app, account)
    try:
        for path in ["", "data", "data?reset=1"]:
            goto(page, f"{auth_app['url']}/{path}")
            assert page.locator("[data-testid='stSidebarNav']").count() == 0, path
            assert page.locator("[data-testid='stFileUploader']").count() == 0, path
            reset = page.get_by_role("button", name=t("data.reset_button", "zh"), exact=True)
            assert reset.count() == 0, path
            assert page.get_by_text(literal(REFUSED_AS[account])).count() >= 1, path
    finally:
        context.close()
    assert content_fingerprint(auth_app["db"]) == before


PHISHING = "[请点此重新登录](http://evil.example/login)"
PIXEL = "![](http://127.0.0.1:9/pixel.png)"


def no_live_markup(page, requests: list[str]) -> None:
    """No link or image of the attacker's on screen, and no request for their pixel."""
    main = page.locator("[data-testid='stApp']")
    hrefs = [a.get_attribute("href") or "" for a in main.locator("a").all()]
    assert not [h for h in hrefs if "evil" in h or "127.0.0.1:9" in h], hrefs
    sources = [i.get_attribute("src") or "" for i in main.locator("img").all()]
    assert not [s for s in sources if "pixel" in s], sources
    hosts = {urlparse(r).netloc for r in requests}
    assert not hosts & {"evil.example", "127.0.0.1:9"}, hosts


def test_link_parameter_names_show_as_text(browser, auth_app):
    """Issue 16 item 4: a crafted link's parameter names become text in the warning, not a link."""
    from urllib.parse import quote

    context, page = sign_in(browser, auth_app, "viewer")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        # A backtick in the name closes the code span the names used to be shown in.
        names = [f"x` {PHISHING} `", f"y` {PIXEL} `"]
        goto(page, f"{auth_app['url']}/studio?" + "&".join(f"{quote(n)}=1" for n in names))
        warning = page.locator("[data-testid='stAlert']").filter(has_text="请点此重新登录")
        warning.first.wait_for(timeout=90_000)
        text = warning.first.inner_text().replace("\u2060", "")
        assert all(n in text for n in names), text
        no_live_markup(page, requests)
    finally:
        context.close()


def test_scenario_name_shows_as_text(browser, auth_app):
    """Issue 16 item 4: a planner's scenario name is text in the sidebar and messages of every page."""
    from ui.i18n import t

    name = f"情景{PHISHING}{PIXEL}"
    context, page = sign_in(browser, auth_app, "planner")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        goto(page, f"{auth_app['url']}/scenarios")
        page.get_by_label(t("scenarios.name", "zh")).first.fill(name)
        page.get_by_role("button", name=t("scenarios.save_button", "zh"), exact=True).first.click()
        sidebar = page.locator("[data-testid='stSidebar']")
        sidebar.get_by_text(literal(PHISHING)).first.wait_for(timeout=90_000)
        idle(page)
        no_live_markup(page, requests)
        # the name belongs to this session: move between pages through the navigation, not by URL
        for nav in ("nav.cockpit", "nav.studio", "nav.data"):
            page.locator("[data-testid='stSidebarNav'] a").filter(has_text=t(nav, "zh")).click()
            idle(page)
            shown = sidebar.inner_text().replace("\u2060", "")
            assert PHISHING in shown and PIXEL in shown, (nav, shown)
            no_live_markup(page, requests)
    finally:
        context.close()
