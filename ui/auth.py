"""Who is using the dashboard and what they may do: the one place every write asks for permission.

For now the app runs as an open demo: no sign-in is configured, everyone is a planner, and the
pages show a notice saying so. Sign-in with roles (``st.login``) plugs in here later; pages only
call :func:`current_user` and :func:`can`.
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN_DEMO_USER = "demo"

# What each role may do. Actions are verbs the pages use when they write through the store.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"view", "download"}),
    "planner": frozenset(
        {"view", "download", "solve", "save_scenario", "edit_scenario", "import", "reset_demo"}
    ),
    "admin": frozenset(
        {"view", "download", "solve", "save_scenario", "edit_scenario", "import", "reset_demo"}
    ),
}


@dataclass(frozen=True)
class User:
    """The person using this session: a name for the audit log and a role for permissions."""

    name: str
    role: str
    open_demo: bool = True


def current_user() -> User:
    """The user of this session (the open-demo planner until sign-in is configured)."""
    return User(name=OPEN_DEMO_USER, role="planner", open_demo=True)


def can(action: str, user: User | None = None) -> bool:
    """True when ``user`` (default: the current user) may do ``action``.

    Parameters
    ----------
    action : str
        One of the verbs in :data:`ROLE_ACTIONS`, e.g. ``"import"`` or ``"save_scenario"``.
    user : User, optional
        Defaults to :func:`current_user`.
    """
    user = user or current_user()
    return action in ROLE_ACTIONS.get(user.role, frozenset())
