"""Who may do what: roles from a configuration mapping signed-in identities to viewer / planner / admin.

Pure functions, no Streamlit import, so every rule is testable without a browser. ``ui.auth`` asks
:func:`principal_for` with ``st.user``, ``st.secrets`` and the environment, and every write path asks
:meth:`Principal.can` (through ``ui.auth.can``) before it writes.

The configuration is a ``[roles]`` table, in ``.streamlit/secrets.toml`` or in the TOML file named by the
environment variable ``WEIHAI_ROLES_FILE`` (which wins, so an operator can keep roles out of secrets)::

    [roles]
    match = "email"         # the ONE claim identities are matched on: "email" (default) or "sub"
    default = "viewer"      # a signed-in identity not listed below; "none" refuses it
    demo = "admin"          # the open demo's role (no secrets file: so set it in WEIHAI_ROLES_FILE)
    admin = ["chen.li@weihai.gov.cn"]
    planner = ["wang.fang@weihai.gov.cn", "@fgw.weihai.gov.cn"]   # "@domain": everyone at that domain
    viewer = ["office@weihai.gov.cn"]

Identities are matched on one claim of the identity token, never on two in one table (an account whose
subject equals the admin's address must not become admin). With ``match = "email"`` the entries are
addresses or ``@domains`` (case-insensitive) and the address counts only when the provider says it is
verified (``email_verified`` true); an account without a verified address is not let in. With
``match = "sub"`` the entries are the provider's subjects, compared exactly. A listed address wins over
a domain entry. See ``docs/security.md``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROLES = ("viewer", "planner", "admin")  # in increasing power
NO_ROLE = "none"
ROLES_FILE_ENV = "WEIHAI_ROLES_FILE"
DEMO_USER = "demo"
MATCH_CLAIMS = ("email", "sub")  # the claims `[roles] match` may name

# The permission matrix: action → the roles allowed to do it. Every write path in the product names one
# of these actions; reading and moving sliders ("explore") is open to every role.
PERMISSIONS: dict[str, frozenset[str]] = {
    "view": frozenset(ROLES),  # every page, sliders, shared links (nothing saved)
    "solve": frozenset(ROLES),  # what-if solves of the settings on screen (nothing saved)
    "download": frozenset(ROLES),  # exports of what is on screen
    "import": frozenset({"planner", "admin"}),  # replace the stored workbook
    "edit_locks": frozenset({"planner", "admin"}),
    "edit_assumptions": frozenset({"planner", "admin"}),
    "save_scenario": frozenset({"planner", "admin"}),
    "edit_scenario": frozenset({"planner", "admin"}),  # rename / delete a saved scenario
    "set_baseline": frozenset({"planner", "admin"}),
    "reset_demo": frozenset({"admin"}),  # restore the demo city (replaces the stored data)
    "read_audit": frozenset({"admin"}),
}
ACTIONS = tuple(PERMISSIONS)


class RoleConfigError(ValueError):
    """The roles configuration is malformed; ``problems`` says where, one message each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class RoleConfig:
    """Identities → roles, as read from the ``[roles]`` table.

    Attributes
    ----------
    users : dict of str to str
        Lower-case e-mail address (``match = "email"``) or exact subject (``match = "sub"``) → role.
    domains : dict of str to str
        Lower-case domain (without ``@``) → role.
    default : str
        Role of a signed-in identity that no entry matches, or ``"none"`` to refuse it.
    demo : str
        Everyone's role when no sign-in is configured.
    match : str
        The one claim identities are matched on: ``"email"`` (verified addresses) or ``"sub"``.
    """

    users: dict[str, str] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)
    default: str = "viewer"
    demo: str = "admin"
    match: str = "email"


@dataclass(frozen=True)
class Principal:
    """The person using this session, as the write paths see them.

    Attributes
    ----------
    user : str
        The name written to the audit log: e-mail address, else subject, else ``"demo"``.
    role : str
        ``viewer``, ``planner``, ``admin`` or ``none`` (signed in but not let in).
    signed_in : bool
        True when an identity provider vouched for ``user``.
    demo : bool
        True when no sign-in is configured (open demo; the app shows a notice).
    display_name : str
        A name to greet the user with.
    """

    user: str
    role: str
    signed_in: bool
    demo: bool
    display_name: str = ""

    def can(self, action: str) -> bool:
        """Whether this principal may do ``action`` (one of :data:`ACTIONS`)."""
        return allowed(self.role, action)


def allowed(role: str, action: str) -> bool:
    """Whether ``role`` may do ``action``.

    Parameters
    ----------
    role : str
        A role name, or ``"none"``.
    action : str
        One of :data:`ACTIONS`.

    Returns
    -------
    bool
        True when the permission matrix grants it.

    Raises
    ------
    KeyError
        For an unknown action, so a misspelt permission check fails loudly in tests instead of
        silently denying (or allowing) in production.
    """
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}; known: {', '.join(ACTIONS)}")
    return role in PERMISSIONS[action]


def _role_name(value: object, where: str, problems: list[str], *, allow_none: bool) -> str:
    text = str(value).strip().lower()
    valid = ROLES + ((NO_ROLE,) if allow_none else ())
    if text not in valid:
        problems.append(f"{where}: {value!r} is not a role (use one of {', '.join(valid)})")
        return NO_ROLE
    return text


def parse_role_config(table: Mapping[str, Any] | None) -> RoleConfig:
    """A :class:`RoleConfig` from the ``[roles]`` table (``None`` or empty: defaults).

    Parameters
    ----------
    table : Mapping or None
        Keys ``match``, ``default``, ``demo`` and one list of identities per role name.

    Returns
    -------
    RoleConfig

    Raises
    ------
    RoleConfigError
        For an unknown key, role or match claim, a role list that is not a list of text, an identity
        listed under two roles, or an entry of the wrong kind for the match claim (a subject under
        ``match = "email"``, an ``@domain`` under ``match = "sub"``).
    """
    table = dict(table or {})
    problems: list[str] = []
    default = _role_name(table.pop("default", "viewer"), "roles.default", problems, allow_none=True)
    demo = _role_name(table.pop("demo", "admin"), "roles.demo", problems, allow_none=True)
    match = str(table.pop("match", "email")).strip().lower()
    if match not in MATCH_CLAIMS:
        problems.append(f"roles.match: {match!r} is not a claim to match on (use email or sub)")
    users: dict[str, str] = {}
    domains: dict[str, str] = {}
    for key, entries in table.items():
        role = str(key).strip().lower()
        if role not in ROLES:
            problems.append(
                f"roles.{key}: unknown key (use match, default, demo, {', '.join(ROLES)})"
            )
            continue
        if isinstance(entries, str):
            entries = [entries]
        if not isinstance(entries, list | tuple) or not all(isinstance(e, str) for e in entries):
            problems.append(f"roles.{key}: expected a list of e-mail addresses or @domains")
            continue
        for entry in entries:
            # Subjects are case-sensitive (OpenID Connect Core 5.7); addresses and domains are not.
            ident = entry.strip() if match == "sub" else entry.strip().lower()
            if not ident or ident == "@":
                problems.append(f"roles.{key}: empty identity")
                continue
            if match == "sub" and ident.startswith("@"):
                problems.append(
                    f'roles.{key}: {entry!r} is a domain, but match = "sub" lists subjects only'
                )
                continue
            if match == "email" and "@" not in ident:
                problems.append(
                    f"roles.{key}: {entry!r} is not an e-mail address or @domain "
                    '(match = "email"; to list subjects set match = "sub")'
                )
                continue
            target, name = (domains, ident[1:]) if ident.startswith("@") else (users, ident)
            if name in target and target[name] != role:
                problems.append(f"roles.{key}: {entry!r} is also listed as {target[name]}")
                continue
            target[name] = role
    if problems:
        raise RoleConfigError(problems)
    return RoleConfig(users=users, domains=domains, default=default, demo=demo, match=match)


def load_role_config(
    secrets: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> RoleConfig:
    """The roles configuration: from ``$WEIHAI_ROLES_FILE`` if set, else the secrets' ``[roles]``.

    Parameters
    ----------
    secrets : Mapping or None
        The app's secrets (``st.secrets`` or a dict); ``None`` when there are none.
    environ : Mapping or None
        Environment variables (default ``os.environ``).

    Returns
    -------
    RoleConfig

    Raises
    ------
    RoleConfigError
        When the file cannot be read or the table is malformed.
    """
    environ = os.environ if environ is None else environ
    path = environ.get(ROLES_FILE_ENV, "").strip()
    if path:
        try:
            document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise RoleConfigError([f"{ROLES_FILE_ENV}={path}: cannot read ({exc})"]) from exc
        return parse_role_config(document.get("roles", document))
    table = (secrets or {}).get("roles") if secrets is not None else None
    return parse_role_config(_plain(table) if table is not None else None)


def _plain(value: Any) -> Any:
    """Streamlit's AttrDict (and nested ones) as plain dicts and lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# What `st.login` requires (streamlit/auth_util.py `validate_auth_credentials`, Streamlit 1.67): the
# shared keys in [auth], and per provider (the default one in [auth] itself, or named sub-tables).
AUTH_SHARED_KEYS = ("redirect_uri", "cookie_secret")
AUTH_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
AUTH_OPTIONAL_KEYS = ("client_kwargs", "expose_tokens")
# A short cookie secret can be guessed offline, and whoever knows it can sign any identity cookie.
MIN_COOKIE_SECRET = 32


def _is_url(value: object) -> bool:
    text = str(value).strip().lower()
    return text.startswith(("https://", "http://")) and len(text) > len("https://")


def _provider_problems(section: Mapping[str, Any], where: str) -> list[str]:
    problems = [
        f"{where}: {key} is missing or empty"
        for key in AUTH_PROVIDER_KEYS
        if not str(section.get(key) or "").strip()
    ]
    url = section.get("server_metadata_url")
    if url and not _is_url(url):
        problems.append(f"{where}: server_metadata_url must be an http(s) URL")
    return problems


def auth_problems(secrets: Mapping[str, Any] | None, source: str = "secrets") -> list[str]:
    """Why the secrets do not configure sign-in completely; ``[]`` when they do.

    A secrets file that exists must configure sign-in completely: the open demo (everyone gets the
    demo role) runs only when there is no secrets file at all, so a missing or misspelt key fails
    closed instead of opening the app (``docs/security.md``).

    Parameters
    ----------
    secrets : Mapping or None
        The secrets read from the file(s); ``None`` or empty counts as a file without ``[auth]``.
    source : str
        The file(s) the secrets came from, named in every message.

    Returns
    -------
    list of str
        One message per problem, each naming the file and the key: no ``[auth]`` table; a missing,
        empty or malformed ``redirect_uri`` / ``cookie_secret``; an unknown (misspelt) key; no
        provider; a provider without ``client_id``, ``client_secret`` or ``server_metadata_url``.
    """
    auth = (secrets or {}).get("auth")
    if not isinstance(auth, Mapping):
        return [
            f"{source}: no [auth] table, so sign-in is not configured (the open demo runs only "
            "when there is no secrets file at all)"
        ]
    where = f"{source} [auth]"
    problems = [
        f"{where}: {key} is missing or empty"
        for key in AUTH_SHARED_KEYS
        if not str(auth.get(key) or "").strip()
    ]
    redirect = str(auth.get("redirect_uri") or "").strip()
    if redirect and not (_is_url(redirect) and redirect.rstrip("/").endswith("/oauth2callback")):
        problems.append(
            f"{where}: redirect_uri must be the app's http(s) URL ending in /oauth2callback"
        )
    secret = str(auth.get("cookie_secret") or "")
    if secret.strip() and len(secret) < MIN_COOKIE_SECRET:
        problems.append(
            f"{where}: cookie_secret is too short (use at least {MIN_COOKIE_SECRET} random characters)"
        )
    known = set(AUTH_SHARED_KEYS) | set(AUTH_PROVIDER_KEYS) | set(AUTH_OPTIONAL_KEYS)
    named: dict[str, Mapping[str, Any]] = {}
    for key, value in auth.items():
        if isinstance(value, Mapping) and key != "client_kwargs":
            named[str(key)] = value
        elif key not in known:
            problems.append(
                f"{where}: unknown key {key!r} (misspelt? known: {', '.join(sorted(known))})"
            )
    if any(key in auth for key in AUTH_PROVIDER_KEYS):
        problems += _provider_problems(auth, where)
    for name, section in named.items():
        here = f"{source} [auth.{name}]"
        if "_" in name:
            problems.append(f"{here}: a provider name must not contain '_' (Streamlit refuses it)")
        problems += _provider_problems(section, here)
        extra = set(section) - set(AUTH_PROVIDER_KEYS) - set(AUTH_OPTIONAL_KEYS)
        problems += [f"{here}: unknown key {key!r} (misspelt?)" for key in sorted(extra)]
    if not named and not any(key in auth for key in AUTH_PROVIDER_KEYS):
        problems.append(
            f"{where}: no provider (client_id, client_secret, server_metadata_url in [auth] "
            "or in a named [auth.<provider>] table)"
        )
    return problems


def auth_configured(secrets: Mapping[str, Any] | None) -> bool:
    """Whether the secrets configure ``st.login``: an ``[auth]`` table with a provider.

    Parameters
    ----------
    secrets : Mapping or None
        The app's secrets.

    Returns
    -------
    bool
        True when ``[auth]`` has ``redirect_uri`` and ``cookie_secret`` and either ``client_id`` with
        ``server_metadata_url`` (the default provider) or a named provider sub-table with them.
    """
    if not secrets:
        return False
    auth = secrets.get("auth")
    if (
        not isinstance(auth, Mapping)
        or not auth.get("redirect_uri")
        or not auth.get("cookie_secret")
    ):
        return False

    def complete(section: Mapping[str, Any]) -> bool:
        return bool(section.get("client_id") and section.get("server_metadata_url"))

    return complete(auth) or any(isinstance(v, Mapping) and complete(v) for v in auth.values())


def verified_email(user_info: Mapping[str, Any]) -> str:
    """The token's e-mail address in lower case when the provider vouches for it, else ``""``.

    Parameters
    ----------
    user_info : Mapping
        The identity token's claims (``st.user``).

    Returns
    -------
    str
        ``email`` when ``email_verified`` is true (the boolean, or the text ``"true"`` that some
        providers send); an unverified address is anyone's claim and never matched.
    """
    verified = user_info.get("email_verified")
    if not (verified is True or str(verified).strip().lower() == "true"):
        return ""
    return str(user_info.get("email") or "").strip().lower()


def identity_key(user_info: Mapping[str, Any], match: str = "email") -> str:
    """The name a signed-in user is known by (audit log, greeting).

    With ``match = "email"`` the verified address, else the subject (so an unverified account is
    named by what the provider vouches for); with ``match = "sub"`` the subject.
    """
    sub = str(user_info.get("sub") or "").strip()
    if match == "sub":
        return sub
    return verified_email(user_info) or sub


def role_for(user_info: Mapping[str, Any], config: RoleConfig) -> str:
    """The role of a signed-in user, matched on the configuration's one claim.

    Parameters
    ----------
    user_info : Mapping
        The identity token's claims (``st.user``): ``email`` with ``email_verified``, ``sub``.
    config : RoleConfig
        The roles configuration.

    Returns
    -------
    str
        A role from :data:`ROLES`, or ``"none"`` when the user is not let in (also when the token
        lacks the claim matched on, e.g. an unverified address under ``match = "email"``).
    """
    if config.match == "sub":
        sub = str(user_info.get("sub") or "").strip()
        if not sub:
            return NO_ROLE
        return config.users.get(sub, config.default)
    email = verified_email(user_info)
    if not email:
        return NO_ROLE  # no address the provider vouches for: never let in, not even as default
    if email in config.users:
        return config.users[email]
    if "@" in email:
        domain = email.rsplit("@", 1)[1]
        if domain in config.domains:
            return config.domains[domain]
    return config.default


def principal_for(
    user_info: Mapping[str, Any] | None,
    secrets: Mapping[str, Any] | None,
    environ: Mapping[str, str] | None = None,
) -> Principal:
    """Who is using this session and with which role: the one decision every page relies on.

    Parameters
    ----------
    user_info : Mapping or None
        ``st.user`` as a dict (``is_logged_in``, ``email``, ``sub``, ``name``), or ``None``.
    secrets : Mapping or None
        ``st.secrets`` as a dict, or ``None`` (or empty) when the app has no secrets file at all.
    environ : Mapping or None
        Environment variables (default ``os.environ``), for ``WEIHAI_ROLES_FILE``.

    Returns
    -------
    Principal
        With sign-in configured: the signed-in user's role, or an anonymous principal with role
        ``"none"`` who must sign in first. Without any secrets: the open demo's principal
        (``demo=True``).

    Raises
    ------
    RoleConfigError
        When the roles configuration is malformed, or when secrets exist but do not configure
        sign-in completely (:func:`auth_problems`): ``ui.auth`` shows it and lets nobody write.
    """
    if secrets:  # a secrets file exists: it must configure sign-in, never fall back to the demo
        problems = auth_problems(secrets)
        if problems:
            raise RoleConfigError(problems)
    config = load_role_config(secrets, environ)
    if not secrets:
        return Principal(user=DEMO_USER, role=config.demo, signed_in=False, demo=True)
    info = dict(user_info or {})
    if not info.get("is_logged_in"):
        return Principal(user="", role=NO_ROLE, signed_in=False, demo=False)
    user = identity_key(info, config.match)
    return Principal(
        user=user,
        role=role_for(info, config),
        signed_in=True,
        demo=False,
        display_name=str(info.get("name") or user),
    )
