"""The translation table: complete in both languages, and every key the code uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from ui.i18n import LANGS, TABLE, t, tv

REPO = Path(__file__).resolve().parent.parent
CODE = [
    REPO / "app.py",
    *sorted((REPO / "pages").glob("*.py")),
    *sorted((REPO / "ui").glob("*.py")),
]
# Literal keys: t("key"...), page_header("key", "key"), and label-key tables ("common.id").
KEY = r"\w+(?:\.\w+)+"  # dotted: "nav.cockpit" (a prefix such as "light." + x is checked below)
KEY_CALL = re.compile(rf"""\bt\(\s*["']({KEY})["']""")
HEADER_CALL = re.compile(rf"""page_header\(\s*["']({KEY})["'](?:\s*,\s*["']({KEY})["'])?""")
KEY_LITERAL = re.compile(r"""["']((?:common|unit|light|role|download)\.[\w.]+)["']""")


def keys_used_in_code() -> dict[str, list[str]]:
    """Every literal translation key in the dashboard's code, with the files using it."""
    used: dict[str, list[str]] = {}
    for path in CODE:
        text = path.read_text(encoding="utf-8")
        found = set(KEY_CALL.findall(text)) | set(KEY_LITERAL.findall(text))
        for match in HEADER_CALL.findall(text):
            found.update(k for k in match if k)
        for key in found:
            used.setdefault(key, []).append(path.name)
    return used


def test_the_scan_finds_keys_in_every_page() -> None:
    used = keys_used_in_code()
    pages = {p.name for p in (REPO / "pages").glob("*.py") if p.name != "__init__.py"}
    assert pages and pages <= {f for files in used.values() for f in files}
    assert "nav.cockpit" in used and "studio.objective" in used


def test_every_key_used_in_code_exists() -> None:
    missing = {k: v for k, v in keys_used_in_code().items() if k not in TABLE}
    assert not missing, f"keys used but not in ui/i18n.TABLE: {missing}"


def test_keys_built_at_run_time_exist() -> None:
    from ui.roles import NO_ROLE, ROLES

    for light in ("green", "amber", "red"):
        assert f"light.{light}" in TABLE
    for role in (*ROLES, NO_ROLE):
        assert f"role.{role}" in TABLE
    from data.criteria import CRITERION_LABELS

    assert all(f"criterion.{name}" in TABLE for name in CRITERION_LABELS)


@pytest.mark.parametrize("lang", LANGS)
def test_every_label_is_present_in_both_languages(lang: str) -> None:
    empty = [k for k, pair in TABLE.items() if not pair[LANGS.index(lang)].strip()]
    assert not empty, f"empty {lang} labels: {empty}"


def test_labels_have_the_same_fields_in_both_languages() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    differ = {k: pair for k, pair in TABLE.items() if fields(pair[0]) != fields(pair[1])}
    assert not differ


def test_chinese_labels_are_chinese_and_english_ones_are_not() -> None:
    cjk = re.compile(r"[\u4e00-\u9fff]")
    screen_keys = [k for k in TABLE if not k.startswith(("value.", "criterion.", "app.language"))]
    not_chinese = [k for k in screen_keys if not cjk.search(TABLE[k][0]) and k != "unit.tce"]
    chinese_in_english = [k for k in screen_keys if cjk.search(TABLE[k][1]) and k != "ladder.firm"]
    assert not not_chinese, not_chinese
    assert not chinese_in_english, chinese_in_english


def test_t_fills_fields_and_falls_back_to_the_key() -> None:
    assert t("common.rows", "en", n=3) == "3 rows"
    assert t("common.rows", "zh", n=3) == "共 3 行"
    assert t("no.such.key", "en") == "no.such.key"


def test_data_values_translate_and_unknown_values_pass_through() -> None:
    assert tv("环翠区", "en") == "Huancui District"
    assert tv("环翠区", "zh") == "环翠区"
    assert tv("factor_guarantee", "zh") == "要素保障"
    assert tv("little_giant", "en") == "SRDI “little giant” enterprise"
    assert tv("某新区", "en") == "某新区"


def test_every_value_in_the_demo_city_has_a_translation() -> None:
    from data.demo import generate_demo

    wb = generate_demo()
    values: set[str] = set()
    for column in ("district", "cluster", "lead_department", "rung", "kind"):
        if column in wb.candidates:
            values |= set(wb.candidates[column].astype(str))
    values |= set(wb.options["option"].astype(str))
    for column in ("stage", "level", "library", "lead_department", "district", "cluster"):
        values |= set(wb.projects[column].astype(str))
    for column in ("size_tier", "quality_tier"):
        values |= set(wb.enterprises[column].astype(str))
    for cell in wb.projects["open_gates"].astype(str):
        values |= {g for g in cell.split(";") if g}
    missing = sorted(v for v in values if f"value.{v}" not in TABLE)
    assert not missing, f"demo values without a translation: {missing}"
    # Fund lines, resources and targets carry their own labels in both languages.
    for frame in (wb.budgets, wb.resources, wb.targets):
        assert frame["label_zh"].astype(str).str.len().min() > 0
        assert frame["label_en"].astype(str).str.len().min() > 0
