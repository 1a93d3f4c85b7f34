"""Whole responses kept per library snapshot, answered at the WSGI layer without running Flask.

Only what the app itself marks as shareable is kept: a 200 to a GET with `Cache-Control: public`
and no cookie. Entries belong to one library version; a new snapshot empties the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from werkzeug.http import parse_date

from rumours.snapshot import LiveLibrary

MAX_ENTRIES = 2000
MAX_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 2 * 1024 * 1024
PRIVATE_PATHS = ("/admin",)  # the inbox: never kept, whatever its headers say
NOT_MODIFIED_HEADERS = {"etag", "cache-control", "last-modified", "vary", "expires",
                        "content-location"}


@dataclass(frozen=True)
class CachedResponse:
    """A finished response: status line, headers and body bytes."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str


class ResponseCache:
    """WSGI middleware: a bounded LRU of shareable responses for the live library version."""

    def __init__(self, app, live: LiveLibrary, max_entries: int = MAX_ENTRIES,
                 max_bytes: int = MAX_BYTES):
        self.app = app
        self.live = live
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.version: str | None = None
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple, CachedResponse] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def _get(self, version: str, key: tuple) -> CachedResponse | None:
        with self._lock:
            if version != self.version:
                self._entries.clear()
                self._bytes = 0
                self.version = version
                return None
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def _put(self, version: str, key: tuple, entry: CachedResponse) -> None:
        with self._lock:
            if version != self.version:
                return  # rendered from a snapshot that is no longer live
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = entry
            self._bytes += len(entry.body)
            while self._entries and (len(self._entries) > self.max_entries
                                     or self._bytes > self.max_bytes):
                _key, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.body)

    def __len__(self) -> int:
        return len(self._entries)

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD") or environ.get("PATH_INFO", "").startswith(
                PRIVATE_PATHS):
            return self.app(environ, start_response)
        version = self.live.snapshot.library.version
        key = (environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        entry = self._get(version, key)
        if entry is not None:
            self.hits += 1
            if _not_modified(entry, environ):
                start_response("304 NOT MODIFIED", [
                    (k, v) for k, v in entry.headers if k.lower() in NOT_MODIFIED_HEADERS])
                return []
            start_response(entry.status, list(entry.headers))
            return [] if method == "HEAD" else [entry.body]
        self.misses += 1
        return self._call_and_keep(environ, start_response, version, key, method)

    def _call_and_keep(self, environ, start_response, version, key, method):
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        status = captured.get("status", "")
        headers = captured.get("headers", [])
        if method != "GET" or not status.startswith("200") or not _shareable(headers):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if len(body) <= MAX_ENTRY_BYTES:
            etag = next((v for k, v in headers if k.lower() == "etag"), "")
            self._put(version, key, CachedResponse(status, tuple(headers), body, etag))
        return [body]


def _not_modified(entry: CachedResponse, environ) -> bool:
    """Whether the client's validators (If-None-Match, else If-Modified-Since) still hold."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        return bool(entry.etag) and (entry.etag in if_none_match or if_none_match.strip() == "*")
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    modified = parse_date(next((v for k, v in entry.headers if k.lower() == "last-modified"),
                               None))
    return since is not None and modified is not None and modified <= since


def _shareable(headers) -> bool:
    names = {k.lower(): v for k, v in headers}
    if "set-cookie" in names or "content-length" not in names:
        return False
    return names.get("cache-control", "").startswith("public")
