"""rumours.web.page_cache: pages and shareable responses are kept per snapshot, keyed on exactly
what they depend on, so nothing of one request (query, Host, cookies) reaches another visitor."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from werkzeug.test import Client

from rumours import create_app, i18n
from rumours.i18n import catalogs
from rumours.snapshot import LiveLibrary
from rumours.web.page_cache import PAGES, RESPONSES, ResponseCache, query_pairs

ROOT = Path(__file__).resolve().parent.parent
POISON = ("poisoned", "evil")
POISONED_HEADERS = {
    "Host": "evil.example",
    "X-Forwarded-Host": "evil.example",
    "Cookie": "lang=ar; session=evil-session; rumours_pref=poisoned",
    "Accept-Language": "ar",
}
# Pages as a clean visitor asks for them, and the same page asked with poison added.
URLS = [
    "/en/",
    "/en/rumours/take-our-jobs",
    "/en/rumours/?topic=work",
    "/en/topics/",
    "/en/topics/work",
    "/en/verdicts",
    "/en/updates/",
]


def make_app(content_dir: Path, tmp_path: Path, name: str, **config):
    return create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                       "INSTANCE_DIR": tmp_path / name, **config})


def poisoned(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "q=poisoned&ids=evil&page=evil"


@pytest.mark.parametrize("response_cache", [True, False], ids=["responses", "pages-only"])
def test_a_poisoned_request_never_reaches_the_next_visitor(content_dir, tmp_path,
                                                           response_cache):
    reference = make_app(content_dir, tmp_path, "reference", RESPONSE_CACHE=False)
    clean_bodies = {url: reference.test_client().get(url).get_data() for url in URLS}
    for url, body in clean_bodies.items():
        assert not any(word.encode() in body for word in (*POISON, "evil.example")), url

    app = make_app(content_dir, tmp_path, "served", RESPONSE_CACHE=response_cache)
    attacker = app.test_client(use_cookies=False)
    for url in URLS:
        response = attacker.get(poisoned(url), headers=POISONED_HEADERS)
        assert response.status_code == 200, url
        assert "poisoned" in response.get_data(as_text=True)  # its own links carry its query

    visitor = app.test_client(use_cookies=False)
    for url in URLS:
        for _ in range(2):  # rendered once, then answered from the caches
            response = visitor.get(url)
            assert response.status_code == 200, url
            body = response.get_data()
            assert body == clean_bodies[url], url
            assert "Set-Cookie" not in response.headers or \
                "evil" not in response.headers["Set-Cookie"]


def test_an_empty_query_value_is_not_the_same_page_as_none(content_dir, tmp_path):
    # `?q=` is carried into the language links; a page without it must not get those links.
    app = make_app(content_dir, tmp_path, "instance", RESPONSE_CACHE=False)
    client = app.test_client()
    with_empty = client.get("/en/rumours/take-our-jobs?q=").get_data(as_text=True)
    assert 'href="/es/rumours/take-our-jobs?q="' in with_empty
    clean = client.get("/en/rumours/take-our-jobs").get_data(as_text=True)
    assert "?q=" not in clean and 'href="/es/rumours/take-our-jobs"' in clean


def test_second_request_is_a_hit_with_the_same_bytes_and_werkzeugs_304(app):
    client = app.test_client(use_cookies=False)
    first = client.get("/en/rumours/take-our-jobs")
    hits = app.wsgi_app.hits
    second = client.get("/en/rumours/take-our-jobs")
    assert app.wsgi_app.hits == hits + 1
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert first.headers["ETag"] == second.headers["ETag"]
    assert second.headers["Date"]  # set for this answer, not kept from the first
    etag = first.headers["ETag"]
    for validator in (etag, f'"other", {etag}', f"W/{etag}", "*"):
        answer = client.get("/en/rumours/take-our-jobs", headers={"If-None-Match": validator})
        assert answer.status_code == 304, validator
        assert answer.get_data() == b"" and answer.headers["ETag"] == etag
    assert client.get("/en/rumours/take-our-jobs",
                      headers={"If-None-Match": '"other"'}).status_code == 200
    since = client.get("/en/rumours/take-our-jobs",
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    head = client.head("/en/rumours/take-our-jobs")
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Length"] == first.headers["Content-Length"]


def test_the_order_of_different_parameters_is_one_page(app):
    client = app.test_client(use_cookies=False)
    client.get("/en/rumours/?topic=work&place=spain")
    hits = app.wsgi_app.hits
    client.get("/en/rumours/?place=spain&topic=work")
    assert app.wsgi_app.hits == hits + 1
    # ...but the order of one parameter's values is kept: the first is the one read.
    assert query_pairs("topic=a&topic=b") != query_pairs("topic=b&topic=a")
    assert query_pairs("b=2&&a=1") == (("a", "1"), ("b", "2"))
    assert query_pairs("%61=1") != query_pairs("a=1")  # nothing decoded: never conflated


def test_errors_posts_and_cookie_setting_pages_are_not_kept(app):
    client = app.test_client(use_cookies=False)
    hits = app.wsgi_app.hits
    for _ in range(2):
        assert client.get("/en/rumours/nope").status_code == 404
        assert client.get("/").status_code == 302  # varies on the cookie and Accept-Language
    assert client.post("/en/").status_code == 405
    assert app.wsgi_app.hits == hits


def test_a_new_library_empties_the_cache(app, content_dir):
    client = app.test_client(use_cookies=False)
    live = app.extensions["rumours"]
    assert "They take our jobs" in client.get("/en/rumours/take-our-jobs").get_data(
        as_text=True)
    old_snapshot = live.snapshot
    assert len(old_snapshot.cache(RESPONSES, 1)) >= 1
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace('"They take our jobs"', '"Jobs vanish"'))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    live.refresh()  # what the background watcher does
    assert live.snapshot is not old_snapshot
    assert "Jobs vanish" in client.get("/en/rumours/take-our-jobs").get_data(as_text=True)


def test_an_edited_catalog_is_never_answered_from_an_old_page(content_dir, tmp_path):
    translations = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", translations)
    app = make_app(content_dir, tmp_path, "instance", TRANSLATIONS_DIR=translations)
    client = app.test_client(use_cookies=False)
    assert "Toutes les rumeurs" in client.get("/fr/topics/").get_data(as_text=True)
    path = catalogs.catalog_path(translations, "fr")
    po = polib.pofile(str(path))
    po.find("All rumours").msgstr = "Toutes les rumeurs de la ville"
    po.save()
    assert i18n.refresh_catalogs(app)  # what the content watcher does on its next tick
    assert "Toutes les rumeurs de la ville" in client.get("/fr/topics/").get_data(as_text=True)


def test_pages_are_kept_by_the_snapshot_that_rendered_them(content_dir, tmp_path):
    app = make_app(content_dir, tmp_path, "instance", RESPONSE_CACHE=False)
    live = app.extensions["rumours"]
    client = app.test_client(use_cookies=False)
    first = client.get("/en/topics/").get_data()
    pages = live.snapshot.cache(PAGES, 1)
    assert len(pages) == 1
    assert client.get("/en/topics/").get_data() == first and len(pages) == 1
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace('"They take our jobs"', '"Jobs vanish"'))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    live.refresh()
    assert len(live.snapshot.cache(PAGES, 1)) == 0  # a new snapshot starts empty


def test_dev_mode_has_no_response_cache(dev_app):
    assert not hasattr(dev_app.wsgi_app, "hits")


def public_app(size: int):
    """A WSGI app answering any path with `size` bytes, shareable."""

    def wsgi(environ, start_response):
        body = re.sub(r"\W", "-", environ["PATH_INFO"]).encode().ljust(size, b".")
        start_response("200 OK", [("Content-Type", "text/plain"),
                                  ("Content-Length", str(len(body))),
                                  ("Cache-Control", "public, max-age=60")])
        return [body]

    return wsgi


def test_the_response_cache_is_bounded_in_bytes(content_dir):
    live = LiveLibrary(content_dir)
    middleware = ResponseCache(public_app(3000), live, max_bytes=10_000)
    client = Client(middleware)
    for n in range(10):
        assert client.get(f"/thing/{n}").status_code == 200
    kept = live.snapshot.cache(RESPONSES, 10_000)
    assert 1 <= len(kept) <= 3
    hits = middleware.hits
    client.get("/thing/9")  # the most recent is kept
    client.get("/thing/0")  # the oldest was dropped
    assert middleware.hits == hits + 1
