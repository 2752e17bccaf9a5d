"""The remaining finish of issue 15 in a real browser: no Streamlit English in the Chinese UI, a row
click opens its detail, six cockpit cards above the fold on an office screen, and every page in
Chinese saved at 1366×768 and 1440×1000 for people to look at. Run with ``pytest -m browser``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devtools.browser import (
    CHROMIUM,
    PAGES,
    SCREENSHOTS,
    full_page_screenshot,
    launch_chromium,
    wait_for_app,
)
from ui.style import ENGLISH_WORDS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]
expect = pytest.importorskip("playwright.sync_api").expect
LOAD_TIMEOUT = 90_000  # ms; the first page solves the demo city on a busy machine
OFFICE_SIZES = [(1366, 768), (1440, 1000)]
ROW_PX, HEADER_PX = 35, 35  # st.dataframe's row and header heights
# The English words a person would see on the page: text on screen (not hidden, not shrunk to
# nothing by ui/style.py) and placeholders still drawn in a visible colour.
VISIBLE_ENGLISH_JS = """(words) => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const word = words.find((w) => node.textContent.includes(w));
    const el = node.parentElement;
    if (!word || !el || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || parseFloat(style.fontSize) === 0) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // screen-reader only
    found.push(word + ': ' + node.textContent.slice(0, 80));
  }
  for (const input of document.querySelectorAll('input[placeholder]')) {
    const text = input.getAttribute('placeholder');
    const word = words.find((w) => text.includes(w));
    if (!word || !input.getClientRects().length || input.value) continue;
    const colour = getComputedStyle(input, '::placeholder').color;
    if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') found.push('placeholder: ' + text);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def _open(browser, url: str, name: str, size=(1366, 768), lang: str = "zh"):  # noqa: ANN001, ANN202
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(LOAD_TIMEOUT)
    page.goto(f"{url}/{PAGES[name]}?lang={lang}")
    expect(page.locator("h1").first).to_be_visible(timeout=LOAD_TIMEOUT)
    wait_for_app(page, timeout=LOAD_TIMEOUT)
    return context, page


def _visible_english(page) -> list[str]:  # noqa: ANN001
    return page.evaluate(VISIBLE_ENGLISH_JS, list(ENGLISH_WORDS))


def test_no_streamlit_english_on_the_data_page_and_the_studio_in_chinese(app_url, browser) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _open(browser, app_url, "data")
    uploader = page.locator("[data-testid='stFileUploaderDropzone']").first
    expect(uploader).to_be_visible()
    assert _visible_english(page) == []
    uploader.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "data_uploader_zh.png"))

    page.goto(f"{app_url}/{PAGES['studio']}?lang=zh")
    expect(page.locator("h1").first).to_have_text("资源配置", timeout=LOAD_TIMEOUT)
    wait_for_app(page, timeout=LOAD_TIMEOUT)
    assert _visible_english(page) == []
    # the locks tab: its drop-downs' placeholders
    page.get_by_role("tab", name="锁定").click()
    page.wait_for_timeout(500)
    assert _visible_english(page) == []
    # a drop-down searched for nothing says so in Chinese
    combo = page.locator("[data-testid='stSelectbox'] input:visible").first
    combo.click()
    combo.fill("zzzz-无此项")
    page.wait_for_timeout(600)
    assert _visible_english(page) == []
    page.keyboard.press("Escape")
    context.close()


def _row_name(grid, row: int, column: int) -> str:  # noqa: ANN001
    """A cell's text from the grid's accessible table (column 0 is the row's tick box)."""
    return grid.locator(f"[data-testid='glide-cell-{column}-{row}']").inner_text()


def _click_row(page, grid, row: int) -> None:  # noqa: ANN001
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2)


def test_clicking_a_row_opens_its_detail(app_url, browser) -> None:
    context, page = _open(browser, app_url, "pipeline", (1366, 768))
    grid = page.locator(".st-key-pipeline-stalled_table")
    expect(grid).to_be_visible()
    name = _row_name(grid, 2, 1)
    assert page.locator(".st-key-pipeline-pick input").input_value().split(" · ")[-1] != name
    _click_row(page, grid, 2)
    picker = page.locator(".st-key-pipeline-pick input")
    expect(picker).to_have_value(re.compile(rf"^\S+ · {re.escape(name)}$"))
    expect(page.locator("h4", has_text=name).first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "pipeline_row_click_zh.png"))

    page.goto(f"{app_url}/{PAGES['ladder']}?lang=zh")
    expect(page.locator("h1").first).to_have_text("企业梯度培育", timeout=LOAD_TIMEOUT)
    wait_for_app(page, timeout=LOAD_TIMEOUT)
    grid = page.locator(".st-key-ladder-near_table")
    expect(grid).to_be_visible()
    firm_name = _row_name(grid, 1, 1)  # no codes in the list: the name comes first
    _click_row(page, grid, 1)
    expect(page.locator(".st-key-ladder-pick input")).to_have_value(
        re.compile(rf"^\S+ · {re.escape(firm_name)}$")
    )
    # the firm's rung, its criteria and the plan's support
    expect(page.locator("h4", has_text=firm_name).first).to_be_visible()
    expect(page.locator("[data-testid='stMain']")).to_contain_text("支持方式")
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_six_cockpit_cards_fit_above_the_fold_at_1366x768(app_url, browser, lang) -> None:
    context, page = _open(browser, app_url, "cockpit", (1366, 768), lang)
    cards = page.locator(".st-key-cockpit-cards [data-testid='stColumn']")
    expect(cards.nth(5)).to_be_visible()
    page.wait_for_timeout(500)
    bottoms = [cards.nth(i).bounding_box() for i in range(6)]
    assert all(b is not None and b["y"] + b["height"] <= 768 for b in bottoms), bottoms
    page.screenshot(path=str(SCREENSHOTS / f"cockpit_fold_{lang}_1366x768.png"))
    context.close()


@pytest.mark.parametrize("size", OFFICE_SIZES)
def test_every_page_in_chinese_at_office_sizes(app_url, browser, size) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _open(browser, app_url, "cockpit", size)
    for name, path in PAGES.items():
        page.goto(f"{app_url}/{path}?lang=zh")
        expect(page.locator("h1").first).to_be_visible(timeout=LOAD_TIMEOUT)
        wait_for_app(page, timeout=LOAD_TIMEOUT)
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        page.wait_for_timeout(800)  # charts finish drawing before the picture
        full_page_screenshot(page, SCREENSHOTS / f"{name}_zh_{size[0]}x{size[1]}_page.png")
    context.close()


# The Chinese that ui/style.py shows in place of the English (read from the ::after boxes).
AFTER_TEXTS_JS = """(selector) => [...document.querySelectorAll(selector)]
  .map((e) => getComputedStyle(e, '::after').content)
  .filter((c) => c && c !== 'none' && c !== 'normal')
  .map((c) => c.replace(/^"|"$/g, ''))"""
CURSOR_JS = "([x, y]) => getComputedStyle(document.elementFromPoint(x, y)).cursor"


def _column_edges(page, grid) -> list[float]:  # noqa: ANN001
    """Each column's right edge in the header. The grid is drawn on a canvas, so the edges are found
    where the pointer turns into the resize cursor."""
    box = grid.bounding_box()
    y = box["y"] + HEADER_PX / 2
    edges: list[float] = []
    inside = False
    for x in range(int(box["x"]) + 2, int(box["x"] + box["width"]) - 2, 3):
        page.mouse.move(x, y)
        resize = page.evaluate(CURSOR_JS, [x, y]) == "col-resize"
        if resize and not inside:
            edges.append(x)
        inside = resize
    return edges


def _open_column_menu(page, grid, column: int) -> None:  # noqa: ANN001
    """Open the menu of the ``column``-th column (0: the first after the tick boxes): its button is
    drawn at the right end of the header while the pointer is over it."""
    edges = _column_edges(page, grid)
    y = grid.bounding_box()["y"] + HEADER_PX / 2
    page.mouse.move(edges[column] - 40, y)
    page.wait_for_timeout(300)
    page.mouse.click(edges[column] - 11, y)
    expect(page.locator("[data-testid='stDataFrameColumnMenu']")).to_be_visible()


def _after_texts(page, selector: str) -> list[str]:  # noqa: ANN001
    return page.evaluate(AFTER_TEXTS_JS, selector)


def _check_toolbar_tooltips(page, holder) -> list[str]:  # noqa: ANN001
    """Hover each toolbar button of the table in ``holder``; every tooltip must read in Chinese."""
    grid = holder.locator("[data-testid='stDataFrame']")
    box = grid.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    buttons = holder.locator("[data-testid='stElementToolbarButton'] button")
    expect(buttons.first).to_be_visible()
    page.wait_for_timeout(500)  # the toolbar fades in
    shown: list[str] = []
    for i in range(buttons.count()):
        label = buttons.nth(i).get_attribute("aria-label")
        button = buttons.nth(i).bounding_box()
        x, y = button["x"] + button["width"] / 2, button["y"] + button["height"] / 2
        page.mouse.move(x, y, steps=5)
        page.mouse.move(x + 1, y + 1)
        tooltip = page.locator("[role='tooltip'] [data-testid='stTooltipContent'] p")
        # Streamlit waits 1 s before it shows a tooltip
        expect(tooltip, f"no tooltip for {label}").to_have_count(1, timeout=5_000)
        assert _visible_english(page) == [], label
        shown += _after_texts(page, "[role='tooltip'] [data-testid='stTooltipContent'] p")
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(tooltip).to_have_count(0, timeout=5_000)
        page.wait_for_timeout(300)
    return shown


def test_table_menus_and_toolbars_in_chinese(app_url, browser) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _open(browser, app_url, "pipeline", (1366, 768))
    holder = page.locator(".st-key-pipeline-stalled_table")
    grid = holder.locator("[data-testid='stDataFrame']")
    grid.evaluate("e => e.scrollIntoView({block: 'center'})")
    # the column menu of a number column (超期天数): sort, statistics, format, width, pin, hide
    _open_column_menu(page, grid, 2)
    assert _visible_english(page) == []
    menu = "[data-testid='stDataFrameColumnMenu'] *"
    assert {"升序排列", "降序排列", "数字格式", "自动列宽", "隐藏此列"} <= set(
        _after_texts(page, menu)
    )
    page.locator("[role='menuitem'][aria-haspopup='menu']").hover()
    expect(page.locator("[data-testid='stDataFrameColumnFormattingMenu']")).to_be_visible()
    assert _visible_english(page) == []
    assert "百分比" in _after_texts(page, "[data-testid='stDataFrameColumnFormattingMenu'] *")
    page.screenshot(path=str(SCREENSHOTS / "table_column_menu_zh.png"))
    page.locator("[role='menuitem'][aria-haspopup='true']").hover()  # Statistics
    expect(page.locator("[data-testid='stDataFrameStatisticsMetrics']")).to_be_visible()
    assert _visible_english(page) == []
    assert {"不同值", "标准差", "中位数"} <= set(
        _after_texts(page, "[data-testid='stDataFrameStatisticsMetrics'] dt")
    )
    page.keyboard.press("Escape")
    expect(page.locator("[data-testid='stDataFrameColumnMenu']")).to_have_count(0)
    # the toolbar: show/hide columns, download, search, full screen
    shown = _check_toolbar_tooltips(page, holder)
    assert {"下载为 CSV", "搜索", "全屏"} <= set(shown), shown
    # the search bar: its prompt in Chinese, no "N results" count in English
    holder.locator("button[aria-label='Search']").click()
    expect(holder.locator(".gdg-search-status")).to_be_visible()
    assert _visible_english(page) == []
    assert "输入关键词搜索" in _after_texts(page, ".gdg-search-status label")
    page.keyboard.type("1")
    expect(holder.locator("[data-testid='search-result-area']")).to_have_count(1)
    assert _visible_english(page) == []
    page.keyboard.press("Escape")
    # the show/hide columns list
    holder.locator("button[aria-label='Show/hide columns']").click()
    columns = page.locator("[data-testid='stDataFrameColumnVisibilityMenu']")
    expect(columns).to_be_visible()
    assert _visible_english(page) == []
    assert "全选" in _after_texts(page, "[data-testid='stDataFrameColumnVisibilityMenu'] span")
    page.keyboard.press("Escape")
    expect(columns).to_have_count(0)

    # the data editor on 调度: add a row, and with a row ticked, delete it
    page.goto(f"{app_url}/{PAGES['dispatch']}?lang=zh")
    expect(page.locator("h1").first).to_be_visible(timeout=LOAD_TIMEOUT)
    wait_for_app(page, timeout=LOAD_TIMEOUT)
    holder = page.locator(".st-key-dispatch-editor")
    grid = holder.locator("[data-testid='stDataFrame']")
    grid.evaluate("e => e.scrollIntoView({block: 'center'})")
    assert "添加行" in _check_toolbar_tooltips(page, holder)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + HEADER_PX + ROW_PX / 2)  # the first row's tick box
    expect(holder.locator("button[aria-label^='Delete row']")).to_have_count(1)
    assert "删除所选行" in _check_toolbar_tooltips(page, holder)
    page.screenshot(path=str(SCREENSHOTS / "dispatch_editor_toolbar_zh.png"))
    context.close()


def test_uploader_drag_over_in_chinese(app_url, browser) -> None:
    context, page = _open(browser, app_url, "data")
    dropzone = page.locator("[data-testid='stFileUploaderDropzone']").first
    dropzone.scroll_into_view_if_needed()
    # a file dragged over the uploader (react-dropzone reacts to the "Files" drag type)
    files = page.evaluate_handle(
        "() => { const d = new DataTransfer(); d.items.add(new File(['x'], 'a.xlsx')); return d; }"
    )
    dropzone.dispatch_event("dragenter", {"dataTransfer": files})
    overlay = dropzone.locator(":scope > div:not([data-testid]) > span")
    expect(overlay).to_have_count(1)
    assert _visible_english(page) == []
    assert _after_texts(page, "[data-testid='stFileUploaderDropzone'] > div > span") == [
        "将文件拖放到此处"
    ]
    dropzone.dispatch_event("dragleave", {"dataTransfer": files})
    context.close()
