"""Who is using the dashboard and what they may do: sign-in, roles, and the check before every write.

With an ``[auth]`` table in the secrets, people sign in through the city's OpenID Connect provider
(``st.login``) and get the role that ``ui.roles`` gives their identity; only signed-in people with a role
get past :func:`sign_in_gate`. The configuration fails closed: a secrets file that exists but cannot be
read, or whose ``[auth]`` is missing or incomplete, stops every page with a message naming the file and
the key, and nobody may write. Only with no secrets file at all (in any place Streamlit reads secrets
from) is the app an open demo: everyone gets the demo role and a banner at the top of every page says
so. Pages ask :func:`can` to grey out what the user may not do; the store the pages get
(``ui.state.get_store``) asks :func:`require` again right before every write, because a crafted client
can send a click for a disabled widget. See ``docs/security.md``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from ui.i18n import t
from ui.roles import (
    NO_ROLE,
    Principal,
    RoleConfigError,
    auth_configured,
    auth_problems,
    identity_key,
    principal_for,
)
from ui.safe_text import plain, plain_lines


class NotAllowed(PermissionError):
    """Raised by :func:`require` when it cannot stop the script (no Streamlit run is active)."""


def secret_sources() -> tuple[list[str], list[str]]:
    """Every place Streamlit reads secrets from: the files found there, and why any is unusable.

    The places are the ``secrets.files`` option (by default ``~/.streamlit/secrets.toml`` and
    ``.streamlit/secrets.toml`` in the working directory). Streamlit itself treats a file it cannot
    parse like a missing one, which would open the demo; here it is a problem instead.

    Returns
    -------
    tuple of (list of str, list of str)
        The paths that hold secrets, and one message per unusable path: a TOML file that cannot be
        read or parsed, a path that is neither a ``.toml`` file nor a directory, a secrets directory
        holding a plain file, and a path named explicitly in ``secrets.files`` that does not exist.
    """
    from streamlit import config

    paths = [str(p) for p in config.get_option("secrets.files") or []]
    explicit = config.get_where_defined("secrets.files") != "<default>"
    found: list[str] = []
    problems: list[str] = []
    for path in paths:
        where = Path(path)
        if path.endswith(".toml"):
            if not where.exists():
                if explicit:  # an operator named it: a typo there must not open the demo
                    problems.append(f"{path}: named in secrets.files but does not exist")
                continue
            found.append(path)
            try:
                tomllib.loads(where.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                problems.append(f"{path}: cannot be read as TOML ({exc})")
        elif where.is_dir():
            entries = list(where.iterdir())
            if entries:
                found.append(path)
            problems += [
                f"{path}: {entry.name} is not a folder (Kubernetes-style secrets need one per key)"
                for entry in entries
                if not entry.is_dir()
            ]
        elif where.exists() or explicit:
            problems.append(f"{path}: secrets.files entries must be .toml files or directories")
    return found, problems


def read_secrets() -> tuple[dict[str, Any] | None, list[str]]:
    """The app's secrets as a plain dict, and the configuration problems that must stop the app.

    Returns
    -------
    tuple of (dict or None, list of str)
        ``(None, [])`` when there is no secrets file anywhere (the open demo); the secrets and
        ``[]`` when they configure sign-in completely; otherwise the problems, each naming the file
        and the key (see :func:`secret_sources` and ``ui.roles.auth_problems``).
    """
    from streamlit.errors import StreamlitSecretNotFoundError

    found, problems = secret_sources()
    if problems:
        return None, problems
    try:
        # Programmatic secrets (AppTest's ``at.secrets``) need no file; without either this raises.
        secrets = st.secrets.to_dict()
    except StreamlitSecretNotFoundError as exc:
        if found:
            return None, [f"{', '.join(found)}: {exc}"]
        return None, []
    except Exception as exc:  # any other failure to read the secrets must not open the app
        return None, [f"{', '.join(found) or 'secrets'}: cannot be read ({exc})"]
    if not found and not secrets:
        return None, []
    return secrets, auth_problems(secrets, ", ".join(found) or "st.secrets")


def _resolve() -> tuple[Principal, str | None]:
    """The current principal, and the configuration's error message if it is broken."""
    secrets, problems = read_secrets()
    if problems:  # a broken configuration lets nobody in and nobody write
        return Principal(user="", role=NO_ROLE, signed_in=False, demo=False), "\n".join(problems)
    configured = auth_configured(secrets)
    # st.user is only meaningful when sign-in is configured; without it it must not be trusted.
    info = st.user.to_dict() if configured else None
    try:
        return principal_for(info, secrets), None
    except RoleConfigError as exc:  # a broken roles table lets nobody in and nobody write
        info = dict(info or {})
        nobody = Principal(
            user=identity_key(info),
            role=NO_ROLE,
            signed_in=bool(info.get("is_logged_in")),
            demo=not configured,
        )
        return nobody, str(exc)


def current_user() -> Principal:
    """The person using this session.

    Returns
    -------
    Principal
        The signed-in user with their role; an anonymous principal with role ``"none"`` before
        sign-in; the open demo's principal (``demo=True``) when no sign-in is configured. A broken
        roles configuration gives role ``"none"`` (nobody may do anything).
    """
    return _resolve()[0]


def can(action: str, user: Principal | None = None) -> bool:
    """True when ``user`` (default: the current user) may do ``action``.

    Parameters
    ----------
    action : str
        One of ``ui.roles.ACTIONS``, e.g. ``"import"`` or ``"save_scenario"``; an unknown action
        raises ``KeyError`` so a misspelt check fails in tests.
    user : Principal, optional
        Defaults to :func:`current_user`.
    """
    return (user or current_user()).can(action)


def require(action: str) -> Principal:
    """The current user, when they may do ``action``; otherwise a message and the script stops.

    Call right before a write, also when the widget that triggers it is disabled.

    Parameters
    ----------
    action : str
        One of ``ui.roles.ACTIONS``.

    Returns
    -------
    Principal
        The user, whose ``user`` names them in the audit log.

    Raises
    ------
    NotAllowed
        When the user may not do ``action`` and no Streamlit script run could be stopped.
    """
    user = current_user()
    if user.can(action):
        return user
    st.error(t("auth.denied"))
    st.stop()
    # st.stop() raises inside a script run; outside one (bare mode) it returns, so refuse here.
    raise NotAllowed(f"{user.user or 'anonymous'} ({user.role}) may not {action}")


def _provider(secrets: Mapping[str, Any] | None) -> str | None:
    """The provider name for ``st.login``: None for the default ``[auth]``, else the first named one."""
    auth = (secrets or {}).get("auth") or {}
    if auth.get("client_id") and auth.get("server_metadata_url"):
        return None
    for name, section in auth.items():
        if (
            isinstance(section, Mapping)
            and section.get("client_id")
            and section.get("server_metadata_url")
        ):
            return str(name)
    return None


def _sign_out_button(key: str) -> None:
    if st.button(t("auth.sign_out"), key=key, icon=":material/logout:"):
        st.logout()


def sign_in_gate() -> Principal:
    """Let through only people who may use the dashboard; call in ``app.py`` before the navigation.

    Shows the sign-in screen to anonymous visitors, a refusal to signed-in accounts without a role, and
    the error of a broken configuration (unreadable secrets, incomplete ``[auth]``, malformed roles);
    in each case the script stops there, so no page (and no query parameter) is ever processed for
    them.

    Returns
    -------
    Principal
        The user who may continue (the open demo's principal when no sign-in is configured).
    """
    user, problem = _resolve()
    if problem is not None:
        st.title(t("app.title"))
        # The messages quote the operator's file and the token's claims: shown as text, not Markdown.
        st.error(t("auth.config_error") + "\n\n" + plain_lines(problem.split("\n")))
        st.stop()
    if user.role == NO_ROLE and not user.signed_in:
        st.title(t("app.title"))
        if user.demo:  # open demo whose demo role is "none": closed until sign-in is configured
            st.info(t("auth.closed_demo"))
            st.stop()
        st.info(t("auth.please_sign_in"))
        if st.button(
            t("auth.sign_in"), key="auth.sign_in", type="primary", icon=":material/login:"
        ):
            st.login(_provider(read_secrets()[0]))
        st.stop()
    if user.role == NO_ROLE:
        st.title(t("app.title"))
        st.error(t("auth.no_role", user=plain(user.user or user.display_name)))
        _sign_out_button("auth.sign_out_refused")
        st.stop()
    return user


def demo_banner(user: Principal) -> None:
    """The open-demo notice, at the top of the main area so it shows on every page at any width.

    It says what the demo role allows, so it never claims that anyone can change things when the demo
    is read-only. Call in ``app.py`` right after :func:`sign_in_gate`; nothing is shown when sign-in
    is configured.
    """
    if user.demo:
        # An info box, not a warning: pages use warnings for problems with the data or the plan.
        st.info(
            t("app.open_demo") + " " + t(f"app.open_demo_{user.role}"),
            icon=":material/lock_open:",
        )


def identity_panel(user: Principal) -> None:
    """The sidebar's note on who is using the app: name, role and sign-out (nothing in the open demo,
    whose notice is :func:`demo_banner` in the main area)."""
    if user.demo:
        return
    st.caption(
        ":material/account_circle: "
        + t(
            "app.user",
            user=plain(user.display_name or user.user),
            role=t(f"role.{user.role}"),
        )
    )
    if user.display_name and user.display_name != user.user:
        st.caption(plain(user.user))
    _sign_out_button("auth.sign_out")
