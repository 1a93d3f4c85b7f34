"""Browser fixtures: the real app on a local port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
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
def bundled_server(tmp_path_factory):
    """The bundled library, served as in production."""
    root = tmp_path_factory.mktemp("bundled")
    content = root / "content"
    shutil.copytree(Path(__file__).resolve().parents[2] / "content", content)
    app = create_app({"CONTENT_DIR": content, "INSTANCE_DIR": root / "instance"})
    with LiveServer(app) as server:
        yield server


