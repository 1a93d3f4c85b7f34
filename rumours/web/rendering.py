"""Bounded cost of public renders (PDF cards and decks, share images).

A render that is not already cached is the one expensive thing a visitor can ask for. Each
process renders at most RENDER_CONCURRENCY at once; a request waits at most RENDER_WAIT
seconds for a turn (then 503 with Retry-After, never a worker time-out), and each client
may start at most RENDER_RATE_LIMIT uncached renders (Flask-Limiter, per address; memory
storage by default, RUMOURS_RATELIMIT_STORAGE=redis://… for several servers). Cached
results are never limited.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse
from werkzeug.exceptions import ServiceUnavailable, TooManyRequests

T = TypeVar("T")

ENVIRON_FLAG = "rumours.prerender"  # see rumours/web/prerender.py

DEFAULT_CONCURRENCY = 1
DEFAULT_WAIT = 2.0  # seconds
DEFAULT_RATE = "12 per minute"
RETRY_AFTER = 30  # seconds


class Busy(ServiceUnavailable):
    """Every render slot of this process stayed taken for RENDER_WAIT seconds."""

    description = "The printer is busy. Please try again in a minute."


class RenderLimited(TooManyRequests):
    """This client started too many new renders in a short time."""

    description = "You asked for many new cards in a short time. Please wait a minute."


def init_app(app: Flask) -> None:
    """Create the limiter (Flask-Limiter) and this process's render slots."""
    limiter = Limiter(
        key_func=get_remote_address,
        app=app,
        storage_uri=app.config.get("RATELIMIT_STORAGE_URI", "memory://"),
        default_limits=[],
        headers_enabled=False,
    )
    app.extensions["render_slots"] = threading.BoundedSemaphore(
        int(app.config.get("RENDER_CONCURRENCY", DEFAULT_CONCURRENCY)))
    app.extensions["render_limiter"] = limiter


def guarded(cached: Callable[[], T | None], render: Callable[[], T]) -> T:
    """The cached result, or a new render within this process's and this client's limits."""
    result = cached()
    if result is not None:
        return result
    app = current_app
    limiter: Limiter = app.extensions["render_limiter"]
    rate = parse(app.config.get("RENDER_RATE_LIMIT", DEFAULT_RATE))
    internal = bool(request.environ.get(ENVIRON_FLAG))  # drawn ahead by this server itself
    if app.config.get("RATELIMIT_ENABLED", True) and not internal and not limiter.limiter.hit(
            rate, "render", get_remote_address()):
        raise RenderLimited(retry_after=RETRY_AFTER)
    slots: threading.BoundedSemaphore = app.extensions["render_slots"]
    if not slots.acquire(timeout=float(app.config.get("RENDER_WAIT", DEFAULT_WAIT))):
        raise Busy(retry_after=RETRY_AFTER)
    try:
        return render()
    finally:
        slots.release()

