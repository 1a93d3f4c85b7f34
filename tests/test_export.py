"""rumours.publishing.export and `rumours build`: a static copy whose every link resolves, with offline search.

The offline search and forms in a real Chromium, from file://: tests/browser/test_publishing.py.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from click.testing import CliRunner
from content_fixtures import make_content

from rumours import create_app
from rumours.publishing.export import ExportError, SiteExport, build_site, output_file, url_key
from rumours.publishing.export_urls import ExportLinks

LANGS = ("en", "es", "ca", "fr", "ar", "ht")


class References(HTMLParser):
    """Every URL a page refers to (links, assets, forms, scripts' data) and its element ids."""

    ATTRS = ("href", "src", "action", "data-root", "data-site-action")

    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # tag, attribute, value
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in self.ATTRS and value is not None:
                self.refs.append((tag, name, value))


def parse(path: Path) -> References:
    refs = References()
    refs.feed(path.read_text(encoding="utf-8"))
    return refs


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def check_reference(out: Path, page: Path, tag: str, attr: str, value: str,
                    ids: dict[Path, set[str]]) -> str | None:
    """What is wrong with one reference of an exported page (None when it resolves)."""
    where = page.relative_to(out)
    if value.startswith("#") or is_external(value):
        if value.startswith("#") and value != "#" and tag == "a" and unquote(value[1:]) not in ids[page]:
            return f"{where}: no id {value}"
        return None
    if value.startswith("/"):
        return f"{where}: absolute path {value}"
    parts = urlsplit(value)
    target = (page.parent / unquote(parts.path)).resolve()
    ok = (target / "index.html").is_file() if attr == "data-root" else target.is_file()
    if not ok:
        return f"{where}: {tag} {attr}={value} -> nothing"
    if parts.fragment and target.suffix == ".html":
        if target not in ids:
            ids[target] = parse(target).ids
        if unquote(parts.fragment) not in ids[target]:
            return f"{where}: {value}: no such id"
    return None


def check_links(out: Path) -> int:
    """Every relative reference in every page and stylesheet names a file in `out`."""
    problems, checked = [], 0
    ids: dict[Path, set[str]] = {}
    for page in sorted(out.rglob("*.html")):
        refs = parse(page)
        ids[page] = refs.ids
        for tag, attr, value in refs.refs:
            if attr == "data-site-action":
                assert value.startswith("/"), value  # the form's address on the live site
                continue
            checked += not (value.startswith(("#", "/")) or is_external(value))
            problem = check_reference(out, page, tag, attr, value, ids)
            if problem:
                problems.append(problem)
    for sheet in sorted(out.rglob("*.css")):
        for url in re.findall(r"""url\(\s*["']?([^"')]+)""", sheet.read_text(encoding="utf-8")):
            if url.startswith("data:") or is_external(url):
                continue
            checked += 1
            if url.startswith("/") or not (sheet.parent / urlsplit(url).path).resolve().is_file():
                problems.append(f"{sheet.relative_to(out)}: url({url}) -> nothing")
    assert problems == [], "\n".join(problems[:40])
    return checked


@pytest.fixture(scope="module")
def export_app(tmp_path_factory):
    """An app on the small content folder; the tests only read it."""
    root = tmp_path_factory.mktemp("export")
    return create_app({"TESTING": True, "CONTENT_DIR": make_content(root),
                       "INSTANCE_DIR": root / "instance"})


@pytest.fixture(scope="module")
def exported(export_app, tmp_path_factory):
    """One export of the small content folder, read by the tests that take it."""
    out = tmp_path_factory.mktemp("exported") / "out"
    report = build_site(export_app, out)
    assert report.broken == []
    return out, report


@pytest.fixture
def own_export(export_app, tmp_path):
    """An export of the small content folder that the test may change."""
    out = tmp_path / "out"
    report = build_site(export_app, out)
    assert report.broken == []
    return out, report


def test_output_files_map_urls_to_files_that_work_from_a_folder():
    assert output_file("/en/") == "en/index.html"
    assert output_file("/en/rumours/take-our-jobs") == "en/rumours/take-our-jobs/index.html"
    assert output_file("/en/rumours/?place=spain") == "en/rumours/index.place-spain.html"
    assert output_file(url_key("/en/rumours/", "topic=work&place=&verdict=false")) == \
        "en/rumours/index.topic-work_verdict-false.html"
    assert output_file("/en/feed.xml") == "en/feed.xml"
    assert output_file("/en/cards.pdf?topic=work") == "en/cards.topic-work.pdf"
    assert output_file("/static/css/site.0123456789.css") == "static/css/site.0123456789.css"
    odd = output_file("/en/rumours/?topic=Ñ/../x")
    assert re.fullmatch(r"en/rumours/index\.q-[0-9a-f]{12}\.html", odd)


def test_links_are_made_relative_to_the_page_when_the_url_is_built():
    links = ExportLinks("https://rumours.example.org", "https://city.example/{lang}/tell",
                        planned={"/en/rumours/"})
    page = "/en/rumours/take-our-jobs"
    assert links.link("/en/topics/work", page) == "../../topics/work/index.html"
    assert links.link("/en/rumours/?place=spain", page) == "../index.place-spain.html"
    assert links.link("/en/verdicts#verdict-false", page) == \
        "../../verdicts/index.html#verdict-false"
    assert links.link("/static/css/site.0123456789.css", "/") == \
        "static/css/site.0123456789.css"
    assert links.link("#sources", page) == "#sources"
    assert links.link("https://example.org/x", page) == "https://example.org/x"
    # Each link the pages build is fetched next, once.
    assert links.take_found() == ["/en/topics/work", "/en/rumours/?place=spain",
                                  "/en/verdicts", "/static/css/site.0123456789.css"]
    assert links.take_found() == []
    # What a copy cannot serve goes to the live site, and is not fetched.
    assert links.link("/api/rumours?lang=en", page) == \
        "https://rumours.example.org/api/rumours?lang=en"
    assert links.link("/fr/report?q=x", page) == "https://city.example/fr/tell?q=x"
    # A form's target is in the copy only when the build plans it.
    assert links.link("/en/rumours/", page, follow=False) == "../index.html"
    assert links.link("/en/cards.pdf", page, follow=False) == \
        "https://rumours.example.org/en/cards.pdf"
    assert links.take_found() == []
    assert links.root(page) == "../../../" and links.root("/") == "./"
    # An author's relative link in a text resolves against the page's address.
    body = '<p><a href="../rumours/x">x</a> <a href="#fn:1">1</a></p>'
    assert links.body_html(body, "/es/updates/news") == (
        '<p><a href="../../rumours/x/index.html" rel="noopener noreferrer">x</a> '
        '<a href="#fn:1" rel="noopener noreferrer">1</a></p>')


def test_the_export_has_every_page_in_every_language_and_every_link_resolves(exported):
    out, report = exported
    assert report.pages > 0 and report.files > report.pages
    for lang in LANGS:
        for name in ("index.html", "rumours/index.html", "topics/index.html",
                     "rumours/take-our-jobs/index.html", "rumours/springfield-pets-geese/index.html",
                     "topics/work/index.html", "pages/about/index.html", "updates/index.html",
                     "updates/springfield-set/index.html", "feed.xml", "feed.atom",
                     "topics/work/feed.xml", "topics/work/feed.atom",
                     "rumours/take-our-jobs/share.png", "search-index.json", "search-index.js"):
            assert (out / lang / name).is_file(), f"{lang}/{name}"
    assert not (out / "en" / "rumours" / "secret-draft").exists()
    assert (out / "sitemap.xml").is_file() and (out / "robots.txt").is_file()
    assert (out / "static" / "js" / "offline-search.js").is_file()
    assert (out / "static" / "css" / "site.css").is_file()
    assert check_links(out) > 100


def test_pages_link_relatively_and_load_the_offline_search(exported):
    out, _ = exported
    page = (out / "en" / "rumours" / "take-our-jobs" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../topics/work/index.html"' in page
    assert 'href="../../feed.xml"' in page
    assert re.search(r'<link rel="stylesheet" href="\.\./\.\./\.\./static/css/site[.\w]*\.css">',
                     page)
    script = re.search(r'<script src="([^"]+offline-search.js)" data-root="([^"]+)" '
                       r'data-lang="en"', page)
    assert script and script.group(2) == "../../../"
    # Canonical and link-preview addresses still point to the public site.
    assert '<link rel="canonical" href="https://rumours.example.org/en/rumours/take-our-jobs">' \
        in page
    # Markdown's relative links are rewritten too (the update links a rumour page).
    root = (out / "index.html").read_text(encoding="utf-8")
    assert 'content="0; url=en/index.html"' in root
    for lang in LANGS:
        assert f'href="{lang}/index.html"' in root


def test_the_offline_search_index_lists_every_rumour(exported):
    out, _ = exported
    index = json.loads((out / "es" / "search-index.json").read_text(encoding="utf-8"))
    assert index["lang"] == "es"
    by_id = {doc["id"]: doc for doc in index["docs"]}
    assert set(by_id) == {"take-our-jobs", "springfield-pets-geese"}
    jobs = by_id["take-our-jobs"]
    assert jobs["claim"] == "Nos quitan el trabajo" and jobs["lang"] == "es"
    terms = {field: {index["terms"][n] for n in numbers}
             for field, numbers in jobs["terms"].items()}
    assert "es:quit" in terms["head"]  # stemmed as the live search stems it
    assert "en:job" in terms["head"]  # the English phrasing finds it too
    assert "es:dec" in terms["summary"] and "es:inmigr" in terms["summary"]  # no accents
    assert index["forms"]["es"]["quitan"] == "quit"  # stems of the copy's words
    assert index["analysis"]["stopwords"]["es"] and index["ranking"]["answer_coverage"]
    assert (out / jobs["url"]).is_file()
    assert by_id["springfield-pets-geese"]["lang"] == "en"  # not translated: English text
    script = (out / "es" / "search-index.js").read_text(encoding="utf-8")
    assert script.startswith("window.RUMOURS_SEARCH_INDEX")
    manifest = (out / "export-manifest.js").read_text(encoding="utf-8")
    files = json.loads(manifest.removeprefix("window.RUMOURS_EXPORT=").rstrip(";\n"))["files"]
    assert files["/en/rumours/"] == "en/rumours/index.html"
    assert all((out / name).is_file() for name in files.values())


def test_the_search_form_points_to_the_live_search_when_configured(content_dir, tmp_path):
    site = yaml.safe_load((content_dir / "site.yml").read_text(encoding="utf-8"))
    site["search_url"] = "https://rumours.example.org/{lang}/search"
    (content_dir / "site.yml").write_text(yaml.safe_dump(site, allow_unicode=True),
                                          encoding="utf-8")
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance"})
    out = tmp_path / "out"
    build_site(app, out)
    home = (out / "fr" / "index.html").read_text(encoding="utf-8")
    form = re.search(r'<form[^>]*role="search"[^>]*>', home).group(0)
    assert 'action="https://rumours.example.org/fr/search"' in form
    assert 'data-search-url="https://rumours.example.org/fr/search"' in home


def test_cards_are_exported_when_the_cards_area_is_installed(exported, export_app):
    out, _ = exported
    if "cards.card_pdf" not in export_app.view_functions:
        pytest.skip("the cards area is not installed")
    for lang in LANGS:
        card = out / lang / "rumours" / "take-our-jobs" / "card.pdf"
        assert card.read_bytes().startswith(b"%PDF")


def test_decks_are_asked_for_only_with_the_option(export_app, tmp_path):
    if "cards.deck_pdf" not in export_app.view_functions:
        pytest.skip("the cards area is not installed")
    plain = SiteExport(export_app, tmp_path / "a").seeds()
    with_decks = SiteExport(export_app, tmp_path / "b", decks=True).seeds()
    assert not any("cards.pdf" in url for url in plain)
    assert "/es/cards.pdf?topic=work" in with_decks
    assert "/ar/cards.pdf?place=springfield" in with_decks
    assert "/ht/cards.pdf" in with_decks  # the whole library
    assert "/en/cards.pdf?topic=housing" not in with_decks  # no card on housing


def test_a_rebuild_replaces_the_export_but_never_a_foreign_folder(own_export, export_app,
                                                                  tmp_path):
    out, _ = own_export
    (out / "stale.txt").write_text("left from an old build", encoding="utf-8")
    build_site(export_app, out)
    assert not (out / "stale.txt").exists() and (out / "en" / "index.html").is_file()
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(ExportError):
        build_site(export_app, foreign)
    assert (foreign / "thesis.txt").read_text(encoding="utf-8") == "precious"
    assert not list(tmp_path.glob(".documents.building-*"))


def test_the_build_command(content_dir, tmp_path, monkeypatch):
    from rumours.cli import main

    monkeypatch.setenv("RUMOURS_CONTENT", str(content_dir))
    monkeypatch.setenv("RUMOURS_INSTANCE", str(tmp_path / "instance"))
    result = CliRunner().invoke(main, ["build", "--no-decks", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and "pages" in result.output
    # Never silent: it says what it is doing before the long parts.
    assert result.output.startswith("Loading the content and building the search index")
    assert "Fetching every page and card" in result.output
    assert (tmp_path / "site" / "en" / "rumours" / "take-our-jobs" / "index.html").is_file()


@pytest.mark.slow
def test_the_build_ships_the_decks_it_can_and_says_custom_ones_need_the_live_site(
        content_dir, tmp_path, monkeypatch):
    from rumours.cli import main

    monkeypatch.setenv("RUMOURS_CONTENT", str(content_dir))
    monkeypatch.setenv("RUMOURS_INSTANCE", str(tmp_path / "instance"))
    result = CliRunner().invoke(main, ["build", str(tmp_path / "site")])  # decks by default
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    for lang in LANGS:
        for deck in ("cards.pdf", "cards.topic-work.pdf", "cards.place-springfield.pdf"):
            assert (site / lang / deck).read_bytes().startswith(b"%PDF"), (lang, deck)
    builder = (site / "en" / "cards" / "index.html").read_text(encoding="utf-8")
    assert "This offline copy has a deck for the whole library, for each topic and for each " \
           "place, in every language." in builder
    assert "Picking cards one by one needs the live site, https://rumours.example.org" \
        in builder
    manifest = (site / "export-manifest.js").read_text(encoding="utf-8")
    # The "Print a whole set" form opens the saved decks offline (offline-search.js).
    assert '"/es/cards.pdf":"es/cards.pdf"' in manifest
    assert '"/es/cards.pdf?topic=work":"es/cards.topic-work.pdf"' in manifest


@pytest.fixture(scope="module")
def bundled_export(bundled_app, tmp_path_factory):
    """The bundled library in content/, exported once for the tests below."""
    out = tmp_path_factory.mktemp("bundled-export") / "out"
    report = build_site(bundled_app, out)
    return bundled_app, out, report


@pytest.mark.slow
def test_the_bundled_library_exports_with_every_internal_link_resolving(bundled_export):
    app, out, report = bundled_export
    assert report.broken == [], report.broken
    library = app.extensions["rumours"].library
    for lang in library.site.languages:
        for rumour in library.rumours:
            folder = out / lang / "rumours" / rumour.id
            assert (folder / "index.html").is_file()
            assert (folder / "share.png").read_bytes().startswith(b"\x89PNG")
        for update in library.updates:
            assert (out / lang / "updates" / update.slug / "index.html").is_file()
    checked = check_links(out)
    assert checked > 1000
    print(f"bundled export: {report.pages} pages, {report.files} files, "
          f"{report.size / 1e6:.1f} MB, {report.seconds:.1f} s, {checked} links checked")
