"""The dashboard's entrance: page setup, language, data and scenario state, then the chosen page."""

from __future__ import annotations

import streamlit as st

from optimizer.quiet import set_quiet
from ui import state
from ui.auth import demo_banner, identity_panel, sign_in_gate
from ui.i18n import t
from ui.safe_text import plain, plain_lines

# The server's standard output is its log, not a result: solver calls of different sessions and of the
# background worker need not queue for the banner redirection (optimizer/quiet.py).
set_quiet(False)

st.set_page_config(page_title="威海 · Weihai", page_icon=":material/insights:", layout="wide")

state.init_language()

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

pages = {
    t("nav.group.lead"): [
        st.Page(
            "views/cockpit.py",
            title=t("nav.cockpit"),
            icon=":material/dashboard:",
            url_path="cockpit",
            default=True,
        ),
    ],
    t("nav.group.work"): [
        st.Page(
            "views/pipeline.py",
            title=t("nav.pipeline"),
            icon=":material/construction:",
            url_path="pipeline",
        ),
        st.Page(
            "views/ladder.py", title=t("nav.ladder"), icon=":material/stairs:", url_path="ladder"
        ),
    ],
    t("nav.group.plan"): [
        st.Page(
            "views/studio.py", title=t("nav.studio"), icon=":material/tune:", url_path="studio"
        ),
        st.Page(
            "views/scenarios.py",
            title=t("nav.scenarios"),
            icon=":material/compare:",
            url_path="scenarios",
        ),
        st.Page(
            "views/data_admin.py", title=t("nav.data"), icon=":material/database:", url_path="data"
        ),
    ],
}
page = st.navigation(pages)

with st.sidebar:
    st.caption(t("app.scenario_in_use", name=plain(state.scenario_label(wb))))
    identity_panel(user)

if st.session_state.pop("link_loaded", False):
    st.toast(t("app.link_loaded"))
problems = st.session_state.pop("link_messages", [])
if problems:
    st.warning(t("app.link_problems") + "\n\n" + plain_lines(problems))

page.run()
