"""docs/CONTRACTS.md against the code: every module it heads exists and has every name it promises.

Each `## module` section lists what other layers call: functions as `name(...)`, classes as
`class Name` or a bare `Name` followed by a colon, methods of a class as indented `name(...)`. A name
the code no longer has (or a module that moved) fails here, so the page cannot drift.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "CONTRACTS.md"
HEADING = re.compile(r"^## ([a-z_][a-z_.]*)", re.MULTILINE)
# `name(` at the start of a backtick span: a function or method; `class Name`: a class.
CALLABLE = re.compile(r"`(?:class )?([A-Za-z_][A-Za-z0-9_]*)\(")
CLASS = re.compile(r"`class ([A-Za-z_][A-Za-z0-9_]*)")
TOP_NAME = re.compile(r"^`([A-Z][A-Za-z0-9_]*)`")  # a section opening with `Name` names a class
CONSTANT = re.compile(r"`([A-Z][A-Z0-9_]{2,})`")  # `SHEETS`, `OPTION_LABELS`
BUILTINS = {"str", "repr", "int", "float", "dict", "list"}
ENVIRONMENT = "WEIHAI_"  # `WEIHAI_DB` and its kind are environment variables, not names


def sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    parts = HEADING.split(text)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def promised(body: str) -> set[str]:
    """The top-level names and Class.method names a section promises."""
    names: set[str] = set()
    owner: str | None = None
    for line in body.splitlines():
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        declared = CLASS.findall(line) or (
            [m.group(1)] if (m := re.match(r"- `([A-Z][A-Za-z0-9_]*)(?:\(|`)", stripped)) else []
        )
        if indent == 0 and declared:
            owner = declared[0]
        if indent == 0 and line.startswith("- `") and not declared:
            owner = None
        names.update(declared)
        names.update(c for c in CONSTANT.findall(line) if not c.startswith(ENVIRONMENT))
        for name in CALLABLE.findall(line):
            if name in BUILTINS:
                continue
            if name[0].isupper() or indent == 0:
                names.add(name)
            elif owner:
                names.add(f"{owner}.{name}")
        names.update(CLASS.findall(line))
        names.update(TOP_NAME.findall(stripped))
    return names


@pytest.mark.parametrize("module", sorted(sections()))
def test_every_promised_name_exists(module):
    mod = importlib.import_module(module)
    missing = []
    for name in sorted(promised(sections()[module])):
        head, _, attr = name.partition(".")
        obj = getattr(mod, head, None)
        if obj is None or (attr and not hasattr(obj, attr)):
            missing.append(name)
    assert missing == [], f"docs/CONTRACTS.md promises these in {module}"


def test_the_page_covers_the_layers():
    assert {"data.workbook", "data.store", "optimizer", "data.scenario"} <= set(sections())


def test_a_missing_name_is_caught(monkeypatch):
    """The checker itself: a name the module lacks is reported."""
    body = "- `no_such_function(x) -> int`: gone.\n"
    assert "no_such_function" in promised(body)
    mod = importlib.import_module("data.workbook")
    assert not hasattr(mod, "no_such_function")


def test_methods_are_read_as_methods_of_their_class():
    body = (
        "- `Store(path)`: thread-local.\n  - `is_empty() -> bool`, `load_workbook() -> Workbook`,\n"
    )
    assert {"Store", "Store.is_empty", "Store.load_workbook"} <= promised(body)
    assert inspect.isclass(importlib.import_module("data.store").Store)
