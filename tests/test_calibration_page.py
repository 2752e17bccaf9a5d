"""The calibration page through Streamlit's AppTest: estimates shown with their scores, and adopted."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app_pages import switch_to

REPO = Path(__file__).resolve().parent.parent
APP = str(REPO / "app.py")
TIMEOUT = 120


@pytest.fixture(scope="module")
def history_db(tmp_path_factory) -> Path:
    """A store holding the demo city with its five past years."""
    from data.store import open_store

    path = tmp_path_factory.mktemp("calibration") / "weihai.db"
    open_store(path, create_demo=True).close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEIHAI_DB", str(path))
        yield path


def open_calibration(lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    return switch_to(at, "calibration").run()


@pytest.mark.parametrize(("lang", "title"), [("zh", "概率校准"), ("en", "Calibration")])
def test_calibration_page_shows_estimates_and_scores(history_db, lang, title):
    at = open_calibration(lang)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == title
    assert len(at.metric) == 3
    assert len(at.dataframe) >= 3  # backtest, uplifts, sources
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def stored_sources(path: Path) -> set[str]:
    from data.store import open_store

    store = open_store(path, create_demo=False)
    try:
        wb = store.load_workbook()
    finally:
        store.close()
    if "probability_source" not in wb.candidates:
        return set()
    return set(wb.candidates["probability_source"].astype(str))


def test_adopting_into_the_scenario_leaves_the_stored_data_and_a_hand_entry_wins(history_db):
    before = stored_sources(history_db)
    at = open_calibration("en")
    at.button(key="calibration.adopt_scenario").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("scenario now uses" in s.value for s in at.success)
    scenario = at.session_state["scenario"]
    entries = dict(scenario.probabilities)
    assert entries and {source for _, source in entries.values()} == {"estimated"}
    assert any("|" in name for name in entries)  # option probabilities too
    assert scenario.correlation is not None and scenario.correlation > 0
    assert stored_sources(history_db) == before  # the stored data are untouched
    # One probability entered by hand: source "entered", and adopting again keeps it.
    candidate = at.selectbox(key="calibration.override_candidate").value
    assert at.selectbox(key="calibration.override_option").value == "none"  # the base probability
    at.number_input(key=f"calibration.override_value.{candidate}.none").set_value(0.123).run()
    at.button(key="calibration.override_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert dict(at.session_state["scenario"].probabilities)[candidate] == (0.123, "entered")
    at.button(key="calibration.adopt_scenario").click().run()
    assert dict(at.session_state["scenario"].probabilities)[candidate] == (0.123, "entered")


def test_adopting_the_estimates_marks_their_source(history_db):
    from data.store import open_store

    at = open_calibration("en")
    # Saving into the stored data is an administrator's action (the open demo's role).
    box = at.checkbox(key="calibration.adopt_confirm")
    if box.disabled:
        pytest.skip("the test role may not import")
    box.check().run()
    at.button(key="calibration.adopt_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("in use" in s.value for s in at.success)
    store = open_store(history_db, create_demo=False)
    try:
        wb = store.load_workbook()
    finally:
        store.close()
    assert "probability_source" in wb.candidates
    assert (wb.candidates["probability_source"] == "estimated").all()


def test_studio_shows_the_chance_plan_beside_the_expected_one(history_db):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()
    switch_to(at, "studio").run()
    assert not at.exception, [e.value for e in at.exception]
    before = len(at.metric)
    at.button(key="chance.run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    labels = [m.label for m in at.metric]
    assert "Weighted chance, chance-aware plan" in labels
    assert len(at.metric) == before + 3


def test_every_candidate_table_says_where_its_probability_comes_from(tiny_workbook):
    from optimizer.solve import solve
    from ui import sources_view

    wb = tiny_workbook
    wb.candidates["probability_source"] = ["estimated", "assumed", "entered"]
    plan = solve(wb, time_limit=5)
    frame = sources_view.with_sources(pd.DataFrame({"candidate_id": ["E1", "P1", None]}), plan)
    texts = sources_view.source_texts(frame, "zh")
    chosen = dict(zip(plan.allocation["candidate_id"], plan.allocation["option"], strict=True))
    # E1's probability is its option's when supported (options carry no source: assumed).
    assert texts[0] == ("估计" if chosen["E1"] == "none" else "假设")
    assert texts[1] == ("手工录入" if chosen["P1"] == "none" else "假设")
    assert texts[2] == ""  # no candidate, no probability of its own
    assert sources_view.source_text("", "en") == "assumed"
    assert sources_view.source_caption(plan, "E1", "en").startswith("Probability source: ")
