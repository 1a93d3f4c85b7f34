"""rumours.web.views.dev and static/js/live-reload.js: preview pages reload themselves on save.

The same in a real Chromium: tests/browser/test_publishing.py.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from content_fixtures import JOBS, write

from rumours import create_app


@pytest.fixture
def preview(content_dir, tmp_path):
    return create_app({
        "TESTING": True, "DEV": True, "CONTENT_DIR": content_dir,
        "INSTANCE_DIR": tmp_path / "instance", "DEV_POLL_INTERVAL": 0.02,
        "DEV_STREAM_SECONDS": 20,
    })


def script_tag(html: str) -> dict[str, str]:
    match = re.search(r'<script src="(/static/js/live-reload[^"]*)"([^>]*)>', html)
    assert match, "the live-reload script is not on the page"
    attrs = dict(re.findall(r'(data-[a-z]+)="([^"]*)"', match.group(2)))
    return {"src": match.group(1), **attrs}


class EventReader:
    """Reads `version` events from a streamed text/event-stream response."""

    def __init__(self, response):
        self.response = response
        self.chunks = iter(response.response)

    def next_version(self, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        buffer = ""
        while time.monotonic() < deadline:
            chunk = next(self.chunks)
            buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
            match = re.search(r"event: version\ndata: (\S+)\n\n", buffer)
            if match:
                return match.group(1)
        raise AssertionError("no version event")

    def close(self):
        self.response.close()


def test_the_events_endpoint_exists_only_in_preview_mode(client):
    assert client.get("/_dev/events").status_code == 404
    assert "live-reload" not in client.get("/en/").get_data(as_text=True)


def test_a_preview_page_loads_the_script_with_its_version(preview):
    client = preview.test_client()
    html = client.get("/en/rumours/take-our-jobs").get_data(as_text=True)
    tag = script_tag(html)
    assert tag["data-events"] == "/_dev/events"
    assert re.fullmatch(r"[0-9a-f]{16}", tag["data-version"])
    with client.get(tag["src"]) as script:
        assert script.status_code == 200
        assert "EventSource" in script.get_data(as_text=True)
    # The Content-Security-Policy allows it: same origin, no inline script.
    csp = client.get("/en/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_the_stream_reports_a_new_version_when_a_file_is_saved(preview, content_dir):
    client = preview.test_client()
    page_version = script_tag(client.get("/en/").get_data(as_text=True))["data-version"]
    response = client.get("/_dev/events", buffered=False)
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-cache"
    events = EventReader(response)
    try:
        assert events.next_version() == page_version
        write(content_dir / "rumours" / "take-our-jobs.md",
              JOBS.replace("They take our jobs", "They take all our jobs"))
        changed = events.next_version()
        assert changed != page_version
        html = client.get("/en/rumours/take-our-jobs").get_data(as_text=True)
        assert "They take all our jobs" in html
        assert script_tag(html)["data-version"] == changed
    finally:
        events.close()


def test_a_broken_save_reloads_the_page_to_show_the_error(preview, content_dir):
    client = preview.test_client()
    events = EventReader(client.get("/_dev/events", buffered=False))
    try:
        first = events.next_version()
        write(content_dir / "rumours" / "take-our-jobs.md",
              JOBS.replace('verdict: "false"', "verdict: maybe"))
        assert events.next_version() != first
    finally:
        events.close()
    html = client.get("/en/").get_data(as_text=True)
    assert 'class="dev-banner"' in html
    assert "take-our-jobs.md" in html and "verdict" in html and "maybe" in html


def test_a_changed_translation_catalog_reloads_too(preview):
    client = preview.test_client()
    po_files = sorted(Path(preview.config["TRANSLATIONS_DIR"]).glob("*/LC_MESSAGES/*.po"))
    if not po_files:
        pytest.skip("no translation catalogs in this checkout")
    from rumours.web.views.dev import preview_version

    before = preview_version(preview, preview.extensions["rumours"])
    stat = po_files[0].stat()
    try:
        import os

        os.utime(po_files[0], ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert preview_version(preview, preview.extensions["rumours"]) != before
    finally:
        os.utime(po_files[0], ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert client.get("/_dev/events", buffered=False).status_code == 200


def test_drafts_show_with_a_banner_in_preview_only(preview, client):
    html = preview.test_client().get("/en/rumours/secret-draft").get_data(as_text=True)
    assert 'class="dev-banner"' in html and 'class="draft-flag"' in html
    assert client.get("/en/rumours/secret-draft").status_code == 404
