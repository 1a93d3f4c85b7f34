"""HTTP caching: strong ETags and Last-Modified on pages (revalidated by Werkzeug), fingerprinted
static files for a year."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, abort, g, request, send_from_directory

PAGE_CACHE_CONTROL = "public, max-age=60, s-maxage=300, stale-while-revalidate=60"
DEV_CACHE_CONTROL = "no-cache"
ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable"
UNVERSIONED_ASSET_CACHE_CONTROL = "public, max-age=3600"
FINGERPRINTED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<ext>\.[A-Za-z0-9]+)$")
CACHEABLE_TYPES = ("text/html", "application/json", "application/rss+xml",
                   "application/atom+xml", "application/xml", "text/xml", "application/pdf",
                   "image/png", "text/plain")


@lru_cache(maxsize=512)
def _file_hash(path: str, _mtime_ns: int, _size: int) -> str:
    """The hash of a file's bytes; its time and size only key the cache (an edit re-hashes)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def fingerprint(static_dir: Path, filename: str) -> str:
    """`css/site.css` -> `css/site.<hash>.css`, the hash of the file's bytes."""
    path = (static_dir / filename).resolve()
    if not path.is_file() or static_dir.resolve() not in path.parents:
        return filename
    stat = path.stat()
    digest = _file_hash(str(path), stat.st_mtime_ns, stat.st_size)
    stem, dot, ext = filename.rpartition(".")
    return f"{stem}.{digest}.{ext}" if dot else f"{filename}.{digest}"


def _serve_static(static_dir: Path, filename: str) -> Response:
    """Serve a static file; a fingerprinted name may be cached for a year."""
    match = FINGERPRINTED.match(filename)
    if match:
        real = match["stem"] + match["ext"]
        if fingerprint(static_dir, real) != filename:
            abort(404)  # an old fingerprint: the file changed since
        response = send_from_directory(static_dir, real, max_age=31536000)
        response.headers["Cache-Control"] = ASSET_CACHE_CONTROL
        return response
    response = send_from_directory(static_dir, filename, max_age=3600)
    response.headers["Cache-Control"] = UNVERSIONED_ASSET_CACHE_CONTROL
    return response


def _last_modified() -> dt.datetime | None:
    """When the content of the request's snapshot last changed (its newest file)."""
    snapshot = g.get("snapshot")
    if snapshot is None or not snapshot.signature:
        return None
    kept = snapshot.cache("http", 1)  # computed once per snapshot, not per response
    modified = kept.get("last-modified")
    if modified is None:
        newest = max(mtime for _path, _size, mtime in snapshot.signature)
        modified = dt.datetime.fromtimestamp(newest // 1_000_000_000, tz=dt.UTC)
        kept.set("last-modified", modified)
    return modified


def add_validators(response: Response, dev: bool) -> Response:
    """Strong ETag, Last-Modified and Cache-Control on successful GETs; answers 304s (and 412s)
    by Werkzeug's rules (`make_conditional`)."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if request.endpoint == "static" or response.is_streamed or response.direct_passthrough:
        return response
    if response.mimetype not in CACHEABLE_TYPES:
        return response
    response.add_etag()  # a hash of the body, unless the view set its own (a PDF's key)
    modified = _last_modified()
    if modified and response.last_modified is None:
        response.last_modified = modified
    if "Cache-Control" not in response.headers:
        private = "Set-Cookie" in response.headers
        response.headers["Cache-Control"] = (
            DEV_CACHE_CONTROL if dev else
            PAGE_CACHE_CONTROL.replace("public", "private") if private else PAGE_CACHE_CONTROL
        )
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    """Fingerprint static URLs and add validators to every cacheable response."""
    static_dir = Path(app.static_folder)

    @app.url_defaults
    def versioned_static(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = fingerprint(static_dir, values["filename"])

    app.view_functions["static"] = lambda filename: _serve_static(static_dir, filename)
    app.after_request(lambda response: add_validators(response, app.config["DEV"]))
