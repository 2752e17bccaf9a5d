"""The architecture as a test: which layer may import which (docs/CONTRACTS.md, "Layers").

data/ → optimizer/ → reports/ → ui/ → pages/ with app.py as the entrance. A layer imports only what stands
below it; nothing below the screens imports Streamlit; the product imports none of the developer tools
(tests/, benchmarks/, devtools/), and benchmarks measure the product, not the tests. Every
import is read from the source (top level, inside functions, relative ones, and `importlib.import_module`
with a literal name), so a late import cannot slip past.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each folder of the product must never import (a name matches itself and its submodules).
_TOOLS = ("tests", "benchmarks", "devtools")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "data": ("streamlit", "optimizer", "reports", "ui", "pages", "views", "app", *_TOOLS),
    "optimizer": ("streamlit", "reports", "ui", "pages", "views", "app", *_TOOLS),
    "reports": ("streamlit", "ui", "pages", "views", "app", *_TOOLS),
    "ui": ("pages", "views", "app", *_TOOLS),
    "pages": ("app", *_TOOLS),
    "benchmarks": ("tests",),
    "devtools": ("tests", "benchmarks"),
}


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_names(path: Path, root: Path = ROOT) -> Iterator[tuple[int, str]]:
    """Every module name the file imports, with its line: plain, from, relative and importlib ones."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            yield node.lineno, stem
            for alias in node.names:  # `from pkg import module` imports pkg.module
                yield node.lineno, f"{stem}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def _matches(name: str, banned: str) -> bool:
    return name == banned or name.startswith(banned + ".")


def layer_violations(root: Path = ROOT) -> list[str]:
    found: list[str] = []
    for layer, banned in FORBIDDEN.items():
        for path in sorted((root / layer).rglob("*.py")):
            for line, name in imported_names(path, root):
                for ban in banned:
                    where = f"{path.relative_to(root)}:{line}"
                    if _matches(name, ban) and not any(f.startswith(where + " ") for f in found):
                        found.append(f"{where} imports {name} ({layer} ↛ {ban})")
    return found


def test_no_layer_imports_upwards():
    assert layer_violations() == []


def test_the_layers_exist():
    for layer in ("data", "optimizer", "ui", "benchmarks"):
        assert (ROOT / layer).is_dir(), layer


@pytest.mark.parametrize(
    ("layer", "source", "banned"),
    [
        ("data", "import streamlit as st\n", "streamlit"),
        ("optimizer", "def f():\n    from ui.i18n import t\n", "ui"),
        ("reports", "import streamlit\n", "streamlit"),
        ("ui", "import importlib\nm = importlib.import_module('pages.studio')\n", "pages"),
        ("benchmarks", "from tests import conftest\n", "tests"),
        ("data", "from optimizer import solve\n", "optimizer"),
    ],
)
def test_the_guard_sees_every_kind_of_import(tmp_path, layer, source, banned):
    """The checker itself: a planted upward import of each kind is found (else the test above proves nothing)."""
    pkg = tmp_path / layer / "sub"
    pkg.mkdir(parents=True)
    (tmp_path / layer / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "planted.py").write_text(source)
    found = layer_violations(tmp_path)
    assert any(f.endswith(f"↛ {banned})") and "planted.py" in f for f in found), found


def test_a_clean_import_passes(tmp_path):
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "x.py").write_text("from data.schema import Workbook\nimport optimizer\n")
    assert layer_violations(tmp_path) == []
