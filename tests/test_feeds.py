"""rumours.publishing.feeds and the feeds blueprint: RSS and Atom that parse, validate and never change by themselves."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from rumours import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"
)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
BASE = "https://rumours.example.org"


def make_app(content_dir: Path, instance: Path):
    return create_app({"TESTING": True, "CONTENT_DIR": content_dir, "INSTANCE_DIR": instance})


def check_rss(body: bytes, self_url: str, lang: str) -> ET.Element:
    """The checks the W3C validator makes that matter here; returns the channel."""
    root = ET.fromstring(body)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert (channel.findtext(required) or "").strip(), f"channel lacks {required}"
    assert channel.findtext("language") == lang
    assert channel.findtext("link").startswith(BASE + "/")
    self_links = [e for e in channel.findall(f"{ATOM}link") if e.get("rel") == "self"]
    assert [e.get("href") for e in self_links] == [self_url]
    assert RFC822.match(channel.findtext("lastBuildDate"))
    guids = []
    for item in channel.findall("item"):
        assert item.findtext("title") or item.findtext("description")
        assert item.findtext("link").startswith(BASE + "/" + lang + "/")
        guid = item.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "false"
        guids.append(guid.text)
        pub = item.findtext("pubDate")
        assert RFC822.match(pub), pub
        assert email.utils.parsedate_to_datetime(pub).tzinfo is not None
        for category in item.findall("category"):
            assert category.text and category.get("domain", "").startswith(BASE)
    assert len(guids) == len(set(guids)), "GUIDs must be unique"
    return channel


def check_atom(body: bytes, self_url: str, lang: str) -> ET.Element:
    """RFC 4287's required elements, RFC 3339 dates, unique ids, a self link."""
    root = ET.fromstring(body)
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    for required in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{required}") or "").strip(), f"feed lacks {required}"
    assert RFC3339.match(root.findtext(f"{ATOM}updated"))
    assert root.find(f"{ATOM}author/{ATOM}name").text
    links = {e.get("rel", "alternate"): e.get("href") for e in root.findall(f"{ATOM}link")}
    assert links["self"] == self_url
    assert links["alternate"].startswith(BASE + "/" + lang + "/")
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{required}") or "").strip()
        ids.append(entry.findtext(f"{ATOM}id"))
        assert ids[-1].startswith("urn:uuid:")
        assert RFC3339.match(entry.findtext(f"{ATOM}updated"))
        assert RFC3339.match(entry.findtext(f"{ATOM}published"))
        alternate = [e for e in entry.findall(f"{ATOM}link") if e.get("rel", "alternate") ==
                     "alternate"]
        assert alternate and alternate[0].get("href").startswith(BASE + "/" + lang + "/")
        assert entry.findtext(f"{ATOM}summary")
    assert len(ids) == len(set(ids)), "entry ids must be unique"
    return root


def test_rss_parses_validates_and_lists_updates_and_rumours_newest_first(client):
    response = client.get("/en/feed.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/rss+xml"
    check_rss(response.data, f"{BASE}/en/feed.xml", "en")
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert feed.feed.language == "en"
    links = [e.link for e in feed.entries]
    assert links == [
        f"{BASE}/en/updates/springfield-set",           # 2026-10-20
        f"{BASE}/en/rumours/take-our-jobs",             # reviewed 2026-10-01
        f"{BASE}/en/rumours/springfield-pets-geese",    # reviewed 2026-09-15
    ]
    jobs = feed.entries[1]
    # Fact first: the verdict and the answer lead; the rumour comes once, labelled, after.
    assert jobs.title == ("False: Research over decades finds very little effect of "
                          "immigration on the jobs of people already living here.")
    assert jobs.summary.startswith("Research over decades finds very little effect")
    assert "The rumour: “They take our jobs”" in jobs.summary
    assert jobs.summary.index("Research over") < jobs.summary.index("The rumour:")
    assert jobs.published_parsed[:3] == (2026, 1, 10)  # `published` from the file
    assert [t.term for t in jobs.tags] == ["Work and wages"]
    assert "secret-draft" not in response.get_data(as_text=True)


def test_atom_parses_validates_and_carries_published_and_updated(client):
    response = client.get("/en/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    check_atom(response.data, f"{BASE}/en/feed.atom", "en")
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.updated_parsed[:3] == (2026, 10, 20)
    jobs = next(e for e in feed.entries if e.link.endswith("/take-our-jobs"))
    assert jobs.published_parsed[:3] == (2026, 1, 10)
    assert jobs.updated_parsed[:3] == (2026, 10, 1)
    assert jobs.tags[0].term == "work" and jobs.tags[0].label == "Work and wages"
    assert feed.feed.author == "Rumours demo library"


def test_a_language_feed_has_every_entry_along_its_fallback_chain(client):
    spanish = feedparser.parse(client.get("/es/feed.xml").data)
    assert spanish.feed.language == "es"
    assert [e.link for e in spanish.entries] == [
        f"{BASE}/es/updates/springfield-set", f"{BASE}/es/rumours/take-our-jobs",
        f"{BASE}/es/rumours/springfield-pets-geese"]
    jobs = spanish.entries[1]
    assert jobs.title.startswith("Falso: Décadas de investigación")
    assert jobs.summary.startswith("Décadas de investigación")
    assert "El rumor: «Nos quitan el trabajo»" in jobs.summary
    assert "Aún sin traducir" not in jobs.summary  # written in Spanish
    pets = spanish.entries[2]  # no Spanish text: the fallback (English), and it says so
    assert pets.summary.startswith("Springfield's city government said")
    assert "Aún sin traducir; se muestra en inglés." in pets.summary
    # Catalan falls back to Spanish before English (site.yml `fallbacks`).
    catalan = feedparser.parse(client.get("/ca/feed.xml").data)
    ca_jobs = next(e for e in catalan.entries if e.link.endswith("/ca/rumours/take-our-jobs"))
    assert "Décadas de investigación" in ca_jobs.summary
    assert "Encara sense traduir; es mostra en castellà." in ca_jobs.summary
    arabic = client.get("/ar/feed.atom")
    assert arabic.status_code == 200
    root = check_atom(arabic.data, f"{BASE}/ar/feed.atom", "ar")
    assert len(root.findall(f"{ATOM}entry")) == 3
    assert root.findtext(f"{ATOM}updated").startswith("2026-10-20")


def test_corrections_are_in_the_feed_item_and_date_it(content_dir, tmp_path):
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "published: 2026-01-10\n",
        "corrections:\n  - date: 2026-10-05\n    text: We fixed the share of foreign "
        "workers.\npublished: 2026-01-10\n"), encoding="utf-8")
    client = make_app(content_dir, tmp_path / "instance").test_client()
    feed = feedparser.parse(client.get("/en/feed.atom").data)
    jobs = next(e for e in feed.entries if e.link.endswith("/take-our-jobs"))
    assert "Corrections: October 5, 2026: We fixed the share of foreign workers." in jobs.summary
    assert jobs.updated_parsed[:3] == (2026, 10, 5)


def test_topic_feeds_carry_the_topic_and_the_updates_about_it(client):
    work = client.get("/en/topics/work/feed.xml")
    assert work.status_code == 200
    check_rss(work.data, f"{BASE}/en/topics/work/feed.xml", "en")
    assert [e.link for e in feedparser.parse(work.data).entries] == [
        f"{BASE}/en/rumours/take-our-jobs"]
    space = client.get("/en/topics/public-space/feed.atom")
    check_atom(space.data, f"{BASE}/en/topics/public-space/feed.atom", "en")
    parsed = feedparser.parse(space.data)
    assert [e.link for e in parsed.entries] == [
        f"{BASE}/en/updates/springfield-set", f"{BASE}/en/rumours/springfield-pets-geese"]
    assert "Public space" in parsed.feed.title
    assert client.get("/en/topics/no-such-topic/feed.xml").status_code == 404
    assert client.get("/xx/feed.xml").status_code == 404
    assert client.get("/en/topics/work/feed.rss").status_code == 404


def test_two_builds_of_the_same_content_give_byte_identical_feeds(content_dir, tmp_path):
    first = make_app(content_dir, tmp_path / "one").test_client()
    second = make_app(content_dir, tmp_path / "two").test_client()
    for url in ("/en/feed.xml", "/en/feed.atom", "/es/feed.xml", "/en/topics/work/feed.atom"):
        assert first.get(url).data == second.get(url).data, url
    # Every date in the feed comes from the content, never from the clock.
    content_dates = {"2026-10-20", "2026-10-01", "2026-09-15", "2026-01-10", "2026-02-01"}
    atom = first.get("/en/feed.atom").get_data(as_text=True)
    assert set(re.findall(r"(\d{4}-\d{2}-\d{2})T", atom)) <= content_dates
    today = dt.date.today()
    rss = first.get("/en/feed.xml").get_data(as_text=True)
    assert today.strftime("%d %b %Y") not in rss or today.isoformat() in content_dates


def test_an_entry_keeps_its_guid_when_it_is_edited_and_re_reviewed(content_dir, tmp_path):
    client = make_app(content_dir, tmp_path / "instance").test_client()
    before = feedparser.parse(client.get("/en/feed.atom").data)
    ids_before = {e.link: e.id for e in before.entries}
    path = content_dir / "rumours" / "springfield-pets-geese.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace('claim: "They\'re eating the pets"', 'claim: "They eat the pets"')
    text = text.replace("reviewed: 2026-09-15", "reviewed: 2026-11-01")
    text = text.replace("Springfield's city government said", "The city government of "
                        "Springfield said")
    path.write_text(text, encoding="utf-8")
    after = feedparser.parse(make_app(content_dir, tmp_path / "i2").test_client()
                             .get("/en/feed.atom").data)
    pets = after.entries[0]  # re-reviewed: now the newest entry
    assert pets.link == f"{BASE}/en/rumours/springfield-pets-geese"
    assert pets.title.startswith("False: The city government of Springfield said")
    assert "The rumour: “They eat the pets”" in pets.summary
    assert pets.updated_parsed[:3] == (2026, 11, 1)
    assert pets.published_parsed[:3] == (2026, 2, 1)
    assert {e.link: e.id for e in after.entries} == ids_before


def test_feeds_are_advertised_on_every_page(client):
    for url in ("/en/", "/en/rumours/", "/en/rumours/take-our-jobs", "/en/topics/",
                "/en/pages/about", "/en/updates/", "/en/updates/springfield-set",
                "/en/no-such-page"):
        html = client.get(url).get_data(as_text=True)
        assert '<link rel="alternate" type="application/rss+xml"' in html, url
        assert 'href="/en/feed.xml"' in html and 'href="/en/feed.atom"' in html, url
    topic = client.get("/es/topics/work").get_data(as_text=True)
    assert 'href="/es/topics/work/feed.xml"' in topic
    assert 'href="/es/topics/work/feed.atom"' in topic


def test_feeds_answer_conditional_requests(client):
    first = client.get("/en/feed.xml")
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"] == "Tue, 20 Oct 2026 00:00:00 GMT"
    again = client.get("/en/feed.xml", headers={"If-None-Match": etag})
    assert again.status_code == 304


@pytest.mark.parametrize("lang", ["en", "es", "ca", "fr", "ar", "ht"])
def test_every_language_of_the_bundled_library_gives_valid_feeds(lang, bundled_client):
    client = bundled_client
    rss = client.get(f"/{lang}/feed.xml")
    channel = check_rss(rss.data, f"{BASE}/{lang}/feed.xml", lang)
    atom = client.get(f"/{lang}/feed.atom")
    root = check_atom(atom.data, f"{BASE}/{lang}/feed.atom", lang)
    assert len(channel.findall("item")) == len(root.findall(f"{ATOM}entry"))
    for body in (rss.data, atom.data):
        parsed = feedparser.parse(body)
        assert not parsed.bozo, parsed.get("bozo_exception")
    dates = [e.updated_parsed for e in feedparser.parse(atom.data).entries]
    assert dates == sorted(dates, reverse=True)
