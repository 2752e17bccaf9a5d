"""The people-facing finish (issue 15): what every move changed, no codes or English in Chinese."""

from __future__ import annotations

import re

import pytest

from data.scenario import settings_diff, settings_from_workbook
from ui.format import money, money_change
from ui.settings import ScenarioSettings
from ui.solving import solve_settings
from ui.studio_results import (
    changed_candidates_frame,
    compare_plans,
    pooling_sentences,
    settings_sentence,
)
from ui.tables import candidate_label


@pytest.fixture
def two_plans(tiny_workbook):
    """The tiny workbook's plan and the plan with the industry fund line cut to 30 万元 (E1 loses its coaching)."""
    stored = ScenarioSettings.from_mapping(settings_from_workbook(tiny_workbook))
    cut = stored.with_value("budgets", "industry", 30.0)
    return (
        tiny_workbook,
        stored,
        cut,
        solve_settings(tiny_workbook, stored),
        solve_settings(tiny_workbook, cut),
    )


def test_a_cut_shows_each_target_and_the_candidates_lost_with_their_money(two_plans) -> None:
    _wb, stored, cut, before, after = two_plans
    change = compare_plans(before, after, settings_diff(stored, cut), stored)
    assert not change.is_empty
    assert set(change.targets["target"]) == {"new_srdi", "starts"}
    assert list(change.lost["candidate_id"]) == ["E1"], "at 30 万元 E1 loses its coaching"
    # 10 coaching + its award's reserve at 0.6 × 30, less the reserve at its base 0.3 × 30
    assert change.money_lost == pytest.approx(19.0)
    assert change.objective <= change.objective_before + 1e-9
    frame = changed_candidates_frame(change, "zh")
    assert list(frame.columns) == ["名称", "变化", "调整前支持方式", "调整后支持方式", "资金变化"]
    # no codes: names, not IDs ("coaching" is no option of docs/workbook.md: shown as it is)
    text = frame.to_string()
    assert "E1" not in text and "威海甲公司" in text and "-19 万元" in text


def test_the_same_plan_changed_nothing(two_plans) -> None:
    _wb, stored, _cut, before, _after = two_plans
    change = compare_plans(before, before, {}, stored)
    assert change.is_empty
    assert len(change.gained) == len(change.lost) == len(change.switched) == 0


def test_the_move_is_said_in_words_with_units(two_plans) -> None:
    wb, stored, cut, _before, _after = two_plans
    units = dict(zip(wb.resources["resource"], wb.resources["unit"], strict=True))
    diff = settings_diff(stored, cut)
    said = settings_sentence(diff, stored, {"industry": "工业资金"}, units, "zh")
    assert said == "工业资金 100 万元 → 30 万元"
    said_en = settings_sentence(diff, stored, {"industry": "Industry fund"}, units, "en")
    assert said_en == "Industry fund CNY 1.0 m → CNY 300k"
    locked = stored.with_value("locks", "E1", "application_coaching")
    names = {"E1": "威海甲公司"}
    said = settings_sentence(settings_diff(stored, locked), stored, {}, units, "zh", names)
    assert said == "锁定威海甲公司为“服务机构申报辅导”"
    unlocked = stored.without_locks(["E2"])
    said = settings_sentence(settings_diff(stored, unlocked), stored, {}, units, "zh", names)
    assert said == "解除对E2的锁定"


def test_pooling_explains_a_cut_that_raises_another_target(two_plans) -> None:
    _wb, stored, cut, before, after = two_plans
    change = compare_plans(before, after, settings_diff(stored, cut), stored)
    # forge a transfer that grew and a target that rose, as pooling does on the demo
    change.transfers = change.transfers.iloc[0:0]
    import pandas as pd

    change.transfers = pd.DataFrame(
        {"from_line": ["projects"], "to_line": ["industry"], "before": [0.0], "after": [10.0]}
    )
    change.targets.loc[change.targets["target"] == "starts", "expected"] += 1
    sentences = pooling_sentences(change, {}, {"starts": "项目开工"}, "zh")
    assert sentences[0].startswith("削减一个资金渠道后项目开工的预期反而上升")
    assert "0 万元" in sentences[1] and "10 万元" in sentences[1]


def test_candidates_are_named_with_the_rungs_label_not_a_code() -> None:
    assert (
        candidate_label("F00702-above_size", "威海某公司", "zh") == "威海某公司（规模以上工业企业）"
    )
    assert (
        candidate_label("F00702-above_size", "Weihai Co", "en")
        == "Weihai Co (Above-size industrial enterprise)"
    )
    assert candidate_label("P0003-start", "某项目", "zh") == "某项目"
    assert candidate_label("X-1", "某对象", "zh") == "某对象"
    assert candidate_label("E1", "", "zh") == "E1"


def test_money_changes_read_with_their_sign() -> None:
    assert money_change(1200, "zh") == "+1,200 万元"
    assert money_change(-300, "zh") == "-300 万元"
    assert money_change(0, "zh") == "±0"
    assert money_change(-940, "en") == "-CNY 9.4 m"
    assert money(940, "en") == "CNY 9.4 m"


# ---------------------------------------------------------------- through the app (AppTest)
@pytest.fixture(scope="module")
def app_db(tmp_path_factory):
    """The demo city in a database of its own, for this module's app tests (``WEIHAI_DB``)."""
    from data.store import open_store

    path = tmp_path_factory.mktemp("ux") / "weihai.db"
    open_store(path, create_demo=True).close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEIHAI_DB", str(path))
        yield path


def test_a_slider_move_shows_each_figures_change_and_the_candidates_moved(app_db) -> None:
    from tests.test_app import assert_clean, goto, open_app

    at = open_app("zh")
    goto(at, "studio")
    assert_clean(at)
    at.slider(key="w.budget.above_size_upgrade").set_value(0.0).run()
    assert_clean(at)
    texts = [m.value for m in at.markdown]
    said = next(x for x in texts if x.startswith("**本次调整带来的变化：**"))
    assert "小升规培育资金 1,150 万元 → 0 万元" in said
    assert any(x.startswith("新增支持") and "不再支持" in x for x in texts)
    # every figure carries its change in percentage points (no "pp"), with its expectation
    deltas = [m.delta for m in at.metric]
    from data.store import open_store

    with open_store(app_db, create_demo=False) as store:
        targets = len(store.load_workbook().targets)
    # the weighted attainment and one figure per target
    assert len(deltas) == 1 + targets and all(d.endswith("个百分点") for d in deltas), deltas
    # the expectation against the goal stays beside each figure, below it
    assert any(c.value == "136 家 / 150 家" or " / 150 家" in c.value for c in at.caption)
    assert not any("pp" in d for d in deltas)
    # the candidates that moved, by name and in Chinese
    moved = next(d.value for d in at.dataframe if "变化" in d.value.columns)
    assert set(moved["变化"]) <= {"新增支持", "不再支持", "改变支持方式"}
    assert not moved["名称"].str.contains(r"-(?:above_size|start|srdi)", regex=True).any()


# ---------------------------------------------------------------- import problems in Chinese
def _issues(sheets: dict[str, str]):
    from data.workbook import WorkbookError, validate_tables
    from tests.conftest import raw_from_csv

    raw = {name: raw_from_csv(text) for name, text in sheets.items()}
    with pytest.raises(WorkbookError) as caught:
        validate_tables(raw)
    return list(caught.value.issues), raw


BAD_SHEETS = {
    "budgets": "fund_line,amount,pooled\nindustry,-940,Y\nprojects,50,maybe\nprojects,abc,N\n",
    "resources": "resource,capacity,unit\nstaff_days,20,day\n",
    "targets": "target,goal,weight,unit\nnew_srdi,,1,firms\nstarts,1,2,projects\n",
    "candidates": (
        "candidate_id,name,kind,district,base_probability,award,award_line,cluster\n"
        "E1,威海甲公司,enterprise,环翠区,1.5,30,nowhere,碳纤维\n"
        "E2,威海乙公司,firm,文登区,0.25,,,医疗器械\n"
        "P1,临港项目,project,文登区,0.5,0,,\n"
    ),
    "contributions": "candidate_id,target,value\nE1,new_srdi,1\nE9,new_srdi,1\nP1,elsewhere,1\n",
    "options": (
        "candidate_id,option,probability,fund_line,cost,staff_days,note\n"
        "E1,coaching,0.6,industry,10,2,x\n"
    ),
    "locks": "candidate_id,option\nE2,coaching\n",
    "floors": "district,min_share\n荣成市,0.2\n",
    "settings": "key,value\npool_shares,0.2\n",
}


def test_import_problems_read_in_chinese_with_the_rows_key_named() -> None:
    from ui.issue_text import _UNKNOWN, issues_frame, row_keys

    issues, raw = _issues(BAD_SHEETS)
    assert len(issues) >= 8
    frame = issues_frame(issues, "zh", row_keys(raw))
    untranslated = [m for m in frame["message"] if m.endswith(_UNKNOWN)]
    assert not untranslated, untranslated
    budgets = frame[frame["sheet"] == "资金预算"]
    assert "不能小于 0（实为 -940）" in set(budgets["message"]), budgets
    first = budgets[budgets["message"] == "不能小于 0（实为 -940）"].iloc[0]
    assert first["row"] == "第 2 行（industry）" and first["column"] == "金额（万元）"
    assert any(m == "应填 Y 或 N，实为“maybe”" for m in frame["message"])
    assert any(m == "应为数字，实为“abc”" for m in frame["message"])
    # nothing in English is left but the data's own codes
    for text in frame.to_numpy().ravel():
        assert not re.search(r"\b(must|expected|unknown|required|found|sheet|row)\b", str(text))


def test_the_english_report_keeps_the_checkers_text() -> None:
    from ui.issue_text import issues_frame

    issues, _raw = _issues(BAD_SHEETS)
    frame = issues_frame(issues, "en")
    assert list(frame["message"]) == [i.message for i in issues]
    assert list(frame["sheet"]) == [i.sheet for i in issues]


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("required column is missing", "缺少必填列"),
        ("must be between 0 and 1 (found 85)", "应在 0 到 1 之间（实为 85）"),
        ("duplicate fund line 'x' (first on row 2)", "资金渠道“x”重复（首次出现在第 2 行）"),
        ("b.zip: file is larger than 50 MB", "b.zip：文件超过 50 MB"),
        ("pool_share: must be between 0 and 1 (found 3)", "pool_share：应在 0 到 1 之间（实为 3）"),
        ("something new", "something new（系统原文）"),
    ],
)
def test_message_patterns(english: str, chinese: str) -> None:
    from ui.issue_text import message_text

    assert message_text(english, "zh") == chinese
    assert message_text(english, "en") == english


def test_the_data_page_reports_a_bad_upload_in_chinese(app_db) -> None:
    from tests.test_app import _bad_workbook_bytes, goto, open_app

    at = open_app("zh")
    goto(at, "data")
    at.get("file_uploader")[0].upload("bad.xlsx", _bad_workbook_bytes(), "application/x").run()
    assert not at.exception
    report = at.dataframe[0].value
    assert "问题" in report.columns
    budgets = report[report.iloc[:, 0] == "资金预算"]
    assert len(budgets) and budgets.iloc[0, 1] == "第 2 行（a）"
    assert "不能小于 0（实为 -5）" in set(budgets.iloc[:, 3])


# ---------------------------------------------------------------- why (not): in words and units
def _explanation(**over):
    from types import SimpleNamespace

    fields = dict(
        candidate_id="E2",
        name="威海乙公司",
        funded=False,
        locked=None,
        option="none",
        considered_option="rd_subsidy",
        fund_line="industry",
        money=40.0,
        gain_attainment=0.01,
        gain_points=0.0004,
        per_100=0.001,
        cutoff_per_100=0.5,
        limit="staff_days",
        limit_kind="resource",
        limit_unit="staff days",
        takes=26.0,
        takes_checked_below=25.0,
        searched_up_to=None,
        forced_loss=0.1,
        forced_points=1.25,
        forced_option="rd_subsidy",
        drop_loss=None,
        drop_points=None,
        changes=[
            {
                "candidate_id": "F00702-above_size",
                "name": "威海丙公司",
                "before": "upgrade_guidance",
                "after": "none",
            }
        ],
    )
    fields.update(over)
    return SimpleNamespace(**fields)


def test_why_not_reads_in_the_bureaus_words_and_units(tiny_workbook) -> None:
    from ui.analysis_panels import explanation_sentences

    labels = {"industry": "工业发展资金", "staff_days": "工作人员人日"}
    zh = explanation_sentences(_explanation(), tiny_workbook, labels, "zh")
    text = "".join(zh)
    assert "26 人日" in text and "25 人日" in text
    assert "staff" not in text and "upgrade_guidance" not in text and "F00702" not in text
    assert "威海丙公司（规模以上工业企业）（由升规指导改为无）" in text
    assert "成功概率由 25% 提高到 70%" in text  # E2's base 0.25, rd_subsidy 0.7
    assert "每百万元0.00分" not in text and "不足 0.01" in text
    assert "工业发展资金 40 万元" in text
    en = " ".join(explanation_sentences(_explanation(), tiny_workbook, labels, "en"))
    assert "26 staff days" in en and "(E2)" in en
    funded = explanation_sentences(
        _explanation(funded=True, option="rd_subsidy", drop_loss=0.1, drop_points=2.0, changes=[]),
        tiny_workbook,
        labels,
        "zh",
    )
    assert funded[0].startswith("威海乙公司获得支持：“rd_subsidy”，使用工业发展资金 40 万元")
    assert funded[-1] == "若取消对其支持，加权完成度将下降 2.00 个百分点。"


def test_the_studio_explains_and_values_limits_in_chinese_without_codes(app_db) -> None:
    from tests.test_app import assert_clean, goto, open_app

    at = open_app("zh")
    goto(at, "studio")
    picker = at.selectbox(key="studio.explain_pick")
    assert picker.placeholder == "搜索（名称或编号）"
    picker.set_value("P0021-start").run()
    at.button(key="studio.explain_run").click().run()
    assert_clean(at)
    said = " ".join(m.value for m in at.markdown if "支持" in m.value and "P0021" not in m.value)
    assert "未获支持" in said
    for code in ("staff days", "-start", "assisted_handling", "factor_guarantee", "_support"):
        assert code not in said, code
    at.button(key="studio.marginal_run").click().run()
    assert_clean(at)
    table = next(d.value for d in at.dataframe if "多一档带来（预期）" in d.value.columns)
    assert table["一档"].str.startswith("+").all()
    assert table["一档"].str.contains("万元|人日|亩|吨标煤|名额|吨").all()
    heads = " ".join(table.columns) + " ".join(c.value for c in at.caption)
    assert "线性松弛" not in heads and "影子价格" not in heads


# ---------------------------------------------------------------- scenarios: list, compare, link
def test_the_scenario_list_compares_two_different_scenarios_and_keeps_the_link(app_db) -> None:
    from tests.test_app import assert_clean, goto, open_app

    at = open_app("zh")
    goto(at, "studio")
    at.slider(key="w.budget.above_size_upgrade").set_value(0.0).run()
    # the address bar carries what differs from the stored data
    assert at.query_params["b.above_size_upgrade"] in ("0", ["0"])
    goto(at, "scenarios")
    at.text_input[0].set_value("不投小升规")
    at.button(key="FormSubmitter:scenarios.save_form-保存").click().run()
    assert_clean(at)
    listing = next(d.value for d in at.dataframe if "主要设置" in d.value.columns)
    row = listing[listing.iloc[:, 1] == "不投小升规"].iloc[0]
    assert "小升规培育资金 1,150 万元 → 0 万元" in row["主要设置"]
    assert row["主要设置"].startswith("资金合计 ")
    picked = at.multiselect(key="scenarios.compare_pick")
    assert len(set(picked.value)) == 2 and picked.placeholder == "请选择"
    table = next(d.value for d in at.dataframe if any("差异" in c for c in d.value.columns))
    diff = next(c for c in table.columns if c.startswith("差异"))
    assert table[diff].iloc[:-1].str.contains("个百分点").all()  # the last row: money
    assert table[diff].iloc[-1].endswith("万元") or table[diff].iloc[-1].endswith("亿元")
    link = next(c.value for c in at.code)
    assert "b.above_size_upgrade=0" in link
    assert at.query_params.get("name") in ("不投小升规", ["不投小升规"])
    assert "name=" in link


@pytest.mark.parametrize(
    ("stored", "chinese"),
    [
        (
            "demo city, seed 7 (3,000 candidates, 9,000 options)",
            "演示城市（随机种子 7，3,000 个候选对象、9,000 个支持方式）",
        ),
        ("plan.xlsx (3 candidates, 4 options)", "plan.xlsx（3 个候选对象、4 个支持方式）"),
        ("12 assumptions", "12 项参数"),
        ("#3 不投小升规", "第 3 号情景“不投小升规”"),
        ("#3 → 新名字", "第 3 号情景 → 新名字"),
    ],
)
def test_audit_entries_read_in_chinese(stored: str, chinese: str) -> None:
    from ui.issue_text import audit_detail

    assert audit_detail(stored, "zh") == chinese
    assert audit_detail(stored, "en") == stored


def test_the_allocation_reads_options_as_options_and_candidates_by_name() -> None:
    import pandas as pd

    from ui.tables import allocation_frame

    frame = allocation_frame(
        pd.DataFrame(
            {
                "candidate_id": ["P0002-start"],
                "name": ["某项目"],
                "kind": ["project"],
                "district": ["荣成市"],
                "option": ["factor_guarantee"],
            }
        ),
        "zh",
    )
    assert (
        frame["支持方式"].iloc[0] == "帮办代办加力+要素指标保障"
    )  # the option, not the stage 要素保障


def test_units_read_in_chinese_and_english_money_reads_naturally() -> None:
    from ui.analysis_panels import limit_amount
    from ui.i18n import t
    from ui.tables import unit_label

    assert unit_label("staff days", "zh") == "人日"
    assert limit_amount(699, "resource", "staff days", "zh") == "699 人日"
    assert limit_amount(940, "fund_line", "万元", "en") == "CNY 9.4 m"
    assert "10k CNY" not in t("unit.wan", "en")


def test_the_audit_logs_product_users_read_in_the_readers_language() -> None:
    """The seeded demo is logged as "system" and the open demo's visitor as "demo": 系统 and 演示访客
    on the Chinese screen; a signed-in user's name stays as it is."""
    from pages.data_admin import audit_user

    users = ("system", "demo", "li@weihai.gov.cn")
    assert [audit_user(u, "zh") for u in users] == ["系统", "演示访客", "li@weihai.gov.cn"]
    assert [audit_user(u, "en") for u in users] == ["System", "Demo visitor", "li@weihai.gov.cn"]
