"""Roles and permissions (ui/roles.py): who may do what, from the configuration alone."""

from __future__ import annotations

import pytest

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

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-enough-random-cookie-secret",
    "client_id": "weihai-planner",
    "client_secret": "s3cret",
    "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
}
ROLES_TABLE = {
    "admin": ["Chen.Li@weihai.gov.cn"],
    "planner": ["wang.fang@weihai.gov.cn", "@fgw.weihai.gov.cn", "sub-42"],
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


def signed_in(email: str | None = None, sub: str = "s-1", name: str = "") -> dict:
    return {"is_logged_in": True, "email": email, "sub": sub, "name": name}


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
        (signed_in(None, sub="sub-42"), "planner"),  # by subject when no e-mail
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
    config = parse_role_config({"planner": ["p@x.cn"], "admin": ["sub-9"]})
    assert role_for(signed_in("p@x.cn", sub="sub-9"), config) == "admin"


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


def test_no_sign_in_configured_is_the_open_demo():
    p = principal_for(None, {}, environ={})
    assert p == Principal(user="demo", role="admin", signed_in=False, demo=True)
    assert p.can("save_scenario")
    # an operator can make the demo read-only
    p = principal_for(None, {"roles": {"demo": "viewer"}}, environ={})
    assert p.demo and not p.can("save_scenario") and p.can("view")


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
