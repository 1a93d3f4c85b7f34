"""The report form and the inbox in a real Chromium: no JavaScript needed, axe-core clean,
usable on a 360 x 640 phone, in English and Arabic."""

from __future__ import annotations

import json
import re

import pytest
from content_fixtures import BUNDLED_CONTENT
from live_browser import AXE, LiveServer, shot

from rumours import create_app
from rumours.reports import reports

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"
AXE_TAGS = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']"


@pytest.fixture(scope="module")
def reports_server(tmp_path_factory):
    """The bundled library with an inbox account and one hostile report."""
    root = tmp_path_factory.mktemp("reports-browser")
    app = create_app({"CONTENT_DIR": BUNDLED_CONTENT, "INSTANCE_DIR": root / "instance",
                      "SECRET_KEY": "browser-test-secret-key", "PRERENDER": False})
    with app.app_context():
        reports().accounts.add("ana", PASSWORD)
        reports().store.add("<script>alert(1)</script> Dicen que \u202eno pagan\u202c nada",
                            "es", heard_where="messaging-app")
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def phone(browser):
    """A 360 x 640 phone without JavaScript; axe is injected past the site's CSP."""
    context = browser.new_context(viewport={"width": 360, "height": 640},
                                  java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def axe_page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 640}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        f"async () => await axe.run(document, {{runOnly: {{type: 'tag', values: {AXE_TAGS}}}}})")
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def sign_in(page, server) -> None:
    page.goto(server.url + "/admin/")
    page.get_by_label("Name").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url + "/admin/")


def test_a_resident_reports_a_rumour_without_javascript(phone, reports_server):
    phone.goto(reports_server.url + "/fr/search?q=la+lune+est+en+fromage+du+parc")
    phone.get_by_role("link", name=re.compile("Signalez-nous cette rumeur")).click()
    phone.wait_for_url(re.compile(r"/fr/report\?q="))
    text = phone.get_by_label("Qu'avez-vous entendu ?")
    assert text.input_value() == "la lune est en fromage du parc"
    text.fill("La lune est en fromage, je l'ai lu sur un groupe du quartier")
    phone.get_by_label("Dans une messagerie (WhatsApp, Telegram…)").check()
    assert no_sideways_scroll(phone)
    shot(phone, "report-1-form-fr")
    phone.get_by_role("button", name="Envoyer à l'équipe anti-rumeurs").click()
    phone.wait_for_url(re.compile(r"/fr/report/sent$"))
    assert phone.locator("h1").inner_text() == "Merci"
    shot(phone, "report-2-thanks-fr")
    with reports_server.server.app.app_context():
        latest = reports().store.list()[0]
    assert latest.text.startswith("La lune est en fromage") and latest.lang == "fr"
    assert latest.heard_where == "messaging-app"


def test_a_refused_report_keeps_the_text_and_says_why(phone, reports_server):
    phone.goto(reports_server.url + "/ar/report")
    phone.locator("#report-text").fill("يقولون إنهم لا يدفعون الضرائب")
    phone.locator("#report-email").fill("reader@example.org")  # without ticking consent
    phone.get_by_role("button").filter(has_text="أرسل").click()
    assert phone.locator("#report-text").input_value() == "يقولون إنهم لا يدفعون الضرائب"
    assert phone.locator("[role=alert]").count() == 1
    assert phone.locator("#report-email").get_attribute("aria-invalid") == "true"
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert no_sideways_scroll(phone)
    shot(phone, "report-3-refused-ar")


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("url", ["/{lang}/report", "/{lang}/report?q=free+flats",
                                 "/{lang}/search?q=the+moon+is+made+of+cheese", "/{lang}/pages/privacy"])
def test_report_pages_have_no_wcag_violations(axe_page, reports_server, url, lang):
    response = axe_page.goto(reports_server.url + url.format(lang=lang))
    assert response.status == 200
    violations = axe_violations(axe_page)
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)


def test_the_form_with_errors_has_no_wcag_violations(axe_page, reports_server):
    axe_page.goto(reports_server.url + "/en/report")
    axe_page.locator("#report-text").fill("Something")
    axe_page.locator("#report-email").fill("reader@example.org")  # consent not ticked
    axe_page.get_by_role("button", name="Send to the anti-rumour team").click()
    axe_page.wait_for_selector("[role=alert]")
    violations = axe_violations(axe_page)
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)


def test_the_inbox_works_without_javascript_and_has_no_wcag_violations(browser, reports_server):
    context = browser.new_context(viewport={"width": 360, "height": 640}, bypass_csp=True,
                                  extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    try:
        page.goto(reports_server.url + "/admin/login")
        assert axe_violations(page) == []
        sign_in(page, reports_server)
        assert page.locator("svg.weekly-chart").count() == 1
        preview = page.locator(".report-preview", has_text="Dicen que").inner_text()
        assert "<script>alert(1)</script>" in preview and "U+202E" in preview
        shot(page, "inbox-1")
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)
        page.get_by_role("link", name=re.compile(r"Report \d+")).first.click()
        page.wait_for_url(re.compile(r"/admin/reports/\d+$"))
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)
        page.get_by_label("Rejected").check()
        page.get_by_label("Note for the team").fill("not about migrants")
        page.get_by_role("button", name="Save the decision").click()
        page.wait_for_url(reports_server.url + "/admin/")
        assert "Rejected" in page.locator("[role=status]").inner_text()
        shot(page, "inbox-2-after-triage")
    finally:
        context.close()
