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
