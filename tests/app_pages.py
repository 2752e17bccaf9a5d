"""Switching AppTest to a dashboard page: pages are functions (``st.Page(render, url_path=...)``).

``AppTest.switch_page`` finds a page by its script file, which a function page does not have, so the
page registered under the URL path is chosen directly (run the app once first, so that the
navigation is registered).
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash


def switch_to(at: AppTest, url_path: str) -> AppTest:
    """Make the next ``at.run()`` open the page registered under ``url_path`` (``"studio"``)."""
    registered = at._registered_pages  # noqa: SLF001 -- AppTest has no public lookup by URL path
    # The default page is registered under "" but keeps the hash of its own url path.
    hashes = [
        h
        for h, info in registered.items()
        if info.get("url_pathname") == url_path or h == calc_hash(url_path)
    ]
    if not hashes:
        known = sorted(str(info.get("url_pathname")) for info in registered.values())
        raise ValueError(f"no page under {url_path!r}; registered: {known}")
    at._page_hash = hashes[0]  # noqa: SLF001
    return at
