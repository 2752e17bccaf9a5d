"""Running the real dashboard for browser tests and the benchmark: a server on a free port, Chromium.

``streamlit run app.py`` is started with its own database (``WEIHAI_DB``) on a free port; the helper
polls ``/_stcore/health`` until the server answers. Chromium is Debian's (``/usr/bin/chromium``),
driven by Playwright's sync API with flags that keep it quiet and offline.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
# Page name → URL path (the cockpit is the default page, served at the root).
PAGES = {
    "cockpit": "",
    "pipeline": "pipeline",
    "ladder": "ladder",
    "studio": "studio",
    "scenarios": "scenarios",
    "calibration": "calibration",
    "dispatch": "dispatch",
    "data": "data",
}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_db(path: Path) -> Path:
    """Create the database with the demo city (once), so the server starts without seeding."""
    sys.path.insert(0, str(REPO))
    from data.store import open_store

    store = open_store(path, create_demo=True)
    store.close()
    return path


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    """Poll ``url/_stcore/health`` until it answers ``ok``; fail early if the server died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {process.returncode}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not become healthy within {timeout:.0f} s")


@contextlib.contextmanager
def running_app(
    db_path: Path,
    log_path: Path | None = None,
    *,
    port: int | None = None,
    app_dir: Path = REPO,
    extra_args: Sequence[str] = (),
    drop_env: Sequence[str] = (),
) -> Iterator[str]:
    """Run ``streamlit run app.py`` with ``WEIHAI_DB=db_path``; yield its base URL.

    ``port`` defaults to a free one; ``extra_args`` go to ``streamlit run`` (e.g. ``--secrets.files``);
    ``drop_env`` names environment variables the server must not inherit.
    """
    port = port or free_port()
    env = {**os.environ, "WEIHAI_DB": str(db_path), "PYTHONUNBUFFERED": "1"}
    for name in drop_env:
        env.pop(name, None)
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app_dir / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
            *extra_args,
        ],
        cwd=app_dir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        stop_process(process)
        if log is not subprocess.DEVNULL:
            log.close()


def stop_process(process: subprocess.Popen) -> None:
    """End a server started for a test: politely, then for good after ten seconds."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def launch_chromium(playwright):  # noqa: ANN001, ANN201 - Playwright's types are optional here
    """Debian's Chromium through Playwright, with the quiet offline flags."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def wait_for_app(page, timeout: float = 60_000) -> None:  # noqa: ANN001
    """Wait until the page's script has finished (content on screen, no run in progress)."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function(
        "() => { const a = document.querySelector(\"[data-testid='stApp']\");"
        " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }",
        timeout=timeout,
    )


def full_page_screenshot(page, path: Path) -> None:  # noqa: ANN001
    """The whole page, not only the window: Streamlit scrolls inside its main block, so the
    window is made as tall as that block for the picture (a page that is cut off hides problems)."""
    height = page.evaluate("() => document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 8000)})
    page.wait_for_timeout(500)  # charts re-fit to the new window
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
