"""The 调度 page through AppTest: a month's actuals entered and kept as a snapshot; a bad row stores nothing;
the cockpit's year view."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app_pages import switch_to

REPO = Path(__file__).resolve().parent.parent
APP = str(REPO / "app.py")
TIMEOUT = 120  # the first run solves the demo city


@pytest.fixture
def app_db(tmp_path, monkeypatch) -> Path:
    """A fresh demo database for each test (the tests write snapshots)."""
    from data.store import open_store

    path = tmp_path / "weihai.db"
    open_store(path, create_demo=True).close()
    monkeypatch.setenv("WEIHAI_DB", str(path))
    return path


def open_dispatch(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    return switch_to(at, "dispatch").run()


def test_a_month_is_entered_and_kept_as_a_snapshot(app_db, monkeypatch) -> None:
    from data.store import open_store

    store = open_store(app_db, create_demo=False)
    before = store.list_snapshots()
    wb = store.load_workbook()
    current = wb.actuals.copy()
    open_cid = next(
        c for c in wb.candidates["candidate_id"] if c not in set(current["candidate_id"])
    )
    added = pd.DataFrame(
        {
            "candidate_id": [open_cid],
            "status": ["succeeded"],
            "option": [""],
            "date": ["2026-07-20"],
        }
    )
    edited = pd.concat([current, added], ignore_index=True)
    monkeypatch.setattr("ui.dispatch_panels.edited_actuals", lambda shown, raw: edited)

    at = open_dispatch()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "月度调度"
    at.date_input(key="dispatch.round_date").set_value(pd.Timestamp("2026-07-31").date())
    at.text_input(key="dispatch.note").input("七月调度")
    at.button(key="dispatch.save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert any("2026" in s.value and "#" in s.value for s in at.success)

    after = store.list_snapshots()
    assert len(after) == len(before) + 1  # a new round, the old ones kept
    last = after.iloc[-1]
    assert (last["as_of"], last["note"], last["rows"]) == ("2026-07-31", "七月调度", len(edited))
    kept = store.get_snapshot(int(last["id"]))
    assert kept["figures"]["counts"]["starts"] + kept["figures"]["counts"]["recognitions"] >= 1
    assert "p_meet" in next(iter(kept["figures"]["targets"].values()))
    wb2 = store.load_workbook()
    assert wb2.settings["as_of"] == "2026-07-31"
    assert open_cid in set(wb2.actuals["candidate_id"])
    assert store.audit_log().iloc[0]["action"] == "save_snapshot"
    store.close()


def test_a_bad_row_names_row_and_column_and_stores_nothing(app_db, monkeypatch) -> None:
    from data.store import open_store

    store = open_store(app_db, create_demo=False)
    before = store.list_snapshots()
    wb = store.load_workbook()
    bad = pd.concat(
        [
            wb.actuals,
            pd.DataFrame(
                {"candidate_id": ["NOPE"], "status": ["won"], "option": [""], "date": ["7/20"]}
            ),
        ],
        ignore_index=True,
    )
    monkeypatch.setattr("ui.dispatch_panels.edited_actuals", lambda shown, raw: bad)
    at = open_dispatch("en")
    at.button(key="dispatch.save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and "Nothing was stored" in at.error[0].value
    problems = next(d.value for d in at.dataframe if "Row" in d.value.columns)
    excel_row = len(bad) + 1  # the header is row 1
    assert set(problems["Row"]) == {excel_row}
    assert {"candidate_id", "status", "date"} <= set(problems["Column"])
    assert len(store.list_snapshots()) == len(before)
    assert store.load_workbook().settings["as_of"] == wb.settings["as_of"]
    store.close()


def test_a_viewer_has_no_dispatch_page(app_db, monkeypatch) -> None:
    import ui.auth

    monkeypatch.setattr(ui.auth, "can", lambda action, user=None: action != "import")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    with pytest.raises(ValueError, match="no page under 'dispatch'"):
        switch_to(at, "dispatch")


def test_the_cockpit_shows_the_year(app_db) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    subheaders = [s.value for s in at.subheader]
    assert "The year so far" in subheaders
    assert "Districts: goals and ranking" in subheaders
    assert "Red and yellow lists" in subheaders
    labels = [m.label for m in at.metric]
    assert "Projects started" in labels
