"""The live snapshot: the current Library and what is built from it, swapped in one step."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from cachetools import LRUCache

from rumours.content import last_good
from rumours.content.library import Library, Problem, check_content, content_files

log = logging.getLogger("rumours")

Builder = Callable[[Library], Any]


@dataclass(frozen=True)
class Snapshot:
    """One consistent state: a library and the artefacts built from it (the search index)."""

    library: Library
    artefacts: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    signature: tuple = ()
    origin: str = "live"  # "live", "last-good" (a saved copy) or "partial" (broken files left out)
    caches: dict = field(default_factory=dict, compare=False, repr=False)
    caches_lock: threading.Lock = field(default_factory=threading.Lock, compare=False,
                                        repr=False)

    def cache(self, name: str, maxsize: int) -> SnapshotCache:
        """The named cache of artefacts of this version (rendered pages, PDFs, share
        images): it disappears with the snapshot, so nothing needs to ask "is this still the
        live version?"."""
        with self.caches_lock:
            cache = self.caches.get(name)
            if cache is None:
                cache = self.caches[name] = SnapshotCache(maxsize)
            return cache


class SnapshotCache:
    """A thread-safe least-recently-used cache (cachetools) of one snapshot's artefacts."""

    def __init__(self, maxsize: int):
        self._items: LRUCache = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()

    def get(self, key: Any, default: Any = None) -> Any:
        with self._lock:
            return self._items.get(key, default)

    def set(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items[key] = value

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


class LiveLibrary:
    """Holds the current snapshot; reloads it when the content changes, keeping the last good.

    A process always starts serving: when the content folder has errors, it serves the last
    library that loaded cleanly (saved under the instance folder), or, with no saved copy,
    every entry that loads and none of the broken ones.
    """

    def __init__(self, content_dir: Path, include_drafts: bool = False,
                 check_interval: float = 0.0, instance_dir: Path | None = None):
        self.content_dir = Path(content_dir)
        self.include_drafts = include_drafts
        self.check_interval = check_interval
        self.saved_dir = Path(instance_dir) / "last-good" if instance_dir else None
        self.builders: dict[str, Builder] = {}
        self.listeners: list[Callable[[Library], None]] = []
        self.maintainers: list[Callable[[Library], None]] = []
        self.errors: tuple[Problem, ...] = ()
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._watcher: threading.Thread | None = None
        self._stop = threading.Event()

    def add_listener(self, listener: Callable[[Library], None]) -> None:
        """Call `listener(library)` after each new library is live (it must return quickly)."""
        self.listeners.append(listener)

    def add_maintainer(self, maintainer: Callable[[Library], None]) -> None:
        """Call `maintainer(library)` on every watcher tick (e.g. rebuild a stale index once
        the disk has room again)."""
        self.maintainers.append(maintainer)

    def add_builder(self, name: str, builder: Builder) -> None:
        """Register something built from every new library (built before the swap)."""
        self.builders[name] = builder

    @property
    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            self.reload(force=True)
        return self._snapshot

    @property
    def library(self) -> Library:
        return self.snapshot.library

    @property
    def degraded(self) -> bool:
        """True while the live content has errors (an older or partial library is served)."""
        return bool(self.errors)

    def artefact(self, name: str) -> Any:
        return self.snapshot.artefacts[name]

    def signature(self) -> tuple:
        """Names, sizes and modification times of every content file."""
        sig = []
        for path in content_files(self.content_dir):
            try:
                stat = path.stat()
            except OSError:
                continue
            sig.append((str(path), stat.st_size, stat.st_mtime_ns))
        return tuple(sig)

    def refresh(self) -> bool:
        """Reload when the content changed since the last load; True when a new one is live."""
        if self._snapshot is not None and self.signature() == self._snapshot.signature:
            return False
        return self.reload()

    def reload(self, force: bool = False) -> bool:
        """Build a new snapshot and swap it in; on errors keep the last good one."""
        with self._lock:
            signature = self.signature()
            current = self._snapshot
            if not force and current is not None and signature == current.signature:
                return False
            library, problems = check_content(self.content_dir,
                                              include_drafts=self.include_drafts)
            if library is not None:
                self._swap(library, signature, "live")
                self.errors = ()
                if self.saved_dir is not None and not self.include_drafts:
                    last_good.save(self.content_dir, self.saved_dir, library.version)
                return True
            self.errors = tuple(p for p in problems if p.is_error)
            for problem in self.errors:
                log.error("content error: %s", problem)
            if current is not None and current.origin == "live":
                log.error("keeping the last good library (%d rumours)",
                          len(current.library.rumours))
                # Remember the broken signature so the same broken state is not re-parsed.
                self._snapshot = replace(current, signature=signature)
                return False
            fallback, origin = self._fallback()
            if fallback is None:
                if current is None:
                    raise RuntimeError("no library can be served: site.yml is broken and no "
                                       "last good copy exists\n" + "\n".join(map(str, problems)))
                self._snapshot = replace(current, signature=signature)
                return False
            if current is None or fallback.version != current.library.version:
                self._swap(fallback, signature, origin)
            else:
                self._snapshot = replace(current, signature=signature)
            return False

    def _fallback(self) -> tuple[Library | None, str]:
        """The saved last good library, else every entry of the live content that loads."""
        if self.saved_dir is not None:
            saved = last_good.current(self.saved_dir)
            if saved is not None:
                library, _ = check_content(saved, include_drafts=self.include_drafts)
                if library is not None:
                    log.error("serving the last good copy of the content from %s", saved)
                    return library, "last-good"
        library, _ = check_content(self.content_dir, include_drafts=self.include_drafts,
                                   partial=True)
        if library is not None:
            log.error("no last good copy: serving the %d entries that load",
                      len(library.rumours))
        return library, "partial"

    def _swap(self, library: Library, signature: tuple, origin: str) -> None:
        artefacts = {name: build(library) for name, build in self.builders.items()}
        self._snapshot = Snapshot(library, MappingProxyType(artefacts), signature, origin)
        for warning in library.warnings:
            log.debug("content warning: %s", warning)
        log.info("library loaded (%s): %d rumours, version %s", origin, len(library.rumours),
                 library.version)
        for listener in self.listeners:
            try:
                listener(library)
            except Exception:  # noqa: BLE001 - a listener never stops a reload
                log.exception("a new-library listener failed")

    def watch(self, interval: float) -> None:
        """Check for edits every `interval` seconds in a background thread, so no request
        ever waits for a reload. The thread ends with this object."""
        if self._watcher is not None or interval <= 0:
            return
        self._watcher = threading.Thread(target=_watch, args=(weakref.ref(self), interval,
                                                              self._stop),
                                         name="rumours-content-watcher", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        """Stop the background watcher (tests, shutdown)."""
        self._stop.set()


def _watch(ref: weakref.ref, interval: float, stop: threading.Event) -> None:
    while not stop.wait(interval):
        live = ref()
        if live is None:
            return
        try:
            live.refresh()
            for maintain in live.maintainers:
                maintain(live.library)
        except Exception:  # noqa: BLE001 - the watcher must outlive any one failed reload
            log.exception("reloading the content failed; serving the current library")
        del live
