"""`rumours db`, `rumours users`, `rumours reports` and `rumours new --from-report`
(rumours/reports/commands.py), on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from rumours.cli import main
from rumours.reports.accounts import Accounts
from rumours.reports.database import Database, head_revision
from rumours.reports.search_counts import SearchCounts
from rumours.reports.store import ReportStore

HOSTILE = "<b>bold</b> \u202egnirts\u202c =SUM(A1)"


@pytest.fixture
def env(database_url, content_dir, tmp_path) -> dict:
    return {"RUMOURS_CONTENT": str(content_dir), "RUMOURS_INSTANCE": str(tmp_path / "instance"),
            "RUMOURS_DATABASE_URL": database_url}


@pytest.fixture
def store(database_url):
    database = Database(database_url)
    yield ReportStore(database)
    database.dispose()


def run(env: dict, *args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), env=env, input=stdin)


def test_db_upgrade_makes_the_default_sqlite_database(content_dir, tmp_path):
    env = {"RUMOURS_CONTENT": str(content_dir), "RUMOURS_INSTANCE": str(tmp_path / "inst"),
           "RUMOURS_DATABASE_URL": ""}
    first = run(env, "db", "upgrade")
    assert first.exit_code == 0, first.output
    assert f"revision {head_revision()} (upgraded from nothing)" in first.output
    assert (tmp_path / "inst" / "rumours.db").is_file()
    again = run(env, "db", "upgrade")
    assert "(up to date)" in again.output


def test_db_upgrade_says_when_the_server_is_unreachable(content_dir, tmp_path):
    result = run({"RUMOURS_CONTENT": str(content_dir), "RUMOURS_INSTANCE": str(tmp_path),
                  "RUMOURS_DATABASE_URL": "postgresql://bob:hunter2@127.0.0.1:9/x"},
                 "db", "upgrade")
    assert result.exit_code == 1
    assert "cannot upgrade postgresql+psycopg://bob:***@127.0.0.1:9/x" in result.output
    assert "hunter2" not in result.output


def test_users_add_asks_for_the_password_twice_and_hashes_it(env, database_url):
    result = run(env, "users", "add", "ana", stdin="a long enough password\n"
                                                    "a long enough password\n")
    assert result.exit_code == 0, result.output
    assert "a long enough password" not in result.output
    database = Database(database_url)
    assert Accounts(database).verify("ana", "a long enough password", "k") is not None
    assert run(env, "users", "add", "ana", stdin="another password!\nanother password!\n"
               ).exit_code == 1
    assert run(env, "users", "add", "ana", "--replace", "--password-stdin",
               stdin="another password!\n").exit_code == 0
    assert Accounts(database).verify("ana", "another password!", "k") is not None
    short = run(env, "users", "add", "bo", "--password-stdin", stdin="short\n")
    assert short.exit_code == 1 and "at least 12" in short.output
    assert run(env, "users", "list").output.split() == ["ana"]
    assert run(env, "users", "remove", "ana").exit_code == 0
    assert run(env, "users", "remove", "ana").exit_code == 1
    database.dispose()


def test_reports_list_show_and_json(env, store):
    first = store.add("They take our jobs", "es", heard_where="work")
    second = store.add(HOSTILE, "ar")
    listed = run(env, "reports", "list")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0].startswith(f"#{second}") and lines[1].startswith(f"#{first}")
    assert "\u202e" not in listed.output and "<U+202E>" in listed.output
    data = json.loads(run(env, "reports", "list", "--json").output)
    assert [r["id"] for r in data["reports"]] == [second, first]
    assert data["reports"][0]["text"] == HOSTILE  # JSON carries the text exactly
    assert run(env, "reports", "list", "--lang", "es", "--json").output.count('"id"') == 1
    shown = run(env, "reports", "show", str(first))
    assert "heard_where:   work" in shown.output and "They take our jobs" in shown.output
    assert json.loads(run(env, "reports", "show", str(first), "--json").output)["lang"] == "es"
    assert run(env, "reports", "show", "999").exit_code == 1


def test_reports_triage(env, store):
    first, second = store.add("one", "en"), store.add("two", "en")
    result = run(env, "reports", "triage", str(first), "answered", "--rumour", "take-our-jobs",
                 "--note", "answered already", "--by", "ana")
    assert result.exit_code == 0, result.output
    assert "answered (take-our-jobs)" in result.output
    assert run(env, "reports", "triage", str(second), "answered", "--rumour", "no-such"
               ).exit_code == 1
    assert run(env, "reports", "triage", str(second), "duplicate").exit_code == 1
    assert run(env, "reports", "triage", str(second), "duplicate", "--duplicate-of",
               str(first)).exit_code == 0
    assert run(env, "reports", "triage", str(second), "archived").exit_code == 2
    assert store.get(first).note == "answered already"
    assert store.get(second).duplicate_of == first
    listed = json.loads(run(env, "reports", "list", "--status", "all", "--json").output)
    assert {r["status"] for r in listed["reports"]} == {"answered", "duplicate"}


def test_reports_export(env, store, tmp_path):
    store.add(HOSTILE, "ar")
    store.add("plain", "en")
    rows = list(csv.DictReader(io.StringIO(run(env, "reports", "export", "--csv").output)))
    assert [r["text"] for r in rows] == [HOSTILE, "plain"]
    data = json.loads(run(env, "reports", "export", "--json").output)
    assert [r["lang"] for r in data["reports"]] == ["ar", "en"]
    target = tmp_path / "out.csv"
    assert run(env, "reports", "export", "--csv", "-o", str(target)).exit_code == 0
    assert target.read_bytes().count(b"\r\n") == 3


def test_reports_searches_and_purge(env, database_url):
    database = Database(database_url)
    counts = SearchCounts(database)
    today = dt.date.today()
    counts.add({("they eat swans", "fr", today): 4, ("old", "en", today - dt.timedelta(400)): 1})
    listed = json.loads(run(env, "reports", "searches", "--json").output)
    assert listed["languages"] == {"fr": [{"query": "they eat swans", "count": 4}]}
    assert "4  they eat swans" in run(env, "reports", "searches").output
    purged = run(env, "reports", "purge")
    assert purged.exit_code == 0, purged.output
    assert "Deleted 1 search counts older than 180 days" in purged.output
    assert "Deleted 0 search counts older than 1 days" in run(
        env, "reports", "purge", "--days", "1").output  # today's counts stay
    assert counts.top(today) == {"fr": [("they eat swans", 4)]}
    database.dispose()


def test_new_from_report_scaffolds_an_entry_in_the_reports_language(env, store, content_dir):
    number = store.add("They get free houses\nfrom the council", "en")
    result = run(env, "new", "--from-report", str(number))
    assert result.exit_code == 0, result.output
    path = content_dir / "rumours" / "they-get-free-houses-from-the-council.md"
    front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    assert front["claim"] == "They get free houses from the council"
    assert front["aliases"] == {"en": ["They get free houses from the council"]}
    assert front["draft"] is True
    assert store.get(number).status == "needs-entry"


def test_new_from_a_report_in_another_language(env, store):
    number = store.add("يأخذون كل المساعدات", "ar")
    result = run(env, "new", "--from-report", str(number))
    assert result.exit_code == 0, result.output
    written = result.output.split("Wrote ", 1)[1].split(". Fill it in")[0]
    text = Path(written).read_text(encoding="utf-8")
    assert "# reported in ar: write the claim in en" in text
    front = yaml.safe_load(text.split("---")[1])
    assert front["aliases"] == {"ar": ["يأخذون كل المساعدات"]}
    assert run(env, "new", "--from-report", "999").exit_code == 1
    assert run(env, "new").exit_code == 2


def test_serve_upgrades_first_and_serves_even_when_the_database_is_down(tmp_path, monkeypatch,
                                                                        capsys):
    from rumours.reports.commands import upgrade_or_warn

    monkeypatch.setenv("RUMOURS_INSTANCE", str(tmp_path / "inst"))
    monkeypatch.setenv("RUMOURS_DATABASE_URL", "")
    upgrade_or_warn()
    assert Database(f"sqlite:///{tmp_path / 'inst' / 'rumours.db'}").current_revision() == \
        head_revision()
    monkeypatch.setenv("RUMOURS_DATABASE_URL", "postgresql://nobody@127.0.0.1:9/x")
    upgrade_or_warn()  # never raises: pages and search need no database
    assert "could not upgrade the reports database" in capsys.readouterr().err


def test_the_commands_and_settings_are_documented():
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    guide = (root / "docs" / "reports.md").read_text(encoding="utf-8")
    for text in ("rumours db upgrade", "rumours users add NAME", "rumours reports list",
                 "new --from-report N", "RUMOURS_DATABASE_URL", "RUMOURS_PROXY_HOPS",
                 "RUMOURS_SECRET_KEY", "docs/reports.md"):
        assert text in readme, text
    for command in ("list", "show", "triage", "export", "searches", "purge"):
        assert f"rumours reports {command}" in guide, command
    fields = (root / "docs" / "content-format.md").read_text(encoding="utf-8")
    assert "report_url" in fields and "record_unanswered_searches" in fields
    assert "rumours db upgrade" in (root / "Makefile").read_text(encoding="utf-8")
