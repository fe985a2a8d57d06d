"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, test data, screenshots.

Playwright's own browser download does not work on these machines, so the tests launch the
`chromium` found on PATH. Without it they skip, or fail when CI=true. They run on SQLite only.
Screenshots go to test-artifacts/browser/<test>/ (or $WANANCHI_TEST_ARTIFACTS/browser/<test>/).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from tests.browser.support import Camera, png_bytes
from tests.helpers import unavailable
from tests.world import World, build_world

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


def artifacts_root() -> Path:
    """Where test artefacts go: $WANANCHI_TEST_ARTIFACTS, or test-artifacts/ at the repository root."""
    return Path(os.environ.get("WANANCHI_TEST_ARTIFACTS") or ROOT / "test-artifacts")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the whole session."""
    executable = shutil.which("chromium")
    if executable is None:
        unavailable("the browser tests need Debian chromium: apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The database backend does not change what a browser sees: every browser test runs once (one_backend)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.one_backend)


@pytest.fixture
def world(db) -> World:
    """The institutions, district and services of tests/world.py, committed so the live server sees them."""
    built = build_world()
    db.session.commit()
    return built


@pytest.fixture
def site(live_server: str, world: World) -> str:
    """The base URL of a live server whose database holds the test world."""
    return live_server


@dataclass
class Received:
    """A request as the server received it: method, path and the bytes its body declared."""

    method: str
    path: str
    length: int


@pytest.fixture
def recorded_site(app: Flask, world: World) -> Iterator[tuple[str, list[Received]]]:
    """A live server (like `site`) that notes every request it receives, with the bytes the browser sent."""
    received: list[Received] = []

    def recording(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        received.append(Received(environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""), length))
        return app.wsgi_app(environ, start_response)

    server = make_server("127.0.0.1", 0, recording, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", received
    server.shutdown()
    thread.join(timeout=5)


# A slow mobile network for the browser tests, about 3G (300 ms round trip, 1.6 Mbit/s down, 750 kbit/s up): slow
# enough that a page which sends more than it should takes visibly longer, fast enough for a test suite.
# benchmarks/page_weight.py measures a submission on 2G.
SLOW_NETWORK = {
    "offline": False,
    "latency": 300,
    "downloadThroughput": 1_600_000 // 8,
    "uploadThroughput": 750_000 // 8,
}


def throttle(page: Page, conditions: dict[str, Any] = SLOW_NETWORK) -> None:
    """Emulate a slow network for `page` (Chrome DevTools Protocol)."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", conditions)


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Open fresh browser contexts (own cookies), an en-US phone user's by default; all closed after the test."""
    opened: list[BrowserContext] = []

    def open_context(**options: Any) -> BrowserContext:
        context = browser.new_context(**{"locale": "en-US", **options})
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def camera(request: pytest.FixtureRequest) -> Camera:
    """A camera writing into this test's own, emptied artefact folder."""
    folder = artifacts_root() / "browser" / re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return Camera(folder)


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    """A small PNG photo on disk, as a phone would attach it."""
    path = tmp_path / "picha-taka.png"
    path.write_bytes(png_bytes())
    return path
