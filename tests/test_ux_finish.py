"""The remaining finish of issue 15: the stalled list, the near-threshold list, row clicks, marginal
values in one sentence, money in English, Streamlit's own English in the Chinese UI."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd

from tests.test_app import app_db, assert_clean, demo_db, goto, open_app  # noqa: F401 - fixtures

ZH_SHORT_DAYS = "超期天数"


# ---------------------------------------------------------------- the stalled list
def test_the_stalled_list_puts_the_most_overdue_first_and_says_so(app_db) -> None:  # noqa: F811
    at = open_app("zh")
    goto(at, "pipeline")
    assert_clean(at)
    assert any(s.value.startswith("推进缓慢项目（31 个）") for s in at.subheader)
    table = next(d.value for d in at.dataframe if ZH_SHORT_DAYS in d.value.columns)
    assert len(table) == 31
    overdue = list(table[ZH_SHORT_DAYS])
    assert overdue == sorted(overdue, reverse=True) and overdue[-1] >= 0
    # days overdue are the days in stage beyond the 60-day limit
    assert (table["停留天数"] - table[ZH_SHORT_DAYS] == 60).all()
    assert any("按超期天数从多到少排列" in c.value for c in at.caption)
    # few columns, no codes
    assert len(table.columns) <= 6 and "编号" not in table.columns


def test_a_click_moves_the_detail_picker_once(monkeypatch) -> None:
    from ui import pipeline

    state: dict[str, object] = {}
    monkeypatch.setattr(pipeline.st, "session_state", state)
    ids = ["P1", "P2", "P3"]

    def click(rows: list[int]) -> SimpleNamespace:
        return SimpleNamespace(selection=SimpleNamespace(rows=rows))

    assert pipeline.clicked_id(click([]), ids, "t", "pick") is None
    assert "pick" not in state
    assert pipeline.clicked_id(click([1]), ids, "t", "pick") == "P2"
    assert state["pick"] == "P2"
    # the selection stays on the table: the picker changed by hand is not pulled back
    state["pick"] = "P3"
    assert pipeline.clicked_id(click([1]), ids, "t", "pick") is None
    assert state["pick"] == "P3"
    # a row out of range (the table changed) is no click
    assert pipeline.clicked_id(click([7]), ids, "t", "pick") is None


# ---------------------------------------------------------------- the near-threshold list
def test_gaps_read_in_the_criterions_unit() -> None:
    from ui.ladder import criterion_amount, criterion_gap

    assert criterion_gap("innovation_score", 0.4, "zh") == "0.4 分"
    assert criterion_gap("srdi_score", 12.0, "en") == "12 points"
    assert criterion_gap("rd_ratio", 0.012, "zh") == "1.2 个百分点"
    assert criterion_gap("revenue", 350.0, "zh") == "350 万元"
    assert criterion_gap("has_rd_institution", 1.0, "zh") == "未满足"
    assert criterion_gap("years_in_niche", 1.0, "zh") == "1 年"
    assert criterion_amount("rd_ratio", 0.031, "zh") == "3.1%"
    assert criterion_amount("revenue", 2000.0, "en") == "CNY 20.0 m"
    assert criterion_amount("national_rank", 3.0, "zh") == "第 3 名"
    for name in ("innovation_score", "srdi_score", "growth_points"):
        assert "%" not in criterion_gap(name, 0.4, "zh")


def _near_table(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "未达标项" in d.value.columns)


def test_the_near_list_filters_by_district_and_reads_in_units(app_db) -> None:  # noqa: F811
    at = open_app("zh")
    goto(at, "ladder")
    assert_clean(at)
    at.segmented_control(key="ladder.rung").set_value("innovative_sme").run()
    assert_clean(at)
    table = _near_table(at)
    assert len(table) and "编号" not in table.columns  # no codes
    assert table["差距"].str.match(r"^(\d[\d,.]* 分|主要指标已达标，尚缺：.+)$").all(), table[
        "差距"
    ]
    assert not table["差距"].str.contains("%").any()
    assert table["现值"].str.endswith("分").all() and table["门槛"].str.endswith("分").all()
    # every row names what it still lacks, in Chinese, with no codes
    assert (table["未达标项"].str.len() > 0).all()
    assert not table["未达标项"].str.contains(r"[a-z_]{3,}", regex=True).any()
    # the caption states the order and the list keeps it (fewest unmet criteria first)
    assert any("按未达标项数由少到多" in c.value for c in at.caption)
    counts = table["未达标项"].str.count("、") + 1
    assert list(counts) == sorted(counts)
    # a district: only its firms, and its 明白纸 to download at once
    district = table["区市"].iloc[0]  # the demo's districts are stored under their Chinese names
    at.selectbox(key="ladder.near_district").set_value(district).run()
    assert_clean(at)
    narrowed = _near_table(at)
    assert len(narrowed) and set(narrowed["区市"]) == {district}
    labels = [e.proto.label for e in at.get("download_button")]
    assert any("区市" in label or "明白纸" in label for label in labels), labels


def test_the_firm_picker_follows_the_chosen_tier(app_db) -> None:  # noqa: F811
    from data.store import open_store
    from ui.insights import firm_candidates  # noqa: F401 - the page's own list

    at = open_app("zh")
    goto(at, "ladder")
    at.segmented_control(key="ladder.rung").set_value("srdi").run()
    assert_clean(at)
    picked = at.selectbox(key="ladder.pick").value
    with open_store(app_db, create_demo=False) as store:
        wb = store.load_workbook()
    on_rung = wb.candidates[wb.candidates["candidate_id"].astype(str).str.endswith("-srdi")]
    assert picked in set(on_rung["entity_id"].astype(str))
    # the checklist's gaps read in units, never a score as a percentage
    checks = [d.value for d in at.dataframe if "企业现状" in d.value.columns]
    assert checks
    for frame in checks:
        scores = frame[frame["指标"].str.contains("得分")]
        assert not scores["差距"].str.contains("%").any()
        assert not scores["企业现状"].str.contains("%").any()
        # a yes/no criterion asks for 是, not "≥ 是"
        assert not frame["要求"].str.contains("≥ 是|≥ 否").any()


def test_english_money_in_the_studio_reads_as_people_say_it() -> None:
    from ui.format import amount_text

    assert amount_text(940.0, "en") == "CNY 9.4 m"
    assert amount_text(940.0, "zh") == "940 万元"
    assert amount_text(38_600.0, "zh") == "38,600 万元 = 3.86 亿元"
    assert "×" not in amount_text(12_345.0, "en")


def test_no_english_unit_word_in_the_studio_caption_in_english(app_db) -> None:  # noqa: F811
    at = open_app("en")
    goto(at, "studio")
    assert_clean(at)
    assert not any(re.search(r"× CNY 10,000", c.value) for c in at.caption)


# ---------------------------------------------------------------- marginal values in one sentence
def test_a_marginal_value_reads_as_one_sentence() -> None:
    from ui.analysis_panels import marginal_sentence

    row = pd.Series(
        {"name": "above_size_upgrade", "expected_up:new_above_size": 0.8, "expected_up:x": 0.01}
    )
    units = {"new_above_size": "家"}
    said = marginal_sentence(row, "小升规培育资金", "500 万元", units, "zh")
    assert said == "再增加 500 万元小升规培育资金 → 预计多 0.8 家规上工业企业"
    money = pd.Series({"expected_up:investment_completed": 1200.0})
    said = marginal_sentence(money, "人员", "10 人日", {"investment_completed": "万元"}, "zh")
    assert said == "再增加 10 人日人员 → 预计年度投资完成多 1,200 万元"
    assert marginal_sentence(pd.Series({"expected_up:x": 0.0}), "a", "b", {}, "zh") is None
    english = marginal_sentence(
        row, "the upgrade fund", "CNY 5.0 m", {"new_above_size": "firms"}, "en"
    )
    assert (
        english == "CNY 5.0 m more for the upgrade fund → expected New above-size firms +0.8 firms"
    )


def test_the_studio_says_marginal_values_in_sentences(app_db) -> None:  # noqa: F811
    at = open_app("zh")
    goto(at, "studio")
    at.button(key="studio.marginal_run").click().run()
    assert_clean(at)
    said = [m.value for m in at.markdown if "再增加" in m.value and "→ 预计" in m.value]
    assert said, "no marginal sentence"
    assert "线性松弛" not in said[0] and "影子价格" not in said[0]


def test_the_pipeline_and_the_cockpit_count_the_same_stalled_projects() -> None:
    """A start recorded in actuals is not stalled on the pipeline either (the demo in motion had 31
    stalled there against the cockpit's 17: the pipeline read only the project's stage)."""
    from data.demo.actuals import generate_demo_in_motion
    from optimizer.progress import as_of_date, stall_days, stalled_projects, started_projects
    from ui.pipeline import mark_stalled

    wb = generate_demo_in_motion()
    started = started_projects(wb)
    assert started, "the demo in motion records starts"
    projects = wb.projects.copy()
    as_of, limit = as_of_date(wb), stall_days(wb)
    mark_stalled(projects, wb, as_of, limit)
    expected = set(stalled_projects(wb, as_of)["project_id"].astype(str))
    assert set(projects.loc[projects["stalled"], "project_id"].astype(str)) == expected
    assert not expected & started
