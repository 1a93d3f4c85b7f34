"""rumours.web.response_cache: shareable pages are answered from memory until the library changes."""

from __future__ import annotations

import os


def cache_of(app):
    return app.wsgi_app


def test_second_request_is_a_hit_with_the_same_bytes(app):
    client = app.test_client(use_cookies=False)
    cache = cache_of(app)
    first = client.get("/en/rumours/take-our-jobs", headers={"Cookie": "lang=en"})
    second = client.get("/en/rumours/take-our-jobs", headers={"Cookie": "lang=en"})
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert first.headers["ETag"] == second.headers["ETag"]
    assert cache.hits >= 1
    not_modified = client.get("/en/rumours/take-our-jobs",
                              headers={"If-None-Match": first.headers["ETag"],
                                       "Cookie": "lang=en"})
    assert not_modified.status_code == 304
    assert not_modified.headers["ETag"] == first.headers["ETag"]


def test_errors_and_posts_are_not_kept(app):
    client = app.test_client(use_cookies=False)
    cache = cache_of(app)
    client.get("/en/rumours/nope")
    client.get("/en/rumours/nope")
    assert ("/en/rumours/nope", "") not in cache._entries
    assert client.post("/en/").status_code == 405


def test_a_new_library_empties_the_cache(app, content_dir):
    client = app.test_client(use_cookies=False)
    live = app.extensions["rumours"]
    headers = {"Cookie": "lang=en"}
    assert "They take our jobs" in client.get("/en/rumours/take-our-jobs",
                                              headers=headers).get_data(as_text=True)
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace('"They take our jobs"', '"Jobs vanish"'))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    live.refresh()  # what the background watcher does
    assert "Jobs vanish" in client.get("/en/rumours/take-our-jobs",
                                       headers=headers).get_data(as_text=True)


def test_dev_mode_has_no_response_cache(dev_app):
    assert not hasattr(dev_app.wsgi_app, "hits")
