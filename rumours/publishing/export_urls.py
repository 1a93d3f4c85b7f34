"""Links of the static export, made when URLs are built: relative to the page that has them.

`rumours build` renders every page through the app with an ExportLinks in the request's
WSGI environ (EXPORT_ENVIRON). The app's URL helper (rumours/web/templating.py `page_url`,
the templates' `url_for`) hands each URL it builds to `ExportLinks.link`, which returns
the path of the target's file relative to the page's own file, as Frozen-Flask's relative
URLs and Lektor's `url_to` do (`/en/rumours/x` seen from `/en/` is `rumours/x/index.html`),
and notes the target so the build fetches it next. Links the copy cannot serve (the JSON
API, the inbox, the report form when site.yml names a live one) go to the live site.
Nothing is rewritten after rendering.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import nh3

from rumours.content import markup

EXPORT_ENVIRON = "rumours.export"  # the WSGI environ key of the build's ExportLinks
EXPORT_PAGE_ENVIRON = "rumours.export.page"  # ... and of the key of the page it renders
NOT_EXPORTED = ("/api/", "/_dev/", "/admin/")  # dynamic: links to these go to the live site
REPORT_FORM = re.compile(r"/(?P<lang>[a-z]{2,3})/report")
QUERY_SAFE = re.compile(r"[a-z0-9,-]+")


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


def resolve(base_path: str, url: str) -> tuple[str, str] | None:
    """An internal link as (key, fragment), or None for external and fragment-only links."""
    url = url.strip()
    if not url or url.startswith("#"):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = urljoin(base_path, parts.path) if parts.path else base_path
    return url_key(path, parts.query), parts.fragment


def _with_fragment(url: str, fragment: str) -> str:
    return url + ("#" + fragment if fragment else "")


class ExportLinks:
    """One build's link policy: where each built URL points in the copy, and which URLs
    the pages link to (the build fetches those next)."""

    def __init__(self, base_url: str, report_url: str = "", search_url: str = "",
                 planned: Iterable[str] = ()):
        self.base_url = base_url.rstrip("/")
        self.report_url = report_url
        self.search_url = search_url
        self.planned = set(planned)  # keys the build fetches whatever the pages link to
        self.found: list[str] = []  # keys linked since the last take_found()

    def take_found(self) -> list[str]:
        """The keys linked since the last call (in order, once each)."""
        found, self.found = list(dict.fromkeys(self.found)), []
        return found

    def live_report_url(self, key: str) -> str:
        """Where a link to the report form goes when site.yml has `report_url` ("" if not:
        the copy then has a page saying it cannot send reports)."""
        path, _, query = key.partition("?")
        match = REPORT_FORM.fullmatch(path)
        if not match or not self.report_url:
            return ""
        url = self.report_url.replace("{lang}", match["lang"])
        return url + (("&" if "?" in url else "?") + query if query else "")

    def live_search_url(self, lang: str) -> str:
        """The live site's search for `lang` (site.yml `search_url`), or ""."""
        return self.search_url.replace("{lang}", lang) if self.search_url else ""

    def _live(self, key: str) -> str:
        """The live site's address of a URL the copy does not have."""
        return self.live_report_url(key) or self.base_url + key

    def link(self, url: str, page_key: str, follow: bool = True) -> str:
        """`url` (as the app builds it) as seen from the page `page_key` in the copy.

        A link the build follows (`follow`) is fetched and saved, so it always points into
        the copy; a form's target (not followed) points into the copy when the build plans
        that URL, else to the live site. External and fragment-only URLs stay as they are.
        """
        target = resolve(page_key.partition("?")[0], url)
        if target is None:
            return url
        key, fragment = target
        if key.startswith(NOT_EXPORTED) or self.live_report_url(key):
            return _with_fragment(self._live(key), fragment)
        if follow:
            self.found.append(key)
        elif key not in self.planned:
            return _with_fragment(self._live(key), fragment)
        return _with_fragment(relative(output_file(key), output_file(page_key)), fragment)

    def root(self, page_key: str) -> str:
        """The export's root folder as seen from a page ("../../" or "./")."""
        return relative("index.html", output_file(page_key))[: -len("index.html")] or "./"

    def body_html(self, html: str, page_key: str) -> str:
        """A library text's HTML (already sanitised) with its links made for the copy.

        Authors write links relative to the page ("../rumours/x"); nh3, the sanitiser the
        library uses, hands every URL attribute to `link` while it parses the fragment.
        """
        def attribute(_tag: str, name: str, value: str) -> str:
            return self.link(value, page_key) if name == "href" else value

        return nh3.clean(html, tags=markup.ALLOWED_TAGS, attributes=markup.ALLOWED_ATTRIBUTES,
                         url_schemes=markup.ALLOWED_SCHEMES, link_rel="noopener noreferrer",
                         strip_comments=True, attribute_filter=attribute)


def links_of(environ: dict) -> ExportLinks | None:
    """The build's ExportLinks when a request is a page being exported, else None."""
    links = environ.get(EXPORT_ENVIRON)
    return links if isinstance(links, ExportLinks) else None


def page_key_of(environ: dict) -> str:
    """The key of the page an exported request renders (as the build asked for it)."""
    return environ.get(EXPORT_PAGE_ENVIRON, "/")
