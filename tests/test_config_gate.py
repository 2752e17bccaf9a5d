"""The configuration fails closed (issue 16 item 1): a broken secrets file never opens the admin demo.

A secrets file that exists but cannot be parsed, or whose ``[auth]`` is missing or incomplete, must stop
every page with a message naming the file and the key, and let nobody write; only a machine with no
secrets file at all runs the open demo, which says so at the top of every page.
"""

from __future__ import annotations

import pkgutil
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import AUTH, shown_text
from ui.roles import ROLES_FILE_ENV, RoleConfigError, auth_problems, principal_for

REPO = Path(__file__).resolve().parents[1]
PROVIDER = {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}
SHARED = {k: AUTH[k] for k in ("redirect_uri", "cookie_secret")}


def without(mapping: dict, *keys: str, **extra: object) -> dict:
    return {**{k: v for k, v in mapping.items() if k not in keys}, **extra}


# --- what st.login needs, checked before anyone is let in -------------------------------------------


def test_complete_auth_has_no_problems():
    assert auth_problems({"auth": AUTH}) == []
    assert auth_problems({"auth": {**SHARED, "city": PROVIDER}}) == []
    assert auth_problems({"auth": {**AUTH, "client_kwargs": {"prompt": "login"}}}) == []
    assert auth_problems({"auth": {**SHARED, "city": {**PROVIDER, "client_kwargs": {}}}}) == []


@pytest.mark.parametrize(
    ("auth", "needle"),
    [
        (None, "no [auth] table"),
        (without(AUTH, "cookie_secret"), "cookie_secret is missing"),
        (
            without(AUTH, "redirect_uri", redirect_url=AUTH["redirect_uri"]),
            "redirect_uri is missing",
        ),
        (without(AUTH, "redirect_uri", redirect_url=AUTH["redirect_uri"]), "'redirect_url'"),
        (without(AUTH, "client_id"), "client_id is missing"),
        (without(AUTH, "client_secret"), "client_secret is missing"),
        (without(AUTH, "server_metadata_url"), "server_metadata_url is missing"),
        (without(AUTH, "client_id", clientid="x"), "'clientid'"),
        (without(AUTH, cookie_secret=""), "cookie_secret is missing"),
        (without(AUTH, cookie_secret="short"), "cookie_secret is too short"),
        (without(AUTH, redirect_uri="localhost:8501"), "redirect_uri must be"),
        (without(AUTH, redirect_uri="http://localhost:8501/callback"), "/oauth2callback"),
        (without(AUTH, server_metadata_url="sso.example.cn"), "server_metadata_url must be"),
        (SHARED, "no provider"),
        ({**SHARED, "city": without(PROVIDER, "client_secret")}, "[auth.city]: client_secret"),
        ({**SHARED, "city_sso": PROVIDER}, "must not contain '_'"),
        ({**SHARED, "city": {**PROVIDER, "redirect_url": "x"}}, "[auth.city]: unknown key"),
    ],
)
def test_incomplete_auth_names_the_key_and_the_file(auth, needle):
    secrets = {"roles": {"admin": ["a@x.cn"]}} if auth is None else {"auth": auth}
    problems = auth_problems(secrets, "/srv/app/.streamlit/secrets.toml")
    assert problems, auth
    assert any(needle in p for p in problems), problems
    assert all(p.startswith("/srv/app/.streamlit/secrets.toml") for p in problems), problems


@pytest.mark.parametrize(
    "secrets",
    [
        {"roles": {"demo": "admin"}},  # roles but no [auth]: the attack's "everyone is admin"
        {"auth": without(AUTH, "cookie_secret")},
        {"auth": without(AUTH, "redirect_uri", redirect_url=AUTH["redirect_uri"])},
        {"Auth": AUTH},  # misspelt table name
    ],
)
def test_principal_is_never_the_demo_when_secrets_exist(secrets):
    with pytest.raises(RoleConfigError):
        principal_for(None, secrets, environ={})


def test_no_secrets_at_all_is_the_demo():
    p = principal_for(None, None, environ={})
    assert p.demo and p.role == "admin"


# --- every place Streamlit reads secrets from -------------------------------------------------------


@pytest.fixture
def secrets_files() -> Iterator:
    """Set ``secrets.files`` (as an operator's config would) for one test; restore it afterwards."""
    import streamlit as st
    from streamlit import config

    option = config.get_config_options()["secrets.files"]
    saved = (option.value, option.where_defined)

    def use(paths: list[str], where: str = "<user defined>") -> None:
        config.set_option("secrets.files", paths, where)
        st.secrets._reset()  # noqa: SLF001 -- forget what an earlier test parsed

    yield use
    config.set_option("secrets.files", saved[0], saved[1])
    st.secrets._reset()  # noqa: SLF001


def test_sources_default_places_without_files_are_the_demo(tmp_path, secrets_files):
    from ui.auth import read_secrets, secret_sources

    paths = [str(tmp_path / "home" / "secrets.toml"), str(tmp_path / "cwd" / "secrets.toml")]
    secrets_files(paths, "<default>")
    assert secret_sources() == ([], [])
    assert read_secrets() == (None, [])


@pytest.mark.parametrize("where", ["home", "cwd"])
def test_sources_a_syntax_error_in_either_default_place_is_named(tmp_path, secrets_files, where):
    from ui.auth import read_secrets

    (tmp_path / where).mkdir()
    broken = tmp_path / where / "secrets.toml"
    broken.write_text(
        '[auth]\nredirect_uri = "http://x/oauth2callback"\ncookie_secret = "unterminated\n',
        encoding="utf-8",
    )
    secrets_files(
        [str(tmp_path / "home" / "secrets.toml"), str(tmp_path / "cwd" / "secrets.toml")],
        "<default>",
    )
    secrets, problems = read_secrets()
    assert secrets is None
    assert len(problems) == 1 and problems[0].startswith(str(broken)), problems
    assert "cannot be read as TOML" in problems[0]


def test_sources_incomplete_auth_in_a_file_is_named(tmp_path, secrets_files):
    from ui.auth import read_secrets

    path = tmp_path / "secrets.toml"
    path.write_text(
        "[auth]\n" + "".join(f'{k} = "{v}"\n' for k, v in without(AUTH, "cookie_secret").items()),
        encoding="utf-8",
    )
    secrets_files([str(path)])
    _, problems = read_secrets()
    assert problems == [f"{path} [auth]: cookie_secret is missing or empty"]


def test_sources_explicit_paths_must_exist_and_be_usable(tmp_path, secrets_files):
    from ui.auth import secret_sources

    missing = tmp_path / "secrets.toml"
    secrets_files([str(missing)])  # an operator's --secrets.files with a typo
    assert any("does not exist" in p for p in secret_sources()[1])
    odd = tmp_path / "secrets.txt"
    odd.write_text("x", encoding="utf-8")
    secrets_files([str(odd)])
    assert any(".toml files or directories" in p for p in secret_sources()[1])
    folder = tmp_path / "k8s"
    folder.mkdir()
    (folder / "loose-file").write_text("x", encoding="utf-8")
    secrets_files([str(folder)])
    found, problems = secret_sources()
    assert found == [str(folder)] and any("is not a folder" in p for p in problems)


# --- the app: every page stops with the message, nobody writes --------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from data.store import open_store

    path = tmp_path_factory.mktemp("config_gate") / "demo.db"
    open_store(path, create_demo=True).close()
    return path


def db_fingerprint(path: Path) -> str:
    import hashlib
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


# Every page module of the pages/ package, so a new page is behind the gate's test as soon as it exists.
PAGES = sorted(
    m.name for m in pkgutil.iter_modules([str(Path(__file__).resolve().parent.parent / "pages")])
)


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The page modules whose ``render()`` ran (none may, behind a closed gate): every page is
    replaced by a recorder before app.py builds its navigation from them."""
    import importlib

    calls: list[str] = []
    for name in PAGES:
        module = importlib.import_module(f"pages.{name}")
        monkeypatch.setattr(module, "render", lambda name=name: calls.append(name))
    return calls


def assert_closed(at, needle: str) -> None:
    """Only the configuration error is on screen: no page, no navigation, no button, no banner."""
    from ui.i18n import t

    assert not at.exception, [e.value for e in at.exception]
    errors = [shown_text(e.value) for e in at.error]
    assert any(needle in e for e in errors), errors
    assert not at.button and not at.dataframe and not at.metric and not at.get("file_uploader")
    assert not any(t("app.open_demo", "zh") in str(w.value) for w in [*at.warning, *at.info])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("auth", "needle"),
    [
        (without(AUTH, "cookie_secret"), "cookie_secret is missing"),
        (without(AUTH, "redirect_uri", redirect_url=AUTH["redirect_uri"]), "redirect_uri"),
        (without(AUTH, "client_secret"), "client_secret is missing"),
    ],
)
def test_app_with_incomplete_auth_stops_every_page(
    demo_db, tmp_path, monkeypatch, rendered, auth, needle
):
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "app.db"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("WEIHAI_DB", str(db))
    monkeypatch.delenv(ROLES_FILE_ENV, raising=False)
    before = db_fingerprint(db)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=180)
    at.secrets = {"auth": auth, "roles": {"demo": "admin"}}
    at.query_params["reset"] = "1"
    at.run()
    assert_closed(at, needle)
    at.run()  # again, as a second visit or a page link would
    assert_closed(at, needle)
    assert rendered == []  # no page ran (every page URL in a browser: test_security_browser.py)
    assert db_fingerprint(db) == before


@pytest.mark.slow
def test_app_with_an_unparseable_secrets_file_stops(
    demo_db, tmp_path, monkeypatch, secrets_files, rendered
):
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "app.db"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("WEIHAI_DB", str(db))
    monkeypatch.delenv(ROLES_FILE_ENV, raising=False)
    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth]\nredirect_uri = "http://x/oauth2callback\n', encoding="utf-8")
    secrets_files([str(tmp_path / "absent" / "secrets.toml"), str(broken)], "<default>")
    before = db_fingerprint(db)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=180).run()
    assert_closed(at, str(broken))
    at.run()
    assert_closed(at, str(broken))
    assert rendered == []
    assert db_fingerprint(db) == before


@pytest.mark.slow
def test_a_broken_configuration_refuses_every_write(monkeypatch):
    """``require`` (called by every write) refuses too, not only the gate."""
    import streamlit as st
    from streamlit.runtime.secrets import Secrets

    from ui import auth

    broken = Secrets()
    broken._secrets = {"auth": without(AUTH, "cookie_secret")}  # noqa: SLF001
    monkeypatch.setattr(st, "secrets", broken)
    user = auth.current_user()
    assert user.role == "none" and not user.demo
    with pytest.raises(auth.NotAllowed):
        auth.require("save_scenario")
