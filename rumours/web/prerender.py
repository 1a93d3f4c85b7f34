"""Draw the expensive public files ahead: the whole-library, topic and place decks and every
share image.

After each new library, one process (a file lock in the instance folder) requests them from
its own app in a low-priority background thread, so they land in the shared disk caches and
no visitor waits for them. Each render still takes one of the process's render slots
(rumours/web/rendering.py), so visitors' renders interleave with these.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout
from flask import Flask

from rumours.content.model import Library
from rumours.web.rendering import ENVIRON_FLAG  # set on the internal requests

log = logging.getLogger("rumours")
LOCK_NAME = "prerender.lock"


def urls(library: Library) -> Iterator[str]:
    """The deck and share-image URLs worth drawing ahead, cheapest first."""
    site = library.site
    for lang in site.languages:
        for rumour in library.rumours:
            yield f"/{lang}/rumours/{rumour.id}/share.png"
    for lang in site.languages:
        yield f"/{lang}/cards.pdf"  # the whole library
        for topic in site.topics:
            if library.filter(topic=topic):
                yield f"/{lang}/cards.pdf?topic={topic}"
        for place in site.places:
            if library.filter(place=place):
                yield f"/{lang}/cards.pdf?place={place}"


def _lower_priority() -> None:
    """Nice this thread (Linux): visitors' requests come first."""
    with contextlib.suppress(AttributeError, OSError):  # elsewhere: normal priority
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def run(app: Flask, library: Library, stop: threading.Event) -> int:
    """Request every URL of `library` (while it is still the live one); how many were drawn."""
    lock = FileLock(str(Path(app.config["INSTANCE_DIR"]) / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return 0  # another process of this server is drawing them
    drawn = 0
    try:
        client = app.test_client()
        live = app.extensions["rumours"]
        for url in urls(library):
            if stop.is_set() or live.library.version != library.version:
                break
            response = client.get(url, environ_base={ENVIRON_FLAG: True})
            if response.status_code != 200:
                log.warning("pre-rendering %s gave %s", url, response.status_code)
            drawn += 1
            response.close()
    finally:
        lock.release()
    log.info("pre-rendered %d decks and share images for version %s", drawn, library.version)
    return drawn


def init_app(app: Flask) -> None:
    """After every new library, draw its decks and share images in the background."""
    if not app.config.get("PRERENDER") or app.config.get("DEV"):
        return
    stop = threading.Event()
    busy = threading.Lock()

    live = app.extensions["rumours"]

    def work() -> None:
        _lower_priority()
        try:
            while not stop.is_set():
                library = live.library
                run(app, library, stop)
                if live.library.version == library.version:
                    break  # else a newer library arrived meanwhile: draw that one
        except Exception:  # noqa: BLE001 - drawing ahead is an optimisation, never fatal
            log.exception("pre-rendering failed")
        finally:
            busy.release()

    def start(_library: Library | None = None) -> None:
        if busy.acquire(blocking=False):  # else a run is under way and will see the change
            threading.Thread(target=work, name="rumours-prerender", daemon=True).start()

    live.add_listener(start)
    app.extensions["prerender_stop"] = stop
    start()
