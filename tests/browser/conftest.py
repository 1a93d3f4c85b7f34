"""Browser fixtures: the real app on a local port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_fixtures import BUNDLED_CONTENT
from live_browser import LiveServer

from rumours import create_app


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 412, "height": 915}, accept_downloads=True,
                                  bypass_csp=False)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def bundled_server(bundled_instance: Path):
    """The bundled library, served as in production (it only reads content/; its search
    index is the one the other apps on the bundled library use). Pre-rendering is off: the
    tests of pre-rendering switch it on."""
    app = create_app({"CONTENT_DIR": BUNDLED_CONTENT, "INSTANCE_DIR": bundled_instance,
                      "PRERENDER": False})
    with LiveServer(app) as server:
        yield server
