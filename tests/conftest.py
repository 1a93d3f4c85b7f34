"""Shared fixtures: a small real content folder in a temporary directory, and apps on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_fixtures import make_content
from live_server import CHROMIUM, CHROMIUM_ARGS
from postgres_server import database, database_url, postgres_server  # noqa: F401 - fixtures

from rumours import create_app


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    return make_content(tmp_path)


@pytest.fixture
def app(content_dir: Path, tmp_path: Path):
    return create_app({
        "TESTING": True, "CONTENT_DIR": content_dir, "INSTANCE_DIR": tmp_path / "instance",
    })


@pytest.fixture
def dev_app(content_dir: Path, tmp_path: Path):
    return create_app({
        "TESTING": True, "DEV": True, "CONTENT_DIR": content_dir,
        "INSTANCE_DIR": tmp_path / "instance",
    })


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole test session (Playwright allows one sync driver)."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
