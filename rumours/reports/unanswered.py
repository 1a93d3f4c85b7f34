"""Recording searches that found no answer: privately, in memory first, written in the background.

What is kept is the normalised query, its language, the day and a count: no address, cookie,
browser or time of day. A query that looks like personal data (an e-mail address, a phone or
ID number) is dropped. A search never waits for the database: it adds one to a count in
memory, and a background thread writes the counts every second or so. When the database is
down the counts wait in memory (up to MAX_PENDING distinct queries) and the failure is
logged, never raised.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import re
import threading
import time
import unicodedata
import weakref
from collections import Counter
from collections.abc import Callable
from urllib.parse import quote, unquote

from flask import after_this_request, current_app

from rumours.reports.database import StorageUnavailable
from rumours.reports.models import MAX_QUERY_CHARS
from rumours.reports.search_counts import CountKey, SearchCounts
from rumours.search import clean_query

log = logging.getLogger("rumours.reports")

FLUSH_INTERVAL = 1.0  # seconds between writes
MAX_RETRY_INTERVAL = 60.0  # seconds between writes while the database is down
IDLE_EXIT = 30.0  # the thread stops after this long with nothing to write (and restarts)
MAX_PENDING = 5000  # distinct (query, language, day) counts held in memory at most
EXTENSION = "unanswered_searches"
DAY_SECONDS = 24 * 3600

EMAIL_LIKE = re.compile(r"\S@\S")
# Six digits or more, whatever separates them: phone numbers, ID, card and account numbers.
NUMBER_LIKE = re.compile(r"\d(?:[\s\-./()]{0,3}\d){5,}")
# An unanswered search's page: browsers may keep it a minute, shared caches must ask the app
# each time (so each search is counted); the app's own response cache may keep it.
UNANSWERED_CACHE_CONTROL = "public, max-age=60, s-maxage=0"
MARK_HEADER = "X-Rumours-Unanswered"  # internal: set by note_search, removed by the counter


def is_answered(results) -> bool:
    """Whether a search answered the query. The single place that decides it: search results
    that say `answered` are trusted; without it, any result counts as an answer."""
    return bool(getattr(results, "answered", results.total > 0))


def looks_personal(text: str) -> bool:
    """Whether a query looks like it holds personal data (it is then never recorded)."""
    return bool(EMAIL_LIKE.search(text) or NUMBER_LIKE.search(text))


def normalise_query(query: str) -> str:
    """The form a query is counted under: cleaned, lowercased, without edge punctuation.
    Empty when there is nothing left to count or it looks like personal data."""
    text = clean_query(query)
    if not text or looks_personal(text):
        return ""
    text = unicodedata.normalize("NFKC", text.casefold())
    while text and unicodedata.category(text[0])[0] in "PZS":
        text = text[1:]
    while text and unicodedata.category(text[-1])[0] in "PZS":
        text = text[:-1]
    return " ".join(text.split())[:MAX_QUERY_CHARS].strip()


class UnansweredSearches:
    """Counts of unanswered searches, buffered in memory and written by a background thread."""

    def __init__(self, counts: SearchCounts, enabled: Callable[[], bool] = lambda: True,
                 flush_interval: float = FLUSH_INTERVAL, max_pending: int = MAX_PENDING,
                 daily: Callable[[], object] | None = None):
        self.counts = counts
        self.enabled = enabled
        self.flush_interval = flush_interval
        self.max_pending = max_pending
        self.daily = daily  # housekeeping run once a day by the same thread (purge)
        self.dropped = 0  # counts lost because too many were waiting (logged)
        self.failures = 0  # failed writes since the last good one
        self._pending: Counter[CountKey] = Counter()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._last_daily = 0.0
        _flush_at_exit(self)

    @property
    def pending(self) -> int:
        """How many searches are counted in memory, not yet written."""
        with self._lock:
            return sum(self._pending.values())

    def record(self, query: str, lang: str, day: dt.date | None = None) -> bool:
        """Count one unanswered search; False when it is not recorded (off, empty, personal)."""
        if not self.enabled():
            return False
        text = normalise_query(query)
        if not text:
            return False
        key = (text, lang[:12], day or dt.date.today())
        self._after_fork()
        with self._lock:
            if key not in self._pending and len(self._pending) >= self.max_pending:
                self.dropped += 1
                return False
            self._pending[key] += 1
            self._start()
        return True

    def wake(self) -> None:
        """Make sure the background thread runs (it also does the daily purge)."""
        self._after_fork()
        with self._lock:
            self._start()

    def _start(self) -> None:
        """Start the writer thread unless it runs (called with the lock held)."""
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="unanswered-searches",
                                            daemon=True)
            self._thread.start()

    def flush(self) -> bool:
        """Write every pending count now; on failure keep them for the next try and log it."""
        with self._lock:
            batch, self._pending = self._pending, Counter()
        if not batch:
            return True
        try:
            self.counts.add(batch)
        except Exception as error:  # never raised into a search or the thread
            self._keep(batch)
            self.failures += 1
            level = logging.WARNING if self.failures == 1 else logging.DEBUG
            log.log(level, "unanswered searches not written (%d waiting, will retry): %s",
                    sum(batch.values()),
                    error if isinstance(error, StorageUnavailable) else repr(error))
            return False
        if self.failures:
            log.warning("unanswered searches written again after %d failed tries",
                        self.failures)
        self.failures = 0
        return True

    def _keep(self, batch: Counter[CountKey]) -> None:
        """Put a batch that could not be written back, within the memory bound."""
        with self._lock:
            for key, count in batch.items():
                if key in self._pending or len(self._pending) < self.max_pending:
                    self._pending[key] += count
                else:
                    self.dropped += count

    def _run(self) -> None:
        idle = 0.0
        while True:
            interval = min(self.flush_interval * 2 ** min(self.failures, 6), MAX_RETRY_INTERVAL)
            self._wake.wait(interval)
            self._wake.clear()
            had_work = bool(self._pending)
            ok = self.flush()
            if ok:
                self._housekeeping()
            idle = 0.0 if had_work or not ok else idle + interval
            with self._lock:
                if idle >= IDLE_EXIT and not self._pending:
                    self._thread = None
                    return

    def _housekeeping(self) -> None:
        """Run the daily task when it has not run in this process for a day."""
        now = time.monotonic()
        if self.daily is None or (self._last_daily and now - self._last_daily < DAY_SECONDS):
            return
        self._last_daily = now
        try:
            self.daily()
        except Exception as error:
            log.warning("daily purge of old reports and searches failed: %s", error)

    def _after_fork(self) -> None:
        """A forked worker starts with an empty buffer and its own lock and thread."""
        if os.getpid() != self._pid:
            self._pid = os.getpid()
            self._lock = threading.Lock()
            self._wake = threading.Event()
            self._pending = Counter()
            self._thread = None

    def close(self) -> None:
        """Write what is pending (at exit)."""
        self.flush()


def _flush_at_exit(recorder: UnansweredSearches) -> None:
    ref = weakref.ref(recorder)

    def flush() -> None:
        alive = ref()
        if alive is not None:
            alive.close()

    atexit.register(flush)


def note_search(query: str, lang: str, results, filtered: bool = False) -> bool:
    """Called by the search views after every search. When it found no answer (first page,
    no filters) the response is marked for UnansweredCounter, which counts it each time it is
    sent, from the app or from the in-process response cache; shared caches in front
    (nginx, a CDN) are told not to keep it (`s-maxage=0`) so every such search reaches the
    app. Never raises."""
    try:
        recorder: UnansweredSearches | None = current_app.extensions.get(EXTENSION)
        if (recorder is None or not query or filtered or getattr(results, "offset", 0)
                or is_answered(results) or not recorder.enabled()):
            return False
        text = normalise_query(query)
        if not text:
            return False
        mark = f"{quote(lang[:12], safe='')} {quote(text, safe='')}"
    except Exception:  # recording must never break a search
        log.exception("recording an unanswered search failed")
        return False

    @after_this_request
    def mark_unanswered(response):
        response.headers[MARK_HEADER] = mark
        response.headers["Cache-Control"] = UNANSWERED_CACHE_CONTROL
        return response

    return True


class UnansweredCounter:
    """WSGI middleware outside the response cache: counts every response marked by
    note_search (cached copies included) and removes the mark before it leaves the app."""

    def __init__(self, app, recorder: UnansweredSearches):
        self.app = app
        self.recorder = recorder

    def __getattr__(self, name: str):
        """Transparent: the wrapped app's attributes (a cache's counters) show through."""
        if name in ("app", "recorder"):
            raise AttributeError(name)
        return getattr(self.app, name)

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").endswith("/search"):
            return self.app(environ, start_response)

        def count_and_strip(status, headers, exc_info=None):
            mark = next((v for k, v in headers if k == MARK_HEADER), None)
            if mark is not None:
                headers = [(k, v) for k, v in headers if k != MARK_HEADER]
                self._count(mark)
            return start_response(status, headers, exc_info)

        return self.app(environ, count_and_strip)

    def _count(self, mark: str) -> None:
        try:
            lang, _, text = mark.partition(" ")
            self.recorder.record(unquote(text), unquote(lang))
        except Exception:  # never into a response
            log.exception("counting an unanswered search failed")
