"""Static export: the whole site as files with relative links, for a static host or a USB stick.

Every page is fetched from the real app (Flask's test client), starting from the sitemap,
the feeds, the share images and the cards, and following every link the pages build. Each
URL is saved as a file (`/en/rumours/` -> `en/rumours/index.html`, `/en/rumours/?place=spain`
-> `en/rumours/index.place-spain.html`). The links are relative when the app builds them:
the build's ExportLinks (export_urls.py) rides in each request, the app's URL helper asks it
for every link, and it notes each target for the crawl. Nothing is rewritten afterwards.
A search index per language and static/js/offline-search.js keep search working offline.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, url_for
from flask_babel import force_locale, gettext

from rumours.publishing import offline_search
from rumours.publishing.export_policy import export_policy
from rumours.publishing.export_urls import (
    EXPORT_ENVIRON,
    EXPORT_PAGE_ENVIRON,
    NOT_EXPORTED,
    ExportLinks,
    output_file,
    relative,
    resolve,
    url_key,
)
from rumours.publishing.sitemap import sitemap_pages

__all__ = ["ExportError", "ExportReport", "SiteExport", "build_site", "output_file", "url_key"]

MARKER = ".rumours-export"
PROGRESS_SECONDS = 5.0  # a progress line at most this often while crawling
REDIRECTS = (301, 302, 303, 307, 308)


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


class SiteExport:
    """One build of the static copy of an app's site into a folder."""

    def __init__(self, app: Flask, out: Path, decks: bool = False, log=None):
        self.app = app
        self.out = Path(out).resolve()
        self.decks = decks
        self.log = log or (lambda _message: None)
        self.client = app.test_client()
        self.library = app.extensions["rumours"].library
        self.site = self.library.site
        self.static_dir = Path(app.static_folder)
        self.links = ExportLinks(self.site.base_url, self.site.report_url,
                                 self.site.search_url)
        self.exported: dict[str, str] = {}  # key -> output file
        self.aliases: dict[str, str] = {}  # redirecting key -> its target key
        self.policy = ""  # the app's Content-Security-Policy header, for the root page
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
        """Fetch every seed and everything its pages link to; save each as a file."""
        queue = deque((url_key(*_split(url)), "(start)") for url in self.seeds())
        self.links.planned = {key for key, _ in queue}
        seen = set(self.links.planned) | set(self.exported)
        started = last_report = time.monotonic()
        fetched = 0
        while queue:
            key, referrer = queue.popleft()
            now = time.monotonic()
            if now - last_report >= PROGRESS_SECONDS:
                self.log(f"  {fetched} of {len(seen)} URLs so far ({now - started:.0f} s); "
                         f"now {key}")
                last_report = now
            fetched += 1
            for target in self.fetch(staging, key, referrer):
                if target not in seen:
                    seen.add(target)
                    queue.append((target, key))
        self.log(f"fetched {len(seen)} URLs")
        self.log("report form: links go to the live form at " + self.site.report_url
                 if self.site.report_url else
                 "report form: left out (a static copy cannot send reports; its page says so "
                 "and gives the contact line). Set report_url in site.yml to link to the live "
                 "form instead.")

    def fetch(self, staging: Path, key: str, referrer: str) -> list[str]:
        """Fetch one URL as a page of the copy, save it, and give the URLs it links to."""
        path, _, query = key.partition("?")
        if path == "/" and not query:
            self.exported[key] = "index.html"  # the language chooser, written below
            return []
        if path.startswith(NOT_EXPORTED) or self.links.live_report_url(key):
            return []
        environ = {EXPORT_ENVIRON: self.links, EXPORT_PAGE_ENVIRON: key}
        with self.client.get(path, query_string=query, environ_overrides=environ) as response:
            found = self.links.take_found()
            status = response.status_code
            if status in REDIRECTS:
                target = resolve(path, response.headers.get("Location", ""))
                if target is None:
                    self.report.broken.append((key, referrer, status))
                    return []
                self.aliases[key] = target[0]
                return [target[0]]
            if status != 200:
                self.report.broken.append((key, referrer, status))
                return []
            if response.mimetype == "text/html":
                self.report.pages += 1
                self.policy = self.policy or response.headers.get("Content-Security-Policy", "")
            self.exported[key] = output_file(key)
            self._write(staging, self.exported[key], response.get_data())
        return found

    def _write(self, staging: Path, name: str, data: bytes) -> None:
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.report.files += 1
        self.report.size += len(data)

    def write_aliases(self, staging: Path) -> None:
        """A file for each URL that redirects: a copy of a saved file, or for a page a page
        that goes on to the saved one (so links to the redirecting address work too)."""
        for key in self.aliases:
            target, hops = self.aliases[key], 0
            while target in self.aliases and hops < 10:
                target, hops = self.aliases[target], hops + 1
            name = output_file(key)
            if target not in self.exported or name in self.exported.values():
                continue
            saved = self.exported[target]
            if not saved.endswith(".html"):
                self._write(staging, name, (staging / saved).read_bytes())
                continue
            link = html.escape(relative(saved, name))
            self._write(staging, name, (
                f'<!doctype html>\n<html lang="{self.site.default_language}">\n'
                f'<meta charset="utf-8">\n'
                f'<meta http-equiv="refresh" content="0; url={link}">\n'
                f'<title>{html.escape(self.site.name)}</title>\n<a href="{link}">{link}</a>\n'
            ).encode())

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
                        lambda verdict: gettext(self.site.verdicts.get(verdict, verdict)))
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
        policy = html.escape(export_policy(self.policy, self.site.base_url,
                                           self.site.search_url))
        return (f'<!doctype html>\n<html lang="{default}">\n<head>\n<meta charset="utf-8">\n'
                f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f'<meta http-equiv="refresh" content="0; url={default}/index.html">\n'
                f"<title>{title}</title>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n"
                f"<ul>\n{items}\n</ul>\n</main>\n</body>\n</html>\n").encode()

    def write_copy(self, staging: Path) -> None:
        """Everything the copy holds, into `staging`."""
        self.app.extensions["rumours"].refresh()
        statics = self.static_files()
        for key, path in statics.items():  # under their plain names (the offline scripts)
            self.exported[url_key(key)] = key.lstrip("/")
            self._write(staging, key.lstrip("/"), path.read_bytes())
        self.crawl(staging)
        self.write_aliases(staging)
        self._write(staging, "index.html", self.language_chooser())
        self.search_data(staging)
        (staging / MARKER).write_text("written by `rumours build`\n", encoding="utf-8")

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
            self.write_copy(staging)
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


def build_site(app: Flask, out: Path, decks: bool = False, log=None) -> ExportReport:
    """Export the app's site into `out` (see SiteExport)."""
    return SiteExport(app, out, decks=decks, log=log).build()
