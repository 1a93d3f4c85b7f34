"""Languages: URL prefixes, negotiation, the cookie, catalogs, translation notices, i18n commands
and right-to-left rendering in a real Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from live_server import wait_for

from rumours import create_app
from rumours.cli import main
from rumours.content.loading import load_library
from rumours.i18n import catalogs

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / catalogs.TEMPLATE_NAME
TRANSLATED = ("es", "ca", "fr", "ar", "ht")
LANGUAGES = ("en", *TRANSLATED)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def text(response) -> str:
    return response.get_data(as_text=True)


def write(path: Path, body: str) -> None:
    """Write a content file exactly as given (line endings included)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body.encode("utf-8"))


class Page(HTMLParser):
    """The parts of a page these tests look at: <html> attributes, links, elements by class."""

    def __init__(self, html: str):
        super().__init__()
        self.html_attrs: dict = {}
        self.alternates: list[dict] = []
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        if tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.alternates.append(attrs)
        self.elements.append((tag, attrs))

    def find(self, tag: str, **wanted) -> list[dict]:
        return [a for t, a in self.elements if t == tag
                and all(wanted[k] in (a.get(k.rstrip("_")) or "").split() for k in wanted)]


def msgstr(lang: str, msgid: str) -> str:
    """The catalog's translation of `msgid` (what the page must show)."""
    entry = polib.pofile(str(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po")).find(msgid)
    assert entry is not None and entry.msgstr and not entry.fuzzy, (lang, msgid)
    return entry.msgstr


def notice(page: str) -> str:
    """The text of the translation notice on a page ("" when there is none)."""
    match = re.search(r'<p class="notice notice-(\w+)"[^>]*>(.*?)</p>', page, re.S)
    if not match:
        return ""
    return match.group(1) + ": " + " ".join(re.sub(r"<[^>]+>", " ", match.group(2)).split())


# --------------------------------------------------------------------------- negotiation


@pytest.mark.parametrize(("cookie", "accept", "expected"), [
    ("fr", "es-ES,es;q=0.9", "/fr/"),          # the cookie wins over Accept-Language
    (None, "es-ES,es;q=0.9,en;q=0.5", "/es/"),  # then Accept-Language
    (None, "de-DE,de;q=0.9,ar;q=0.4", "/ar/"),  # its best supported language
    (None, "ht-HT", "/ht/"),                    # a regional tag matches its language
    (None, "ca-ES,es;q=0.8", "/ca/"),           # ...and keeps its place in the order
    (None, "ar-MA,fr", "/ar/"),
    (None, "fr-CA;q=0.5,es-MX;q=0.9", "/es/"),  # quality first, then order
    (None, "ES_es", "/es/"),
    (None, "de-DE,de;q=0.9", "/en/"),           # then the default
    (None, None, "/en/"),
    ("xx", "ca", "/ca/"),                       # an unknown cookie value is ignored
    ("../en", None, "/en/"),
])
def test_root_redirect_order(client, cookie, accept, expected):
    if cookie is not None:
        client.set_cookie("lang", cookie)
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == expected
    assert "Cookie" in response.headers["Vary"] and "Accept-Language" in response.headers["Vary"]


def test_language_switcher_keeps_the_page_and_remembers_the_choice(client):
    page = Page(text(client.get("/en/rumours/take-our-jobs",
                                headers={"Accept-Language": "en"})))
    switcher = {a["hreflang"]: a["href"] for tag, a in page.elements
                if tag == "a" and a.get("hreflang") == a.get("lang") and "dir" in a}
    assert set(switcher) == set(LANGUAGES)
    assert switcher["ar"] == "/ar/rumours/take-our-jobs"

    response = client.get(switcher["ar"])
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=ar;")
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    assert int(re.search(r"Max-Age=(\d+)", cookie).group(1)) >= 180 * 24 * 3600
    # Back at `/`, Accept-Language says English, but the reader chose Arabic.
    again = client.get("/", headers={"Accept-Language": "en"})
    assert again.headers["Location"] == "/ar/"
    # No new cookie while the language stays the same.
    assert "Set-Cookie" not in client.get("/ar/rumours/").headers


def test_language_cookie_survives_the_response_cache(content_dir, tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance", "RESPONSE_CACHE": True})
    first, second = app.test_client(), app.test_client()
    first.set_cookie("lang", "fr")
    assert "Set-Cookie" not in first.get("/fr/topics/").headers  # now in the response cache
    response = second.get("/fr/topics/")  # a new reader gets the cached page...
    assert response.headers["Set-Cookie"].startswith("lang=fr;")  # ...and the cookie
    assert second.get("/").headers["Location"] == "/fr/"


def test_errors_and_non_pages_do_not_change_the_language(client, app):
    client.set_cookie("lang", "es")
    assert client.get("/fr/rumours/no-such-rumour").status_code == 404
    assert "Set-Cookie" not in client.get("/fr/rumours/no-such-rumour").headers
    assert "Set-Cookie" not in client.get("/xx/").headers
    assert "Set-Cookie" not in client.get("/api/rumours?lang=fr").headers
    if "feeds.rss" in app.view_functions:
        feed = client.get("/fr/feed.xml")
        assert feed.status_code == 200 and "Set-Cookie" not in feed.headers
    assert client.get("/").headers["Location"] == "/es/"


# --------------------------------------------------------------------------- URLs


def lang_rules(app):
    """Every language-prefixed GET route, with example values for its other arguments."""
    examples = {"rumour_id": "take-our-jobs", "slug": "about", "topic": "work"}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/<lang") or "GET" not in rule.methods:
            continue
        values = {arg: examples.get(arg, "x") for arg in rule.arguments if arg != "lang"}
        if rule.endpoint == "pages.update":
            values["slug"] = "springfield-set"
        yield rule, values


@pytest.mark.parametrize("code", ["xx", "de", "zzz", "EN"])
def test_unknown_language_is_a_404_page_on_every_prefix(app, client, code):
    rules = list(lang_rules(app))
    assert len(rules) >= 8
    for rule, values in rules:
        with app.test_request_context():
            url = rule.build({**values, "lang": "en"}, append_unknown=False)[1]
        url = "/" + code + url[len("/en"):]
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.mimetype == "text/html", url
        page = text(response)
        assert "Page not found" in page, url
        assert '<html lang="en" dir="ltr">' in page, url
        assert not Page(page).alternates, url  # a 404 has no language versions


@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_lang_and_dir(client, lang):
    page = Page(text(client.get(f"/{lang}/")))
    assert page.html_attrs == {"lang": lang, "dir": "rtl" if lang == "ar" else "ltr"}


def test_every_page_type_links_every_language_version(app, client):
    pages = 0
    for rule, values in lang_rules(app):
        if re.search(r"\.\w+$", rule.rule):
            continue  # files (feed.xml, card.pdf, share.png) are not HTML pages
        for lang in ("en", "ar"):
            with app.test_request_context():
                url = rule.build({**values, "lang": lang}, append_unknown=False)[1]
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            pages += 1
            links = {a["hreflang"]: a["href"] for a in Page(text(response)).alternates}
            assert set(links) == {*LANGUAGES, "x-default"}, url
            for code in LANGUAGES:
                assert links[code] == "/" + code + url[len(lang) + 1:], (url, code)
            assert links["x-default"] == links["en"], url
    assert pages >= 2 * 8


# --------------------------------------------------------------------------- notices


def test_missing_translation_shows_the_source_with_a_notice_in_the_readers_language(client):
    page = text(client.get("/ht/rumours/take-our-jobs"))
    expected = msgstr("ht", "This page is not yet available in %(language)s; showing "
                            "%(fallback)s.") % {"language": msgstr("ht", "Haitian Creole"),
                                                "fallback": msgstr("ht", "English")}
    assert notice(page) == "missing: " + expected
    assert "paj sa a poko disponib" in expected.lower()
    parsed = Page(page)
    # The English text is marked as English; the labels around it stay in Kreyòl.
    assert parsed.find("h1", class_="answer")[0] == {"class": "answer", "lang": "en",
                                                      "dir": "ltr"}
    assert parsed.find("q", class_="claim")[0] == {"class": "claim", "lang": "en", "dir": "ltr"}
    assert msgstr("ht", "The rumour:") in page


def test_english_reader_gets_the_english_notice(client):
    page = text(client.get("/en/rumours/take-our-jobs"))
    assert notice(page) == ""
    assert notice(text(client.get("/fr/pages/about"))) == (
        "missing: " + msgstr("fr", "This page is not yet available in %(language)s; showing "
                                   "%(fallback)s.") % {"language": "français",
                                                       "fallback": "anglais"})


def test_missing_notice_on_updates_in_arabic(client):
    page = text(client.get("/ar/updates/springfield-set"))
    assert notice(page).startswith("missing: هذه الصفحة غير متوفرة بعد باللغة العربية")
    assert Page(page).html_attrs["dir"] == "rtl"


def test_current_translation_has_no_notice(client):
    page = text(client.get("/es/rumours/take-our-jobs"))
    assert "Nos quitan el trabajo" in page
    assert notice(page) == ""
    assert 'id="review-notice"' not in page  # `status: reviewed`


def test_draft_translation_says_it_is_not_checked_yet(content_dir, tmp_path):
    translation = content_dir / "rumours" / "take-our-jobs.es.md"
    translation.write_text(translation.read_text(encoding="utf-8").replace(
        "status: reviewed", "status: draft"), encoding="utf-8")
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance"})
    page = text(app.test_client().get("/es/rumours/take-our-jobs"))
    notice_text = msgstr("es", "This translation has not yet been checked by a fluent speaker.")
    assert notice_text == "Esta traducción aún no la ha revisado una persona que domine el idioma."
    assert f'<p class="notice notice-draft" role="note" id="review-notice">{notice_text}' in page
    # A translation without a status is presented as a draft too: never as checked.
    translation.write_text(translation.read_text(encoding="utf-8").replace(
        "status: draft\n", ""), encoding="utf-8")
    assert load_library(content_dir).rumour("take-our-jobs").texts["es"].review == "draft"
    translation.write_text(translation.read_text(encoding="utf-8").replace(
        "claim:", "status: checked\nclaim:"), encoding="utf-8")
    result = run({"RUMOURS_CONTENT": str(content_dir)}, "check")
    assert "status: 'checked' is not a status: write 'draft'" in result.output



def test_outdated_translation_is_shown_with_a_notice_after_the_source_changes(dev_app,
                                                                             content_dir):
    client = dev_app.test_client()
    assert notice(text(client.get("/es/rumours/take-our-jobs"))) == ""
    source = content_dir / "rumours" / "take-our-jobs.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "very little effect", "almost no effect"), encoding="utf-8")
    # The preview's watcher reloads in the background: requests never wait for it.
    assert wait_for(lambda: notice(text(client.get("/es/rumours/take-our-jobs"))))
    page = text(client.get("/es/rumours/take-our-jobs"))
    assert "Nos quitan el trabajo" in page  # the translation is still shown...
    expected = msgstr("es", "This translation may be out of date: the %(source)s version was "
                            "updated on %(date)s.") % {"source": "inglés",
                                                       "date": "1 de octubre de 2026"}
    link = msgstr("es", "Read the current %(source)s version") % {"source": "inglés"}
    assert notice(page) == f"outdated: {expected} {link}"  # ...with when and a link
    assert '<a href="/en/rumours/take-our-jobs" hreflang="en">' in page


def test_outdated_page_translation_notice(content_dir, tmp_path):
    about = content_dir / "pages" / "about.md"
    fingerprint = load_library(content_dir).page("about").fingerprint
    write(content_dir / "pages" / "about.fr.md",
          f"---\ntitle: À propos\nsource_fingerprint: {fingerprint}\n---\nPublié par la ville.\n")
    about.write_text(about.read_text(encoding="utf-8") + "\nNow with more.\n", encoding="utf-8")
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance"})
    page = text(app.test_client().get("/fr/pages/about"))
    assert "Publié par la ville" in page
    assert notice(page).startswith("outdated: " + msgstr(
        "fr", "This translation may be out of date: the %(source)s version has changed since "
              "it was translated.") % {"source": "anglais"})
    assert '<a href="/en/pages/about" hreflang="en">' in page


def test_latin_source_citations_are_isolated_as_whole_units_in_arabic(client):
    page = text(client.get("/ar/rumours/take-our-jobs"))
    # Publisher, title and date form one isolated unit: the bidi algorithm cannot move the
    # comma or the brackets of a Latin citation around inside an Arabic page.
    citation = re.search(r'<bdi class="citation" dir="auto">(.*?)\)\.</bdi>', page, re.S)
    assert citation, page
    assert "National Academies of Sciences, Engineering, and Medicine" in citation.group(1)
    assert "<cite>The Economic and Fiscal Consequences of Immigration</cite>" in citation.group(1)
    publisher = msgstr("ar", "Rumours demo library")
    assert publisher == "مكتبة «شائعات» التجريبية"  # translatable through the catalogs
    assert f"<bdi>{publisher}</bdi>" in page  # the publisher in the footer


# --------------------------------------------------------------------------- catalogs


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalog_is_at_least_95_percent_translated(lang):
    status = catalogs.catalog_status(TRANSLATIONS, lang, TEMPLATE)
    missing = [e.msgid for e in polib.pofile(str(catalogs.catalog_path(TRANSLATIONS, lang)))
               if not e.translated() and not e.obsolete]
    assert status.exists and status.total >= 100
    assert status.percent >= 95, f"{lang}: {status.percent}% translated; missing: {missing}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders(lang):
    """A misspelt %(name)s would raise at render time: every translation uses the msgid's."""
    for entry in polib.pofile(str(catalogs.catalog_path(TRANSLATIONS, lang))):
        if entry.obsolete or not entry.translated():
            continue
        wanted = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        strings = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for string in strings:
            used = set(PLACEHOLDER.findall(string))
            assert used <= wanted, (lang, entry.msgid, string)
            if not entry.msgid_plural:
                assert used == wanted, (lang, entry.msgid, string)


def test_messages_pot_is_up_to_date(tmp_path):
    """Fails when a string in the code, the templates or site.yml is missing from the template:
    run `rumours i18n update` (or `make i18n-update`) and translate the new strings."""
    fresh = tmp_path / "messages.pot"
    catalogs.write_template(catalogs.extract_template(ROOT / "content" / "site.yml"), fresh)
    current = {msgid for _ctx, msgid in catalogs.template_msgids(fresh)}
    committed = {msgid for _ctx, msgid in catalogs.template_msgids(TEMPLATE)}
    hint = "translations/messages.pot is stale: run `rumours i18n update`, then translate"
    assert not current - committed, f"{hint}; missing: {sorted(current - committed)}"
    assert not committed - current, f"{hint}; no longer used: {sorted(committed - current)}"


def test_vocabulary_labels_are_in_the_template_and_translated(client):
    msgids = {msgid for _ctx, msgid in catalogs.template_msgids(TEMPLATE)}
    assert {"Misleading", "Work and wages", "Springfield, Ohio",
            "Weak — partisan or unverified"} <= msgids
    page = text(client.get("/ca/rumours/?topic=work"))
    assert msgstr("ca", "Work and wages") in page and msgstr("ca", "Misleading") in page
    assert msgstr("ar", "False") in text(client.get("/ar/rumours/take-our-jobs"))


@pytest.mark.parametrize(("lang", "date"), [
    ("en", "October 1, 2026"), ("es", "1 de octubre de 2026"), ("ca", "1 d’octubre del 2026"),
    ("fr", "1 octobre 2026"), ("ar", "1 أكتوبر 2026"),
    ("ht", "1 oktòb 2026"),  # CLDR has no Creole month names: our own ("2026 M10 1" before)
])
def test_dates_are_formatted_per_locale(client, lang, date):
    assert date in text(client.get(f"/{lang}/rumours/take-our-jobs"))


def test_creole_month_only_dates_and_source_dates(client):
    page = text(client.get("/ht/rumours/take-our-jobs"))
    assert "janvye 2025" in page  # a source dated 2025-01 (YYYY-MM)
    assert " M1" not in page and "M10" not in page


def test_language_names_are_in_the_readers_language(client):
    """"affichée en English" no more: every sentence names languages the reader's way."""
    french = text(client.get("/fr/rumours/springfield-pets-geese"))
    assert "En anglais" in french  # the tag on the untranslated text
    assert "English" not in re.sub(r'<(a|option)[^>]*lang="en"[^>]*>[^<]*<', "", french)
    arabic = text(client.get("/ar/rumours/"))
    assert "باللغة الإنجليزية" in arabic


def test_untranslated_entries_are_tagged_with_their_language_where_listed(client):
    for url in ("/ar/", "/ar/rumours/", "/ar/topics/public-space", "/ar/updates/springfield-set"):
        page = text(client.get(url))
        item = page[page.index("They&#39;re eating the pets") - 900:
                    page.index("They&#39;re eating the pets")]
        assert 'lang="en" dir="ltr"' in item, url
        assert '<span class="lang-tag" lang="ar">باللغة الإنجليزية</span>' in item, url
    # The Spanish text of take-our-jobs is Spanish: no tag on a Spanish page.
    spanish = text(client.get("/es/rumours/"))
    jobs = spanish[spanish.index("Nos quitan el trabajo") - 900:spanish.index(
        "Nos quitan el trabajo")]
    assert "lang-tag" not in jobs
    assert text(client.get("/es/")).count('class="lang-tag"') >= 1  # the pets entry


def test_an_edited_po_file_is_used_once_live_in_dev_mode(content_dir, tmp_path):
    translations = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, translations)
    app = create_app({"TESTING": True, "DEV": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance", "TRANSLATIONS_DIR": translations})
    client = app.test_client()
    assert "Toutes les rumeurs" in text(client.get("/fr/topics/"))
    path = catalogs.catalog_path(translations, "fr")
    po = polib.pofile(str(path))
    po.find("All rumours").msgstr = "Toutes les rumeurs de la ville"
    po.save()
    assert wait_for(lambda: "Toutes les rumeurs de la ville" in text(client.get("/fr/topics/")))


# --------------------------------------------------------------------------- compiled catalogs


def fresh_translations(tmp_path: Path) -> Path:
    """A copy of the catalogs with nothing compiled yet."""
    folder = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, folder,
                    ignore=shutil.ignore_patterns("*.mo", catalogs.COMPILE_LOCK))
    return folder


def translate(mo_path: Path, msgid: str) -> str:
    from babel.support import Translations

    with open(mo_path, "rb") as fh:
        return Translations(fh).gettext(msgid)


def test_catalogs_are_compiled_once_and_again_only_when_their_po_changes(tmp_path):
    translations = fresh_translations(tmp_path)
    assert catalogs.compile_catalogs(translations) == {lang: "compiled" for lang in TRANSLATED}
    fr_po = catalogs.catalog_path(translations, "fr")
    fr_mo = catalogs.compiled_path(fr_po, translations)
    assert fr_mo.stat().st_mtime_ns == fr_po.stat().st_mtime_ns  # compiled from this version
    assert translate(fr_mo, "All rumours") == msgstr("fr", "All rumours")
    assert catalogs.compile_catalogs(translations) == {lang: "current" for lang in TRANSLATED}

    po = polib.pofile(str(fr_po))
    po.find("All rumours").msgstr = "Toutes les rumeurs de la ville"
    po.find("Search").msgstr = "Chercher (à vérifier)"
    po.find("Search").flags.append("fuzzy")  # a guess: never shown
    po.save()
    results = catalogs.compile_catalogs(translations)
    assert results == {lang: "compiled" if lang == "fr" else "current" for lang in TRANSLATED}
    assert translate(fr_mo, "All rumours") == "Toutes les rumeurs de la ville"
    assert translate(fr_mo, "Search") == "Search"
    assert not [p for p in fr_mo.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_broken_po_keeps_the_previous_translations_and_says_so(tmp_path, caplog):
    translations = fresh_translations(tmp_path)
    catalogs.compile_catalogs(translations)
    fr_po = catalogs.catalog_path(translations, "fr")
    fr_mo = catalogs.compiled_path(fr_po, translations)
    fr_po.write_text("a save that went wrong\n" + fr_po.read_text(encoding="utf-8"),
                     encoding="utf-8")
    with caplog.at_level("ERROR", logger="rumours"):
        assert catalogs.compile_catalogs(translations)["fr"] == "failed"
        assert catalogs.compile_catalogs(translations)["fr"] == "failed"
    reported = [r for r in caplog.records if str(fr_po) in r.getMessage()]
    assert len(reported) == 1  # once per broken version, not on every watcher tick
    assert translate(fr_mo, "All rumours") == msgstr("fr", "All rumours")  # still served
    env = {"RUMOURS_TRANSLATIONS": str(translations), "RUMOURS_INSTANCE": str(tmp_path / "i")}
    result = run(env, "i18n", "compile")
    assert result.exit_code == 1 and "cannot compile fr" in result.output


def test_several_processes_compile_each_catalog_once(tmp_path):
    translations = fresh_translations(tmp_path)
    script = ("import json, sys; from rumours.i18n import catalogs; "
              "print(json.dumps(catalogs.compile_catalogs(sys.argv[1])))")
    workers = [subprocess.Popen([sys.executable, "-c", script, str(translations)],
                                stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [json.loads(worker.communicate(timeout=120)[0]) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers)
    for lang in TRANSLATED:
        assert [output[lang] for output in outputs].count("compiled") == 1, outputs


def test_a_server_loads_compiled_catalogs_without_compiling_them(content_dir, tmp_path):
    translations = fresh_translations(tmp_path)
    catalogs.compile_catalogs(translations)
    mo_files = sorted(translations.glob("*/LC_MESSAGES/messages.mo"))
    before = [(p.stat().st_ino, p.stat().st_mtime_ns) for p in mo_files]
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance", "TRANSLATIONS_DIR": translations})
    assert app.config["COMPILED_TRANSLATIONS_DIR"] == translations
    assert "Toutes les rumeurs" in text(app.test_client().get("/fr/topics/"))
    assert [(p.stat().st_ino, p.stat().st_mtime_ns) for p in mo_files] == before


def test_a_missing_catalog_is_compiled_at_start_into_the_instance_when_read_only(
        content_dir, tmp_path, monkeypatch):
    translations = fresh_translations(tmp_path)
    real_access = os.access

    def read_only(path, mode, **kwargs):  # the checkout belongs to another user
        if mode & os.W_OK and Path(path).is_relative_to(translations):
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", read_only)
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance", "TRANSLATIONS_DIR": translations})
    compiled = tmp_path / "instance" / "translations"
    assert app.config["COMPILED_TRANSLATIONS_DIR"] == compiled
    assert not list(translations.glob("*/LC_MESSAGES/messages.mo"))
    assert (compiled / "ar" / "LC_MESSAGES" / "messages.mo").is_file()
    assert "Toutes les rumeurs" in text(app.test_client().get("/fr/topics/"))


def test_the_compile_command(tmp_path):
    translations = fresh_translations(tmp_path)
    env = {"RUMOURS_TRANSLATIONS": str(translations), "RUMOURS_INSTANCE": str(tmp_path / "i")}
    first = run(env, "i18n", "compile")
    assert first.exit_code == 0, first.output
    assert first.output.count(": compiled") == len(TRANSLATED)
    assert str(catalogs.compiled_path(catalogs.catalog_path(translations, "ar"), translations)) \
        in first.output
    assert run(env, "i18n", "compile").output.count(": current") == len(TRANSLATED)
    assert run(env, "i18n", "compile", "--force").output.count(": compiled") == len(TRANSLATED)


def test_a_running_server_picks_up_an_edited_po_through_its_watcher(content_dir, tmp_path):
    translations = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, translations)
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir, "RELOAD_INTERVAL": 0.05,
                      "INSTANCE_DIR": tmp_path / "instance", "TRANSLATIONS_DIR": translations})
    client = app.test_client(use_cookies=False)
    assert "Toutes les rumeurs" in text(client.get("/fr/topics/"))  # now in the caches
    po = polib.pofile(str(catalogs.catalog_path(translations, "fr")))
    po.find("All rumours").msgstr = "Toutes les rumeurs de la ville"
    po.save()
    deadline = time.monotonic() + 30
    edited = "Toutes les rumeurs de la ville"
    while edited not in text(client.get("/fr/topics/")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert edited in text(client.get("/fr/topics/"))
    app.extensions["rumours"].stop()


def test_update_merges_new_strings_and_keeps_old_work(tmp_path):
    template = tmp_path / "messages.pot"
    translations = tmp_path / "translations"
    old = polib.POFile()
    old.metadata = {"Content-Type": "text/plain; charset=utf-8"}
    for msgid in ("Search", "Read the whole page", "Kept", "Gone"):
        old.append(polib.POEntry(msgid=msgid, msgstr=""))
    old.save(str(template))
    assert catalogs.update_catalogs(template, translations, ["fr", "ar"]) == {
        "fr": "created", "ar": "created"}
    po = polib.pofile(str(catalogs.catalog_path(translations, "fr")))
    assert po.metadata["Language"] == "fr"
    assert "nplurals=6" in polib.pofile(
        str(catalogs.catalog_path(translations, "ar"))).metadata["Plural-Forms"]
    po.find("Search").msgstr = "Rechercher"
    po.find("Read the whole page").msgstr = "Lire toute la page"
    po.find("Kept").msgstr = "Gardé"
    po.save()

    new = polib.POFile()
    new.metadata = old.metadata
    for msgid in ("Search", "Read the whole page now", "Print"):
        new.append(polib.POEntry(msgid=msgid, msgstr=""))
    new.save(str(template))
    assert catalogs.update_catalogs(template, translations, ["fr"]) == {"fr": "updated"}
    assert catalogs.update_catalogs(template, translations, ["fr"]) == {"fr": "unchanged"}
    po = polib.pofile(str(catalogs.catalog_path(translations, "fr")))
    assert po.find("Search").msgstr == "Rechercher"
    changed = po.find("Read the whole page now")
    assert changed.fuzzy and changed.msgstr == "Lire toute la page"  # a hint, not used
    assert po.find("Print").msgstr == ""
    obsolete = {e.msgid: e.msgstr for e in po if e.obsolete}
    assert obsolete == {"Kept": "Gardé"}  # a translator's work is kept; empty entries are not
    status = catalogs.catalog_status(translations, "fr", template)
    assert (status.translated, status.fuzzy, status.untranslated, status.percent) == (1, 1, 1, 33)


# --------------------------------------------------------------------------- commands


@pytest.fixture
def cli_env(content_dir, tmp_path) -> dict:
    translations = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, translations)
    return {"RUMOURS_CONTENT": str(content_dir), "RUMOURS_TRANSLATIONS": str(translations)}


def run(env: dict, *args: str):
    return CliRunner().invoke(main, list(args), env=env)


def test_status_reports_interface_and_content_per_language(cli_env, content_dir):
    write(content_dir / "pages" / "about.ca.md", "---\ntitle: Sobre\n---\nText.\n")  # unstamped
    result = run(cli_env, "i18n", "status", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["default_language"] == "en"
    assert report["source"] == {"lang": "en", "rumours": 2, "pages": 1, "updates": 1}
    by_lang = {entry["lang"]: entry for entry in report["languages"]}
    assert list(by_lang) == list(TRANSLATED)
    assert by_lang["es"]["rumours"] == {
        "total": 2, "translated": 1, "outdated": 0, "missing": 1, "draft": 0, "reviewed": 1,
        "outdated_ids": [], "missing_ids": ["springfield-pets-geese"], "draft_ids": []}
    assert by_lang["ca"]["pages"]["draft"] == 1  # no `status`: a draft
    assert by_lang["ca"]["pages"]["outdated_ids"] == ["about"]
    assert by_lang["ht"]["rumours"]["missing"] == 2
    for entry in by_lang.values():
        assert entry["interface"]["percent"] >= 95
        assert entry["interface"]["total"] == len(catalogs.template_msgids(TEMPLATE))

    table = run(cli_env, "i18n", "status", "--verbose")
    assert table.exit_code == 0
    assert re.search(r"^es\s+Español\s+\d+%\s+1/0/1\s+0/0/1\s+0/0/1\s+0/1$", table.output,
                     re.M)
    assert "ca: draft pages (not yet checked): about" in table.output
    assert "ca: outdated pages: about" in table.output
    assert "ht: missing rumours: take-our-jobs, springfield-pets-geese" in table.output or \
        "ht: missing rumours: springfield-pets-geese, take-our-jobs" in table.output


def test_stamp_makes_an_outdated_translation_current(cli_env, content_dir):
    source = content_dir / "rumours" / "take-our-jobs.md"
    source.write_text(source.read_text(encoding="utf-8").replace("decades", "many decades"),
                      encoding="utf-8")
    rumour = load_library(content_dir).rumour("take-our-jobs")
    assert rumour.outdated == ("es",)
    checked = run(cli_env, "check")
    assert checked.exit_code == 0 and "take-our-jobs.es.md" in checked.output
    assert "outdated" in checked.output
    assert run(cli_env, "check", "--strict").exit_code == 1

    translation = content_dir / "rumours" / "take-our-jobs.es.md"
    before = translation.read_text(encoding="utf-8")
    result = run(cli_env, "i18n", "stamp", "take-our-jobs", "es")
    assert result.exit_code == 0, result.output
    assert rumour.fingerprint in result.output
    after = translation.read_text(encoding="utf-8")
    assert f"source_fingerprint: {rumour.fingerprint}\n" in after
    # Only the fingerprint line changed.
    assert [a for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b] \
        == [line for line in before.splitlines() if line.startswith("source_fingerprint:")]
    assert load_library(content_dir).rumour("take-our-jobs").outdated == ()
    assert "already current" in run(cli_env, "i18n", "stamp", "take-our-jobs", "es").output
    assert run(cli_env, "check", "--strict").exit_code == 0


def test_stamp_pages_and_updates(cli_env, content_dir):
    write(content_dir / "pages" / "about.ar.md", "---\ntitle: عن المكتبة\n---\nنص.\n")
    write(content_dir / "updates" / "2026-10-20-springfield-set.ht.md",
          "---\r\ntitle: Seri Springfield la\r\nsource_fingerprint: 000000000000\r\n---\r\nTèks.\r\n")
    assert load_library(content_dir).page("about").texts["ar"].status == "outdated"
    assert run(cli_env, "i18n", "stamp", "pages/about", "ar").exit_code == 0
    assert run(cli_env, "i18n", "stamp", "updates/springfield-set", "ht").exit_code == 0
    library = load_library(content_dir)
    assert library.page("about").texts["ar"].status == "current"
    assert library.update("springfield-set").texts["ht"].status == "current"
    assert (content_dir / "updates" / "2026-10-20-springfield-set.ht.md").read_bytes().count(
        b"\r\n") == 5  # the file keeps its line endings
    assert run(cli_env, "i18n", "stamp", "--kind", "page", "about", "ar").exit_code == 0
    assert run(cli_env, "i18n", "stamp", "updates/2026-10-20-springfield-set", "ht"
               ).exit_code == 0


@pytest.mark.parametrize(("args", "message"), [
    (("no-such-rumour", "es"), "no source file"),
    (("springfield-pets-geese", "fr"), "no translation"),
    (("take-our-jobs", "en"), "default language"),
    (("take-our-jobs", "de"), "not one of the site's languages"),
    (("posts/about", "es"), "must be rumours/, pages/ or updates/"),
    (("--kind", "update", "pages/about", "es"), "--kind says update"),
])
def test_stamp_explains_what_is_wrong(cli_env, args, message):
    result = run(cli_env, "i18n", "stamp", *args)
    assert result.exit_code == 1
    assert message in result.output


def test_check_fails_on_a_translation_without_a_source(cli_env, content_dir):
    write(content_dir / "rumours" / "they-eat-cats.fr.md", "---\nclaim: x\nsummary: y\n---\n")
    write(content_dir / "pages" / "contact.es.md", "---\ntitle: Contacto\n---\nTexto.\n")
    result = run(cli_env, "check")
    assert result.exit_code == 1
    assert "they-eat-cats.fr.md:1: file name: translation of they-eat-cats.md, which does not " \
           "exist" in result.output
    assert "contact.es.md:1: file name: translation of contact.md" in result.output


def test_update_command_writes_template_and_catalogs(cli_env, tmp_path):
    env = {**cli_env, "RUMOURS_TRANSLATIONS": str(tmp_path / "fresh")}
    result = run(env, "i18n", "update")
    assert result.exit_code == 0, result.output
    for lang in TRANSLATED:
        assert f"{lang}/LC_MESSAGES/messages.po: created; 0% translated" in result.output
    assert (tmp_path / "fresh" / "messages.pot").is_file()
    again = run(env, "i18n", "update")
    assert "messages.pot: " in again.output and "(unchanged)" in again.output
    assert again.output.count(": unchanged;") == len(TRANSLATED)
    # With the real catalogs, the same command keeps every translation.
    kept = run(cli_env, "i18n", "update")
    assert kept.exit_code == 0
    for lang in TRANSLATED:
        assert catalogs.catalog_status(Path(cli_env["RUMOURS_TRANSLATIONS"]), lang,
                                       TEMPLATE).percent >= 95


# --------------------------------------------------------------------------- browser


@pytest.fixture
def live_server(content_dir, tmp_path):
    """The app on a free port in a background thread, for a real browser."""
    from werkzeug.serving import make_server

    app = create_app({"CONTENT_DIR": content_dir, "INSTANCE_DIR": tmp_path / "instance",
                      "TRANSLATIONS_DIR": TRANSLATIONS})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def boxes(browser, url: str, media: str = "screen") -> dict:
    """Where the search box, the main navigation and the page's content box sit."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.emulate_media(media=media)
        page.goto(url)
        found = {"width": page.viewport_size["width"],
                 "dir": page.evaluate("getComputedStyle(document.documentElement).direction")}
        for name, selector in {"search": "#q", "button": ".search-form button",
                               "nav": ".main-nav li:first-child a",
                               "nav_last": ".main-nav li:last-child a",
                               "site_name": ".site-name", "main": "main"}.items():
            found[name] = page.locator(selector).first.bounding_box()
        return found
    finally:
        page.close()


@pytest.mark.browser
def test_arabic_layout_mirrors(browser, live_server):
    en = boxes(browser, live_server + "/en/")
    ar = boxes(browser, live_server + "/ar/")
    assert (en["dir"], ar["dir"]) == ("ltr", "rtl")

    def right(box):
        return box["x"] + box["width"]

    main_left, main_right = ar["main"]["x"], right(ar["main"])
    middle = en["width"] / 2
    # English: the search box starts at the left of the content; Arabic: at the right.
    assert en["search"]["x"] + en["search"]["width"] / 2 < middle
    assert ar["search"]["x"] + ar["search"]["width"] / 2 > middle
    assert abs(right(ar["search"]) - (main_right - 16)) <= 2  # flush with the inline start
    assert abs(en["search"]["x"] - (main_left + 16)) <= 2
    assert ar["button"]["x"] < ar["search"]["x"]  # the button follows it, to its left
    # The navigation starts on the right and runs leftwards.
    assert ar["nav"]["x"] > middle and ar["nav_last"]["x"] < ar["nav"]["x"]
    assert en["nav"]["x"] < middle and en["nav_last"]["x"] > en["nav"]["x"]
    assert ar["site_name"]["x"] > middle > right(en["site_name"])
    # Mirror images of each other.
    assert abs(right(ar["search"]) - (en["width"] - en["search"]["x"])) <= 2
    assert abs(right(ar["nav"]) - (en["width"] - en["nav"]["x"])) <= 2


@pytest.mark.browser
def test_arabic_print_stylesheet_is_right_to_left(browser, live_server):
    page = browser.new_page()
    try:
        page.emulate_media(media="print")
        page.goto(live_server + "/ar/rumours/take-our-jobs")
        style = page.evaluate("""() => {
            const s = getComputedStyle(document.querySelector('.answer-box'));
            return {dir: s.direction, right: s.borderRightWidth, left: s.borderLeftWidth,
                    header: getComputedStyle(document.querySelector('.site-header')).display,
                    align: s.textAlign};
        }""")
        assert style["dir"] == "rtl" and style["header"] == "none"
        assert float(style["right"].rstrip("px")) > 3 and float(style["left"].rstrip("px")) == 0
        summary = page.locator(".answer-box").bounding_box()
        label = page.locator(".answer-box .verdict").bounding_box()
        assert label["x"] + label["width"] > summary["x"] + summary["width"] - 40  # starts right
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    finally:
        page.close()


@pytest.mark.browser
def test_switcher_choice_is_remembered_by_the_browser(browser, live_server):
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        assert page.url.endswith("/en/")
        page.locator(".lang-switch summary").click()
        page.locator('.lang-switch a[hreflang="ar"]').click()
        page.wait_for_url("**/ar/")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        page.goto(live_server + "/")
        assert page.url.endswith("/ar/")
    finally:
        context.close()
