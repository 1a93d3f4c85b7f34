"""Residents' reports, unanswered searches and the comms team's inbox, on SQLAlchemy + Alembic.

`init_app(app)` opens the database (nothing connects until it is first used), sets up the
buffered recorder of unanswered searches and the rate limits; the blueprints live in
`rumours.reports.public` (/<lang>/report) and `rumours.reports.admin` (/admin/).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_babel import format_number
from flask_wtf.csrf import generate_csrf
from limits import parse_many

from rumours.reports.accounts import Accounts
from rumours.reports.database import Database, database_url, safe_url
from rumours.reports.search_counts import SearchCounts
from rumours.reports.store import SEARCH_DAYS, ReportStore
from rumours.reports.unanswered import (
    EXTENSION,
    FLUSH_INTERVAL,
    UnansweredCounter,
    UnansweredSearches,
)

__all__ = ["Reports", "UnansweredCounter", "init_app", "reports", "within_rate_limit"]

log = logging.getLogger("rumours.reports")

# Per client (a hash of its address, never the address itself, and only in the limiter).
REPORT_RATE_LIMIT = "10 per minute;100 per day"
LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
LOGIN_NAME_RATE_LIMIT = "30 per hour"  # per account name, whoever tries it
INSECURE_SECRET_KEYS = frozenset({"", "rumours-not-secret"})  # config.py's dev default


@dataclass(frozen=True)
class Reports:
    """What the reports area of one app uses: the database and the stores on it."""

    database: Database
    store: ReportStore
    accounts: Accounts
    searches: SearchCounts
    unanswered: UnansweredSearches


def reports() -> Reports:
    """The current app's reports area."""
    return current_app.extensions["reports"]


def init_app(app: Flask) -> None:
    """Open the database lazily, start recording unanswered searches, set session rules."""
    app.config.setdefault("DATABASE_URL", "")
    app.config.setdefault("RECORD_UNANSWERED_SEARCHES", True)
    app.config.setdefault("SEARCH_RETENTION_DAYS", SEARCH_DAYS)
    app.config.setdefault("UNANSWERED_FLUSH_SECONDS", FLUSH_INTERVAL)
    app.config.setdefault("REPORT_RATE_LIMIT", REPORT_RATE_LIMIT)
    app.config.setdefault("LOGIN_RATE_LIMIT", LOGIN_RATE_LIMIT)
    app.config.setdefault("LOGIN_NAME_RATE_LIMIT", LOGIN_NAME_RATE_LIMIT)
    # Flask's defaults are None, False and 31 days: tighter unless the app set its own.
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if app.config.get("HSTS"):
        app.config["SESSION_COOKIE_SECURE"] = True
    if app.config.get("PERMANENT_SESSION_LIFETIME") == dt.timedelta(days=31):
        app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=8)  # inbox sign-in
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 4 * 3600)  # a long report may take a while

    database = Database(database_url(app.config))
    store = ReportStore(database)
    live = app.extensions["rumours"]

    def recording_on() -> bool:
        site = live.snapshot.library.site
        return bool(app.config["RECORD_UNANSWERED_SEARCHES"]
                    and getattr(site, "record_unanswered_searches", True))

    def purge() -> None:
        result = store.purge(search_days=int(app.config["SEARCH_RETENTION_DAYS"]))
        if result.searches or result.contacts or result.reports:
            log.info("purged %d search counts, %d contact addresses, %d reports",
                     result.searches, result.contacts, result.reports)

    counts = SearchCounts(database)
    unanswered = UnansweredSearches(
        counts, enabled=recording_on, daily=purge,
        flush_interval=float(app.config["UNANSWERED_FLUSH_SECONDS"]))
    app.extensions["reports"] = Reports(database, store, Accounts(database), counts,
                                        unanswered)
    app.extensions[EXTENSION] = unanswered
    app.extensions["reports_limiter"] = _limiter(app)
    app.jinja_env.filters.setdefault("format_number", format_number)
    app.jinja_env.globals.setdefault("csrf_token", generate_csrf)  # as CSRFProtect does
    if not secret_key_set(app) and not (app.config.get("DEV") or app.config.get("TESTING")):
        log.warning("RUMOURS_SECRET_KEY is not set: the inbox at /admin/ stays closed")
    log.debug("reports database: %s", safe_url(database.url))


def secret_key_set(app: Flask) -> bool:
    """Whether the app has a real secret key (sessions cannot be forged)."""
    return str(app.config.get("SECRET_KEY") or "") not in INSECURE_SECRET_KEYS


def client_key() -> str:
    """Who a rate limit counts: a hash of the client's address with the secret key, so that
    not even the limiter's storage (memory, or Redis) holds an address."""
    secret = str(current_app.config.get("SECRET_KEY") or "")
    address = request.remote_addr or ""
    return hashlib.sha256(f"{secret}\0{address}".encode()).hexdigest()[:24]


def within_rate_limit(scope: str, limits: str, identity: str | None = None) -> bool:
    """Count one attempt against `limits` ("10 per minute;100 per day"); False once over.

    Uses the app's Flask-Limiter storage (memory by default, RUMOURS_RATELIMIT_STORAGE for
    several servers). If that storage fails, the attempt is allowed and the failure logged.
    """
    app = current_app
    if not app.config.get("RATELIMIT_ENABLED", True):
        return True
    limiter = app.extensions["reports_limiter"]
    key = identity if identity is not None else client_key()
    try:
        return all(limiter.limiter.hit(item, scope, key) for item in parse_many(limits))
    except Exception:
        log.exception("rate limit storage failed; the %s attempt is allowed", scope)
        return True


def _limiter(app: Flask):
    """The app's Flask-Limiter, made here if no other part of the app has made one yet."""
    limiters = app.extensions.get("limiter") or ()
    for limiter in limiters:
        return limiter
    from flask_limiter import Limiter

    return Limiter(key_func=client_key, app=app, default_limits=[], headers_enabled=False,
                   storage_uri=app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
