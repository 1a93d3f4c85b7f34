"""rumours.snapshot: edits reload in dev mode; a broken edit keeps the last good library."""

from __future__ import annotations

import os
import time


def touch_later(path):
    """Make sure the modification time moves even on coarse file systems."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_a_good_edit_is_served_on_the_next_request(dev_app, content_dir):
    client = dev_app.test_client()
    assert "They take our jobs" in client.get("/en/rumours/take-our-jobs").get_data(as_text=True)
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace('"They take our jobs"', '"They steal our jobs"'))
    touch_later(path)
    page = client.get("/en/rumours/take-our-jobs").get_data(as_text=True)
    assert "They steal our jobs" in page


def test_a_broken_edit_keeps_the_last_good_library_and_shows_the_error(dev_app, content_dir):
    client = dev_app.test_client()
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace('verdict: "false"', "verdict: wrong"))
    touch_later(path)
    response = client.get("/en/rumours/take-our-jobs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "verdict-false" in page  # still the last good version
    assert "The content has errors" in page
    assert "content/rumours/take-our-jobs.md:7: verdict:" in page
    assert dev_app.extensions["rumours"].errors
    # fixing it again clears the banner
    path.write_text(path.read_text().replace("verdict: wrong", "verdict: misleading"))
    touch_later(path)
    page = client.get("/en/rumours/take-our-jobs").get_data(as_text=True)
    assert "verdict-misleading" in page
    assert "The content has errors" not in page


def test_drafts_show_only_in_dev_mode(dev_app, client):
    assert client.get("/en/rumours/secret-draft").status_code == 404
    page = dev_app.test_client().get("/en/rumours/secret-draft").get_data(as_text=True)
    assert "A draft claim nobody should see" in page
    assert "Draft" in page and "Preview mode" in page


def test_outside_dev_mode_changes_are_picked_up_after_the_interval(app, content_dir):
    live = app.extensions["rumours"]
    live.check_interval = 0.2
    client = app.test_client()
    client.get("/en/")
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace('"They take our jobs"', '"Jobs are taken"'))
    touch_later(path)
    time.sleep(0.25)
    assert "Jobs are taken" in client.get("/en/rumours/take-our-jobs").get_data(as_text=True)


def test_a_request_reads_one_snapshot(app):
    live = app.extensions["rumours"]
    before = live.snapshot
    live.reload(force=True)
    assert live.snapshot is not before
    assert live.snapshot.library.version == before.library.version
