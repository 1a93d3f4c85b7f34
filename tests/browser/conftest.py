"""Browser fixtures: the real app on a local port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from live_browser import CHROMIUM, CHROMIUM_ARGS, LiveServer

from rumours import create_app


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 412, "height": 915}, accept_downloads=True,
                                  bypass_csp=False)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def bundled_server(tmp_path_factory):
    """The bundled library, served as in production."""
    root = tmp_path_factory.mktemp("bundled")
    content = root / "content"
    shutil.copytree(Path(__file__).resolve().parents[2] / "content", content)
    app = create_app({"CONTENT_DIR": content, "INSTANCE_DIR": root / "instance"})
    with LiveServer(app) as server:
        yield server


