"""The session's language and widget state: what survives a page switch and what a scenario load resets.

State that must survive page switches lives under non-widget keys (``lang``, ``scenario``, ...);
widgets write into them through ``on_change`` callbacks, because a real browser drops keyed widget
values when the page changes. Widget keys start with :data:`WIDGET_PREFIX` so they can be dropped at once.
"""

from __future__ import annotations

import streamlit as st

from ui.i18n import DEFAULT_LANG, LANGS, t

WIDGET_PREFIX = "w."  # widget keys start with this so a scenario load can drop them all at once


def init_language() -> str:
    """Set the session's language once from the link (``?lang=en``), then keep the link in step."""
    if "lang" not in st.session_state:
        requested = st.query_params.get("lang", DEFAULT_LANG)
        st.session_state["lang"] = requested if requested in LANGS else DEFAULT_LANG
    if st.query_params.get("lang") != st.session_state["lang"]:
        st.query_params["lang"] = st.session_state["lang"]
    return st.session_state["lang"]


def _on_language_change() -> None:
    choice = st.session_state.get(WIDGET_PREFIX + "lang")
    if choice in LANGS:
        st.session_state["lang"] = choice
        st.query_params["lang"] = choice


def language_switch() -> None:
    """The language selector (中文 / English), writing into the session's ``lang``."""
    key = WIDGET_PREFIX + "lang"
    st.session_state[key] = st.session_state["lang"]
    st.segmented_control(
        t("app.language"),
        options=list(LANGS),
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        key=key,
        on_change=_on_language_change,
        label_visibility="collapsed",
    )


def drop_widget_state() -> None:
    """Forget every widget's own value so widgets re-read the scenario on the next run."""
    for key in [k for k in st.session_state if str(k).startswith(WIDGET_PREFIX)]:
        if key != WIDGET_PREFIX + "lang":
            del st.session_state[key]
