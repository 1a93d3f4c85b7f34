"""rumours.publishing.sitemap and /robots.txt: every page in every language, alternates, dates from content."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
BASE = "https://rumours.example.org"
LANGS = ("en", "es", "ca", "fr", "ar", "ht")


def entries(body: bytes) -> dict[str, dict]:
    """loc -> {"lastmod": ..., "alternates": {hreflang: href}}."""
    root = ET.fromstring(body)
    assert root.tag == f"{SM}urlset"
    found = {}
    for url in root.findall(f"{SM}url"):
        loc = url.findtext(f"{SM}loc")
        assert loc not in found, f"{loc} listed twice"
        alternates = {}
        for link in url.findall(f"{XHTML}link"):
            assert link.get("rel") == "alternate"
            alternates[link.get("hreflang")] = link.get("href")
        found[loc] = {"lastmod": url.findtext(f"{SM}lastmod"), "alternates": alternates}
    return found


def test_the_sitemap_lists_every_page_in_every_language_with_alternates(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    found = entries(response.data)
    paths = ["/", "/rumours/", "/topics/", "/topics/work", "/topics/public-space",
             "/rumours/take-our-jobs", "/rumours/springfield-pets-geese", "/pages/about",
             "/updates/", "/updates/springfield-set"]
    for lang in LANGS:
        for path in paths:
            assert f"{BASE}/{lang}{path}" in found, f"/{lang}{path} missing"
    for loc, entry in found.items():
        path = loc.removeprefix(BASE)
        lang, rest = path[1:3], path[3:]
        assert entry["alternates"] == {
            **{code: f"{BASE}/{code}{rest}" for code in LANGS},
            "x-default": f"{BASE}/en{rest}",
        }, loc
        assert entry["alternates"][lang] == loc  # each entry lists itself too
    counts = Counter(loc.removeprefix(BASE)[3:] for loc in found)
    assert set(counts.values()) == {len(LANGS)}


def test_lastmod_comes_from_the_content(client):
    found = entries(client.get("/sitemap.xml").data)
    assert found[f"{BASE}/es/rumours/take-our-jobs"]["lastmod"] == "2026-10-01"
    assert found[f"{BASE}/en/rumours/springfield-pets-geese"]["lastmod"] == "2026-09-15"
    assert found[f"{BASE}/en/updates/springfield-set"]["lastmod"] == "2026-10-20"
    assert found[f"{BASE}/en/topics/public-space"]["lastmod"] == "2026-09-15"
    assert found[f"{BASE}/en/"]["lastmod"] == "2026-10-20"
    assert found[f"{BASE}/en/pages/about"]["lastmod"] is None  # no date in the content


def test_drafts_and_empty_topics_are_not_listed(client, dev_app):
    found = entries(client.get("/sitemap.xml").data)
    assert not any("secret-draft" in loc for loc in found)
    assert f"{BASE}/en/topics/housing" not in found  # no rumour on housing in the fixture
    preview = entries(dev_app.test_client().get("/sitemap.xml").data)
    assert f"{BASE}/en/rumours/secret-draft" in preview


def test_every_listed_page_exists(client):
    for loc in entries(client.get("/sitemap.xml").data):
        assert client.get(loc.removeprefix(BASE)).status_code == 200, loc


def test_robots_txt_points_to_the_sitemap(client, dev_app):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    assert "Disallow: /api/" in lines
    preview = dev_app.test_client().get("/robots.txt").get_data(as_text=True).splitlines()
    assert "Disallow: /" in preview  # a preview with drafts is kept out of search engines


def test_the_bundled_library_sitemap_resolves(bundled_app):
    app = bundled_app
    client = app.test_client()
    library = app.extensions["rumours"].library
    found = entries(client.get("/sitemap.xml").data)
    for rumour in library.rumours:
        for lang in library.site.languages:
            loc = f"{library.site.base_url}/{lang}/rumours/{rumour.id}"
            assert found[loc]["lastmod"] == rumour.reviewed.isoformat()
    for loc in found:
        if "/rumours/" in loc and not loc.endswith("/rumours/"):
            continue  # rumour pages are checked by test_structured_data
        assert client.get(loc.removeprefix(library.site.base_url)).status_code == 200, loc
