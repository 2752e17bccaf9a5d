"""User-supplied text is shown as text (ui/safe_text.py): no live link, image or formatting from a name."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ui.safe_text import plain, plain_lines

REPO = Path(__file__).resolve().parents[1]
PHISHING = "[请点此重新登录](http://evil.example/login)"
PIXEL = "![](http://evil.example/pixel.png)"
# Markdown syntax that must never be live: an unescaped bracket, parenthesis, image mark, backtick,
# emphasis, heading, HTML tag, maths or directive.
LIVE = re.compile(r"(?<!\\)[\[\]()!`*_#<>$:~|]")


def unescape(text: str) -> str:
    """What a Markdown renderer shows for ``plain`` output: escapes and word joiners removed."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


@pytest.mark.parametrize(
    "text",
    [
        PHISHING,
        PIXEL,
        "<img src=x onerror=alert(1)> <b>bold</b> &lt;",
        ":red[红色] :material/home: :smile: $x^2$",
        "`code` **bold** _it_ ~~gone~~ | a | b |",
        "http://evil.example www.evil.example a@evil.example",
        "情景 A (v1.2) — 100% + 5",
        "back\\slash",
    ],
)
def test_plain_leaves_no_markdown_syntax_and_shows_the_text(text):
    shown = plain(text)
    assert not LIVE.search(shown), shown
    assert unescape(shown) == text


def test_plain_flattens_lines_and_control_characters():
    shown = plain("名称\n# 标题\r\n- 列表\t1. x\x1b[31m")
    assert "\n" not in shown and "\r" not in shown and "\x1b" not in shown
    assert unescape(shown) == "名称 # 标题 - 列表 1. x [31m"


def test_plain_of_nothing_and_of_numbers():
    assert plain(None) == ""
    assert unescape(plain(12.5)) == "12.5"


def test_autolinks_are_broken():
    # GitHub-flavoured Markdown links "http://…", "www.…" and addresses even in escaped text.
    assert "http:" + "\u2060" in plain("http://x.cn").replace("\\", "")
    assert "www\u2060" in plain("www.x.cn").replace("\\", "")


def test_plain_lines_is_one_bullet_per_item():
    lines = plain_lines([PHISHING, PIXEL]).split("\n")
    assert len(lines) == 2 and all(line.startswith("- ") for line in lines)
    assert not any(LIVE.search(line[2:]) for line in lines)


# --- the app's own surfaces (AppTest) ---------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from data.store import open_store

    path = tmp_path_factory.mktemp("safe_text") / "demo.db"
    open_store(path, create_demo=True).close()
    return path


def open_app(db, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    copy = tmp_path / "app.db"
    shutil.copy(db, copy)
    monkeypatch.setenv("WEIHAI_DB", str(copy))
    monkeypatch.delenv("WEIHAI_ROLES_FILE", raising=False)
    return AppTest.from_file(str(REPO / "app.py"), default_timeout=180)


@pytest.mark.slow
def test_link_parameter_names_are_not_markdown_in_the_warning(demo_db, tmp_path, monkeypatch):
    at = open_app(demo_db, tmp_path, monkeypatch)
    at.query_params[PHISHING] = "1"
    at.query_params[PIXEL] = "1"
    at.query_params["x`<b>`"] = "1"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    bodies = [w.value for w in at.warning]
    body = next(b for b in bodies if "evil.example" in unescape(b))
    user_part = body.split("\n\n", 1)[1]
    assert not LIVE.search(user_part.replace("- ", "", 1)), user_part
    for line in user_part.split("\n"):
        assert not LIVE.search(line[2:]), line
    assert PHISHING in unescape(user_part) and PIXEL in unescape(user_part)


@pytest.mark.slow
def test_scenario_name_is_not_markdown_in_the_sidebar(demo_db, tmp_path, monkeypatch):
    at = open_app(demo_db, tmp_path, monkeypatch).run()
    assert not at.exception, [e.value for e in at.exception]
    at.session_state["scenario_name"] = PHISHING + PIXEL
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value for c in at.sidebar.caption if "evil.example" in unescape(str(c.value))]
    assert captions, [c.value for c in at.sidebar.caption]
    name = captions[0].split("：", 1)[-1]
    assert not LIVE.search(name), name
    assert unescape(name) == PHISHING + PIXEL
