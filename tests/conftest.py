"""Shared fixtures: a small real content folder in a temporary directory, and apps on it;
the bundled library and an app on it, built once per test process and only read.

`make test` runs the suite in parallel (pytest-xdist): see `pytest_collection_modifyitems`
below for which tests share a worker and which start first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from content_fixtures import BUNDLED_CONTENT, make_content
from live_server import CHROMIUM, CHROMIUM_ARGS
from postgres_server import database, database_url, postgres_server  # noqa: F401 - fixtures

from rumours import create_app

# Modules whose tests share fixtures that take seconds to build (rendered PDFs, search
# indexes and results, a live server with an inbox): under xdist each runs whole in one
# worker, so they are built once per run. Every other test goes to whichever worker is free
# (tests/test_export.py is not one: its whole-library export alone is a long test).
SHARED_FIXTURE_MODULES = (
    "tests/test_cards.py", "tests/test_search.py", "tests/test_search_quality.py",
    "tests/test_fresh_clone.py", "tests/browser/test_offline_search.py",
    "tests/browser/test_reports_browser.py",
)
# The longest tests, longest first, then the marks of tests that take tens of seconds: they
# start first, so no worker is left with one of them when the others have finished.
LONGEST = ("test_the_bundled_library_exports_with_every_internal_link_resolving",
           "test_make_smoke_installs_and_passes_on_a_fresh_clone",
           "test_ten_thousand_arbitrary_requests_give_no_5xx",
           "test_the_browser_reads_text_as_the_server_does")
FIRST = ("slow", "browser")


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
def bundled_instance(tmp_path_factory, worker_id: str) -> Path:
    """The instance folder of the apps on the bundled library, shared by the test processes
    as a server's workers share theirs: the search index is built once, under its lock, and
    found fresh by every later app on the same content."""
    base = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # an xdist worker: the run's folder, above the worker's own
        base = base.parent
    folder = base / "bundled-instance"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def bundled_app(bundled_instance: Path):
    """An app on the bundled library in content/, built once per test process. Tests only
    read it (requests, its library): a test that edits content, configuration or the
    instance folder makes its own app."""
    return create_app({"TESTING": True, "CONTENT_DIR": BUNDLED_CONTENT,
                       "INSTANCE_DIR": bundled_instance})


@pytest.fixture(scope="session")
def bundled_library(bundled_app):
    """The bundled library as the bundled app serves it (loaded once per test process)."""
    return bundled_app.extensions["rumours"].library


@pytest.fixture
def bundled_client(bundled_app):
    return bundled_app.test_client()


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


def xdist_scope(nodeid: str) -> str:
    """The unit of work of a test under xdist: its module when the module shares expensive
    fixtures, else the test alone."""
    module = nodeid.split("::", 1)[0]
    return module if module in SHARED_FIXTURE_MODULES else nodeid


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadgroup` as `xdist_scope` groups the tests (xdist's own loadgroup renames
    test ids, which pytest 9 no longer allows). The units are sent in collection order."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_scope(nodeid)

    return SharedFixtureScheduling(config, log)


@pytest.hookimpl(trylast=True)  # after pytest has ordered the tests by their fixtures
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long tests first, then the modules that run whole in one worker (a stable sort keeps
    pytest's order otherwise). A module that runs whole moves as one, so its fixtures are
    built once in a single process too."""
    def rank(item: pytest.Item) -> int:
        if item.name in LONGEST:
            return LONGEST.index(item.name)
        for n, mark in enumerate(FIRST, len(LONGEST)):
            if item.get_closest_marker(mark):
                return n
        shared = xdist_scope(item.nodeid) != item.nodeid
        return len(LONGEST) + len(FIRST) + (0 if shared else 1)

    scope_rank: dict[str, int] = {}
    for item in items:
        scope = xdist_scope(item.nodeid)
        scope_rank[scope] = min(scope_rank.get(scope, rank(item)), rank(item))
    items.sort(key=lambda item: scope_rank[xdist_scope(item.nodeid)])
