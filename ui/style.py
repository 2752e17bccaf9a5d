"""The page's own style sheet: Streamlit's built-in English words replaced by Chinese in the Chinese UI.

Streamlit 1.67 has no locale switch: the file uploader's button ("Upload") and size note ("20MB per
file • XLSX, ZIP"), the drop-downs' "Choose an option" / "Choose options" / "No options to select"
placeholders, "Select all" and "No results" are written by its front end in English. Where a widget
offers a parameter (``placeholder=``, a label, ``help=``) the pages use it; what is left is replaced
here, in one place, by CSS that hides the English text and shows the Chinese in its stead. Each rule
matches the English text's own element (an attribute value or a test id), so nothing else moves, and
these rules are sent only for the Chinese UI: the English UI keeps Streamlit's own words.

The same sheet carries the few layout rules for office screens (``LAYOUT_CSS``), in both languages.
"""

from __future__ import annotations

import streamlit as st

# Streamlit's placeholders (the `placeholder` attribute of the drop-downs' text input) → Chinese.
PLACEHOLDERS: dict[str, str] = {
    "Choose an option": "请选择",
    "Choose options": "请选择（可多选）",
    "No options to select": "无可选项",
    "Choose or add an option": "请选择或输入",
    "Choose or add options": "请选择或输入（可多选）",
    "Add an option": "请输入",
    "Add options": "请输入（可多选）",
}
# The uploader's accepted types as its input states them (``accept`` ends with them) → Chinese note.
UPLOAD_TYPES: dict[str, str] = {
    ".xlsx,.zip": "XLSX、ZIP",
    ".csv,.xlsx": "CSV、XLSX",
    ".xlsx": "XLSX",
    ".csv": "CSV",
}
# The English words the Chinese UI must not show (the browser test looks for each).
ENGLISH_WORDS = (
    "Drag and drop",
    "Browse files",
    "per file",
    "Upload",
    "Choose an option",
    "Choose options",
    "No results",
    "Select all",
    # st.dataframe / st.data_editor: the column menu and the toolbar's tooltips
    "Sort ascending",
    "Sort descending",
    "Statistics",
    "Standard deviation",
    "Distinct",
    "Format",
    "Autosize",
    "Pin column",
    "Unpin column",
    "Hide column",
    "Download as CSV",
    "Show/hide columns",
    "Fullscreen",
    "Add row",
    "Delete row",
    "Clear selection",
    # the table search (glide-data-grid's search bar)
    "Type to search",
    " results",
    " result",
)
# The element toolbars' buttons (data frames, data editors, charts): the button's ``aria-label`` is
# its English tooltip (or "tooltip: context"); the tooltip itself is a portal with no link back but
# the hover target's ``aria-describedby``, so the Chinese is chosen by the button being described.
TOOLBAR_TOOLTIPS: dict[str, str] = {
    "Show/hide columns": "显示/隐藏列",
    "Download as CSV": "下载为 CSV",
    "Search": "搜索",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Add row": "添加行",
    "Delete row(s)": "删除所选行",
    "Clear selection": "取消选择",
    "Show data": "查看数据",
    "Show chart": "查看图表",
    "Download as PNG": "下载为 PNG",
    "Copy Vega-Lite spec": "复制图表定义",
}
# A table's column menu. Its items carry no attribute naming them (an icon and a text node), so each
# is found by its fixed place in Streamlit 1.67's menu: the two sort items stand before the (empty)
# separator, Statistics and Format are the only items with a sub-menu (``aria-haspopup`` "true" and
# "menu"), and Autosize, Pin/Unpin and Hide column are always the last three.
_COLUMN_MENU = "[data-testid='stDataFrameColumnMenu'] [role='menu']"
COLUMN_MENU_ITEMS: dict[str, str] = {
    f"{_COLUMN_MENU} > [role='menuitem']:has(+ [role='menuitem'] + :empty)": "升序排列",
    f"{_COLUMN_MENU} > [role='menuitem']:has(+ :empty)": "降序排列",
    f"{_COLUMN_MENU} [role='menuitem'][aria-haspopup='true'] > div": "统计",
    f"{_COLUMN_MENU} [role='menuitem'][aria-haspopup='menu'] > div": "数字格式",
    f"{_COLUMN_MENU} > [role='menuitem']:nth-last-child(3)": "自动列宽",
    # Pin and Unpin share the place and nothing in the page says which one is shown
    f"{_COLUMN_MENU} > [role='menuitem']:nth-last-child(2)": "固定/取消固定此列",
    f"{_COLUMN_MENU} > [role='menuitem']:last-child": "隐藏此列",
}
# The Format sub-menu's choices, in Streamlit's order: numbers (10 or 11 items) and dates and times.
_FORMAT_MENU = "[data-testid='stDataFrameColumnFormattingMenu'] [role='menu']"
NUMBER_FORMATS = (
    "自动",
    "本地格式",
    "原始数字",
    "紧凑（千/百万）",
    "美元",
    "欧元",
    "日元",
    "百分比",
    "科学计数",
    "会计格式",
    "时长",
)
TIME_FORMATS = ("自动", "本地格式", "相对时间", "日历")
# The Statistics sub-menu: a list of label (``dt``) and value rows whose labels depend on the column's
# kind, which only the number of rows tells apart (numbers 11, dates 9, text 6, yes/no 2).
_STATISTICS = "[data-testid='stDataFrameStatisticsMetrics']"
STATISTICS_LABELS: dict[str, tuple[str, ...]] = {
    ":has(> :nth-child(11))": (
        "值个数",
        "空值",
        "不同值",
        "平均值",
        "标准差",
        "最小值",
        "25% 分位数",
        "中位数",
        "75% 分位数",
        "最大值",
        "合计",
    ),
    ":has(> :nth-child(9)):not(:has(> :nth-child(10)))": (
        "值个数",
        "空值",
        "最早",
        "25% 分位",
        "中位",
        "75% 分位",
        "最晚",
        "平均",
        "跨度",
    ),
    ":has(> :nth-child(6)):not(:has(> :nth-child(7)))": (
        "值个数",
        "空值",
        "不同值",
        "最短长度",
        "最长长度",
        "平均长度",
    ),
    ":not(:has(> :nth-child(3)))": ("值个数", "空值"),
}


def _quoted(text: str) -> str:
    """A CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _replaced(selector: str, chinese: str) -> str:
    """Hide the element's own text and show ``chinese`` instead, at the same size and colour."""
    return (
        f"{selector}{{font-size:0 !important;line-height:0 !important}}"
        f"{selector}::after{{content:{_quoted(chinese)};font-size:var(--ux2-size,0.875rem);"
        "line-height:1.6;white-space:nowrap}"
    )


def chinese_css(max_upload_mb: int) -> str:
    """The style sheet for the Chinese UI (``max_upload_mb``: the server's upload limit in MB)."""
    rules: list[str] = []
    # Drop-down placeholders: the input's own placeholder made invisible, the Chinese shown over it
    # (CSS cannot rewrite an attribute; the group around the input holds the overlay).
    for english, chinese in PLACEHOLDERS.items():
        shown = f"input[placeholder={_quoted(english)}]:placeholder-shown"
        rules.append(f"input[placeholder={_quoted(english)}]::placeholder{{color:transparent}}")
        for holder in (
            "[data-testid='stMultiSelectTagsContainer']",
            "[data-testid='stSelectbox'] [role='group']",
        ):
            rules.append(f"{holder}:has({shown}){{position:relative}}")
            rules.append(
                f"{holder}:has(> {shown})::before{{content:{_quoted(chinese)};position:absolute;"
                "left:0.75rem;top:50%;transform:translateY(-50%);pointer-events:none;"
                "opacity:0.6;font-size:0.875rem;white-space:nowrap}"
            )
    # The drop-down lists: "Select all" and "No results".
    rules.append(_replaced("[data-key='__select_all__'] [data-item-hl]", "全选"))
    # A table's search bar: its prompt in Chinese; its running count ("6 results", "2 of 6 results")
    # is a number CSS cannot carry over, so it is not shown (the matches stay highlighted).
    rules.append(_replaced(".gdg-search-status label", "输入关键词搜索"))
    rules.append("[data-testid='search-result-area']{visibility:hidden}")
    rules.append(
        _replaced("[role='listbox'][data-empty='true'] [role='option'] > span", "无匹配项")
    )
    # The file uploader: its button and its size and type note.
    button = "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p"
    rules.append(_replaced(button, "上传文件"))
    note = "[data-testid='stFileUploaderDropzoneInstructions'] span"
    limit = f"单个文件不超过 {max_upload_mb}MB"
    rules.append(_replaced(f"[data-testid='stFileUploaderDropzone'] {note}", limit))
    for ending, types in UPLOAD_TYPES.items():
        rules.append(
            f"[data-testid='stFileUploaderDropzone']:has(input[accept$={_quoted(ending)}]) "
            f"{note}::after{{content:{_quoted(f'{limit} · {types}')}}}"
        )
    # The file uploader while a file is dragged over it: the overlay's text.
    rules.append(
        _replaced(
            "[data-testid='stFileUploaderDropzone'] > div:not([data-testid]) > span",
            "将文件拖放到此处",
        )
    )
    # Tables' and charts' toolbars: the tooltip of the button being hovered or focused.
    for english, chinese in TOOLBAR_TOOLTIPS.items():
        described = ",".join(
            f"body:has([data-testid='stTooltipHoverTarget'][aria-describedby] > "
            f"button[aria-label{match}{_quoted(label)}]) [role='tooltip'] "
            "[data-testid='stTooltipContent'] p"
            for match, label in (("=", english), ("^=", f"{english}: "))
        )
        rules.append(_replaced(f":is({described})", chinese))
    # Tables' column menu and its Format sub-menu.
    for selector, chinese in COLUMN_MENU_ITEMS.items():
        rules.append(_replaced(selector, chinese))
    for place, chinese in enumerate(NUMBER_FORMATS, start=1):
        number = f"{_FORMAT_MENU}:has(> :nth-child(10)) > [role='menuitem']:nth-child({place})"
        rules.append(_replaced(number, chinese))
    for place, chinese in enumerate(TIME_FORMATS, start=1):
        time = f"{_FORMAT_MENU}:not(:has(> :nth-child(10))) > [role='menuitem']:nth-child({place})"
        rules.append(_replaced(time, chinese))
    # The toolbar's show/hide columns list: its "Select all" box and the index column's "(index)".
    for english, chinese in (("Select all", "全选"), ("(index)", "（行索引）")):
        rules.append(
            _replaced(
                "[data-testid='stDataFrameColumnVisibilityMenu'] "
                f"label:has(> input[aria-label={_quoted(english)}]) > span:last-child",
                chinese,
            )
        )
    for count, labels in STATISTICS_LABELS.items():
        for place, chinese in enumerate(labels, start=1):
            rules.append(_replaced(f"{_STATISTICS}{count} > :nth-child({place}) > dt", chinese))
    rules.append(_replaced(f"{_STATISTICS} + *", "基于抽样数据"))
    rules.append(
        _replaced(
            "[data-testid='stDataFrameStatisticsMenu'] > :only-child:not([data-testid])", "无数据"
        )
    )
    return "".join(rules)


# Layout for office screens (1366×768), in both languages: less empty space above the page, and the
# cockpit's head and target cards compact enough that six cards show without scrolling.
LAYOUT_CSS = (
    "[data-testid='stMainBlockContainer']{padding-top:3.5rem}"
    ".st-key-cockpit-head{gap:0.25rem}"
    ".st-key-cockpit-head h1{font-size:2rem;padding:0 0 0.5rem 0}"
    ".st-key-cockpit-cards{gap:0.5rem}"
    ".st-key-cockpit-cards h3{font-size:1.25rem;padding:0.25rem 0}"
    ".st-key-cockpit-cards [data-testid='stColumn'] > div > [data-testid='stVerticalBlock']"
    "{padding:0.6rem 0.8rem;gap:0.3rem}"
    ".st-key-cockpit-cards [data-testid='stMarkdownContainer'] p{font-size:0.85rem;line-height:1.45}"
    ".st-key-cockpit-cards [data-testid='stMetricLabel']{min-height:0;height:auto}"
    ".st-key-cockpit-cards [data-testid='stMetricValue'],"
    ".st-key-cockpit-cards [data-testid='stMetricValue'] p{font-size:1.6rem;line-height:1.2}"
    ".st-key-cockpit-cards [data-testid='stHorizontalBlock']{gap:0.6rem}"
)


def apply(lang: str) -> None:
    """Send the page's style sheet: the layout always, the Chinese words for the Chinese UI only."""
    css = LAYOUT_CSS
    if lang == "zh":
        limit = int(st.get_option("server.maxUploadSize") or 200)
        css += chinese_css(limit)
    # st.html with only a <style> element adds no block to the page.
    st.html(f"<style>{css}</style>")
