"""The one vocabulary: every code of the demo city has both labels, and no two tables disagree."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from data import vocabulary as vocab

REPO = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def _codes(column: pd.Series) -> set[str]:
    return {str(v) for v in column.dropna()}


@pytest.fixture(scope="module")
def demo_codes(demo_workbook) -> dict[str, set[str]]:
    """Every code the demo city uses, by the vocabulary kind that names it."""
    wb = demo_workbook
    p, e, c = wb.projects, wb.enterprises, wb.candidates
    gates = {g for cell in p["open_gates"].dropna().astype(str) for g in cell.split(";") if g}
    return {
        "rung": _codes(c["rung"]),
        "size_tier": _codes(e["size_tier"]),
        "quality_tier": _codes(e["quality_tier"]),
        "stage": _codes(p["stage"]),
        "library": _codes(p["library"]),
        "level": _codes(p["level"]),
        "category": _codes(p["category"]),
        "construction": _codes(p["construction"]),
        "sector": _codes(e["sector"]),
        "gate": gates,
        "option": _codes(wb.options["option"]),
        "entity_kind": _codes(c["kind"]),
        "district": _codes(p["district"]) | _codes(e["district"]) | _codes(c["district"]),
        "cluster": _codes(p["cluster"]) | _codes(e["cluster"]),
        "department": _codes(p["lead_department"]),
        "target": _codes(wb.targets["target"]),
        "fund_line": _codes(wb.budgets["fund_line"]),
    }


def test_every_code_of_the_demo_has_a_chinese_and_an_english_label(demo_codes) -> None:
    missing = {
        kind: sorted(codes - set(vocab.table(kind)))
        for kind, codes in demo_codes.items()
        if codes - set(vocab.table(kind))
    }
    assert not missing, f"demo codes without a label: {missing}"
    for kind, codes in demo_codes.items():
        for code in codes:
            zh, en = vocab.table(kind)[code]
            assert CJK.search(zh), (kind, code, zh)
            assert en.strip() and not CJK.search(en), (kind, code, en)


def test_the_ordered_codes_all_have_labels() -> None:
    for kind, codes in (
        ("rung", vocab.RUNGS),
        ("size_tier", vocab.SIZE_TIERS),
        ("quality_tier", vocab.QUALITY_TIERS),
        ("stage", vocab.STAGES),
        ("library", vocab.LIBRARIES),
        ("gate", vocab.GATES),
        ("level", vocab.LEVELS),
        ("entity_kind", vocab.ENTITY_KINDS),
        ("category", vocab.CATEGORIES),
        ("construction", vocab.CONSTRUCTION),
        ("sector", vocab.SECTORS),
        ("rung", vocab.PROJECT_RUNGS),
    ):
        assert set(codes) <= set(vocab.table(kind)), kind
    assert set(vocab.NOT_STARTED) < set(vocab.STAGES)
    # the criteria the ladder's checks name
    from data import criteria

    assert set(criteria.CHECKS) == set(vocab.RUNGS)


def test_a_code_that_names_one_thing_in_two_kinds_has_one_label() -> None:
    """A rung and the tier of that name are the same recognition; the reserve stage is the library."""
    same = [("rung", "size_tier"), ("rung", "quality_tier"), ("stage", "library")]
    for a, b in same:
        for code in set(vocab.table(a)) & set(vocab.table(b)):
            assert vocab.table(a)[code] == vocab.table(b)[code], (a, b, code)
    # the criteria that say "already a …" use the rung's own name
    for criterion, rung in (("is_innovative_sme", "innovative_sme"), ("is_srdi", "srdi")):
        assert vocab.RUNG_LABELS[rung][0] in vocab.CRITERION_LABELS[criterion][0]
    assert vocab.RUNG_LABELS["champion"][0] in vocab.CRITERION_LABELS["is_provincial_champion"][0]


def test_official_wording() -> None:
    assert vocab.label("rung", "srdi", "zh") == "省级专精特新中小企业"
    assert vocab.label("rung", "little_giant", "zh") == "专精特新“小巨人”企业"
    assert vocab.label("rung", "champion", "zh") == "制造业单项冠军企业"
    assert vocab.label("rung", "innovative_sme", "zh") == "创新型中小企业"
    assert vocab.label("size_tier", "above_size", "zh") == "规模以上工业企业"
    assert vocab.labels("library", "zh") == {"reserve": "储备库", "plan": "计划库"}


def test_the_official_wording_list_reaches_the_screens() -> None:
    """The issue's wording list (docs/projects.md): one vocabulary, and the screens use it."""
    from ui import i18n

    terms = vocab.TERM_LABELS
    assert terms["support_money"][0] == "扶持资金" and terms["fund_line"][0] == "资金渠道"
    assert [terms[k][0] for k in ("outlook_green", "outlook_amber", "outlook_red")] == [
        "有望完成",
        "需加力推进",
        "完成难度大",
    ]
    assert i18n.t("light.green", "zh") == "有望完成" and i18n.t("light.red", "zh") == "完成难度大"
    assert i18n.t("light.amber", "zh") == "需加力推进"
    assert i18n.t("cockpit.targets", "zh") == "年度目标完成情况预判"
    assert i18n.t("pipeline.stalled", "zh") == "推进缓慢项目"
    assert (
        i18n.t("role.planner", "zh") == "业务经办人员" and i18n.t("role.viewer", "zh") == "浏览用户"
    )
    assert terms["innovative_sme_announced"][0] == "新公告创新型中小企业"
    assert terms["supply_demand_matching"][0] == "产需对接"
    assert (terms["reserve_library"][0], terms["plan_library"][0]) == ("储备库", "计划库")
    from ui.issue_text import _COLUMNS as ZH_COLUMNS

    screen = " ".join([*(zh for zh, _ in i18n.SCREEN.values()), *ZH_COLUMNS.values()])
    # The screens and the exports say the same words (扶持资金, 奖补预留), import errors included.
    for old in EXPORT_OLD_WORDS:
        assert old not in screen, old


# Words the official wording list replaced (docs/projects.md): none may reach a screen or an export.
OLD_WORDS = ("前期投入", "资金线", "达成把握大", "需关注", "风险高", "停滞", "供需对接")
# Exports also once said 前期 or 支持资金 for support money and 奖励 for the 奖补 reserve: 扶持资金, 奖补预留.
EXPORT_OLD_WORDS = (*OLD_WORDS, "前期费用", "前期支出", "前期资金", "支持资金", "奖励预留")


def _old_words_in(text: str) -> list[str]:
    return [word for word in EXPORT_OLD_WORDS if word in text]


def test_the_reports_source_uses_the_official_wording() -> None:
    """Every document module (reports/) writes the official words: none of the replaced ones."""
    found = {
        path.name: _old_words_in(path.read_text(encoding="utf-8"))
        for path in sorted((REPO / "reports").glob("*.py"))
    }
    assert not {name: words for name, words in found.items() if words}
    from reports.allocation_xlsx import CANDIDATE_COLS, FUND_COLS

    # The money headers are the vocabulary's words, not typed again.
    support, reserve = vocab.TERM_LABELS["support_money"], vocab.TERM_LABELS["award_reserve"]
    for cols in (CANDIDATE_COLS, FUND_COLS):
        heads = {c.key: (c.zh, c.en) for c in cols}
        money = heads["cost" if cols is CANDIDATE_COLS else "upfront"]
        assert money == (f"{support[0]}（万元）", f"{support[1]} (10k yuan)")
        assert heads["reserve"] == (f"{reserve[0]}（万元）", f"{reserve[1]} (10k yuan)")


def _office_text(data: bytes) -> str:
    """Every part of a .docx/.xlsx file as text, XML character references read (openpyxl writes
    Chinese as &#20505; …), so a word is found however the file spells it."""
    import html
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return html.unescape("\n".join(parts))


@pytest.fixture(scope="module")
def demo_exports(demo_workbook) -> dict[str, bytes]:
    """The Chinese exports of the demo city's plan: allocation, a district's 明白纸, the 调度通报."""
    from data.scenario import settings_from_workbook
    from data.workbook.write import template_xlsx_bytes
    from optimizer.solve import solve
    from reports.allocation_xlsx import allocation_xlsx_bytes
    from reports.checklist_docx import checklist_docx_bytes
    from reports.dispatch import dispatch_bytes
    from reports.office import display_names

    wb = demo_workbook
    plan = solve(wb, time_limit=5.0, baselines=False)
    district = sorted(wb.enterprises["district"].astype(str).unique())[0]
    return {
        "allocation.xlsx": allocation_xlsx_bytes(
            plan,
            lang="zh",
            names=display_names(wb, "zh"),
            settings=settings_from_workbook(wb),
        ),
        "明白纸.docx": checklist_docx_bytes(wb, district=district, choices=plan.choices),
        "调度通报.docx": dispatch_bytes(wb, plan, "docx"),
        "调度通报.xlsx": dispatch_bytes(wb, plan, "xlsx"),
        "模板.xlsx": template_xlsx_bytes(),
    }


def test_the_demo_exports_use_the_official_wording(demo_exports) -> None:
    for name, data in demo_exports.items():
        text = _office_text(data)
        assert len(CJK.findall(text)) > 100, name  # the scan reads the Chinese text
        assert not _old_words_in(text), (name, _old_words_in(text))
    allocation = _office_text(demo_exports["allocation.xlsx"])
    for term in ("support_money", "award_reserve"):
        assert vocab.TERM_LABELS[term][0] in allocation, term


def test_a_workbook_with_the_old_money_header_still_imports() -> None:
    """Templates handed out before said 前期费用（万元）: the importer still reads that header."""
    from data.workbook.aliases import canonical_headers, template_header

    assert template_header("options", "cost") == f"{vocab.TERM_LABELS['support_money'][0]}（万元）"
    for header in ("扶持资金（万元）", "前期费用（万元）", "前期费用", "扶持资金"):
        assert canonical_headers("options", ["候选编号", header]) == ["candidate_id", "cost"], (
            header
        )


def test_label_api() -> None:
    assert vocab.label("district", "环翠区", "en") == "Huancui District"
    assert vocab.label("rung", "no_such_rung", "en") == "no_such_rung"  # unknown codes as they are
    assert vocab.label("option", None, "zh") == ""
    assert vocab.label("criterion", "rd_ratio") == "研发费用占营业收入比重"  # Chinese by default
    # a code in two kinds: the kind decides; a bare value takes the stage
    assert vocab.label("option", "factor_guarantee", "zh") == "帮办代办加力+要素指标保障"
    assert vocab.label("stage", "factor_guarantee", "zh") == "要素保障"
    assert vocab.value_label("factor_guarantee", "zh") == "要素保障"
    assert vocab.value_label("某新区", "en") == "某新区"
    with pytest.raises(KeyError):
        vocab.label("no_such_kind", "x", "zh")
    with pytest.raises(ValueError):
        vocab.label("rung", "srdi", "fr")
    with pytest.raises(TypeError):
        vocab.RUNG_LABELS["srdi"] = ("x", "y")  # type: ignore[index]


def test_ui_i18n_keeps_screen_text_only_and_delegates() -> None:
    from ui import i18n

    assert i18n.LANGS is vocab.LANGS
    domain = [k for k in i18n.SCREEN if k.split(".", 1)[0] in (*vocab.TABLES, "value")]
    assert not domain, f"domain labels still written in ui/i18n.py: {domain}"
    for code, pair in vocab.VALUE_LABELS.items():
        assert i18n.TABLE[f"value.{code}"] == pair
    for code, pair in vocab.CRITERION_LABELS.items():
        assert i18n.TABLE[f"criterion.{code}"] == pair
    assert i18n.t("rung.srdi", "zh") == "省级专精特新中小企业"
    assert i18n.t("target_short.new_above_size", "en") == "New above-size firms"
    assert i18n.tv("factor_guarantee", "zh", kind="option") == "帮办代办加力+要素指标保障"


def test_the_codes_and_labels_are_defined_once() -> None:
    from data import criteria
    from reports import checklist
    from ui import insights

    assert criteria.RUNGS is vocab.RUNGS and insights.RUNGS is vocab.RUNGS
    assert criteria.QUALITY_LADDER is vocab.QUALITY_TIERS
    assert insights.STAGES is vocab.STAGES and insights.GATES is vocab.GATES
    assert criteria.CRITERION_LABELS is vocab.CRITERION_LABELS
    assert not hasattr(checklist, "RUNG_LABELS") and checklist.LANGS is vocab.LANGS


def test_the_demo_names_targets_and_fund_lines_as_the_vocabulary_does() -> None:
    from data import demo

    for code, _unit, zh, en in demo.TARGETS:
        assert vocab.TARGET_LABELS[code] == (zh, en), code
    for code, _pooled, zh, en in demo.FUND_LINES:
        assert vocab.FUND_LINE_LABELS[code] == (zh, en), code
    for department, _resource, en in demo.LEAD_DEPARTMENTS:
        assert vocab.DEPARTMENT_LABELS[department] == (department, en), department
    from data.assumptions import CATEGORY_LEADS

    assert {c for c, _, _ in CATEGORY_LEADS} == set(vocab.CATEGORIES) == set(demo.CATEGORIES)
    assert {d for _, d, _ in CATEGORY_LEADS} <= set(vocab.DEPARTMENT_LABELS)


def test_the_demo_option_labels_are_the_vocabulary() -> None:
    from data import demo

    assert demo.OPTION_LABELS is vocab.OPTION_LABELS


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_the_vocabulary_imports_nothing_of_the_project() -> None:
    """The one neutral module: it stands below everything else (the other layers: test_layers.py)."""
    project = ("data", "optimizer", "ui", "pages", "reports", "app")
    own = {m for m in _imports(REPO / "data" / "vocabulary.py") if m.split(".")[0] in project}
    assert not own, own
