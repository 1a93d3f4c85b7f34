"""Preview mode only: a Server-Sent Events stream that tells open pages to reload on save."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, stream_with_context

from rumours.snapshot import LiveLibrary
from rumours.web.views.common import live

bp = Blueprint("dev", __name__, url_prefix="/_dev")

POLL_INTERVAL = 0.1  # seconds between looks at the live version (a hash and a few stats)
STREAM_SECONDS = 55.0  # each stream ends after this; the browser reconnects by itself
HEARTBEAT_SECONDS = 15.0


def preview_version(app: Flask, holder: LiveLibrary) -> str:
    """Changes whenever what a preview shows changes: the content, its errors, the catalogs."""
    digest = hashlib.sha256(holder.library.version.encode())
    for problem in holder.errors:
        digest.update(str(problem).encode("utf-8"))
    for po_file in sorted(Path(app.config["TRANSLATIONS_DIR"]).glob("*/LC_MESSAGES/*.po")):
        try:
            digest.update(f"{po_file}:{po_file.stat().st_mtime_ns}".encode())
        except FileNotFoundError:
            continue
    return digest.hexdigest()[:16]


@bp.app_template_global("dev_version")
def dev_version() -> str:
    """The version the page was rendered from (the live-reload script compares with it)."""
    return preview_version(current_app, live())


def _stream(holder: LiveLibrary) -> Iterator[str]:
    """The events of one stream (run inside its request's context: stream_with_context)."""
    app = current_app
    interval = app.config.get("DEV_POLL_INTERVAL", POLL_INTERVAL)
    lifetime = app.config.get("DEV_STREAM_SECONDS", STREAM_SECONDS)
    yield "retry: 1000\n\n"
    sent = None
    started = last_write = time.monotonic()
    while time.monotonic() - started < lifetime:
        version = preview_version(app, holder)  # the watcher reloads (rumours/snapshot.py)
        if version != sent:
            yield f"event: version\ndata: {version}\n\n"
            sent, last_write = version, time.monotonic()
        elif time.monotonic() - last_write > HEARTBEAT_SECONDS:
            yield ": still here\n\n"  # a comment: finds out when the browser has gone
            last_write = time.monotonic()
        time.sleep(interval)


@bp.get("/events")
def events():
    """text/event-stream: a `version` event now and whenever the content changes."""
    response = Response(stream_with_context(_stream(live())), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"
    return response
