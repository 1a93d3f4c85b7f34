"""Unanswered searches (rumours/reports/unanswered.py): counted privately, in memory first,
never slowing or breaking a search."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from types import SimpleNamespace

import pytest
import yaml

from rumours import create_app
from rumours.reports import reports
from rumours.reports.database import Database
from rumours.reports.search_counts import SearchCounts
from rumours.reports.unanswered import (
    MARK_HEADER,
    UNANSWERED_CACHE_CONTROL,
    UnansweredSearches,
    is_answered,
    looks_personal,
    normalise_query,
)
from rumours.web.http_caching import PAGE_CACHE_CONTROL

UNREACHABLE = "postgresql://nobody@127.0.0.1:9/nothing"


def counted(app, day: dt.date | None = None) -> dict:
    """Flush what is pending, then read this week's counts."""
    with app.app_context():
        assert reports().unanswered.flush()
        return reports().searches.top(day or dt.date.today())


@pytest.mark.parametrize(("query", "expected"), [
    ("  They EAT the   pets?! ", "they eat the pets"),
    ("¿Nos QUITAN el trabajo?", "nos quitan el trabajo"),
    ("« Ils volent nos emplois »", "ils volent nos emplois"),
    ("يأخذون  وظائفنا؟", "يأخذون وظائفنا؟".rstrip("؟")),
    ("Straße", "strasse"),
    ("10000 refugees in 2024", "10000 refugees in 2024"),
    ("...", ""),
    ("", ""),
])
def test_queries_are_normalised(query, expected):
    assert normalise_query(query) == expected


@pytest.mark.parametrize("query", [
    "write to ana.garcia@example.org", "ana@example", "call +34 612 345 678",
    "612-345-678", "(555) 123-4567", "DNI 12345678Z", "NIE X1234567L",
    "ES91 2100 0418 4502 0005 1332", "4111 1111 1111 1111", "ssn 078-05-1120",
])
def test_what_looks_like_personal_data_is_never_recorded(query):
    assert looks_personal(query)
    assert normalise_query(query) == ""


def test_answered_is_read_from_the_results_when_they_say_it():
    assert is_answered(SimpleNamespace(total=3)) is True
    assert is_answered(SimpleNamespace(total=0)) is False
    assert is_answered(SimpleNamespace(total=3, answered=False)) is False  # related only
    assert is_answered(SimpleNamespace(total=0, answered=True)) is True


def test_counts_are_buffered_and_written_together(tmp_path):
    counts = SearchCounts(Database(f"sqlite:///{tmp_path / 'r.db'}"))
    recorder = UnansweredSearches(counts, flush_interval=3600)
    day = dt.date(2026, 3, 4)
    for query in ("They eat pets", "they eat PETS!", "free houses"):
        assert recorder.record(query, "en", day=day)
    assert not recorder.record("call 612 345 678", "en", day=day)
    assert recorder.pending == 3
    assert counts.top(day) == {}  # nothing written yet: a search never waits for this
    assert recorder.flush()
    assert recorder.pending == 0
    assert counts.top(day) == {"en": [("they eat pets", 2), ("free houses", 1)]}


def test_recording_can_be_switched_off(tmp_path):
    recorder = UnansweredSearches(SearchCounts(Database(f"sqlite:///{tmp_path / 'r.db'}")),
                                  enabled=lambda: False)
    assert not recorder.record("anything", "en")
    assert recorder.pending == 0


def test_memory_is_bounded(tmp_path):
    recorder = UnansweredSearches(SearchCounts(Database(f"sqlite:///{tmp_path / 'r.db'}")),
                                  flush_interval=3600, max_pending=2)
    assert recorder.record("one", "en") and recorder.record("two", "en")
    assert recorder.record("one", "en")  # a known query still counts
    assert not recorder.record("three", "en")
    assert recorder.dropped == 1 and recorder.pending == 3


def test_a_failed_write_is_logged_kept_and_retried(tmp_path, caplog):
    (tmp_path / "a-file").write_text("not a folder")
    broken = Database(f"sqlite:///{tmp_path / 'a-file' / 'r.db'}")
    recorder = UnansweredSearches(SearchCounts(broken), flush_interval=3600)
    day = dt.date(2026, 3, 4)
    recorder.record("they eat pets", "en", day=day)
    with caplog.at_level(logging.WARNING, logger="rumours.reports"):
        assert recorder.flush() is False  # logged, not raised
    assert "unanswered searches not written" in caplog.text
    assert recorder.pending == 1 and recorder.failures == 1
    recorder.record("they eat pets", "en", day=day)
    working = SearchCounts(Database(f"sqlite:///{tmp_path / 'r.db'}"))
    recorder.counts = working  # the database is back
    assert recorder.flush()
    assert working.top(day) == {"en": [("they eat pets", 2)]}


def test_the_background_thread_writes_without_being_asked(tmp_path):
    import time

    counts = SearchCounts(Database(f"sqlite:///{tmp_path / 'r.db'}"))
    recorder = UnansweredSearches(counts, flush_interval=0.05)
    recorder.record("they get free cars", "fr")
    deadline = time.monotonic() + 30
    while counts.top(dt.date.today()) == {} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert counts.top(dt.date.today()) == {"fr": [("they get free cars", 1)]}


# ------------------------------------------------------------------------------ in the views

def test_an_unanswered_search_is_counted_each_time_even_from_the_response_cache(app, client):
    first = client.get("/en/search?q=The+moon+is+made+of+cheese")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == UNANSWERED_CACHE_CONTROL  # s-maxage=0: no proxy
    assert MARK_HEADER not in first.headers  # the internal mark never leaves the app
    hits = app.wsgi_app.hits
    again = client.get("/en/search?q=the+moon+is+made+of+cheese")
    assert app.wsgi_app.hits == hits  # a different URL: rendered again
    client.get("/en/search?q=the+moon+is+made+of+cheese")
    assert app.wsgi_app.hits == hits + 1  # the same URL: answered from the response cache
    assert MARK_HEADER not in again.headers
    client.get("/api/search?q=the+moon+is+made+of+cheese&lang=es")
    assert counted(app) == {"en": [("the moon is made of cheese", 3)],
                            "es": [("the moon is made of cheese", 1)]}


def test_answered_filtered_and_later_pages_are_not_counted(app, client):
    answered = client.get("/en/search?q=they+take+our+jobs")
    assert answered.headers["Cache-Control"] == PAGE_CACHE_CONTROL
    client.get("/en/search?q=the+moon+is+made+of+cheese&topic=work")
    client.get("/api/search?q=the+moon+is+made+of+cheese&lang=en&topic=work")
    client.get("/en/search?q=")
    client.get("/en/search?q=write+to+me+at+ana%40example.org")
    assert counted(app) == {}


def test_nothing_but_query_language_day_and_count_is_stored(app, client, tmp_path):
    client.get("/en/search?q=the+moon+is+made+of+cheese", environ_base={"REMOTE_ADDR": "203.0.113.9"},
               headers={"User-Agent": "DistinctiveBrowser/9.9", "Cookie": "lang=en"})
    counted(app)
    with app.app_context():
        reports().database.dispose()
    database = tmp_path / "instance" / "rumours.db"
    columns = [row[1] for row in sqlite3.connect(database)
               .execute("PRAGMA table_info(unanswered_searches)")]
    assert columns == ["id", "query", "lang", "day", "count"]
    day_type = [row[2] for row in sqlite3.connect(database)
                .execute("PRAGMA table_info(unanswered_searches)") if row[1] == "day"]
    assert day_type == ["DATE"]
    data = b"".join(f.read_bytes() for f in database.parent.glob("rumours.db*"))
    assert b"the moon is made of cheese" in data
    assert b"203.0.113.9" not in data and b"DistinctiveBrowser" not in data


def test_site_yml_can_switch_recording_off(content_dir, tmp_path):
    site = yaml.safe_load((content_dir / "site.yml").read_text(encoding="utf-8"))
    site["record_unanswered_searches"] = False
    (content_dir / "site.yml").write_text(yaml.safe_dump(site, allow_unicode=True),
                                          encoding="utf-8")
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance"})
    response = app.test_client().get("/en/search?q=the+moon+is+made+of+cheese")
    assert response.headers["Cache-Control"] == PAGE_CACHE_CONTROL  # proxies may keep it
    with app.app_context():
        assert reports().unanswered.pending == 0
    assert not (tmp_path / "instance" / "rumours.db").exists()


def test_a_broken_recorder_never_breaks_a_search(app, client, caplog):
    def broken() -> bool:
        raise RuntimeError("recorder exploded")

    with app.app_context():
        reports().unanswered.enabled = broken
    with caplog.at_level(logging.ERROR, logger="rumours.reports"):
        page = client.get("/en/search?q=the+moon+is+made+of+cheese")
        api = client.get("/api/search?q=the+moon+is+made+of+cheese&lang=en")
    assert page.status_code == 200 and api.status_code == 200
    assert "recorder exploded" in caplog.text


def test_with_the_database_down_searches_answer_and_counts_wait(content_dir, tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance", "DATABASE_URL": UNREACHABLE,
                      "UNANSWERED_FLUSH_SECONDS": 3600})
    client = app.test_client()
    for _ in range(3):
        assert client.get("/en/search?q=the+moon+is+made+of+cheese").status_code == 200
    with app.app_context():
        recorder = reports().unanswered
        assert recorder.pending == 3
        assert recorder.flush() is False
        assert recorder.pending == 3  # kept for when the database is back


def test_the_preview_counts_too(dev_app):
    dev_app.test_client().get("/en/search?q=the+moon+is+made+of+cheese")
    assert counted(dev_app) == {"en": [("the moon is made of cheese", 1)]}
