"""Rendered pages and whole responses, kept in the caches of the snapshot they came from.

Two layers share one key (`page_key`):

- `cached_page`, inside Flask: a view's HTML, so the after-request hooks (ETag, headers) still
  run on it. It serves the export, `RESPONSE_CACHE=False` and responses that are not shareable.
- `ResponseCache`, WSGI middleware: a finished shareable response (a 200 to a GET with
  `Cache-Control: public`, no cookie set, no `Vary`) answered without running Flask, with
  Werkzeug's own conditional handling (304, 412).

Both live in the snapshot (`Snapshot.cache`): a new library starts with empty caches and the
old ones go with the old snapshot, so nothing asks "is this still the live version?".

A page is keyed on exactly what it depends on: the script root and path (the language is in
the path), the query values it reads or carries into its language links, the version of the
interface catalogs and whether an export is rendering it. Nothing else of the request (Host,
cookies, Accept-Language, other query values) is read by a cached page, so none of it can
reach another visitor; the WSGI layer keys the whole query string.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache, wraps

from flask import current_app, g, request
from werkzeug.http import http_date
from werkzeug.wrappers import Response

from rumours import i18n
from rumours.publishing.export_urls import EXPORT_ENVIRON
from rumours.snapshot import LiveLibrary

PAGES = "pages"  # the snapshot cache of rendered HTML
RESPONSES = "responses"  # the snapshot cache of whole responses
MAX_PAGE_CHARACTERS = 32 * 1024 * 1024  # all rendered pages of one snapshot together
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # all kept responses of one snapshot together
MAX_ENTRY_BYTES = 2 * 1024 * 1024  # a bigger response (a deck PDF) is not kept here
PRIVATE_PATHS = ("/admin",)  # the inbox: never kept, whatever its headers say
# Query parameters the language links carry over (rumours/web/templating.py: lang_url), so a
# value of any of them is part of every page's HTML.
LINKED_ARGS = ("topic", "place", "verdict", "q", "page", "ids")
# Set per answer (as make_conditional does), not kept with the response.
UNKEPT_HEADERS = {"date"}
# Request headers that make an answer conditional: those go through Werkzeug.
CONDITIONAL_HEADERS = frozenset({"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH",
                                 "HTTP_IF_UNMODIFIED_SINCE", "HTTP_IF_RANGE", "HTTP_RANGE"})


def page_key(script_root: str, path: str, query: Iterable[tuple[str, str | None]],
             *context: Hashable) -> tuple:
    """The one key of a cached page or response: where it is mounted, its path, the query
    values it depends on, and what else it depends on (`context`: the catalogs' version...)."""
    return (script_root, path, tuple(query), *context)


def query_pairs(query_string: str) -> tuple[tuple[str, str], ...]:
    """A raw query string as (name, value) pairs, in a stable order of names: `b=2&a=1` and
    `a=1&b=2` show the same page, while the order of one name's values is kept (the first
    value is the one a page reads). Nothing is decoded, so no two different queries meet."""
    pairs = [(name, value) for name, _eq, value in
             (part.partition("=") for part in query_string.split("&") if part)]
    return tuple(sorted(pairs, key=lambda pair: pair[0]))


# ----------------------------------------------------------------------------- pages


def cached_page(*arg_names: str) -> Callable:
    """Serve a view's HTML from the snapshot's page cache.

    `arg_names` are the query parameters the view reads; the language links' parameters
    (LINKED_ARGS) are always part of the key. A parameter that is absent and one that is
    present but empty are different keys (a language link carries `?q=` but not nothing).
    """
    names = tuple(dict.fromkeys((*arg_names, *LINKED_ARGS)))

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            # The language prefix has chosen the request's snapshot before any view runs;
            # without one (or in the preview) the page is rendered every time.
            # An exported page links relative to its own file and tells the build what it
            # links to while it renders (rumours/publishing/export_urls.py): never cached.
            snapshot = g.get("snapshot")
            if current_app.config["DEV"] or snapshot is None or EXPORT_ENVIRON in request.environ:
                return view(*args, **kwargs)
            key = page_key(request.script_root, request.path,
                           ((name, request.args.get(name)) for name in names),
                           i18n.catalogs_version(current_app),
                           bool(current_app.config.get("EXPORTING")))
            cache = snapshot.cache(PAGES, MAX_PAGE_CHARACTERS, getsizeof=len)
            body = cache.get(key)
            if body is None:
                body = view(*args, **kwargs)
                if not isinstance(body, str):
                    return body  # a redirect or a response of its own: not a page
                cache.set(key, body)
            return body

        return wrapper

    return decorate


# ----------------------------------------------------------------------------- responses


@dataclass(frozen=True)
class CachedResponse:
    """A finished response: status line, headers and body bytes."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def size(self) -> int:
        """Bytes it holds (the body, its headers), for the cache's bound."""
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 64

    def answer(self, environ, start_response):
        """Answer a request from it: a request with validators (or a range) gets what
        Werkzeug's `make_conditional` says (304, 412...), exactly as a rendered page does;
        the rest get the kept response as it is (no body for HEAD), much faster."""
        if not CONDITIONAL_HEADERS.isdisjoint(environ):
            response = Response(self.body, status=self.status, headers=list(self.headers))
            response.make_conditional(environ)
            return response(environ, start_response)
        start_response(self.status, [*self.headers, ("Date", date_of(int(time.time())))])
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [self.body]


@lru_cache(maxsize=1)
def date_of(second: int) -> str:
    """An HTTP date, formatted once per second (formatting is a quarter of a hit's time)."""
    return http_date(second)


class ResponseCache:
    """WSGI middleware: shareable responses kept in the live snapshot's response cache."""

    def __init__(self, app, live: LiveLibrary, catalogs_version: Callable[[], str] = str,
                 max_bytes: int = MAX_RESPONSE_BYTES):
        self.app = app
        self.live = live
        self.catalogs_version = catalogs_version
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD") or environ.get("PATH_INFO", "").startswith(
                PRIVATE_PATHS) or EXPORT_ENVIRON in environ:
            return self.app(environ, start_response)
        cache = self.live.snapshot.cache(RESPONSES, self.max_bytes,
                                         getsizeof=CachedResponse.size)
        key = page_key(environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
                       query_pairs(environ.get("QUERY_STRING", "")), self.catalogs_version())
        entry = cache.get(key)
        if entry is not None:
            self.hits += 1
            return entry.answer(environ, start_response)
        self.misses += 1
        if method != "GET":
            return self.app(environ, start_response)
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        status, headers = captured.get("status", ""), captured.get("headers", [])
        if not status.startswith("200") or not shareable(headers):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if len(body) <= MAX_ENTRY_BYTES:
            kept = tuple((k, v) for k, v in headers if k.lower() not in UNKEPT_HEADERS)
            cache.set(key, CachedResponse(status, kept, body))
        return [body]


def shareable(headers: Iterable[tuple[str, str]]) -> bool:
    """Whether a response may be given to anyone who asks for the same URL: marked public,
    of a known length, setting no cookie and varying on nothing of the request."""
    names = {k.lower(): v for k, v in headers}
    if "set-cookie" in names or "content-length" not in names or "vary" in names:
        return False
    return names.get("cache-control", "").startswith("public")


def init_app(app) -> None:
    """Put the response cache around the app (outside the preview, unless switched off by
    RESPONSE_CACHE=False). Called before any other WSGI layer wraps the app, so the language
    cookie and the unanswered-search counter also see the answers it gives."""
    if not app.config["DEV"] and app.config.get("RESPONSE_CACHE", True):
        app.wsgi_app = ResponseCache(app.wsgi_app, app.extensions["rumours"],
                                     lambda: i18n.catalogs_version(app))
