"""The report form at /<lang>/report (rumours/reports/public.py): what a resident can send,
what is refused, and what is kept when something goes wrong."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import yaml
from content_fixtures import BUNDLED_CONTENT

from rumours import create_app
from rumours.publishing.export import build_site
from rumours.reports import reports
from rumours.reports.store import CONTACT_DAYS, REPORT_DAYS, SEARCH_DAYS

LANGUAGES = ["en", "es", "ca", "fr", "ar", "ht"]
CLIENT = {"REMOTE_ADDR": "203.0.113.77"}
UNREACHABLE = "postgresql://nobody@127.0.0.1:9/nothing"  # nothing listens on port 9


def csrf_token(client, url: str = "/en/report") -> str:
    page = client.get(url, environ_base=CLIENT).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def send(client, lang: str = "en", **fields):
    data = {"csrf_token": csrf_token(client, f"/{lang}/report"), "text": "They get free flats",
            **fields}
    return client.post(f"/{lang}/report", data=data, environ_base=CLIENT)


def stored(app) -> list:
    with app.app_context():
        return reports().store.list(status=None)


def main_text(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<main"):html.index("</main>")]


@pytest.fixture
def reports_app(database_url, content_dir, tmp_path):
    """The app on SQLite, then on a real PostgreSQL server."""
    return create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                       "INSTANCE_DIR": tmp_path / "instance", "DATABASE_URL": database_url})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_form_is_there_in_every_language_and_never_cached(client, lang):
    response = client.get(f"/{lang}/report")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in html
    for name in ("text", "heard_where", "contact_email", "contact_consent", "csrf_token"):
        assert f'name="{name}"' in html
    assert re.search(r'<textarea id="report-text" name="text"[^>]*maxlength="1000"[^>]*required',
                     html)
    assert html.count('type="radio"') == 6
    assert '<form class="report-form" method="post"' in html  # no JavaScript needed


def test_the_form_is_prefilled_from_the_search(client):
    html = main_text(client.get("/fr/report?q=<b>ils+mangent</b>+les+chats"))
    assert "&lt;b&gt;ils mangent&lt;/b&gt; les chats</textarea>" in html


def test_a_report_is_committed_before_thank_you(reports_app):
    client = reports_app.test_client()
    response = send(client, "es", text="Dicen que les dan pisos gratis", heard_where="street")
    assert response.status_code == 303
    assert response.headers["Location"] == "/es/report/sent"
    (report,) = stored(reports_app)  # committed before the thank-you page is even asked for
    assert (report.text, report.lang, report.heard_where, report.status) == (
        "Dicen que les dan pisos gratis", "es", "street", "new")
    assert report.contact_email is None
    thanks = client.get("/es/report/sent")
    assert thanks.status_code == 200 and thanks.headers["Cache-Control"] == "no-store"
    assert f"{report.id}" in main_text(thanks)
    # The thank-you page is shown once, and never without a report behind it.
    again = client.get("/es/report/sent")
    assert again.status_code == 303 and again.headers["Location"] == "/es/report"


def test_thank_you_is_never_shown_without_a_report(client):
    response = client.get("/en/report/sent")
    assert response.status_code == 303


def test_no_address_cookie_or_browser_is_stored(app, tmp_path):
    client = app.test_client()
    send(client, text="They jump the queue at the doctor",
         headers={"User-Agent": "DistinctiveBrowser/9.9"})
    client.post("/en/report", data={"csrf_token": csrf_token(client), "text": "again"},
                environ_base=CLIENT, headers={"User-Agent": "DistinctiveBrowser/9.9"})
    assert len(stored(app)) == 2
    with app.app_context():
        reports().database.dispose()
    files = list((tmp_path / "instance").glob("rumours.db*"))
    data = b"".join(f.read_bytes() for f in files)
    assert b"They jump the queue" in data
    for trace in (b"203.0.113.77", b"DistinctiveBrowser", b"session"):
        assert trace not in data
    columns = {row[1] for row in sqlite3.connect(tmp_path / "instance" / "rumours.db")
               .execute("PRAGMA table_info(reports)")}
    assert not columns & {"ip", "address", "user_agent", "created_at", "cookie"}


def test_without_a_csrf_token_nothing_is_stored_and_the_text_stays(client, app):
    response = client.post("/en/report", data={"text": "They bring crime"},
                           environ_base=CLIENT)
    assert response.status_code == 400
    assert "They bring crime</textarea>" in main_text(response)
    assert 'role="alert"' in main_text(response)
    assert stored(app) == []


def test_the_honeypot_catches_robots(client, app):
    response = send(client, text="Buy cheap pills", website="http://spam.example")
    assert response.status_code == 400
    assert "Buy cheap pills</textarea>" in main_text(response)
    assert stored(app) == []


@pytest.mark.parametrize("length", [1001, 10_000])
def test_too_long_is_refused_with_the_text_kept(client, app, length):
    text = ("abcdefghi " * length)[:length - 1] + "z"
    response = send(client, text=text)
    assert response.status_code == 400
    page = main_text(response)
    assert 'aria-invalid="true"' in page and "1,000" in page
    assert text.strip() in page
    assert stored(app) == []


def test_line_breaks_count_once(client, app):
    """Browsers send a textarea's line breaks as CR LF; the limit counts what is stored."""
    text = "\r\n".join(["y" * 99] * 10)  # 990 characters plus nine line breaks
    assert send(client, text=text).status_code == 303
    assert len(stored(app)[0].text) == 999


def test_blank_text_is_refused(client, app):
    assert send(client, text=" \n\t ").status_code == 400
    assert stored(app) == []


def test_an_email_is_kept_only_with_consent(client, app):
    refused = send(client, text="No consent", contact_email="ana@example.org")
    assert refused.status_code == 400
    assert "ana@example.org" in main_text(refused) and "No consent" in main_text(refused)
    assert stored(app) == []
    assert send(client, text="Bad address", contact_email="not an address",
                contact_consent="y").status_code == 400
    assert send(client, text="With consent", contact_email="ana@example.org",
                contact_consent="y").status_code == 303
    assert send(client, text="Consent, no address", contact_consent="y").status_code == 303
    by_text = {r.text: r for r in stored(app)}
    assert by_text["With consent"].contact_email == "ana@example.org"
    assert (by_text["With consent"].contact_until - by_text["With consent"].received_on
            ).days == CONTACT_DAYS
    assert by_text["Consent, no address"].contact_email is None


def test_an_unknown_place_is_refused(client, app):
    assert send(client, heard_where="the moon").status_code == 400
    assert stored(app) == []


def test_reports_are_rate_limited_per_client(content_dir, tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance", "RATELIMIT_ENABLED": True,
                      "REPORT_RATE_LIMIT": "2 per minute"})
    client = app.test_client()
    assert [send(client, text=f"rumour {n}").status_code for n in range(2)] == [303, 303]
    limited = send(client, text="the third one")
    assert limited.status_code == 429
    assert "the third one</textarea>" in main_text(limited)
    other = app.test_client()
    token = csrf_token(other)
    assert other.post("/en/report", data={"csrf_token": token, "text": "someone else"},
                      environ_base={"REMOTE_ADDR": "198.51.100.2"}).status_code == 303
    assert len(stored(app)) == 3


def test_a_huge_body_is_refused_before_it_is_read(client, app):
    response = client.post("/en/report", data={"text": "z" * 400_000}, environ_base=CLIENT)
    assert response.status_code == 413
    assert stored(app) == []


def test_with_the_database_down_the_form_says_so_and_keeps_the_text(content_dir, tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance", "DATABASE_URL": UNREACHABLE})
    client = app.test_client()
    assert client.get("/en/report").status_code == 200
    response = send(client, text="Nobody checks their papers")
    assert response.status_code == 503
    page = main_text(response)
    assert "Nobody checks their papers</textarea>" in page
    assert 'role="alert"' in page and "database" in page
    assert "Thank you" not in page
    # The rest of the site does not need the database.
    for url in ("/en/", "/en/rumours/take-our-jobs", "/en/search?q=jobs",
                "/en/search?q=nothing+like+this", "/api/search?q=zzz&lang=en"):
        assert client.get(url).status_code == 200, url


def test_a_report_survives_the_app(reports_app, database_url):
    """Once "thank you" is shown, the report is in the database for any other process."""
    from rumours.reports.database import Database
    from rumours.reports.store import ReportStore

    assert send(reports_app.test_client(), text="Durable").status_code == 303
    other_process_view = Database(database_url)
    assert [r.text for r in ReportStore(other_process_view).list()] == ["Durable"]
    other_process_view.dispose()


@pytest.mark.parametrize("url", ["/en/", "/en/rumours/", "/en/rumours/take-our-jobs",
                                 "/en/pages/about", "/en/search"])
def test_every_page_links_the_form_in_its_footer(client, url):
    footer = client.get(url).get_data(as_text=True).split('<footer class="site-footer">')[1]
    assert 'href="/en/report"' in footer


def test_the_home_page_links_the_form(client):
    assert 'href="/es/report"' in main_text(client.get("/es/"))


def test_a_search_without_answer_offers_the_form_with_the_query(client):
    page = main_text(client.get("/en/search?q=the+moon+is+made+of+cheese"))
    assert 'href="/en/report?q=the+moon+is+made+of+cheese"' in page
    answered = main_text(client.get("/en/search?q=they+take+our+jobs"))
    assert "/en/report" not in answered


# ------------------------------------------------------------------------------ privacy page

@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_privacy_page_says_what_is_kept_and_for_how_long(lang):
    name = "privacy.md" if lang == "en" else f"privacy.{lang}.md"
    text = (BUNDLED_CONTENT / "pages" / name).read_text(encoding="utf-8")
    for figure in (str(SEARCH_DAYS), str(CONTACT_DAYS)):
        assert figure in text, (lang, figure)
    assert "IP" in text and "../report" in text
    if lang != "en":
        assert re.search(r"^status: draft$", text, re.M)
        assert re.search(r"^source_fingerprint: [0-9a-f]+$", text, re.M)


def test_the_privacy_page_states_the_retention_the_code_applies():
    text = (BUNDLED_CONTENT / "pages" / "privacy.md").read_text(encoding="utf-8")
    assert f"{SEARCH_DAYS} days" in text and f"after {CONTACT_DAYS} days" in text
    assert REPORT_DAYS == 730 and "two years" in text


def test_the_form_links_the_privacy_page(bundled_client):
    page = main_text(bundled_client.get("/ar/report"))
    assert 'href="/ar/pages/privacy"' in page


# ------------------------------------------------------------------------------ static export

def _set_site(content_dir: Path, **values) -> None:
    site = yaml.safe_load((content_dir / "site.yml").read_text(encoding="utf-8"))
    site.update(values)
    (content_dir / "site.yml").write_text(yaml.safe_dump(site, allow_unicode=True),
                                          encoding="utf-8")


def test_the_export_without_report_url_says_the_copy_cannot_send_reports(content_dir,
                                                                         tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance"})
    said: list[str] = []
    report = build_site(app, tmp_path / "out", log=said.append)
    assert report.broken == []
    page = (tmp_path / "out" / "en" / "report" / "index.html").read_text(encoding="utf-8")
    assert "<form" not in page.split("<main", 1)[1].split("</main>")[0]
    assert "cannot send reports" in page
    assert any("report form: left out" in line for line in said)
    assert not (tmp_path / "out" / "admin").exists()


def test_the_export_points_the_form_at_the_live_site(content_dir, tmp_path):
    _set_site(content_dir, report_url="https://city.example.org/{lang}/report")
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance"})
    said: list[str] = []
    build_site(app, tmp_path / "out", log=said.append)
    home = (tmp_path / "out" / "ca" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://city.example.org/ca/report"' in home
    assert not (tmp_path / "out" / "ca" / "report").exists()
    assert any("https://city.example.org/{lang}/report" in line for line in said)
