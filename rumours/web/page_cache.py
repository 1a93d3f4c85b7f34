"""Rendered pages kept per library snapshot: each page is rendered once, then served from memory."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from flask import current_app, g, request

from rumours.web.views.common import library

MAX_PAGES = 4000


class PageCache:
    """A bounded LRU of rendered HTML, emptied whenever a new library snapshot is live."""

    def __init__(self, max_pages: int = MAX_PAGES):
        self.max_pages = max_pages
        self.version: str | None = None
        self._pages: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: str, key: tuple) -> str | None:
        with self._lock:
            if version != self.version:
                return None
            body = self._pages.get(key)
            if body is not None:
                self._pages.move_to_end(key)
            return body

    def put(self, version: str, key: tuple, body: str) -> None:
        with self._lock:
            if version != self.version:
                self._pages.clear()
                self.version = version
            self._pages[key] = body
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


def cached_page(*arg_names: str) -> Callable:
    """Serve a view's HTML from the cache, keyed by path, language and the named query args."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if current_app.config["DEV"]:
                return view(*args, **kwargs)
            cache: PageCache = current_app.extensions["page_cache"]
            version = library().version
            # Every query value the page can show (in its own content or in the language
            # links) is part of the key, so no request can put its values into a page that
            # other visitors get.
            key = (request.path, g.get("lang"), bool(current_app.config.get("EXPORTING")),
                   tuple(request.args.get(name, "") for name in
                         dict.fromkeys((*arg_names, *LINKED_ARGS))))
            body = cache.get(version, key)
            if body is None:
                result = view(*args, **kwargs)
                if not isinstance(result, str):
                    return result
                cache.put(version, key, result)
                body = result
            return body

        return wrapper

    return decorate


LINKED_ARGS = ("topic", "place", "verdict", "q", "page", "ids")  # kept by the language links


def init_app(app) -> None:
    """Give the app its page cache."""
    app.extensions["page_cache"] = PageCache()
