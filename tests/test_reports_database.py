"""The reports database (rumours/reports/database.py, store.py, search_counts.py, accounts.py),
on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading

import pytest
from sqlalchemy import inspect, text

from rumours.reports import database as database_module
from rumours.reports.accounts import AccountError, Accounts
from rumours.reports.database import Database, StorageUnavailable, head_revision, normalise_url
from rumours.reports.models import Base
from rumours.reports.search_counts import SearchCounts, week_start
from rumours.reports.store import CONTACT_DAYS, InvalidReport, ReportStore

HOSTILE = ("<script>alert('x')</script><img src=x onerror=alert(1)> \u202eevil\u202c "
           "\u2067isolated\u2069 \x00nul \x1b[31mred\x07 \u200fRLM \ufeffBOM")


def test_default_is_sqlite_in_the_instance_folder(tmp_path):
    url = database_module.database_url({"INSTANCE_DIR": tmp_path, "DATABASE_URL": ""})
    assert url == f"sqlite:///{tmp_path / 'rumours.db'}"
    assert normalise_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalise_url("postgres://h/db") == "postgresql+psycopg://h/db"


def test_sqlite_uses_wal_and_is_created_on_first_use(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'r.db'}")
    ReportStore(db).add("They get everything for free", "en")
    db.dispose()
    with sqlite3.connect(tmp_path / "r.db") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("SELECT count(*) FROM reports").fetchone()[0] == 1


def test_migrations_match_the_models(database):
    """The migrations create exactly the tables and columns the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with database.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()
        names = set(inspect(connection).get_table_names())
    assert {"reports", "unanswered_searches", "users", "alembic_version"} <= names


def test_upgrade_is_idempotent(database):
    assert database.upgrade() == (head_revision(), head_revision())


def test_a_report_is_stored_as_text(database):
    store = ReportStore(database)
    number = store.add("They take our jobs\r\nat the factory", "es", heard_where="work",
                       contact_email="ana@example.org", today=dt.date(2026, 3, 2))
    report = store.get(number)
    assert report.text == "They take our jobs\nat the factory"
    assert (report.lang, report.heard_where, report.status) == ("es", "work", "new")
    assert report.received_on == dt.date(2026, 3, 2)
    assert report.contact_until == dt.date(2026, 3, 2) + dt.timedelta(days=CONTACT_DAYS)


def test_hostile_text_is_kept_as_text_without_control_characters(database):
    store = ReportStore(database)
    report = store.get(store.add(HOSTILE, "ar"))
    assert "<script>alert('x')</script>" in report.text  # stored verbatim, escaped on output
    assert "\u202e" in report.text and "\u2067" in report.text and "\u200f" in report.text
    assert not any(c in report.text for c in "\x00\x1b\x07")


@pytest.mark.parametrize("text", ["", "   \n\t ", "x" * 1001, "\x00" * 5])
def test_empty_or_oversized_reports_are_refused(database, text):
    with pytest.raises(InvalidReport):
        ReportStore(database).add(text, "en")
    assert ReportStore(database).list(status=None) == []


def test_the_database_refuses_oversized_text_itself(database):
    """A check constraint backs the application's limit."""
    with pytest.raises(Exception), database.engine.begin() as connection:  # noqa: B017
        connection.execute(text(
            "INSERT INTO reports (text, lang, received_on, status, note) "
            "VALUES (:t, 'en', '2026-01-01', 'new', '')"), {"t": "y" * 1001})


def test_list_filters_and_orders_newest_first(database):
    store = ReportStore(database)
    ids = [store.add(f"rumour {n}", lang) for n, lang in enumerate(["en", "es", "en"])]
    assert [r.id for r in store.list()] == ids[::-1]
    assert [r.id for r in store.list(lang="en")] == [ids[2], ids[0]]
    assert [r.id for r in store.list(limit=1, offset=1)] == [ids[1]]
    assert [r.id for r in store.iter_all()] == ids


def test_triage_rules(database):
    store = ReportStore(database)
    first, second = store.add("one", "en"), store.add("two", "en")
    with pytest.raises(InvalidReport, match="which entry"):
        store.triage(first, "answered", by="ana")
    with pytest.raises(InvalidReport, match="duplicates"):
        store.triage(first, "duplicate", by="ana")
    with pytest.raises(InvalidReport, match="itself"):
        store.triage(first, "duplicate", by="ana", duplicate_of=first)
    with pytest.raises(InvalidReport, match="no report 999"):
        store.triage(first, "duplicate", by="ana", duplicate_of=999)
    with pytest.raises(InvalidReport, match="unknown status"):
        store.triage(first, "deleted", by="ana")
    done = store.triage(second, "duplicate", by="ana", duplicate_of=first, note="same as #1")
    assert (done.status, done.duplicate_of, done.triaged_by, done.note) == (
        "duplicate", first, "ana", "same as #1")
    done = store.triage(first, "answered", by="bo", rumour_id="take-our-jobs")
    assert (done.status, done.rumour_id) == ("answered", "take-our-jobs")
    assert store.count_by_status()["answered"] == 1
    assert store.count_by_status()["new"] == 0


def test_purge_deletes_what_is_past_retention(database):
    store, counts = ReportStore(database), SearchCounts(database)
    today = dt.date(2026, 6, 1)
    old = store.add("old", "en", today=today - dt.timedelta(days=800))
    kept = store.add("recent", "en", contact_email="a@example.org",
                     today=today - dt.timedelta(days=CONTACT_DAYS + 1))
    store.triage(kept, "duplicate", by="ana", duplicate_of=old)
    counts.add({("ancient", "en", today - dt.timedelta(days=181)): 3,
                ("fresh", "en", today - dt.timedelta(days=10)): 2})
    result = store.purge(today=today)
    assert (result.searches, result.contacts, result.reports) == (1, 1, 1)
    assert store.get(old) is None
    survivor = store.get(kept)
    assert survivor.contact_email is None and survivor.duplicate_of is None
    assert counts.top(today - dt.timedelta(days=10)) == {"en": [("fresh", 2)]}


def test_search_counts_add_up_per_query_language_and_day(database):
    counts = SearchCounts(database)
    monday = dt.date(2026, 3, 2)
    counts.add({("they eat pets", "en", monday): 2, ("se comen", "es", monday): 1})
    counts.add({("they eat pets", "en", monday): 3,
                ("they eat pets", "en", monday + dt.timedelta(days=2)): 1,
                ("free houses", "en", monday + dt.timedelta(days=6)): 1,
                ("next week", "en", monday + dt.timedelta(days=7)): 9})
    assert counts.top(monday + dt.timedelta(days=3)) == {
        "en": [("they eat pets", 6), ("free houses", 1)], "es": [("se comen", 1)]}
    assert counts.top(monday, limit=1)["en"] == [("they eat pets", 6)]


def test_weekly_totals(database):
    store, counts = ReportStore(database), SearchCounts(database)
    today = dt.date(2026, 3, 11)  # a Wednesday
    store.add("a", "en", today=today)
    store.add("b", "en", today=today - dt.timedelta(days=7))
    counts.add({("x", "en", today): 4, ("y", "fr", today - dt.timedelta(days=1)): 1,
                ("z", "en", today - dt.timedelta(days=30)): 5})
    weeks = counts.weekly(3, today=today)
    assert [w for w, _r, _s in weeks] == [week_start(today) - dt.timedelta(weeks=n)
                                          for n in (2, 1, 0)]
    assert [(r, s) for _w, r, s in weeks] == [(0, 0), (1, 0), (1, 5)]


def test_concurrent_count_writers_lose_nothing(database):
    counts = SearchCounts(database)
    day = dt.date(2026, 3, 2)

    def write():
        for _ in range(10):
            counts.add({("same query", "en", day): 1})

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts.top(day) == {"en": [("same query", 40)]}


def test_accounts(database):
    accounts = Accounts(database)
    accounts.add("ana", "a long enough password")
    with pytest.raises(AccountError, match="already"):
        accounts.add("ana", "another long password")
    with pytest.raises(AccountError, match="at least 12"):
        accounts.add("bo", "short")
    with pytest.raises(AccountError, match="a name has"):
        accounts.add("bad name!", "a long enough password")
    assert accounts.verify("ana", "wrong password!!", "secret") is None
    assert accounts.verify("nobody", "a long enough password", "secret") is None
    account = accounts.verify("ana", "a long enough password", "secret")
    assert account.name == "ana"
    assert accounts.current("ana", account.key, "secret") == account
    accounts.add("ana", "a brand new password", replace=True)
    assert accounts.current("ana", account.key, "secret") is None  # old sessions end
    with database.session() as session:
        stored = session.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert "a brand new password" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    assert accounts.names() == ["ana"]
    assert accounts.remove("ana") and accounts.names() == []


def test_unreachable_postgresql_is_storage_unavailable():
    db = Database("postgresql://nobody@127.0.0.1:9/nothing")  # port 9: nothing listens
    with pytest.raises(StorageUnavailable):
        ReportStore(db).add("text", "en")


def test_unwritable_sqlite_is_storage_unavailable(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    db = Database(f"sqlite:///{tmp_path / 'a-file' / 'r.db'}")
    with pytest.raises(StorageUnavailable):
        ReportStore(db).add("text", "en")
    with pytest.raises(StorageUnavailable):
        SearchCounts(db).add({("q", "en", dt.date.today()): 1})


def test_postgresql_schema_is_only_changed_by_upgrade(postgres_server):
    """An app server never migrates PostgreSQL on its own: it says to run the upgrade."""
    db = Database(postgres_server.new_database())
    with pytest.raises(StorageUnavailable, match="rumours db upgrade"):
        ReportStore(db).add("text", "en")
    db.upgrade()
    fresh = Database(db.url)
    assert ReportStore(fresh).add("text", "en") == 1
    db.dispose()
    fresh.dispose()
