"""User-supplied text shown as text: names, link parameters and imported cells never render as Markdown.

Streamlit renders the text of ``st.markdown``, ``st.caption``, ``st.warning``/``error``/``info``/
``success``, ``st.toast`` and ``help`` tooltips as Markdown: a scenario name or a query-parameter name
holding ``[sign in again](http://…)`` would become a live link, and ``![](http://…/pixel.png)`` would
make every viewer's browser fetch a remote image. :func:`plain` escapes a value so it shows exactly as
typed; interpolate only ``plain(value)`` into such text (see ``docs/security.md``).
"""

from __future__ import annotations

import string
from collections.abc import Iterable

# Every ASCII punctuation character may be backslash-escaped in CommonMark, and an escaped one is
# always literal; escaping all of them (not a hand-picked list) also covers GitHub-flavoured extras
# (tables, strikethrough, autolinks), Streamlit's `:color[...]` directives, `$` maths and raw HTML.
_PUNCTUATION = frozenset(string.punctuation)
# GitHub-flavoured autolinks ("http://…", "www.…", "a@b.cn") are found in the text after escapes are
# undone, so an invisible word joiner after ":" and "@" and before "." breaks them (checked in Chromium by
# tests/test_security_browser.py).
_WORD_JOINER = "\u2060"
_JOIN_AFTER = frozenset(":@")


def plain(text: object) -> str:
    """``text`` escaped so that Streamlit's Markdown shows it literally, on one line.

    Parameters
    ----------
    text : object
        A user-supplied value (name, parameter, imported cell); ``None`` gives ``""``.

    Returns
    -------
    str
        The text with every ASCII punctuation character backslash-escaped, an invisible word joiner
        (U+2060) after ``:`` and ``@`` and before ``.``, and line breaks (which could start a heading, list or
        code block) replaced by spaces.
    """
    if text is None:
        return ""
    flat = " ".join(str(text).splitlines())
    out: list[str] = []
    for char in flat:
        if char in _PUNCTUATION:
            if char == ".":
                out.append(_WORD_JOINER)
            out.append("\\" + char)
            if char in _JOIN_AFTER:
                out.append(_WORD_JOINER)
        elif char.isprintable() or char == " ":
            out.append(char)
        else:
            out.append(" ")  # control characters (tabs, escapes) show as a space
    return "".join(out)


def plain_lines(items: Iterable[object]) -> str:
    """A Markdown bullet list of user-supplied items, each shown literally (see :func:`plain`)."""
    return "\n".join(f"- {plain(item)}" for item in items)
