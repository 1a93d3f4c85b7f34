"""The HTML pages and the JSON library list, as a visitor and a tool see them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.smoke


def text(response) -> str:
    return response.get_data(as_text=True)


def test_root_redirects_to_a_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/")


def test_home_has_search_topics_and_latest(client):
    page = text(client.get("/en/"))
    assert '<html lang="en" dir="ltr">' in page
    assert 'role="search"' in page and '<label for="q">' in page
    assert "/en/topics/work" in page
    assert "They take our jobs" in page
    assert "Springfield set published" in page


def test_library_lists_every_published_rumour(client):
    page = text(client.get("/en/rumours/"))
    assert "They take our jobs" in page and "eating the pets" in page
    assert "A draft claim" not in page


@pytest.mark.parametrize(("query", "present", "absent"), [
    ("topic=work", "They take our jobs", "eating the pets"),
    ("place=springfield", "eating the pets", "They take our jobs"),
    ("verdict=false", "They take our jobs", "A draft claim"),
    ("verdict=unproven", "No rumour matches", "They take our jobs"),
])
def test_library_filters(client, query, present, absent):
    page = text(client.get(f"/en/rumours/?{query}"))
    assert present in page
    assert absent not in page


@pytest.mark.parametrize("query", ["topic=nope", "place=%00", "verdict=true"])
def test_unknown_filter_values_are_a_400_page(client, query):
    response = client.get(f"/en/rumours/?{query}")
    assert response.status_code == 400
    assert "could not understand" in text(response)


def test_rumour_page_shows_everything_a_rebuttal_needs(client):
    page = text(client.get("/en/rumours/take-our-jobs"))
    assert "They take our jobs" in page
    assert "verdict-false" in page and "False" in page
    assert "Research over decades" in page  # fact-first summary
    assert 'id="facts"' in page and 'id="concern"' in page and 'id="talk"' in page
    assert "National Academies of Sciences" in page
    assert 'href="https://www.nationalacademies.org/example"' in page
    assert "Evidence: A" in page
    assert "official data reported by the press" in page
    assert "October 1, 2026" in page  # last reviewed, formatted for the locale
    assert "January 10, 2026" in page


def test_topic_and_pages_and_updates(client):
    assert "They take our jobs" in text(client.get("/en/topics/work"))
    assert "published by the city" in text(client.get("/en/pages/about"))
    assert "Springfield set published" in text(client.get("/en/updates/"))
    update = text(client.get("/en/updates/springfield-set"))
    assert "We published the Springfield set" in update
    assert "/en/rumours/springfield-pets-geese" in update


@pytest.mark.parametrize("url", [
    "/en/rumours/no-such-rumour", "/en/topics/no-such-topic", "/xx/", "/xx/rumours/",
    "/en/pages/nope", "/en/updates/nope", "/en/rumours/secret-draft", "/nothing-here",
    "/en/rumours/..%2f..%2fetc%2fpasswd",
])
def test_unknown_things_are_a_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_api_rumours(client):
    data = client.get("/api/rumours?lang=es").get_json()
    jobs = next(r for r in data["rumours"] if r["id"] == "take-our-jobs")
    assert jobs["claim"] == "Nos quitan el trabajo"
    assert jobs["verdict"] == "false"
    assert jobs["languages"] == ["en", "es"]
    assert jobs["outdated"] == []
    assert jobs["sources"] == 2
    assert jobs["reviewed"] == "2026-10-01"
    assert jobs["url"] == "/es/rumours/take-our-jobs"
    assert {"id", "claim", "verdict", "topics", "places", "languages", "outdated", "sources",
            "reviewed", "url"} <= set(jobs)


def test_api_rejects_unknown_language(client):
    response = client.get("/api/rumours?lang=klingon")
    assert response.status_code == 400
    assert "error" in response.get_json()


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["rumours"] == 2


def test_security_headers_on_every_response(client):
    for url in ("/en/", "/api/rumours", "/nothing", "/static/css/site.css"):
        response = client.get(url)
        response.close()
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]
        assert headers["Permissions-Policy"]
        assert "Strict-Transport-Security" not in headers


def test_hsts_when_configured(content_dir, tmp_path):
    from rumours import create_app

    app = create_app({"TESTING": True, "HSTS": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "i"})
    assert "max-age" in app.test_client().get("/en/").headers["Strict-Transport-Security"]


def test_pages_work_without_javascript_and_load_nothing_from_outside(client):
    page = text(client.get("/en/rumours/take-our-jobs"))
    assert "<main" in page and "<nav" in page and "<header" in page and "<footer" in page
    import re

    for ref in re.findall(r'(?:src|href)="([^"]+)"', page):
        if ref.startswith(("http://", "https://")):
            # only links to sources may leave the site; no asset does
            assert not ref.endswith((".css", ".js", ".woff2", ".woff", ".ttf")), ref
    head = page.split("</head>")[0]
    # The only script in the head is structured data: nothing that blocks rendering.
    for tag in re.findall(r"<script\b[^>]*>", head):
        assert 'type="application/ld+json"' in tag, tag


# --------------------------------------------------------------------------- fact first


def test_a_rumour_page_leads_with_the_verdict_and_the_answer(client):
    """The truth sandwich: verdict and answer first (the heading), the rumour once, smaller
    and labelled, then the facts."""
    page = text(client.get("/en/rumours/take-our-jobs"))
    verdict = page.index('class="verdict verdict-false"')
    answer = page.index('<h1 class="answer">Research over decades')
    rumour = page.index('<p class="rumour-claim" id="claim"><span class="claim-label">'
                        'The rumour:</span> <q class="claim">They take our jobs</q></p>')
    facts = page.index('id="facts"')
    assert verdict < answer < rumour < facts
    body = page[page.index("<body>"):]
    assert body.count("They take our jobs") == 1  # the rumour once, labelled
    assert "<title>False: They take our jobs · Rumours — facts against the rumours</title>" \
        in page


def test_lists_lead_with_the_verdict_and_the_answer(client):
    for url in ("/en/", "/en/rumours/", "/en/topics/work", "/en/updates/springfield-set"):
        page = text(client.get(url))
        item = page[page.index('<li class="rumour-item">'):]
        item = item[:item.index("</li>")]
        assert item.index('class="verdict') < item.index('class="item-answer"') \
            < item.index('class="item-claim"'), url
        assert '<span class="claim-label">The rumour:</span>' in item, url


def test_every_verdict_links_to_its_definition(client):
    page = text(client.get("/en/rumours/take-our-jobs"))
    assert '<a class="verdict verdict-false" href="/en/verdicts#verdict-false">' in page
    listing = text(client.get("/es/rumours/"))
    assert 'href="/es/verdicts#verdict-false"' in listing
    assert 'href="/en/verdicts#strength-A"' in page  # evidence strengths too


def test_the_verdicts_page_defines_each_verdict_with_an_anchor(client):
    page = text(client.get("/en/verdicts"))
    for verdict in ("false", "misleading", "partly-true", "unproven"):
        assert f'id="verdict-{verdict}"' in page
    assert "No evidence for it" in page and "Unproven" not in page
    assert 'This does not mean "maybe true"' in page or \
        "This does not mean &#34;maybe true&#34;" in page
    assert '<a href="/en/rumours/?verdict=false">See the 2 entries with this verdict</a>' in page
    assert 'id="strength-A"' in page and 'id="strength-D"' in page
    spanish = text(client.get("/es/verdicts"))
    assert "Sin pruebas" in spanish and "No quiere decir «quizá sea verdad»" in spanish
    assert client.get("/xx/verdicts").status_code == 404
    assert 'href="/en/verdicts"' in text(client.get("/en/"))  # the footer links it


def test_footnote_links_are_named_as_sources(client):
    page = text(client.get("/en/rumours/take-our-jobs"))
    assert '<a class="footnote-ref" href="#fn:nas-2016" rel="noopener noreferrer" ' \
           'aria-label="Source 1">1</a>' in page
    assert 'aria-label="Fuente 2">2</a>' in text(client.get("/es/rumours/take-our-jobs"))
