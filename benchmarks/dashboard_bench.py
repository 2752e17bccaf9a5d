"""Dashboard benchmark in a real browser on the demo city: page loads and slider release → new figures.

Starts ``streamlit run app.py`` with a fresh demo database, drives Debian's Chromium through
Playwright, and prints (it is a measurement, not a test):

- first load of the cockpit (the workbook is read and the plan solved for the first time),
- load of every page afterwards (cached data and plan),
- slider release on the allocation studio → the cockpit figures show the new plan (a new solve),
  and the same with a setting solved before (a cache hit).

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

from tests.browser_support import (  # noqa: E402
    PAGES,
    launch_chromium,
    prepare_db,
    running_app,
    wait_for_app,
)

FIGURES = ".st-key-cockpit-figures"
# Where to click on the slider's track (share of its width); today's amount sits at about half.
FRESH_POINTS = (0.30, 0.42, 0.24, 0.36, 0.45, 0.33, 0.27, 0.39)


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
    return elapsed


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
                fresh.append(_release_slider(page, "Enterprise awards", fraction))
                print(f"  at {fraction:.0%} of the range, new solve: {fresh[-1]:.2f} s")
            for fraction in [FRESH_POINTS[0], FRESH_POINTS[1]] * max(1, args.repeats // 2):
                cached.append(_release_slider(page, "Enterprise awards", fraction))
                print(f"  at {fraction:.0%} of the range, solved before: {cached[-1]:.2f} s")
            print(
                "slider release → new cockpit figures, new solve: "
                f"median {statistics.median(fresh):.2f} s (max {max(fresh):.2f} s, n={len(fresh)})"
            )
            print(
                "slider release → new cockpit figures, solved before: "
                f"median {statistics.median(cached):.2f} s (max {max(cached):.2f} s, n={len(cached)})"
            )
            browser.close()


if __name__ == "__main__":
    main()
