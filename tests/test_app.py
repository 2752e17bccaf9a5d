"""The dashboard through Streamlit's AppTest: every page in both languages, a slider, scenarios, import."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app_pages import switch_to

REPO = Path(__file__).resolve().parent.parent
APP = str(REPO / "app.py")
TIMEOUT = 90  # the first run seeds caches and solves the demo city (AppTest's default is 3 s)
PAGES = {
    "cockpit": ("cockpit", "领导驾驶舱", "Leadership cockpit"),
    "pipeline": ("pipeline", "项目策划生成", "Project pipeline"),
    "ladder": ("ladder", "企业梯度培育", "Enterprise ladder"),
    "studio": ("studio", "资源配置", "Allocation studio"),
    "scenarios": ("scenarios", "情景对比", "Scenarios"),
    "data": ("data", "数据管理", "Data"),
}


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A database holding the demo city, created once for the whole test session."""
    from data.demo import default_assumptions, generate_demo
    from data.store import open_store

    path = tmp_path_factory.mktemp("app") / "weihai.db"
    # The generator's static city, whose figures these tests pin (the store seeds the demo in motion,
    # on 2026-06-30 with its actuals: tests/test_dispatch.py and tests/test_year_browser.py).
    store = open_store(path, create_demo=False)
    store.save_assumptions(default_assumptions(), user="test")
    store.replace_workbook(generate_demo(), user="test", action="demo")
    store.close()
    return path


@pytest.fixture(scope="module")
def app_db(demo_db: Path) -> Path:
    """Point the app at the demo database for this module's tests (``WEIHAI_DB``)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEIHAI_DB", str(demo_db))
        yield demo_db


def open_app(lang: str = "zh", **params: str) -> AppTest:
    """The app, run once on its default page (the cockpit) with ``?lang=``."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def goto(at: AppTest, page: str) -> AppTest:
    return switch_to(at, PAGES[page][0]).run()


def assert_clean(at: AppTest) -> None:
    """No exception and no error box on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def figures(at: AppTest) -> list[str]:
    """The metric values on the page (the cockpit figures on the studio)."""
    return [m.value for m in at.metric]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_in_both_languages(app_db, page: str, lang: str) -> None:
    at = open_app(lang)
    if page != "cockpit":
        goto(at, page)
    assert_clean(at)
    title = PAGES[page][1 if lang == "zh" else 2]
    assert at.title[0].value == title
    # A Chinese page shows no English title and the other way round.
    other = PAGES[page][2 if lang == "zh" else 1]
    assert all(other != t.value for t in at.title)


def test_language_switch_keeps_the_page_and_sets_the_link(app_db) -> None:
    at = open_app("zh")
    goto(at, "ladder")
    assert at.title[0].value == "企业梯度培育"
    at.segmented_control(key="w.lang").set_value("en").run()
    assert_clean(at)
    assert at.title[0].value == "Enterprise ladder"
    assert at.session_state["lang"] == "en"
    assert at.query_params["lang"] in ("en", ["en"])


def test_budget_slider_changes_the_plan_and_the_cockpit(app_db) -> None:
    at = open_app("en")
    cockpit_before = figures(at)
    goto(at, "studio")
    assert_clean(at)
    before = figures(at)
    objective_before = float(before[0].rstrip("%"))  # weighted attainment, % of Σ weights
    slider = at.slider(key="w.budget.srdi_cultivation")
    assert slider.value > 0
    slider.set_value(0.0).run()
    assert_clean(at)
    assert at.session_state["scenario"]["budgets"]["srdi_cultivation"] == 0.0
    after = figures(at)
    assert float(after[0].rstrip("%")) < objective_before
    assert after != before
    goto(at, "cockpit")
    assert_clean(at)
    assert figures(at) != cockpit_before
    # The scenario survives the page switch: the studio shows the slider where it was left.
    goto(at, "studio")
    assert at.slider(key="w.budget.srdi_cultivation").value == 0.0


def test_a_budget_typed_exactly_reaches_the_scenario_and_moves_the_slider(app_db) -> None:
    """A slider's steps cannot reach every amount; the number box beside it can."""
    at = open_app("en")
    goto(at, "studio")
    assert_clean(at)
    step = at.slider(key="w.budget.tech_renovation").step
    exact = 3 * step + 1.0  # between two steps of the slider
    at.number_input(key="w.budget.tech_renovation.exact").set_value(exact).run()
    assert_clean(at)
    assert at.session_state["scenario"]["budgets"]["tech_renovation"] == exact
    assert at.slider(key="w.budget.tech_renovation").value == exact
    # and back: the slider writes the box
    at.slider(key="w.budget.tech_renovation").set_value(0.0).run()
    assert at.number_input(key="w.budget.tech_renovation.exact").value == 0.0


def test_stalled_projects_on_the_cockpit_and_the_pipeline_filter(app_db) -> None:
    """The demo (as of 10 Apr 2026, 60 days) has 31 stalled plan projects; both pages agree."""
    at = open_app("en")
    heading = [m.value for m in at.markdown if "stalled in a stage" in m.value]
    assert heading == ["**Plan-library projects stalled in a stage (31)**"]
    table = at.dataframe[0].value  # the first table on the cockpit lists them
    days = table["Days in stage"]
    assert len(table) == 10 and (days > 60).all()
    assert any("10 Apr 2026" in c.value for c in at.caption)
    goto(at, "pipeline")
    assert_clean(at)
    stalled = next(m for m in at.metric if m.label == "Stalled")
    assert stalled.value == "31"
    at.toggle(key="pipeline.only_stalled").set_value(True).run()
    assert_clean(at)
    assert "31 rows" in [c.value for c in at.caption]
    # the category table and the major-layout table come first; the project list is the last table
    # with days in stage
    listed = [d.value for d in at.dataframe if "Days in stage" in d.value.columns][-1]
    assert len(listed) == 31 and (listed["Days in stage"] > 60).all()
    # the first project offered in the detail is a stalled one, and it says so
    assert any("In this stage since" in m.value and "Stalled" in m.value for m in at.markdown)


def test_a_bad_setting_keeps_the_last_good_plan_with_a_message(app_db) -> None:
    at = open_app("en")
    goto(at, "studio")
    good = figures(at)
    from ui.settings import ScenarioSettings

    scenario = dict(at.session_state["scenario"])
    bad = {**scenario, "locks": {"no-such-candidate": "none"}}
    at.session_state["scenario"] = ScenarioSettings.from_mapping(bad)
    at.run()
    assert not at.exception
    assert any("no-such-candidate" in e.value for e in at.error)
    assert figures(at) == good  # the last good plan is still on screen


def test_saving_and_reloading_a_scenario_restores_it(app_db) -> None:
    at = open_app("en")
    goto(at, "studio")
    at.slider(key="w.pool_share").set_value(0.6).run()
    at.slider(key="w.budget.tech_renovation").set_value(500.0).run()
    saved_settings = dict(at.session_state["scenario"])
    goto(at, "scenarios")
    at.text_input[0].set_value("pooled 60%")
    at.button(key="FormSubmitter:scenarios.save_form-Save").click().run()
    assert_clean(at)
    assert any("pooled 60%" in re.sub(r"\\(.)", r"\1", s.value) for s in at.success)
    # Back to the stored data, then load the saved scenario.
    goto(at, "studio")
    at.button(key="studio.reset_button").click().run()
    assert at.session_state["scenario"]["pool_share"] != 0.6
    goto(at, "scenarios")
    names = at.selectbox(key="scenarios.pick").options
    target = next(o for o in names if o.endswith("pooled 60%"))
    at.selectbox(key="scenarios.pick").set_value(int(target.split()[0].lstrip("#"))).run()
    at.button(key="scenarios.load").click().run()
    assert_clean(at)
    restored = at.session_state["scenario"]
    assert restored["pool_share"] == 0.6
    assert restored["budgets"] == saved_settings["budgets"]
    goto(at, "studio")
    assert at.slider(key="w.pool_share").value == 0.6


def test_a_shared_link_restores_settings_and_names_bad_parameters(app_db) -> None:
    at = open_app("en", **{"b.srdi_cultivation": "1234", "pool": "lots"})
    assert not at.exception
    assert at.session_state["scenario"]["budgets"]["srdi_cultivation"] == 1234.0
    warnings = " ".join(w.value for w in at.warning)
    assert "pool" in warnings and "not a number" in warnings


def test_importing_a_bad_workbook_shows_the_report_and_stores_nothing(app_db) -> None:
    from data.store import open_store

    store = open_store(app_db, create_demo=False)
    candidates_before = len(store.load_workbook().candidates)
    at = open_app("en")
    goto(at, "data")
    bad = _bad_workbook_bytes()
    at.get("file_uploader")[0].upload("bad.xlsx", bad, "application/vnd.ms-excel").run()
    assert not at.exception
    assert any("not valid" in e.value for e in at.error)
    report = at.dataframe[0].value
    assert list(report.columns) == ["Sheet", "Row", "Column", "Problem"]
    assert "budgets" in set(report["Sheet"])
    assert len(store.load_workbook().candidates) == candidates_before


def test_a_valid_workbook_with_a_misspelt_setting_is_flagged_before_import(app_db) -> None:
    from data.workbook import validate_tables, workbook_to_xlsx_bytes
    from tests.conftest import TINY_SHEETS, raw_from_csv

    sheets = dict(TINY_SHEETS, settings="key,value\npool_shares,0.3\n")
    wb = validate_tables({name: raw_from_csv(text) for name, text in sheets.items()})
    at = open_app("en")
    goto(at, "data")
    at.get("file_uploader")[0].upload(
        "plan.xlsx", workbook_to_xlsx_bytes(wb), "application/vnd.ms-excel"
    ).run()
    assert not at.exception
    assert any(s.value.startswith("Valid: 3 candidates") for s in at.success)
    # imported text is shown escaped (ui/safe_text.plain): compare what the reader sees
    notes = re.sub(r"\\(.)", r"\1", " ".join(w.value for w in at.warning)).replace("\u2060", "")
    assert "'pool_shares'" in notes and "Did you mean 'pool_share'?" in notes


def _bad_workbook_bytes() -> bytes:
    """A workbook with a negative budget and a target without a goal."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"fund_line": ["a"], "amount": [-5]}).to_excel(
            writer, sheet_name="budgets", index=False
        )
        pd.DataFrame({"resource": ["r"], "capacity": [1]}).to_excel(
            writer, sheet_name="resources", index=False
        )
        pd.DataFrame({"target": ["x"], "goal": [None]}).to_excel(
            writer, sheet_name="targets", index=False
        )
        pd.DataFrame(
            {
                "candidate_id": ["c"],
                "name": ["n"],
                "kind": ["project"],
                "district": ["d"],
                "base_probability": [0.5],
            }
        ).to_excel(writer, sheet_name="candidates", index=False)
        pd.DataFrame({"candidate_id": ["c"], "target": ["x"], "value": [1]}).to_excel(
            writer, sheet_name="contributions", index=False
        )
        pd.DataFrame(
            {"candidate_id": ["c"], "option": ["o"], "probability": [0.6], "cost": [1]}
        ).to_excel(writer, sheet_name="options", index=False)
    return buffer.getvalue()


def test_marginal_values_run_on_request_with_their_precision(app_db) -> None:
    at = open_app("en")
    goto(at, "studio")
    at.button(key="studio.marginal_run").click().run()
    assert_clean(at)
    table = next(
        d.value for d in at.dataframe if "LP estimate per step (points)" in d.value.columns
    )
    assert len(table) == 16  # 5 fund lines and 11 resources on the demo
    assert table["One step more (points)"].ge(0).all()  # more money never hurts
    assert table["LP estimate per step (points)"].notna().all()
    assert any("±0.06 points" in c.value for c in at.caption)
    assert not [b for b in at.button if b.key == "studio.marginal_run"]  # done: no button left


def test_frontier_and_explanations_run_on_request(app_db) -> None:
    at = open_app("en")
    goto(at, "scenarios")
    at.button(key="scenarios.frontier_run").click().run()
    assert_clean(at)
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    goto(at, "studio")
    at.selectbox(key="studio.explain_pick").set_value("P0003-start").run()
    at.button(key="studio.explain_run").click().run()
    assert_clean(at)
    assert any("P0003-start" in m.value for m in at.markdown)


def test_robustness_runs_with_progress_on_request(app_db) -> None:
    at = open_app("zh")
    goto(at, "studio")
    at.button(key="studio.robustness_run").click().run()
    assert_clean(at)
    caption = next(c.value for c in at.caption if "几乎总被支持" in c.value)
    assert re.search(r"占本方案资金的 \d+%", caption), caption
