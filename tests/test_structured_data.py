"""rumours.publishing.structured_data and the rumour head: one valid ClaimReview, OpenGraph and Twitter tags."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import polib
import pytest
from content_fixtures import JOBS, ROOT, write

from rumours.publishing.structured_data import og_locale, short_claim

BASE = "https://rumours.example.org"


class HeadReader(HTMLParser):
    """Collects <meta>, <link> and the text of JSON-LD scripts."""

    def __init__(self):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: list[dict] = []
        self.json_ld: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.append((attrs.get("property") or attrs["name"], attrs.get("content")))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.json_ld[-1] += data

    def one(self, key: str) -> str:
        values = [v for k, v in self.meta if k == key]
        assert len(values) == 1, (key, values)
        return values[0]

    def all(self, key: str) -> list[str]:
        return [v for k, v in self.meta if k == key]


def read(client, url: str) -> HeadReader:
    response = client.get(url)
    assert response.status_code == 200, url
    reader = HeadReader()
    reader.feed(response.get_data(as_text=True))
    return reader


def catalog_label(lang: str, msgid: str) -> str:
    """The label as the translators wrote it in the .po file (the msgid when untranslated)."""
    path = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return msgid
    entry = polib.pofile(str(path)).find(msgid)
    return entry.msgstr if entry and entry.msgstr and "fuzzy" not in entry.flags else msgid


def claim_review(client, url: str) -> dict:
    reader = read(client, url)
    assert len(reader.json_ld) == 1, "exactly one JSON-LD block per rumour page"
    return json.loads(reader.json_ld[0])


def test_a_rumour_page_has_one_claim_review_with_the_required_fields(client):
    review = claim_review(client, "/en/rumours/take-our-jobs")
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"{BASE}/en/rumours/take-our-jobs"
    assert review["claimReviewed"] == "They take our jobs"
    assert len(review["claimReviewed"]) < 75
    assert review["datePublished"] == "2026-01-10"
    assert review["dateModified"] == "2026-10-01"
    assert review["author"] == {"@type": "Organization", "name": "Rumours demo library",
                                "url": "https://rumours.example.org/en/pages/about"}
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "False"}
    assert review["itemReviewed"]["@type"] == "Claim"
    assert review["itemReviewed"]["name"] == "They take our jobs"
    assert review["reviewBody"].startswith("Research over decades")
    assert review["image"] == f"{BASE}/en/rumours/take-our-jobs/share.png"


@pytest.mark.parametrize("lang", ["es", "ar", "fr"])
def test_the_rating_is_named_in_the_page_language(client, lang):
    review = claim_review(client, f"/{lang}/rumours/take-our-jobs")
    assert review["reviewRating"]["alternateName"] == catalog_label(lang, "False")
    assert review["url"] == f"{BASE}/{lang}/rumours/take-our-jobs"
    if lang == "es":
        assert review["claimReviewed"] == "Nos quitan el trabajo"
        assert review["inLanguage"] == "es"
    else:  # no translation in the fixture: the English text, said to be English
        assert review["claimReviewed"] == "They take our jobs"
        assert review["inLanguage"] == "en"


def test_other_pages_carry_no_claim_review(client):
    for url in ("/en/", "/en/rumours/", "/en/topics/work", "/en/updates/springfield-set"):
        assert read(client, url).json_ld == [], url


def test_open_graph_and_twitter_tags_describe_the_rumour(client):
    head = read(client, "/es/rumours/take-our-jobs")
    assert head.one("og:type") == "article"
    # Fact first in link previews too: the verdict and the answer, the rumour labelled after.
    assert head.one("og:title").startswith("Falso: Décadas de investigación")
    assert head.one("og:description").endswith("El rumor: «Nos quitan el trabajo»")
    assert head.one("og:description").startswith("Décadas de investigación")
    assert head.one("og:url") == f"{BASE}/es/rumours/take-our-jobs"
    assert head.one("og:locale") == "es_ES"
    assert head.all("og:locale:alternate") == ["en_US"]
    assert head.one("og:image") == f"{BASE}/es/rumours/take-our-jobs/share.png"
    assert head.one("og:image:width") == "1200" and head.one("og:image:height") == "630"
    assert "Nos quitan el trabajo" in head.one("og:image:alt")
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("twitter:title") == head.one("og:title")
    assert head.one("twitter:image") == head.one("og:image")
    canonical = [link for link in head.links if link.get("rel") == "canonical"]
    assert [c["href"] for c in canonical] == [f"{BASE}/es/rumours/take-our-jobs"]
    # The image the preview points at exists at that path on this server.
    image = client.get(head.one("og:image").removeprefix(BASE))
    assert image.status_code == 200 and image.mimetype == "image/png"


def test_json_ld_is_escaped_so_a_claim_cannot_break_out_of_the_script(content_dir, app):
    hostile = 'They said </script><script>alert("x")</script> & <!-- more'
    text = JOBS.replace('id: take-our-jobs', 'id: hostile-claim').replace(
        'claim: "They take our jobs"', "claim: " + json.dumps(hostile))
    write(content_dir / "rumours" / "hostile-claim.md", text)
    app.extensions["rumours"].refresh()  # what the background watcher does
    client = app.test_client()
    html = client.get("/en/rumours/hostile-claim").get_data(as_text=True)
    start = html.index('<script type="application/ld+json">')
    block = html[start:html.index("</script>", start)]
    assert "<script>alert" not in block and "<!--" not in block
    review = claim_review(client, "/en/rumours/hostile-claim")
    assert review["itemReviewed"]["name"] == hostile
    assert review["claimReviewed"] == hostile  # 58 characters: kept whole
    assert html.count('<script type="application/ld+json">') == 1


def test_a_long_claim_is_shortened_at_a_word_boundary_for_claim_reviewed(content_dir, app):
    long_claim = ("They come here only to live on benefits paid for by working families "
                  "while doing nothing at all")
    text = JOBS.replace('id: take-our-jobs', 'id: long-claim').replace(
        'claim: "They take our jobs"', "claim: " + json.dumps(long_claim))
    write(content_dir / "rumours" / "long-claim.md", text)
    app.extensions["rumours"].refresh()  # what the background watcher does
    review = claim_review(app.test_client(), "/en/rumours/long-claim")
    short = review["claimReviewed"]
    assert len(short) < 75 and short.endswith("…")
    assert long_claim.startswith(short[:-1])
    assert long_claim[len(short) - 1] == " "  # cut between words
    assert review["itemReviewed"]["name"] == long_claim


def test_short_claim_and_og_locale():
    assert short_claim("  They   take our jobs ") == "They take our jobs"
    assert short_claim("x" * 100) == "x" * 73 + "…"
    assert len(short_claim("word " * 40)) <= 74
    assert og_locale("es") == "es_ES" and og_locale("ar") == "ar_EG"
    assert og_locale("ht") == "ht_HT" and og_locale("ca") == "ca_ES"


def test_every_page_of_the_bundled_library_has_one_valid_claim_review(bundled_app):
    app = bundled_app
    client = app.test_client()
    library = app.extensions["rumours"].library
    seen = 0
    for rumour in library.rumours:
        for lang in library.site.languages:
            review = claim_review(client, f"/{lang}/rumours/{rumour.id}")
            assert review["@type"] == "ClaimReview"
            assert 0 < len(review["claimReviewed"]) < 75
            assert review["reviewRating"]["alternateName"]
            assert review["author"]["name"] == library.site.publisher["name"]
            assert review["datePublished"] == rumour.published.isoformat()
            assert review["url"] == f"{library.site.base_url}/{lang}/rumours/{rumour.id}"
            assert review["itemReviewed"]["@type"] == "Claim"
            seen += 1
    assert seen == len(library.rumours) * len(library.site.languages)
