"""The comms team's inbox at /admin/ (rumours/reports/admin.py, chart.py, exports.py)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from rumours import create_app
from rumours.reports import reports
from rumours.reports.chart import scale_top, weekly_chart
from rumours.reports.exports import spreadsheet_safe

PASSWORD = "a long enough password"
HOSTILE = ("<script>alert('x')</script><img src=x onerror=alert(1)> "
           "\u202eevil\u202c \u2067isolated\u2069 & \"quotes\"")
UNREACHABLE = "postgresql://nobody@127.0.0.1:9/nothing"


def token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, name: str = "ana", password: str = PASSWORD, next_url: str = "/admin/"):
    page = client.get("/admin/login").get_data(as_text=True)
    return client.post(f"/admin/login?next={next_url}",
                       data={"csrf_token": token(page), "name": name, "password": password})


def add_account(app, name: str = "ana", password: str = PASSWORD) -> None:
    with app.app_context():
        reports().accounts.add(name, password)


def add_report(app, text: str = "They get free flats", lang: str = "en") -> int:
    with app.app_context():
        return reports().store.add(text, lang, heard_where="social-media")


@pytest.fixture
def inbox_app(database_url, content_dir, tmp_path):
    """The app on SQLite, then on a real PostgreSQL server, with one account."""
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance", "DATABASE_URL": database_url})
    add_account(app)
    return app


@pytest.fixture
def signed_in(app):
    add_account(app)
    client = app.test_client()
    assert sign_in(client).status_code == 303
    return client


def test_the_inbox_needs_signing_in(client):
    response = client.get("/admin/reports/1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=/admin/reports/1"
    login = client.get("/admin/login")
    assert login.status_code == 200
    assert login.headers["Cache-Control"] == "no-store"
    assert "noindex" in login.headers["X-Robots-Tag"]
    assert 'autocomplete="current-password"' in login.get_data(as_text=True)


def test_sign_in_and_out(inbox_app):
    client = inbox_app.test_client()
    wrong = sign_in(client, password="not the password")
    assert wrong.status_code == 400 and "do not match" in wrong.get_data(as_text=True)
    assert sign_in(client, name="nobody").status_code == 400
    right = sign_in(client, next_url="/admin/?status=all")
    assert right.status_code == 303 and right.headers["Location"] == "/admin/?status=all"
    inbox = client.get("/admin/")
    assert inbox.status_code == 200 and inbox.headers["Cache-Control"] == "no-store"
    assert "ana" in inbox.get_data(as_text=True)
    assert client.get("/admin/logout").status_code == 405  # signing out is a POST
    client.post("/admin/logout", data={"csrf_token": token(inbox.get_data(as_text=True))})
    assert client.get("/admin/").status_code == 302


def test_sign_in_only_goes_on_inside_the_inbox(app):
    add_account(app)
    for target in ("//evil.example/", "https://evil.example/", "/en/"):
        response = sign_in(app.test_client(), next_url=target)
        assert response.headers["Location"] == "/admin/", target


def test_a_session_ends_when_the_password_changes_or_the_account_goes(app, signed_in):
    assert signed_in.get("/admin/").status_code == 200
    with app.app_context():
        reports().accounts.add("ana", "another long password", replace=True)
    assert signed_in.get("/admin/").status_code == 302


def test_sign_in_is_rate_limited(content_dir, tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance", "RATELIMIT_ENABLED": True,
                      "LOGIN_RATE_LIMIT": "3 per minute"})
    add_account(app)
    client = app.test_client()
    assert [sign_in(client, password="guess " * 3).status_code for _ in range(3)] == [400] * 3
    assert sign_in(client).status_code == 429  # even the right password waits now


def test_guessing_one_account_from_many_addresses_is_limited(content_dir, tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance", "RATELIMIT_ENABLED": True,
                      "LOGIN_NAME_RATE_LIMIT": "2 per hour"})
    add_account(app)
    statuses = []
    for n in range(3):
        client = app.test_client()
        page = client.get("/admin/login").get_data(as_text=True)
        statuses.append(client.post("/admin/login", data={
            "csrf_token": token(page), "name": "ana", "password": "guess guess guess"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code)
    assert statuses == [400, 400, 429]


def test_without_a_secret_key_the_inbox_stays_closed(content_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("RUMOURS_SECRET_KEY", raising=False)
    app = create_app({"CONTENT_DIR": content_dir, "INSTANCE_DIR": tmp_path / "instance"})
    response = app.test_client().get("/admin/login")
    assert response.status_code == 503
    assert "RUMOURS_SECRET_KEY" in response.get_data(as_text=True)
    monkeypatch.setenv("RUMOURS_SECRET_KEY", "a real secret for this server")
    app = create_app({"CONTENT_DIR": content_dir, "INSTANCE_DIR": tmp_path / "instance"})
    assert app.test_client().get("/admin/login").status_code == 200


def test_the_inbox_is_never_kept_by_the_response_cache(app, signed_in):
    for _ in range(3):
        signed_in.get("/admin/")
        app.test_client().get("/admin/login")
    assert app.wsgi_app.hits == 0


def test_the_inbox_is_left_out_of_the_sitemap_and_robots(client):
    assert "/admin" not in client.get("/sitemap.xml").get_data(as_text=True)
    assert "Disallow: /admin/" in client.get("/robots.txt").get_data(as_text=True)


def test_hostile_reports_are_shown_as_text(app, signed_in):
    number = add_report(app, HOSTILE, lang="ar")
    for url in ("/admin/", f"/admin/reports/{number}"):
        html = signed_in.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
        assert "\u202e" not in html and "\u2067" not in html  # shown, not applied
        assert '<span class="invisible-char">U+202E</span>' in html
    detail = signed_in.get(f"/admin/reports/{number}").get_data(as_text=True)
    assert re.search(r'<div class="report-text" lang="ar" dir="auto">', detail)


def test_new_reports_and_top_unanswered_searches(app, signed_in):
    add_report(app, "They get free flats", "es")
    client = app.test_client()
    for _ in range(3):
        client.get("/fr/search?q=la+lune+est+en+fromage")
    client.get("/ar/search?q=القمر+مصنوع+من+الجبن")
    client.get("/fr/search?q=autre+chose+introuvable")
    with app.app_context():
        reports().unanswered.flush()
    html = signed_in.get("/admin/").get_data(as_text=True)
    assert "They get free flats" in html
    searches = html.split('id="searches-title"')[1].split('id="weekly-title"')[0]
    french = searches.split('id="searches-fr"')[1].split("</table>")[0]
    assert re.search(r"la lune est en fromage</a></td><td>3</td>", french)
    assert french.index("la lune est en fromage") < french.index("autre chose introuvable")
    assert "القمر مصنوع من الجبن" in searches.split('id="searches-ar"')[1]
    chart = html.split('id="weekly-title"')[1]
    assert re.search(r'<svg class="weekly-chart"[^>]*role="img"', chart)
    assert "<script" not in chart and "<table" in chart


def test_bad_inbox_parameters_are_400(signed_in):
    for query in ("status=bogus", "week=last-tuesday", "page=0", "lang=xx"):
        assert signed_in.get(f"/admin/?{query}").status_code == 400, query
    assert signed_in.get("/admin/reports/999").status_code == 404


def test_triage_from_the_inbox(inbox_app):
    client = inbox_app.test_client()
    sign_in(client)
    first, second = add_report(inbox_app, "one"), add_report(inbox_app, "two")
    page = client.get(f"/admin/reports/{first}").get_data(as_text=True)
    missing = client.post(f"/admin/reports/{first}", data={
        "csrf_token": token(page), "status": "answered", "note": "see the entry"})
    assert missing.status_code == 400 and "Choose the entry" in missing.get_data(as_text=True)
    unknown = client.post(f"/admin/reports/{first}", data={
        "csrf_token": token(page), "status": "answered", "rumour_id": "no-such-entry"})
    assert unknown.status_code == 400
    saved = client.post(f"/admin/reports/{first}", data={
        "csrf_token": token(page), "status": "answered", "rumour_id": "take-our-jobs",
        "note": "already answered <b>here</b>"})
    assert saved.status_code == 303
    assert "Report 1" in client.get("/admin/").get_data(as_text=True)  # the flash message
    duplicate = client.post(f"/admin/reports/{second}", data={
        "csrf_token": token(page), "status": "duplicate", "duplicate_of": str(first)})
    assert duplicate.status_code == 303
    with inbox_app.app_context():
        one, two = reports().store.get(first), reports().store.get(second)
    assert (one.status, one.rumour_id, one.note, one.triaged_by) == (
        "answered", "take-our-jobs", "already answered <b>here</b>", "ana")
    assert (two.status, two.duplicate_of) == ("duplicate", first)
    detail = client.get(f"/admin/reports/{first}").get_data(as_text=True)
    assert "already answered &lt;b&gt;here&lt;/b&gt;" in detail
    assert 'href="/en/rumours/take-our-jobs"' in detail


def test_triage_needs_the_form_token(app, signed_in):
    number = add_report(app)
    response = signed_in.post(f"/admin/reports/{number}", data={"status": "rejected"})
    assert response.status_code == 400
    with app.app_context():
        assert reports().store.get(number).status == "new"


def test_csv_export_is_safe_in_a_spreadsheet(app, signed_in):
    add_report(app, "=HYPERLINK(\"http://evil.example\")")
    add_report(app, "plain, with \"quotes\"\nand a line break")
    response = signed_in.get("/admin/reports.csv")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0]["text"] == "'=HYPERLINK(\"http://evil.example\")"
    assert rows[1]["text"] == "plain, with \"quotes\"\nand a line break"
    assert spreadsheet_safe("-1+2") == "'-1+2" and spreadsheet_safe(None) == ""


def test_with_the_database_down_the_inbox_says_so(content_dir, tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance", "DATABASE_URL": UNREACHABLE})
    client = app.test_client()
    page = client.get("/admin/login")
    assert page.status_code == 200
    response = client.post("/admin/login", data={
        "csrf_token": token(page.get_data(as_text=True)), "name": "ana", "password": PASSWORD})
    assert response.status_code == 503
    assert "cannot be reached" in response.get_data(as_text=True)


def test_the_chart_scale_and_escaping():
    assert [scale_top(n) for n in (0, 1, 3, 7, 10, 11, 120, 999)] == [1, 1, 5, 10, 10, 20, 200,
                                                                     1000]
    import datetime as dt

    weeks = [(dt.date(2026, 3, 2) + dt.timedelta(weeks=n), n, 2 * n) for n in range(12)]
    svg = str(weekly_chart(weeks, "<Title>", "desc & more", lambda d: d.isoformat(),
                           "Reports", "Searches"))
    assert svg.count("<rect") == 2 * 12 + 2
    assert "&lt;Title&gt;" in svg and "desc &amp; more" in svg
    assert 'height="0.0"' in svg  # the empty first week


def test_the_development_secret_key_counts_as_no_key(monkeypatch):
    from rumours.config import default_config
    from rumours.reports import INSECURE_SECRET_KEYS

    monkeypatch.delenv("RUMOURS_SECRET_KEY", raising=False)
    assert default_config()["SECRET_KEY"] in INSECURE_SECRET_KEYS
