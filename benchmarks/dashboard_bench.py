"""Dashboard benchmark in a real browser on the demo city: page loads and slider release → new figures.

Starts ``streamlit run app.py`` with a fresh demo database, drives Debian's Chromium through
Playwright, and prints (it is a measurement, not a test):

- first load of the cockpit (the workbook is read and the plan solved for the first time),
- load of every page afterwards (cached data and plan),
- slider release on the allocation studio → the cockpit figures show the new plan (a new solve),
  and the same with a setting solved before (a cache hit),
- the same for the hardest single-slider moves found by sweeping every fund line and resource over its
  range on the demo city (each from the stored data), with the time until the background solve's
  finished plan replaced the live one where the live solve could not prove its plan in time.

Run from the repository root: ``python benchmarks/dashboard_bench.py [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from devtools.browser import (  # noqa: E402
    PAGES,
    launch_chromium,
    prepare_db,
    running_app,
    wait_for_app,
)

FIGURES = ".st-key-cockpit-figures"
# Where to click on the slider's track (share of its width); today's amount sits at about half.
FRESH_POINTS = (0.30, 0.42, 0.24, 0.36, 0.45, 0.33, 0.27, 0.39)
# (tab, slider label, share of the track): the slowest solves of a sweep over every slider in 5%
# steps on the demo city (1.5–3.7 s with the full time limit before live solving).
HARD_MOVES = (
    ("Funds", "Technical renovation fund", 0.10),
    ("Resources", "Development & Reform Commission staff days", 0.10),
    ("Resources", "Industry & IT Bureau staff days", 0.45),
    ("Funds", "SRDI cultivation fund", 0.05),
    ("Funds", "Key-project factor support fund", 0.05),
)
REFINING = "keeps improving it in the background"


def _figures(page) -> str:  # noqa: ANN001
    """The text of the cockpit figures above the plan (every target's chance and expectation)."""
    return page.locator(FIGURES).inner_text()


def _load(page, url: str) -> float:  # noqa: ANN001
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("h1", timeout=120_000)
    wait_for_app(page, timeout=120_000)
    return time.perf_counter() - start


def _release_slider(page, label: str, fraction: float) -> float:  # noqa: ANN001
    """Click the slider's track at ``fraction`` of its width (press and release, as a planner does)
    and time until the cockpit figures show a different plan."""
    before = _figures(page)
    track = (
        page.locator("[data-testid='stSlider']", has_text=label)
        .locator("div[style*='touch-action: none']")
        .first
    )
    box = track.bounding_box()
    start = time.perf_counter()
    page.mouse.click(box["x"] + fraction * box["width"], box["y"] + box["height"] / 2)
    page.wait_for_function(
        """([sel, before]) => {
            const box = document.querySelector(sel);
            return box && box.innerText !== before;
        }""",
        arg=[FIGURES, before],
        timeout=120_000,
    )
    elapsed = time.perf_counter() - start
    wait_for_app(page, timeout=120_000)
    return elapsed, start


def _settle(page, start: float) -> float | None:  # noqa: ANN001
    """Wait until no better plan is being solved in the background; seconds from ``start`` until
    the finished plan was on screen, or None when the live plan was final."""
    if REFINING not in page.locator("[data-testid='stMain']").inner_text():
        return None
    page.wait_for_function(
        "(text) => !document.querySelector(\"[data-testid='stMain']\").innerText.includes(text)",
        arg=REFINING,
        timeout=120_000,
    )
    finished = time.perf_counter() - start
    wait_for_app(page, timeout=120_000)
    return finished


def _then(finished: float | None) -> str:
    return "" if finished is None else f"; finished plan from the background after {finished:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=4, help="slider moves per measurement")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        db = prepare_db(Path(folder) / "weihai.db")
        print(f"demo database created in {time.perf_counter() - start:.2f} s")
        with running_app(db, Path(folder) / "streamlit.log") as url, sync_playwright() as pw:
            browser = launch_chromium(pw)
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            first = _load(page, f"{url}/?lang=en")
            print(f"cockpit, first load (read + solve): {first:.2f} s")
            for name, path in PAGES.items():
                print(f"{name:<10} load (cached): {_load(page, f'{url}/{path}?lang=en'):.2f} s")

            _load(page, f"{url}/studio?lang=en")
            # New settings each time (all below today's amount, where money binds), then back to
            # settings solved before (cache hits).
            fresh, cached = [], []
            for fraction in FRESH_POINTS[: args.repeats]:
                elapsed, start = _release_slider(page, "Enterprise awards", fraction)
                fresh.append(elapsed)
                finished = _settle(page, start)
                print(
                    f"  at {fraction:.0%} of the range, new solve: {elapsed:.2f} s{_then(finished)}"
                )
            for fraction in [FRESH_POINTS[0], FRESH_POINTS[1]] * max(1, args.repeats // 2):
                cached.append(_release_slider(page, "Enterprise awards", fraction)[0])
                _settle(page, time.perf_counter())
                print(f"  at {fraction:.0%} of the range, solved before: {cached[-1]:.2f} s")
            hard = []
            for tab, label, fraction in HARD_MOVES:
                page.get_by_role("button", name="Reset to the stored data").click()
                wait_for_app(page, timeout=120_000)
                _settle(page, time.perf_counter())
                page.get_by_role("tab", name=tab).click()
                elapsed, start = _release_slider(page, label, fraction)
                hard.append(elapsed)
                finished = _settle(page, start)
                print(f"  {label} at {fraction:.0%}, new solve: {elapsed:.2f} s{_then(finished)}")
            print(
                "slider release → new cockpit figures, new solve: "
                f"median {statistics.median(fresh):.2f} s (max {max(fresh):.2f} s, n={len(fresh)})"
            )
            print(
                "slider release → new cockpit figures, hardest moves: "
                f"median {statistics.median(hard):.2f} s (max {max(hard):.2f} s, n={len(hard)})"
            )
            print(
                "slider release → new cockpit figures, solved before: "
                f"median {statistics.median(cached):.2f} s (max {max(cached):.2f} s, n={len(cached)})"
            )
            browser.close()


if __name__ == "__main__":
    main()
