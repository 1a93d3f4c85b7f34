"""rumours.web.http_caching: pages revalidate with 304s; static files are fingerprinted for a year."""

from __future__ import annotations

import re


def test_pages_have_strong_etags_and_answer_304(client):
    first = client.get("/en/rumours/take-our-jobs")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Last-Modified"]
    assert "s-maxage" in first.headers["Cache-Control"]
    again = client.get("/en/rumours/take-our-jobs", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    since = client.get("/en/rumours/take-our-jobs",
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_etag_changes_when_the_page_does(client):
    assert client.get("/en/").headers["ETag"] != client.get("/es/").headers["ETag"]


def test_static_files_are_fingerprinted_and_cached_for_a_year(client):
    page = client.get("/en/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{10}\.css)"', page).group(1)
    response = client.get(css)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    response.close()
    stale = client.get("/static/css/site.0123456789.css")
    assert stale.status_code == 404
    plain = client.get("/static/css/site.css")
    assert plain.status_code == 200 and "immutable" not in plain.headers["Cache-Control"]
    plain.close()


def test_errors_are_not_cached_as_pages(client):
    response = client.get("/en/rumours/nope")
    assert response.status_code == 404
    assert "ETag" not in response.headers


def test_dev_mode_pages_are_not_cached(dev_app):
    response = dev_app.test_client().get("/en/")
    assert response.headers["Cache-Control"] == "no-cache"


def test_revalidation_follows_werkzeugs_rules_when_rendered(content_dir, tmp_path):
    from rumours import create_app

    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir, "RESPONSE_CACHE": False,
                      "INSTANCE_DIR": tmp_path / "instance"})
    client = app.test_client()
    first = client.get("/en/topics/")
    etag = first.headers["ETag"]
    for validator in (etag, f'"other", {etag}', f"W/{etag}", "*"):
        answer = client.get("/en/topics/", headers={"If-None-Match": validator})
        assert answer.status_code == 304, validator
        assert answer.get_data() == b"" and answer.headers["ETag"] == etag
    assert client.get("/en/topics/", headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get("/en/topics/", headers={"If-Match": '"other"'}).status_code == 412
    assert client.get("/en/topics/", headers={"If-Match": etag}).status_code == 200


def test_last_modified_is_the_newest_content_file(client, content_dir):
    import datetime as dt

    from werkzeug.http import parse_date

    newest = max(p.stat().st_mtime for p in content_dir.rglob("*") if p.is_file())
    modified = parse_date(client.get("/en/").headers["Last-Modified"])
    assert modified == dt.datetime.fromtimestamp(int(newest), tz=dt.UTC)
