"""The documentation runs: docs/optimizer.md's Python examples execute against the demo city, and every
command the README and docs/ name exists (and every command that exists is documented)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
COMMAND = re.compile(r"python -m (data|optimizer|reports) ([a-z][a-z_|-]*)")


def python_blocks(doc: Path) -> list[str]:
    return PYTHON_BLOCK.findall(doc.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_xlsx(tmp_path_factory) -> Path:
    from data.demo import generate_demo
    from data.workbook import write_workbook

    folder = tmp_path_factory.mktemp("docs")
    write_workbook(generate_demo(seed=2026), folder / "weihai.xlsx")
    return folder


def test_the_optimizer_guide_examples_run(demo_xlsx, monkeypatch):
    """Every ```python block of docs/optimizer.md, in order and sharing names, as a reader would paste them."""
    blocks = python_blocks(ROOT / "docs" / "optimizer.md")
    assert blocks, "docs/optimizer.md has no Python example"
    monkeypatch.chdir(demo_xlsx)
    namespace: dict[str, object] = {"__name__": "docs_example"}
    for number, block in enumerate(blocks, 1):
        code = compile(block, f"docs/optimizer.md block {number}", "exec")
        exec(code, namespace)  # noqa: S102 - the documentation's own code
    result = namespace["result"]
    assert getattr(result, "status", None) in ("optimal", "feasible")


def _subcommands(package: str) -> set[str]:
    """The subcommands a CLI's --help lists (argparse puts each at four spaces under its arguments)."""
    done = subprocess.run(
        [sys.executable, "-m", package, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = set(re.findall(r"^    ([a-z][a-z_-]*)(?:\s|$)", done.stdout, re.MULTILINE))
    assert found, done.stdout
    return found


def _documented() -> dict[str, set[str]]:
    named: dict[str, set[str]] = {}
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for package, words in COMMAND.findall(doc.read_text(encoding="utf-8")):
            named.setdefault(package, set()).update(w for w in words.split("|") if w)
    return named


@pytest.mark.parametrize("package", ["data", "optimizer", "reports"])
def test_every_command_is_documented_and_every_documented_command_exists(package):
    documented = _documented().get(package, set())
    existing = _subcommands(package)
    assert documented - existing == set(), "documented but missing"
    assert existing - documented == set(), "exists but not documented"
