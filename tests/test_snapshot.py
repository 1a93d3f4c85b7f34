"""rumours.snapshot: edits reload in dev mode; a broken edit keeps the last good library."""

from __future__ import annotations

import os

from live_server import wait_for

from rumours import create_app


def touch_later(path):
    """Make sure the modification time moves even on coarse file systems."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_a_good_edit_is_served_once_the_watcher_has_reloaded(dev_app, content_dir):
    client = dev_app.test_client()
    assert "They take our jobs" in client.get("/en/rumours/take-our-jobs").get_data(as_text=True)
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace('"They take our jobs"', '"They steal our jobs"'))
    touch_later(path)
    # The preview's watcher reloads in the background: requests never wait for it.
    assert wait_for(lambda: "They steal our jobs" in client.get(
        "/en/rumours/take-our-jobs").get_data(as_text=True))


def test_a_broken_edit_keeps_the_last_good_library_and_shows_the_error(dev_app, content_dir):
    client = dev_app.test_client()
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace('verdict: "false"', "verdict: wrong"))
    touch_later(path)
    assert wait_for(lambda: dev_app.extensions["rumours"].errors)
    response = client.get("/en/rumours/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "verdict-false" in page  # still the last good version
    assert "The content has errors" in page
    assert "content/rumours/take-our-jobs.md:7: verdict:" in page
    # The broken entry's own page previews the edit, its problem beside the verdict.
    entry = client.get("/en/rumours/take-our-jobs").get_data(as_text=True)
    assert "Draft preview of content/rumours/take-our-jobs.md." in entry
    assert "&#39;wrong&#39; is not a verdict" in entry
    assert dev_app.extensions["rumours"].errors
    # fixing it again clears the banner
    path.write_text(path.read_text().replace("verdict: wrong", "verdict: misleading"))
    touch_later(path)
    assert wait_for(lambda: not dev_app.extensions["rumours"].errors)
    page = client.get("/en/rumours/take-our-jobs").get_data(as_text=True)
    assert "verdict-misleading" in page
    assert "The content has errors" not in page


def test_drafts_show_only_in_dev_mode(dev_app, client):
    assert client.get("/en/rumours/secret-draft").status_code == 404
    page = dev_app.test_client().get("/en/rumours/secret-draft").get_data(as_text=True)
    assert "A draft claim nobody should see" in page
    assert "Draft" in page and "Preview mode" in page



def test_outside_dev_mode_a_background_watcher_picks_up_changes(content_dir, tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance", "RELOAD_INTERVAL": 0.1})
    client = app.test_client()
    client.get("/en/")
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace('"They take our jobs"', '"Jobs are taken"'))
    touch_later(path)
    assert wait_for(lambda: "Jobs are taken" in client.get(
        "/en/rumours/take-our-jobs").get_data(as_text=True))
    app.extensions["rumours"].stop()


def test_requests_outside_dev_mode_never_reload(app, content_dir, monkeypatch):
    live = app.extensions["rumours"]
    calls = []
    monkeypatch.setattr(live, "reload", lambda force=False: calls.append(force))
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace('"They take our jobs"', '"Jobs are taken"'))
    touch_later(path)
    client = app.test_client()
    for url in ("/en/", "/en/rumours/take-our-jobs", "/api/search?q=jobs&lang=en"):
        assert client.get(url).status_code == 200
    assert calls == []


BROKEN = 'verdict: [unclosed'


def break_jobs(content_dir):
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace('verdict: "false"', BROKEN))
    touch_later(path)


def test_a_new_process_serves_the_last_good_library_when_the_content_is_broken(
        content_dir, tmp_path):
    config = {"TESTING": True, "CONTENT_DIR": content_dir, "INSTANCE_DIR": tmp_path / "i"}
    create_app(config)  # loads cleanly: the last good copy is saved
    break_jobs(content_dir)
    app = create_app(config)  # a restarted worker
    client = app.test_client()
    page = client.get("/en/rumours/take-our-jobs")
    assert page.status_code == 200 and "verdict-false" in page.get_data(as_text=True)
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["status"] == "degraded"
    assert health.get_json()["serving"] == "last-good"
    assert any("take-our-jobs.md" in p for p in health.get_json()["problems"])
    assert "no-store" in health.headers["Cache-Control"]


def test_with_no_last_good_copy_every_valid_entry_is_served(content_dir, tmp_path):
    break_jobs(content_dir)
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "fresh"})
    client = app.test_client()
    assert client.get("/en/rumours/take-our-jobs").status_code == 404
    assert client.get("/en/rumours/springfield-pets-geese").status_code == 200
    assert client.get("/healthz").get_json()["serving"] == "partial"


def test_a_broken_draft_never_blocks_the_public_site(content_dir, tmp_path):
    draft = content_dir / "rumours" / "half-written.md"
    draft.write_text("---\ndraft: true\nid: half-written\nclaim: [unclosed\n---\n")
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "fresh"})
    health = app.test_client().get("/healthz").get_json()
    assert health["status"] == "ok" and health["serving"] == "live"


def test_healthz_is_ok_and_never_cached(client):
    response = client.get("/healthz")
    assert response.get_json()["status"] == "ok"
    assert response.headers["Cache-Control"] == "no-store"


def test_an_index_build_that_failed_on_a_full_disk_is_retried(content_dir, tmp_path,
                                                              monkeypatch):
    import errno

    from rumours import search
    from rumours.web.app import heal_index

    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance"})
    live = app.extensions["rumours"]
    client = app.test_client()

    def full_disk(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    import sys

    index_module = sys.modules[search.ensure_index.__module__]
    monkeypatch.setattr(index_module, "build_index", full_disk)
    monkeypatch.setattr(index_module, "update_index", full_disk)  # edits update the index
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace('"They take our jobs"', '"Jobsfull disk"'))
    touch_later(path)
    live.refresh()
    page = client.get("/en/rumours/take-our-jobs")
    assert page.status_code == 200 and "Jobsfull disk" in page.get_data(as_text=True)
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded"
    assert any("older than the library" in p for p in health["problems"])
    heal_index(live, live.library)  # still full: no crash
    monkeypatch.undo()  # space freed
    heal_index(live, live.library)
    assert client.get("/healthz").get_json()["status"] == "ok"
    found = client.get("/api/search?q=jobsfull&lang=en").get_json()
    assert found["results"] and found["results"][0]["id"] == "take-our-jobs"
