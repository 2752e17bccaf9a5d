"""Roles and permissions (ui/roles.py): who may do what, from the configuration alone."""

from __future__ import annotations

import pytest

from tests.app_pages import switch_to
from tests.helpers import AUTH, shown_text
from ui.roles import (
    ACTIONS,
    PERMISSIONS,
    ROLES_FILE_ENV,
    Principal,
    RoleConfigError,
    allowed,
    auth_configured,
    load_role_config,
    parse_role_config,
    principal_for,
    role_for,
)

ROLES_TABLE = {
    "admin": ["Chen.Li@weihai.gov.cn"],
    "planner": ["wang.fang@weihai.gov.cn", "@fgw.weihai.gov.cn"],
    "viewer": ["mayor@weihai.gov.cn", "@weihai.gov.cn"],
}
SECRETS = {"auth": AUTH, "roles": ROLES_TABLE}

WRITE_ACTIONS = {
    "import",
    "edit_locks",
    "edit_assumptions",
    "save_scenario",
    "edit_scenario",
    "set_baseline",
}
ADMIN_ACTIONS = {"reset_demo", "read_audit"}


def signed_in(
    email: str | None = None, sub: str = "s-1", name: str = "", verified: object = True
) -> dict:
    return {
        "is_logged_in": True,
        "email": email,
        "email_verified": verified,
        "sub": sub,
        "name": name,
    }


def test_permission_matrix_is_as_specified():
    viewer = {a for a in ACTIONS if allowed("viewer", a)}
    planner = {a for a in ACTIONS if allowed("planner", a)}
    admin = {a for a in ACTIONS if allowed("admin", a)}
    assert viewer == {"view", "solve", "download"}
    assert planner == viewer | WRITE_ACTIONS
    assert admin == set(ACTIONS) == planner | ADMIN_ACTIONS
    assert not any(allowed("none", a) for a in ACTIONS)


def test_unknown_action_fails_loudly():
    with pytest.raises(KeyError, match="save_scenarios"):
        allowed("admin", "save_scenarios")


@pytest.mark.parametrize(
    ("user", "role"),
    [
        (signed_in("chen.li@weihai.gov.cn"), "admin"),  # address matched case-insensitively
        (signed_in("WANG.FANG@weihai.gov.cn"), "planner"),
        (signed_in("zhao@fgw.weihai.gov.cn"), "planner"),  # by domain
        (signed_in("mayor@weihai.gov.cn"), "viewer"),
        (signed_in("clerk@weihai.gov.cn"), "viewer"),  # domain entry
        (signed_in("someone@gmail.com"), "viewer"),  # default
        (signed_in(None, sub="sub-42"), "none"),  # no address to match on (match = "email")
        (signed_in("x@evil.fgw.weihai.gov.cn.example"), "viewer"),  # no suffix tricks
        (signed_in("evil@notfgw.weihai.gov.cn"), "viewer"),
        ({"is_logged_in": True}, "none"),  # token with no identity at all
    ],
)
def test_role_for(user, role):
    assert role_for(user, parse_role_config(ROLES_TABLE)) == role


def test_exact_entry_beats_domain_and_highest_exact_wins():
    config = parse_role_config(
        {"admin": ["boss@fgw.weihai.gov.cn"], "viewer": ["@fgw.weihai.gov.cn"]}
    )
    assert role_for(signed_in("boss@fgw.weihai.gov.cn"), config) == "admin"
    config = parse_role_config({"planner": ["p@x.cn"], "admin": ["a@x.cn"]})
    assert role_for(signed_in("p@x.cn", sub="a@x.cn"), config) == "planner"


# --- issue 16 item 3: one claim, verified addresses only ------------------------------------------


def test_a_subject_equal_to_the_admins_address_is_not_the_admin():
    """The attack: an account whose `sub` is the admin's address (and whose own address is another)."""
    config = parse_role_config(ROLES_TABLE)
    attacker = signed_in("attacker@example.com", sub="chen.li@weihai.gov.cn")
    assert role_for(attacker, config) == "viewer"  # the default, not admin
    p = principal_for(attacker, {**SECRETS, "roles": {**ROLES_TABLE, "default": "none"}}, {})
    assert p.role == "none" and p.user == "attacker@example.com"


@pytest.mark.parametrize("verified", [False, None, "false", "", 0])
def test_an_unverified_address_is_never_matched(verified):
    config = parse_role_config({**ROLES_TABLE, "default": "viewer"})
    for email in ("chen.li@weihai.gov.cn", "zhao@fgw.weihai.gov.cn", "someone@gmail.com"):
        user = signed_in(email, sub="s-9", verified=verified)
        assert role_for(user, config) == "none", (email, verified)
    p = principal_for(signed_in("chen.li@weihai.gov.cn", sub="s-9", verified=verified), SECRETS, {})
    assert p.role == "none" and p.user == "s-9"  # named by the subject, not the unverified address


def test_verified_may_be_the_text_true():
    config = parse_role_config(ROLES_TABLE)
    assert role_for(signed_in("chen.li@weihai.gov.cn", verified="true"), config) == "admin"
    assert role_for(signed_in("chen.li@weihai.gov.cn", verified="TRUE"), config) == "admin"


def test_match_sub_matches_exact_subjects_only():
    config = parse_role_config({"match": "sub", "admin": ["Chen-01"], "planner": ["wang"]})
    assert config.match == "sub"
    assert role_for(signed_in("x@y.cn", sub="Chen-01"), config) == "admin"
    assert role_for(signed_in("x@y.cn", sub="chen-01"), config) == "viewer"  # subjects are exact
    # the address never counts under match = "sub", verified or not
    assert role_for(signed_in("Chen-01", sub="other"), config) == "viewer"
    assert role_for({"is_logged_in": True, "email": "a@b.cn", "email_verified": True}, config) == (
        "none"
    )
    p = principal_for(
        signed_in("x@y.cn", sub="Chen-01"),
        {**SECRETS, "roles": {"match": "sub", "admin": ["Chen-01"]}},
        {},
    )
    assert (p.user, p.role) == ("Chen-01", "admin")


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        ({"match": "both"}, "roles.match"),
        ({"match": "name"}, "roles.match"),
        ({"admin": ["sub-42"]}, "not an e-mail address"),  # a subject under match = "email"
        ({"match": "sub", "planner": ["@fgw.weihai.gov.cn"]}, "is a domain"),
    ],
)
def test_mixing_claims_is_a_configuration_error(table, needle):
    with pytest.raises(RoleConfigError) as err:
        parse_role_config(table)
    assert any(needle in p for p in err.value.problems), err.value.problems


def test_default_none_refuses_unlisted_users():
    config = parse_role_config({"default": "none", "planner": ["p@x.cn"]})
    assert role_for(signed_in("p@x.cn"), config) == "planner"
    assert role_for(signed_in("stranger@x.cn"), config) == "none"


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        ({"admins": ["a@x.cn"]}, "roles.admins: unknown key"),
        ({"default": "superuser"}, "roles.default"),
        ({"demo": "root"}, "roles.demo"),
        ({"planner": "p@x.cn", "admin": ["p@x.cn"]}, "also listed as planner"),
        ({"planner": [1, 2]}, "expected a list"),
        ({"viewer": ["@"]}, "empty identity"),
    ],
)
def test_bad_config_is_reported(table, needle):
    with pytest.raises(RoleConfigError) as err:
        parse_role_config(table)
    assert any(needle in p for p in err.value.problems)


def test_auth_configured():
    assert auth_configured({"auth": AUTH})
    assert not auth_configured(None)
    assert not auth_configured({})
    assert not auth_configured({"auth": {k: v for k, v in AUTH.items() if k != "cookie_secret"}})
    assert not auth_configured({"auth": {"redirect_uri": "x", "cookie_secret": "y"}})
    named = {
        "redirect_uri": AUTH["redirect_uri"],
        "cookie_secret": AUTH["cookie_secret"],
        "city": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")},
    }
    assert auth_configured({"auth": named})


def test_no_sign_in_configured_is_the_open_demo(tmp_path):
    p = principal_for(None, {}, environ={})
    assert p == Principal(user="demo", role="admin", signed_in=False, demo=True)
    assert p.can("save_scenario")
    # an operator can make the demo read-only (roles file: the demo has no secrets file at all)
    path = tmp_path / "roles.toml"
    path.write_text('[roles]\ndemo = "viewer"\n', encoding="utf-8")
    p = principal_for(None, None, environ={ROLES_FILE_ENV: str(path)})
    assert p.demo and not p.can("save_scenario") and p.can("view")


def test_secrets_without_sign_in_are_an_error_not_the_demo():
    """Issue 16 item 1: a secrets file that exists never falls back to the open demo."""
    for secrets in (
        {"roles": {"demo": "viewer"}},
        {"auth": {k: v for k, v in AUTH.items() if k != "cookie_secret"}},
        {"auth": {**{k: v for k, v in AUTH.items() if k != "redirect_uri"}, "redirect_url": "x"}},
    ):
        with pytest.raises(RoleConfigError):
            principal_for(None, secrets, environ={})


def test_configured_but_not_signed_in_can_do_nothing():
    for user in (
        None,
        {"is_logged_in": False},
        {"is_logged_in": False, "email": "chen.li@weihai.gov.cn"},
    ):
        p = principal_for(user, SECRETS, environ={})
        assert not p.signed_in and not p.demo and p.role == "none"
        assert not any(p.can(a) for a in ACTIONS)


def test_signed_in_principal_names_the_user_for_the_audit_log():
    p = principal_for(signed_in("Chen.Li@weihai.gov.cn", name="陈立"), SECRETS, environ={})
    assert (p.user, p.role, p.signed_in, p.demo, p.display_name) == (
        "chen.li@weihai.gov.cn",
        "admin",
        True,
        False,
        "陈立",
    )
    viewer = principal_for(signed_in("mayor@weihai.gov.cn"), SECRETS, environ={})
    assert viewer.can("view") and not any(viewer.can(a) for a in WRITE_ACTIONS | ADMIN_ACTIONS)


def test_roles_file_from_environment_wins(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text(
        '[roles]\nadmin = ["mayor@weihai.gov.cn"]\ndefault = "none"\n', encoding="utf-8"
    )
    env = {ROLES_FILE_ENV: str(path)}
    assert load_role_config(SECRETS, env).users == {"mayor@weihai.gov.cn": "admin"}
    assert principal_for(signed_in("mayor@weihai.gov.cn"), SECRETS, env).role == "admin"
    assert principal_for(signed_in("chen.li@weihai.gov.cn"), SECRETS, env).role == "none"
    # a top-level table without [roles] works too
    path.write_text('planner = ["p@x.cn"]\n', encoding="utf-8")
    assert load_role_config(None, env).users == {"p@x.cn": "planner"}


@pytest.mark.parametrize("content", ["[roles\nadmin=", None])
def test_unreadable_roles_file_is_an_error(tmp_path, content):
    path = tmp_path / "roles.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(RoleConfigError, match=ROLES_FILE_ENV):
        load_role_config({}, {ROLES_FILE_ENV: str(path)})


def test_streamlit_attrdict_secrets_are_accepted():
    from streamlit.runtime.secrets import AttrDict

    secrets = AttrDict({"auth": AUTH, "roles": {"planner": ["p@x.cn"]}})
    assert principal_for(signed_in("p@x.cn"), secrets, environ={}).role == "planner"


def test_every_action_has_a_known_role_set():
    for action, roles in PERMISSIONS.items():
        assert roles <= {"viewer", "planner", "admin"}, action
        assert "admin" in roles, action  # admin can do everything


# --- the app enforces roles on the server, not only by greying out widgets --------------------------
#
# A crafted client can send a "clicked" event for any widget it knows, disabled or not. AppTest refuses
# to click a disabled widget, so the test sets the trigger directly, as such a client would.

APP_PAGES = ["cockpit", "studio", "scenarios", "data"]  # url paths
# Buttons that only compute something on screen (they may run for a viewer; forcing them is slow).
COMPUTE_ONLY = {"studio.marginal_run", "scenarios.frontier_run"}


@pytest.fixture(scope="module")
def demo_db_file(tmp_path_factory):
    """A demo store with one saved scenario, built once; tests copy it."""
    from data.store import open_store

    path = tmp_path_factory.mktemp("roles_app") / "demo.db"
    store = open_store(path, create_demo=True)
    store.save_scenario("seeded", {"pool_share": 0.1}, None, user="seed")
    store.close()
    return path


def db_fingerprint(path) -> str:
    import hashlib
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def force_every_button(db_path, roles_file, monkeypatch) -> tuple[list[str], list[str]]:
    """Run the app as the demo role in ``roles_file``; trigger every button on every page.

    Returns the buttons forced and those after which the store had changed.
    """
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("WEIHAI_DB", str(db_path))
    monkeypatch.setenv(ROLES_FILE_ENV, str(roles_file))
    repo = __import__("pathlib").Path(__file__).resolve().parents[1]
    at = AppTest.from_file(str(repo / "app.py"), default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    forced: list[str] = []
    wrote: list[str] = []
    last = db_fingerprint(db_path)
    for page in APP_PAGES:
        switch_to(at, page).run()
        keys = [b.key for b in at.button if b.key and b.key not in COMPUTE_ONLY]
        for key in keys:
            switch_to(at, page).run()
            for box in at.text_input:
                if not box.disabled:
                    box.input("forced-by-test")
            for box in at.checkbox:  # confirmations such as "yes, reset the data"
                box._value = True  # noqa: SLF001 -- a crafted client ignores disabled state
            try:
                button = at.button(key=key)
            except KeyError:
                continue  # the page changed after an earlier click
            button._value = True  # noqa: SLF001
            at.run()
            forced.append(f"{page}:{key}")
            now = db_fingerprint(db_path)
            if now != last:
                wrote.append(f"{page}:{key}")
                last = now
    return forced, wrote


@pytest.mark.slow
def test_viewer_cannot_write_even_with_a_crafted_client(demo_db_file, tmp_path, monkeypatch):
    import shutil

    db = tmp_path / "viewer.db"
    shutil.copy(demo_db_file, db)
    roles = tmp_path / "roles.toml"
    roles.write_text('[roles]\ndemo = "viewer"\n', encoding="utf-8")
    forced, wrote = force_every_button(db, roles, monkeypatch)
    assert any("scenarios" in f for f in forced), forced
    assert wrote == [], f"a viewer changed the store through {wrote}"


@pytest.mark.slow
def test_the_crafted_client_check_can_see_writes(demo_db_file, tmp_path, monkeypatch):
    """Control: the same forcing as a planner does change the store (so the viewer test can fail)."""
    import shutil

    db = tmp_path / "planner.db"
    shutil.copy(demo_db_file, db)
    roles = tmp_path / "roles.toml"
    roles.write_text('[roles]\ndemo = "planner"\n', encoding="utf-8")
    _, wrote = force_every_button(db, roles, monkeypatch)
    assert wrote, "forcing the planner's buttons should have saved something"


@pytest.mark.slow
def test_open_demo_shows_a_notice(demo_db_file, tmp_path, monkeypatch):
    """No sign-in configured: the app runs as an open demo and says so."""
    import shutil

    from streamlit.testing.v1 import AppTest

    from ui.i18n import t

    db = tmp_path / "demo.db"
    shutil.copy(demo_db_file, db)
    monkeypatch.setenv("WEIHAI_DB", str(db))
    monkeypatch.delenv(ROLES_FILE_ENV, raising=False)
    repo = __import__("pathlib").Path(__file__).resolve().parents[1]
    at = AppTest.from_file(str(repo / "app.py"), default_timeout=180).run()
    assert not at.exception
    # in the main area (a banner at the top of every page), not only in the sidebar hidden on phones
    shown = banner_text(at)
    notice = t("app.open_demo", "zh")
    assert notice in shown, shown
    for page in APP_PAGES:
        switch_to(at, page).run()
        assert notice in banner_text(at), page


def sidebar_text(at) -> str:
    return "\n".join(str(e.value) for e in [*at.sidebar.caption, *at.sidebar.markdown])


def banner_text(at) -> str:
    """The info boxes of the main area (where the open-demo banner is)."""
    return "\n".join(str(e.value) for e in at.main.info)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["viewer", "planner", "admin"])
def test_open_demo_notice_says_what_the_demo_role_allows(role, demo_db_file, tmp_path, monkeypatch):
    import shutil

    from streamlit.testing.v1 import AppTest

    from ui.i18n import TABLE, t

    db = tmp_path / "demo.db"
    shutil.copy(demo_db_file, db)
    roles = tmp_path / "roles.toml"
    roles.write_text(f'[roles]\ndemo = "{role}"\n', encoding="utf-8")
    monkeypatch.setenv("WEIHAI_DB", str(db))
    monkeypatch.setenv(ROLES_FILE_ENV, str(roles))
    repo = __import__("pathlib").Path(__file__).resolve().parents[1]
    at = AppTest.from_file(str(repo / "app.py"), default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = banner_text(at)
    assert t("app.open_demo", "zh") in shown
    assert t(f"app.open_demo_{role}", "zh") in shown
    others = {r for r in ("viewer", "planner", "admin") if r != role}
    assert not any(TABLE[f"app.open_demo_{r}"][0] in shown for r in others)
    if role == "viewer":  # a read-only demo must not claim that anyone can change things
        assert "任何人都可以修改" not in shown and "可以操作" not in shown


# --- sign-in configured: the gate in app.py (AppTest seeds st.user and st.secrets) -----------------


def signed_in_app(db, monkeypatch, user: dict | None, page: str | None = None):
    """The app with sign-in configured, run as ``user`` (``None``: not signed in)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("WEIHAI_DB", str(db))
    monkeypatch.delenv(ROLES_FILE_ENV, raising=False)
    repo = __import__("pathlib").Path(__file__).resolve().parents[1]
    at = AppTest.from_file(str(repo / "app.py"), default_timeout=180)
    at.secrets = {"auth": AUTH, "roles": {**ROLES_TABLE, "default": "none"}}
    at.user = user if user is not None else {"is_logged_in": False}
    at.run()
    if page is not None:
        switch_to(at, page).run()
    return at


@pytest.mark.slow
def test_gate_shows_only_sign_in_to_an_anonymous_visitor(demo_db_file, tmp_path, monkeypatch):
    import shutil

    db = tmp_path / "gate.db"
    shutil.copy(demo_db_file, db)
    at = signed_in_app(db, monkeypatch, None)
    assert not at.exception, [e.value for e in at.exception]
    assert [b.key for b in at.button] == ["auth.sign_in"]
    assert not at.dataframe and not at.metric  # no page ran


@pytest.mark.slow
def test_gate_refuses_a_signed_in_account_without_a_role(demo_db_file, tmp_path, monkeypatch):
    import shutil

    db = tmp_path / "gate.db"
    shutil.copy(demo_db_file, db)
    at = signed_in_app(db, monkeypatch, signed_in("someone@example.com"))
    assert not at.exception, [e.value for e in at.exception]
    # the identity is shown as text (ui/safe_text.plain): compare what the reader sees
    assert any("someone@example.com" in shown_text(e.value) for e in at.error)
    assert [b.key for b in at.button] == ["auth.sign_out_refused"]
    assert not at.dataframe and not at.metric


@pytest.mark.slow
def test_signed_in_viewer_sees_name_role_and_sign_out(demo_db_file, tmp_path, monkeypatch):
    import shutil

    from ui.i18n import t

    db = tmp_path / "gate.db"
    shutil.copy(demo_db_file, db)
    at = signed_in_app(db, monkeypatch, signed_in("mayor@weihai.gov.cn", name="市长办公室"))
    assert not at.exception, [e.value for e in at.exception]
    shown = sidebar_text(at)
    assert "市长办公室" in shown and t("role.viewer", "zh") in shown
    assert t("app.open_demo", "zh") not in shown + banner_text(at)
    assert "auth.sign_out" in [b.key for b in at.sidebar.button]
    switch_to(at, "data").run()
    assert not at.exception
    assert "data.reset_button" not in [b.key for b in at.button]


@pytest.mark.slow
def test_every_write_is_logged_under_the_signed_in_identity(demo_db_file, tmp_path, monkeypatch):
    """Planner saves, sets the baseline, renames and deletes; admin resets: each entry names them."""
    import shutil

    from data.store import open_store

    db = tmp_path / "audit.db"
    shutil.copy(demo_db_file, db)
    planner = signed_in("wang.fang@weihai.gov.cn")
    at = signed_in_app(db, monkeypatch, planner, "scenarios")
    assert not at.exception, [e.value for e in at.exception]
    at.text_input[0].input("王芳的情景")
    at.button(key="FormSubmitter:scenarios.save_form-保存").click().run()
    assert not at.exception, [e.value for e in at.exception]
    store = open_store(db, create_demo=False)
    try:
        saved = store.list_scenarios().set_index("name")
        new_id = int(saved.loc["王芳的情景", "id"])
    finally:
        store.close()
    at.selectbox(key="scenarios.pick").select(new_id).run()
    at.button(key="scenarios.set_baseline").click().run()
    at.selectbox(key="scenarios.pick").select(new_id).run()
    at.text_input(key="scenarios.new_name").input("王芳的情景二")
    at.button(key="FormSubmitter:scenarios.rename_form-重命名").click().run()
    at.selectbox(key="scenarios.pick").select(new_id).run()
    at.button(key="scenarios.delete_button").click().run()
    assert not at.exception, [e.value for e in at.exception]

    admin = signed_in_app(db, monkeypatch, signed_in("chen.li@weihai.gov.cn"), "data")
    admin.checkbox(key="data.reset_confirm").check().run()
    admin.button(key="data.reset_button").click().run()
    assert not admin.exception, [e.value for e in admin.exception]

    store = open_store(db, create_demo=False)
    try:
        log = store.audit_log(50)
    finally:
        store.close()
    # the log is newest first: read it oldest first so the latest entry per action wins
    who = dict(zip(log["action"][::-1], log["user"][::-1], strict=True))
    for action in ("save_scenario", "set_baseline", "rename_scenario", "delete_scenario"):
        assert who.get(action) == "wang.fang@weihai.gov.cn", (action, log.head(10))
    assert log.iloc[0]["action"] == "demo" and log.iloc[0]["user"] == "chen.li@weihai.gov.cn"


def test_guarded_store_refuses_outside_a_page(tmp_path, monkeypatch):
    """Without a Streamlit run (bare mode) a refused write raises instead of slipping through."""
    from data.store import open_store
    from ui.auth import NotAllowed
    from ui.state import GuardedStore

    roles = tmp_path / "roles.toml"
    roles.write_text('[roles]\ndemo = "viewer"\n', encoding="utf-8")
    monkeypatch.setenv(ROLES_FILE_ENV, str(roles))
    raw = open_store(tmp_path / "bare.db", create_demo=False)
    try:
        store = GuardedStore(raw)
        with pytest.raises(NotAllowed):
            store.save_scenario("x", {}, None)
        with pytest.raises(NotAllowed):
            store.audit_log()
        assert raw.list_scenarios().empty
        roles.write_text('[roles]\ndemo = "planner"\n', encoding="utf-8")
        store.save_scenario("x", {}, None)
        assert raw.audit_log(1)["user"].tolist() == ["demo"]
    finally:
        raw.close()


# Crafted clients beyond buttons: a file pushed into the greyed-out uploader, a lock picked in the
# greyed-out editor. Streamlit 1.67 drops forged values of disabled widgets itself, and the store
# re-checks the role; whichever layer stops it, nothing may change. The planner runs the same steps
# as a control, so each test can fail.
PLANNER = {
    "is_logged_in": True,
    "email": "wang.fang@weihai.gov.cn",
    "email_verified": True,
    "sub": "wang",
    "name": "王芳",
}
VIEWER = {
    "is_logged_in": True,
    "email": "mayor@weihai.gov.cn",
    "email_verified": True,
    "sub": "mayor",
    "name": "市长",
}


def force(at, kind: str, key: str, value) -> bool:
    """Set a widget's value as a crafted client would (disabled or not); False if it is not there."""
    try:
        widget = getattr(at, kind)(key=key)
    except KeyError:
        return False
    widget._value = value  # noqa: SLF001 -- a crafted client ignores disabled state
    at.run()
    return True


@pytest.mark.slow
@pytest.mark.parametrize("who", ["viewer", "planner"])
def test_import_needs_the_planner_role_even_from_a_crafted_client(
    who, demo_db_file, tmp_path, monkeypatch
):
    import shutil
    import uuid

    from data.store import open_store
    from data.workbook import validate_tables, workbook_to_xlsx_bytes
    from tests.conftest import TINY_SHEETS, raw_from_csv

    db = tmp_path / "import.db"
    shutil.copy(demo_db_file, db)
    before = db_fingerprint(db)
    user = VIEWER if who == "viewer" else PLANNER
    at = signed_in_app(db, monkeypatch, user, "data")
    tiny = workbook_to_xlsx_bytes(
        validate_tables({n: raw_from_csv(s) for n, s in TINY_SHEETS.items()})
    )
    uploader = at.file_uploader[0]
    assert uploader.proto.disabled == (who == "viewer")
    uploader._files = [(str(uuid.uuid4()), "tiny.xlsx", tiny, "application/octet-stream")]  # noqa: SLF001
    at.run()
    pressed = force(at, "button", "data.import_button", True)
    assert not at.exception, [e.value for e in at.exception]
    if who == "viewer":
        assert db_fingerprint(db) == before
    else:
        assert pressed
        store = open_store(db, create_demo=False)
        try:
            assert len(store.load_workbook().candidates) == 3
            entry = store.audit_log(1).iloc[0]
        finally:
            store.close()
        assert (entry["action"], entry["user"]) == ("import", PLANNER["email"])


@pytest.mark.slow
@pytest.mark.parametrize("who", ["viewer", "planner"])
def test_locks_need_the_planner_role_even_from_a_crafted_client(
    who, demo_db_file, tmp_path, monkeypatch
):
    import shutil

    db = tmp_path / "locks.db"
    shutil.copy(demo_db_file, db)
    at = signed_in_app(db, monkeypatch, VIEWER if who == "viewer" else PLANNER, "studio")
    assert not at.exception, [e.value for e in at.exception]
    before = dict(at.session_state["scenario"].get("locks", {}))
    picker = at.selectbox(key="studio.lock_candidate")
    assert picker.proto.disabled == (who == "viewer")
    candidate = next(c for c in picker.options).split(" · ")[0]  # shown as "id · name"
    force(at, "selectbox", "studio.lock_candidate", candidate)
    force(at, "button", "studio.lock_add", True)
    assert not at.exception, [e.value for e in at.exception]
    locks = dict(at.session_state["scenario"].get("locks", {}))
    if who == "viewer":
        assert locks == before
    else:
        assert locks == {**before, candidate: locks[candidate]} and len(locks) == len(before) + 1


# The store's own check, with no greyed-out widget in front of it: a page that forgot can() still
# cannot write for a viewer, and a planner's writes carry their identity.
WRITES = {
    "save_scenario": "store.save_scenario('new', {'pool_share': 0.2}, None)",
    "rename_scenario": "store.rename_scenario(first, 'renamed')",
    "delete_scenario": "store.delete_scenario(first)",
    "set_baseline": "store.set_baseline(first)",
    "import": "store.replace_workbook(store.load_workbook(), detail='again')",
    "demo": "store.seed_demo()",
    "save_assumptions": "store.save_assumptions(store.load_assumptions())",
    "audit_log": "st.session_state['log'] = len(store.audit_log())",
    "edit_locks": "state.update_setting('locks', 'X1', 'none')",
}


CASES = [
    *[("viewer", w) for w in WRITES],  # a viewer: every one refused
    *[
        ("planner", w)
        for w in ("save_scenario", "delete_scenario", "edit_locks", "demo", "audit_log")
    ],
    *[("admin", w) for w in ("demo", "audit_log")],
]


@pytest.mark.slow
@pytest.mark.parametrize(("role", "write"), CASES)
def test_the_store_checks_the_role_at_the_point_of_writing(
    write, role, demo_db_file, tmp_path, monkeypatch
):
    import shutil

    from streamlit.testing.v1 import AppTest

    from ui.i18n import t
    from ui.roles import allowed

    db = tmp_path / "guard.db"
    shutil.copy(demo_db_file, db)
    monkeypatch.setenv("WEIHAI_DB", str(db))
    roles = tmp_path / "roles.toml"
    roles.write_text(f'[roles]\ndemo = "{role}"\n', encoding="utf-8")
    monkeypatch.setenv(ROLES_FILE_ENV, str(roles))
    code = WRITES[write]

    def script() -> None:
        import streamlit as st

        from ui import state

        code = st.session_state["code"]
        store = state.get_store()
        if code.startswith("state."):
            wb, fingerprint = state.workbook()
            state.init_scenario(wb, fingerprint)
        first = int(store.list_scenarios()["id"].iloc[0])  # noqa: F841 -- used by the code
        exec(code)  # noqa: S102 -- the test's own fixed snippets
        st.session_state["done"] = True

    at = AppTest.from_function(script, default_timeout=180)
    at.session_state["code"] = code
    before = db_fingerprint(db)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    action = {
        "rename_scenario": "edit_scenario",
        "delete_scenario": "edit_scenario",
        "demo": "reset_demo",
        "save_assumptions": "edit_assumptions",
        "audit_log": "read_audit",
    }.get(write, write)
    if allowed(role, action):
        assert at.session_state["done"]
        if write not in ("audit_log", "edit_locks"):
            assert db_fingerprint(db) != before
            from data.store import open_store

            store = open_store(db, create_demo=False)
            try:
                assert store.audit_log(1).iloc[0]["user"] == "demo"
            finally:
                store.close()
    else:
        assert "done" not in at.session_state
        assert db_fingerprint(db) == before
        assert any(t("auth.denied", "zh") in e.value for e in at.error)


@pytest.mark.slow
@pytest.mark.parametrize(("email", "locks_apply"), [("mayor@weihai.gov.cn", False), (None, True)])
def test_a_link_sets_locks_only_for_planners(
    demo_db_file, tmp_path, monkeypatch, email, locks_apply
):
    """Issue 16 item 6: locks are a planner's; a viewer's link moves amounts in their own session but
    keeps the workbook's locks, and the warning names the lock parameter it did not apply."""
    import shutil

    from streamlit.testing.v1 import AppTest

    from data.store import open_store

    db = tmp_path / "link.db"
    shutil.copy(demo_db_file, db)
    wb = open_store(db, create_demo=False).load_workbook()
    candidate, option = str(wb.options["candidate_id"].iloc[0]), str(wb.options["option"].iloc[0])
    line = str(wb.budgets["fund_line"].iloc[0])
    monkeypatch.setenv("WEIHAI_DB", str(db))
    monkeypatch.delenv(ROLES_FILE_ENV, raising=False)
    repo = __import__("pathlib").Path(__file__).resolve().parents[1]
    at = AppTest.from_file(str(repo / "app.py"), default_timeout=180)
    at.secrets = {"auth": AUTH, "roles": ROLES_TABLE}
    planner = next(e for e in ROLES_TABLE["planner"] if "@" in e and not e.startswith("@"))
    at.user = signed_in(email or planner)
    at.query_params[f"l.{candidate}"] = option
    at.query_params[f"b.{line}"] = "12345"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    settings = at.session_state["scenario"]
    assert settings["budgets"][line] == 12345.0
    stored_locks = dict(zip(wb.locks["candidate_id"], wb.locks["option"], strict=True))
    if locks_apply:
        assert dict(settings["locks"]) == {candidate: option}
    else:
        assert dict(settings["locks"]) == stored_locks
        warned = " ".join(shown_text(w.value) for w in at.warning)
        assert f"l.{candidate}" in warned and "planner" in warned
