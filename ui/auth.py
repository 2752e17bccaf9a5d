"""Who is using the dashboard and what they may do: the one place every write asks for permission.

For now the app runs as an open demo: no sign-in is configured, so everyone gets the demo role of the
roles configuration (``ui.roles``) and the pages show a notice saying so. Sign-in with roles
(``st.login``) plugs in here later; pages only call :func:`current_user` and :func:`can`.
"""

from __future__ import annotations

from ui.roles import Principal, principal_for


def current_user() -> Principal:
    """The person using this session (the open-demo principal until sign-in is configured)."""
    return principal_for(None, None)


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
