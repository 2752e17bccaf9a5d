"""The dashboard's entrance: page setup, language, data and scenario state, then the chosen page."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from optimizer.quiet import set_quiet
from pages import calibration, cockpit, data_admin, dispatch, ladder, pipeline, scenarios, studio
from ui import state, style
from ui.auth import can, demo_banner, identity_panel, sign_in_gate
from ui.i18n import current_lang, t
from ui.safe_text import plain, plain_lines

# The server's standard output is its log, not a result: solver calls of different sessions and of the
# background worker need not queue for the banner redirection (optimizer/quiet.py).
set_quiet(False)


def navigation_pages() -> dict[str, list[st.Page]]:
    """The navigation: the screens by group, each a page module's ``render`` under its URL path."""
    return {
        t("nav.group.lead"): [
            st.Page(
                cockpit.render,
                title=t("nav.cockpit"),
                icon=":material/dashboard:",
                url_path="cockpit",
                default=True,
            ),
        ],
        t("nav.group.work"): [
            st.Page(
                pipeline.render,
                title=t("nav.pipeline"),
                icon=":material/construction:",
                url_path="pipeline",
            ),
            st.Page(
                ladder.render, title=t("nav.ladder"), icon=":material/stairs:", url_path="ladder"
            ),
        ],
        t("nav.group.plan"): [
            st.Page(
                studio.render, title=t("nav.studio"), icon=":material/tune:", url_path="studio"
            ),
            st.Page(
                scenarios.render,
                title=t("nav.scenarios"),
                icon=":material/compare:",
                url_path="scenarios",
            ),
            st.Page(
                calibration.render,
                title=t("nav.calibration"),
                icon=":material/query_stats:",
                url_path="calibration",
            ),
            st.Page(
                data_admin.render, title=t("nav.data"), icon=":material/database:", url_path="data"
            ),
            # 调度 for editors only (the page itself refuses anyone else too)
            *(
                [
                    st.Page(
                        dispatch.render,
                        title=t("nav.dispatch"),
                        icon=":material/event_note:",
                        url_path="dispatch",
                    )
                ]
                if can("import")
                else []
            ),
        ],
    }


# The tab icon is a file served by this server: a Material icon name would make every browser fetch it
# from a public font host, which a government intranet does not reach (docs/security.md).
# It is set before any navigation: until a page icon is set, the browser takes the current page's
# (Material) icon as the tab icon.
ICON = Path(__file__).resolve().parent / "ui" / "assets" / "icon.png"
st.set_page_config(page_title="威海 · Weihai", page_icon=ICON, layout="wide")

# A pages/ folder beside this file puts Streamlit 1.67 in its old multipage mode until st.navigation
# has run once in the process: it sends the folder's files as the page list (before this script runs)
# and runs the one asked for as a script, which hands over to this script (pages/__init__.py).
# Replacing that list by this app's, hidden, leaves the old mode: the first visitor of any page URL
# meets the gate below with no page list, and the navigation at the end shows it once they are in.
if PagesManager.uses_pages_directory:
    st.navigation(navigation_pages(), position="hidden")


state.init_language()
# Streamlit's own English words in Chinese for the Chinese UI (ui/style.py).
style.apply(current_lang())

with st.sidebar:
    state.language_switch()

# Nobody gets further (no page, no query parameter, no data load) without a role.
user = sign_in_gate()
demo_banner(user)  # the open demo says so at the top of every page, also on a phone

try:
    with st.spinner(t("app.loading")):
        wb, fingerprint = state.workbook()
except Exception as exc:  # a broken database must show a message, never a traceback
    st.error(t("app.load_error", error=exc))
    st.stop()

state.init_scenario(wb, fingerprint)

page = st.navigation(navigation_pages())

with st.sidebar:
    st.caption(t("app.scenario_in_use", name=plain(state.scenario_label(wb))))
    identity_panel(user)

if st.session_state.pop("link_loaded", False):
    st.toast(t("app.link_loaded"))
problems = st.session_state.pop("link_messages", [])
if problems:
    st.warning(t("app.link_problems") + "\n\n" + plain_lines(problems))

page.run()
