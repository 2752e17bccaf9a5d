"""Who is using the dashboard and what they may do: sign-in, roles, and the check before every write.

With an ``[auth]`` table in the secrets, people sign in through the city's OpenID Connect provider
(``st.login``) and get the role that ``ui.roles`` gives their identity; only signed-in people with a role
get past :func:`sign_in_gate`. Without ``[auth]`` the app is an open demo: everyone gets the demo role
of the roles configuration and the sidebar says so. Pages ask :func:`can` to grey out what the user may
not do; the store the pages get (``ui.state.get_store``) asks :func:`require` again right before every
write, because a crafted client can send a click for a disabled widget.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from ui.i18n import t
from ui.roles import (
    NO_ROLE,
    Principal,
    RoleConfigError,
    auth_configured,
    identity_key,
    principal_for,
)


class NotAllowed(PermissionError):
    """Raised by :func:`require` when it cannot stop the script (no Streamlit run is active)."""


def _secrets() -> dict[str, Any] | None:
    """The app's secrets as a plain dict, or None when there is no (readable) secrets file."""
    try:
        if not st.secrets.load_if_toml_exists():
            return None
        return st.secrets.to_dict()
    except Exception:  # an unreadable secrets file means no sign-in and no roles from it
        return None


def _resolve() -> tuple[Principal, str | None]:
    """The current principal, and the roles configuration's error message if it is broken."""
    secrets = _secrets()
    configured = auth_configured(secrets)
    # st.user is only meaningful when sign-in is configured; without [auth] it must not be trusted.
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
    the error of a broken roles configuration; in each case the script stops there, so no page (and
    no query parameter) is ever processed for them.

    Returns
    -------
    Principal
        The user who may continue (the open demo's principal when no sign-in is configured).
    """
    user, problem = _resolve()
    if problem is not None:
        st.title(t("app.title"))
        st.error(t("auth.config_error", error=problem))
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
            st.login(_provider(_secrets()))
        st.stop()
    if user.role == NO_ROLE:
        st.title(t("app.title"))
        st.error(t("auth.no_role", user=user.user or user.display_name))
        _sign_out_button("auth.sign_out_refused")
        st.stop()
    return user


def identity_panel(user: Principal) -> None:
    """The sidebar's note on who is using the app: name, role and sign-out, or the open-demo notice.

    The open-demo notice says what the demo role allows, so it never claims that anyone can change
    things when the demo is read-only.
    """
    if user.demo:
        st.caption(
            ":material/lock_open: " + t("app.open_demo") + " " + t(f"app.open_demo_{user.role}")
        )
        return
    st.caption(
        ":material/account_circle: "
        + t("app.user", user=user.display_name or user.user, role=t(f"role.{user.role}"))
    )
    if user.display_name and user.display_name != user.user:
        st.caption(user.user)
    _sign_out_button("auth.sign_out")
