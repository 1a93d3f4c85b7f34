"""Static export: the whole site as files with relative links, for a static host or a USB stick.

Every page is fetched from the real app (Flask's test client), starting from the sitemap,
the feeds, the share images and the cards, and following every link found. Each URL is
saved as a file (`/en/rumours/` -> `en/rumours/index.html`, `/en/rumours/?place=spain` ->
`en/rumours/index.place-spain.html`) and every link, script, stylesheet and form is
rewritten relative to the file that holds it, so the copy works from a folder (file://).
A search index per language and static/js/offline-search.js keep search working offline.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import posixpath
import re
import shutil
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from flask import Flask, url_for
from flask_babel import force_locale

from rumours.publishing import offline_search
from rumours.publishing.sitemap import sitemap_pages
from rumours.web.security import export_policy
from rumours.web.templating import verdict_label

MARKER = ".rumours-export"
ATTR_URL = re.compile(r'(?P<lead>\s(?:href|src|action|poster))="(?P<url>[^"]*)"')
CSS_URL = re.compile(r"""url\(\s*(?P<q>["']?)(?P<url>[^"')]+)(?P=q)\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?P<q>["'])(?P<url>[^"']+)(?P=q)""")
FORM_TAG = re.compile(r"<form\b[^>]*>")
HTML_LANG = re.compile(r'<html[^>]*\slang="(?P<lang>[^"]+)"')
QUERY_SAFE = re.compile(r"[a-z0-9,-]+")
NOT_EXPORTED = ("/api/", "/_dev/", "/admin/")  # dynamic: links to these go to the live site
REPORT_FORM = re.compile(r"/(?P<lang>[a-z]{2,3})/report")
SCRIPT = "js/offline-search.js"
PROGRESS_SECONDS = 5.0  # a progress line at most this often while crawling


class ExportError(Exception):
    """The export cannot be written (e.g. OUT is a folder that is not an earlier export)."""


@dataclass
class ExportReport:
    """What a build wrote, and the links that did not resolve."""

    out: Path
    pages: int = 0
    files: int = 0
    size: int = 0
    seconds: float = 0.0
    broken: list[tuple[str, str, int]] = field(default_factory=list)  # url, linked from, status


def url_key(path: str, query: str = "") -> str:
    """A URL in one canonical spelling: its path and its non-empty parameters, sorted."""
    pairs = sorted((k, v) for k, v in parse_qsl(query, keep_blank_values=True) if v)
    return path + ("?" + urlencode(pairs) if pairs else "")


def _query_slug(query: str) -> str:
    """`place=spain&topic=work` -> `place-spain_topic-work`; anything unusual -> a hash."""
    pairs = sorted((k, v) for k, v in parse_qsl(query) if v)
    slug = "_".join(f"{k}-{v}" for k, v in pairs)
    plain = all(QUERY_SAFE.fullmatch(part) for pair in pairs for part in pair)
    if not plain or len(slug) > 80:
        return "q-" + hashlib.sha256(slug.encode("utf-8")).hexdigest()[:12]
    return slug


def output_file(key: str) -> str:
    """Where a URL is saved, relative to the export's root (always a file, never a folder)."""
    path, _, query = key.partition("?")
    folder, _, last = path.rpartition("/")
    if path.endswith("/") or "." not in last:  # a page: a folder with an index.html
        base = path if path.endswith("/") else path + "/"
        name = f"index.{_query_slug(query)}.html" if query else "index.html"
        return base.lstrip("/") + name
    if not query:
        return path.lstrip("/")
    stem, _, ext = last.rpartition(".")
    return f"{folder}/{stem}.{_query_slug(query)}.{ext}".lstrip("/")


def relative(target_file: str, from_file: str) -> str:
    """A relative link from one exported file to another."""
    return posixpath.relpath(target_file, posixpath.dirname(from_file) or ".")


def _resolve(base_path: str, url: str) -> tuple[str, str] | None:
    """An internal link as (key, fragment), or None for external and fragment-only links."""
    url = url.strip()
    if not url or url.startswith("#"):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = urljoin(base_path, parts.path) if parts.path else base_path
    return url_key(path, parts.query), parts.fragment


class SiteExport:
    """One build of the static copy of an app's site into a folder."""

    def __init__(self, app: Flask, out: Path, decks: bool = False, log=None):
        self.app = app
        self.out = Path(out).resolve()
        self.decks = decks
        self.log = log or (lambda message: None)
        self.client = app.test_client()
        self.library = app.extensions["rumours"].library
        self.site = self.library.site
        self.static_dir = Path(app.static_folder)
        self.exported: dict[str, str] = {}  # key -> output file
        self.aliases: dict[str, str] = {}  # redirecting key -> its target key
        self.pages: dict[str, str] = {}  # key -> HTML to rewrite
        self.styles: dict[str, str] = {}  # key -> CSS to rewrite
        self.report = ExportReport(self.out)

    # ------------------------------------------------------------------ what to fetch

    def has(self, endpoint: str) -> bool:
        return endpoint in self.app.view_functions

    def seeds(self) -> list[str]:
        """The URLs every build starts from; the crawl finds the rest through links."""
        urls = ["/sitemap.xml", "/robots.txt"]
        lib = self.library
        with self.app.test_request_context():
            pages = sitemap_pages(lib, self.has)
            for lang in self.site.languages:
                urls += [url_for(p.endpoint, lang=lang, **p.values) for p in pages]
                if self.has("search.search_page"):
                    urls.append(url_for("search.search_page", lang=lang))
                if self.has("feeds.rss"):
                    urls += [url_for("feeds.rss", lang=lang), url_for("feeds.atom", lang=lang)]
                    for topic in self.site.topics:
                        urls += [url_for("feeds.topic_rss", lang=lang, topic=topic),
                                 url_for("feeds.topic_atom", lang=lang, topic=topic)]
                for rumour in lib.rumours:
                    if self.has("share_images.image"):
                        urls.append(url_for("share_images.image", lang=lang,
                                            rumour_id=rumour.id))
                    if self.has("cards.card_pdf"):
                        urls.append(url_for("cards.card_pdf", lang=lang, rumour_id=rumour.id))
                if self.decks and self.has("cards.deck_pdf"):
                    # The decks a copy can ship: the whole library, each topic, each place.
                    urls.append(url_for("cards.deck_pdf", lang=lang))
                    urls += [url_for("cards.deck_pdf", lang=lang, topic=t)
                             for t in self.site.topics if lib.filter(topic=t)]
                    urls += [url_for("cards.deck_pdf", lang=lang, place=p)
                             for p in self.site.places if lib.filter(place=p)]
        return urls

    # ------------------------------------------------------------------ crawling

    def crawl(self, staging: Path) -> None:
        """Fetch every seed and everything linked from it; save files, keep HTML and CSS."""
        queue = deque((url_key(*_split(url)), "(start)") for url in self.seeds())
        seen = {key for key, _ in queue}
        fetched, started, last_report = 0, time.monotonic(), time.monotonic()
        while queue:
            key, referrer = queue.popleft()
            now = time.monotonic()
            if now - last_report >= PROGRESS_SECONDS:
                self.log(f"  {fetched} of {len(seen)} URLs so far ({now - started:.0f} s); "
                         f"now {key}")
                last_report = now
            fetched += 1
            path, _, query = key.partition("?")
            if path == "/" and not query:
                self.exported[key] = "index.html"  # the language chooser, written below
                continue
            if path.startswith(NOT_EXPORTED) or self.live_report_url(key):
                continue
            with self.client.get(path, query_string=query) as response:
                status = response.status_code
                if status in (301, 302, 303, 307, 308):
                    target = _resolve(path, response.headers.get("Location", ""))
                    if target is None:
                        self.report.broken.append((key, referrer, status))
                        continue
                    self.aliases[key] = target[0]
                    found = [target[0]]
                elif status != 200:
                    self.report.broken.append((key, referrer, status))
                    continue
                elif response.mimetype == "text/html":
                    text = response.get_data(as_text=True)
                    self.pages[key] = text
                    links = (_resolve(path, html.unescape(m["url"]))
                             for m in ATTR_URL.finditer(text)
                             if m["lead"].strip() != "action")  # a form is not a link
                    found = [link[0] for link in links if link]
                elif response.mimetype == "text/css":
                    text = response.get_data(as_text=True)
                    self.styles[key] = text
                    links = (_resolve(path, m["url"]) for m in _css_urls(text))
                    found = [link[0] for link in links if link]
                else:
                    self._write(staging, output_file(key), response.get_data())
                    found = []
                if status == 200:
                    self.exported[key] = output_file(key)
            for target in found:
                if target not in seen:
                    seen.add(target)
                    queue.append((target, key))
        self.log(f"fetched {len(seen)} URLs")
        self.log("report form: links go to the live form at " + self.site.report_url
                 if self.site.report_url else
                 "report form: left out (a static copy cannot send reports; its page says so "
                 "and gives the contact line). Set report_url in site.yml to link to the live "
                 "form instead.")

    def _write(self, staging: Path, name: str, data: bytes) -> None:
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.report.files += 1
        self.report.size += len(data)

    # ------------------------------------------------------------------ rewriting

    def live_report_url(self, key: str) -> str:
        """Where a link to the report form goes when site.yml has `report_url` ("" if not:
        the copy then has a page saying it cannot send reports)."""
        path, _, query = key.partition("?")
        match = REPORT_FORM.fullmatch(path)
        if not match or not self.site.report_url:
            return ""
        url = self.site.report_url.replace("{lang}", match["lang"])
        return url + (("&" if "?" in url else "?") + query if query else "")

    def _link(self, key: str, fragment: str, from_file: str) -> str:
        key = self.aliases.get(key, key)
        if self.live_report_url(key):
            return self.live_report_url(key) + ("#" + fragment if fragment else "")
        if key in self.exported:
            link = relative(self.exported[key], from_file)
        else:  # not in the copy (dynamic, or broken): the live site has it
            link = self.site.base_url + key
        return link + ("#" + fragment if fragment else "")

    def _search_action(self, lang: str) -> str:
        return self.site.search_url.replace("{lang}", lang) if self.site.search_url else ""

    def rewrite_html(self, key: str, text: str) -> str:
        """Relative links, forms that know their site address, the offline search script."""
        path = key.partition("?")[0]
        own = self.exported[key]
        match = HTML_LANG.search(text)
        lang = match["lang"] if match else self.site.default_language

        def form(match: re.Match) -> str:
            tag = match.group(0)
            action = re.search(r'\saction="([^"]*)"', tag)
            target = _resolve(path, html.unescape(action.group(1))) if action else None
            if target is not None:
                tag = tag[:-1] + f' data-site-action="{html.escape(target[0])}">'
            live_search = self._search_action(lang)
            if 'role="search"' in tag and live_search and action:
                tag = tag.replace(action.group(0), f' action="{html.escape(live_search)}"')
            return tag

        def attribute(match: re.Match) -> str:
            target = _resolve(path, html.unescape(match["url"]))
            if target is None:
                return match.group(0)
            return f'{match["lead"]}="{html.escape(self._link(*target, own))}"'

        text = FORM_TAG.sub(form, text)
        text = ATTR_URL.sub(attribute, text)
        root = relative("index.html", own)[: -len("index.html")] or "./"
        script = (f'<script src="{html.escape(relative("static/" + SCRIPT, own))}" '
                  f'data-root="{html.escape(root)}" data-lang="{html.escape(lang)}" '
                  f'data-live="{html.escape(self.site.base_url)}" '
                  f'data-search-url="{html.escape(self._search_action(lang))}" defer></script>')
        return text.replace("</body>", script + "\n</body>", 1)

    def rewrite_css(self, key: str, text: str, own: str) -> str:
        path = key.partition("?")[0]

        def url(match: re.Match) -> str:
            target = _resolve(path, match["url"])
            if target is None:
                return match.group(0)
            return match.group(0).replace(match["url"], self._link(*target, own))

        return CSS_IMPORT.sub(url, CSS_URL.sub(url, text))

    # ------------------------------------------------------------------ the rest

    def static_files(self) -> dict[str, Path]:
        """Every file in static/, by its URL (unfingerprinted names)."""
        files = {}
        for path in sorted(self.static_dir.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                files["/static/" + path.relative_to(self.static_dir).as_posix()] = path
        return files

    def search_data(self, staging: Path) -> None:
        """The offline search index per language (JSON, and as a script for file://)."""
        with self.app.test_request_context():
            for lang in self.site.languages:
                with force_locale(lang):
                    index = offline_search.search_index(
                        self.library, lang,
                        lambda rumour_id, lang=lang: self.exported.get(
                            url_key(url_for("pages.rumour", lang=lang, rumour_id=rumour_id)),
                            ""),
                        verdict_label)
                data = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
                self._write(staging, f"{lang}/search-index.json", data.encode("utf-8"))
                script = f"window.RUMOURS_SEARCH_INDEX=window.RUMOURS_SEARCH_INDEX||{{}};" \
                         f"window.RUMOURS_SEARCH_INDEX[{json.dumps(lang)}]={data};\n"
                self._write(staging, f"{lang}/search-index.js", script.encode("utf-8"))
        # Which URLs the copy has, so forms (filters, decks) can open a saved page.
        files = {key: name for key, name in sorted(self.exported.items())}
        files.update({k: self.exported[v] for k, v in self.aliases.items()
                      if v in self.exported})
        manifest = json.dumps({"files": files, "live": self.site.base_url},
                              ensure_ascii=False, separators=(",", ":"))
        self._write(staging, "export-manifest.js",
                    f"window.RUMOURS_EXPORT={manifest};\n".encode())

    def language_chooser(self) -> bytes:
        """index.html at the root: goes to the default language, lists the others."""
        from rumours.i18n import direction, language_name

        default = self.site.default_language
        items = "\n".join(
            f'<li><a href="{lang}/index.html" lang="{lang}" hreflang="{lang}" '
            f'dir="{direction(lang)}">{html.escape(language_name(lang))}</a></li>'
            for lang in self.site.languages)
        title = html.escape(self.site.name)
        policy = html.escape(export_policy(self.site.base_url, self.site.search_url))
        return (f'<!doctype html>\n<html lang="{default}">\n<head>\n<meta charset="utf-8">\n'
                f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f'<meta http-equiv="refresh" content="0; url={default}/index.html">\n'
                f"<title>{title}</title>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n"
                f"<ul>\n{items}\n</ul>\n</main>\n</body>\n</html>\n").encode()

    def build(self) -> ExportReport:
        """Write the copy into a new folder beside OUT, then put it in OUT's place."""
        started = time.monotonic()
        if self.out.exists() and any(self.out.iterdir()) and not (self.out / MARKER).exists():
            raise ExportError(f"{self.out} is not empty and is not an earlier export; "
                              "choose an empty or new folder")
        staging = self.out.parent / f".{self.out.name}.building-{os.getpid()}"
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        self.app.config["EXPORTING"] = True  # pages carry their security policy in a <meta>
        try:
            self.app.extensions["rumours"].refresh()
            statics = self.static_files()
            for key in statics:
                self.exported[url_key(key)] = key.lstrip("/")
            self.crawl(staging)
            for key, path in statics.items():
                if path.suffix == ".css":
                    text = self.rewrite_css(key, path.read_text(encoding="utf-8"),
                                            key.lstrip("/"))
                    self._write(staging, key.lstrip("/"), text.encode("utf-8"))
                else:
                    self._write(staging, key.lstrip("/"), path.read_bytes())
            for key, text in self.styles.items():
                self._write(staging, self.exported[key],
                            self.rewrite_css(key, text, self.exported[key]).encode("utf-8"))
            for key, text in self.pages.items():
                self._write(staging, self.exported[key],
                            self.rewrite_html(key, text).encode("utf-8"))
                self.report.pages += 1
            self._write(staging, "index.html", self.language_chooser())
            self.search_data(staging)
            (staging / MARKER).write_text("written by `rumours build`\n", encoding="utf-8")
            if self.out.exists():
                old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
                os.replace(self.out, old)
                os.replace(staging, self.out)
                shutil.rmtree(old)
            else:
                os.replace(staging, self.out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            self.app.config["EXPORTING"] = False
        self.report.seconds = time.monotonic() - started
        return self.report


def _split(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path, parts.query


def _css_urls(text: str):
    yield from CSS_URL.finditer(text)
    yield from CSS_IMPORT.finditer(text)


def build_site(app: Flask, out: Path, decks: bool = False, log=None) -> ExportReport:
    """Export the app's site into `out` (see SiteExport)."""
    return SiteExport(app, out, decks=decks, log=log).build()
