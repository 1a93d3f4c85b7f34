"""The live snapshot: the current Library and what is built from it, swapped in one step."""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import watchfiles
from cachetools import LRUCache

from rumours.content import last_good
from rumours.content.files import CONTENT_FOLDERS
from rumours.content.loading import ContentCheck, ContentLoader, check_content
from rumours.content.model import Library, Problem
from rumours.content.site_identity import LOGO_SUFFIXES

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

    def cache(self, name: str, maxsize: int,
              getsizeof: Callable[[Any], int] | None = None) -> SnapshotCache:
        """The named cache of artefacts of this version (rendered pages, PDFs, share
        images): it disappears with the snapshot, so nothing needs to ask "is this still the
        live version?". `maxsize` counts entries, or what `getsizeof` measures (bytes)."""
        with self.caches_lock:
            cache = self.caches.get(name)
            if cache is None:
                cache = self.caches[name] = SnapshotCache(maxsize, getsizeof)
            return cache


class SnapshotCache:
    """A thread-safe least-recently-used cache (cachetools) of one snapshot's artefacts."""

    def __init__(self, maxsize: int, getsizeof: Callable[[Any], int] | None = None):
        self._items: LRUCache = LRUCache(maxsize=maxsize, getsizeof=getsizeof)
        self._lock = threading.Lock()

    def get(self, key: Any, default: Any = None) -> Any:
        with self._lock:
            return self._items.get(key, default)

    def set(self, key: Any, value: Any) -> None:
        """Keep `value` (a value bigger than the whole cache is not kept)."""
        with self._lock:
            try:
                self._items[key] = value
            except ValueError:  # cachetools: "value too large"
                self._items.pop(key, None)

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
                 check_interval: float = 0.0, instance_dir: Path | None = None,
                 checks: tuple[ContentCheck, ...] = ()):
        self.content_dir = Path(content_dir)
        self.include_drafts = include_drafts
        self.checks = checks
        # Re-reads only the files that changed since the last load (and the new index
        # replaces only the changed rumours' documents).
        self.loader = ContentLoader(self.content_dir, include_drafts=include_drafts,
                                    checks=checks)
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
        """Names, sizes and modification times of every content file: the files of
        `content_files`, listed with os.scandir (one stat each, no path resolving: a change
        detector, run on every tick)."""
        return content_signature(self.content_dir)

    def refresh(self) -> bool:
        """Reload when the content changed since the last load; True when a new one is live."""
        signature = self.signature()
        if self._snapshot is not None and signature == self._snapshot.signature:
            return False
        return self.reload(signature=signature)

    def reload(self, force: bool = False, signature: tuple | None = None) -> bool:
        """Build a new snapshot and swap it in; on errors keep the last good one.
        `signature`: the content's, just taken by the caller."""
        with self._lock:
            signature = signature or self.signature()
            current = self._snapshot
            if not force and current is not None and signature == current.signature:
                return False
            library, problems = self.loader.load()
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
                library, _ = check_content(saved, include_drafts=self.include_drafts,
                                           checks=self.checks)
                if library is not None:
                    log.error("serving the last good copy of the content from %s", saved)
                    return library, "last-good"
        library, _ = self.loader.load(partial=True)
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

    def watch_changes(self, others: dict[Path, Callable[[], object]] | None = None) -> None:
        """Reload as soon as the system reports a change in the content folder (watchfiles,
        in a background thread), so no request ever waits for a reload; a change under one
        of `others` (e.g. the translations) calls its function instead. The preview uses
        this; a server's workers poll with `watch` (which also works on network disks)."""
        if self._watcher is not None:
            return
        self._watcher = threading.Thread(
            target=_watch_changes, args=(weakref.ref(self), dict(others or {}), self._stop),
            name="rumours-content-watcher", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        """Stop the background watcher (tests, shutdown)."""
        self._stop.set()


def content_signature(content_dir: Path) -> tuple:
    """(name, size, mtime_ns) of site.yml, synonyms.yml, the logos and every Markdown file of
    the content folders (what `content_files` lists, and links too: any change shows)."""
    found = []
    for folder, wanted in ((content_dir, _top_level_file),
                           *((content_dir / name, _markdown_file) for name in CONTENT_FOLDERS)):
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if wanted(entry.name):
                        try:
                            info = entry.stat()
                        except OSError:
                            continue
                        found.append((entry.path, info.st_size, info.st_mtime_ns))
        except OSError:
            continue
    return tuple(sorted(found))


def _top_level_file(name: str) -> bool:
    return name in ("site.yml", "synonyms.yml") or Path(name).suffix.lower() in LOGO_SUFFIXES


def _markdown_file(name: str) -> bool:
    return name.endswith(".md")


def _changed_folders(changes: set[tuple[object, str]], folders: list[Path]) -> set[Path]:
    """Which of `folders` hold a changed path."""
    return {folder for folder in folders for _change, path in changes
            if Path(path).is_relative_to(folder)}


def _watch_changes(ref: weakref.ref, others: dict[Path, Callable[[], object]],
                   stop: threading.Event) -> None:
    live = ref()
    if live is None:
        return
    content = live.content_dir.resolve()
    folders = [Path(f).resolve() for f in others if Path(f).is_dir()]
    del live
    started = False
    try:
        # step: how long a burst of writes is waited out (an editor saves in several steps);
        # an empty batch every rust_timeout: the first one catches up with the edits made
        # before the system's watch was in place.
        for changes in watchfiles.watch(content, *folders, stop_event=stop, step=30,
                                        debounce=400, rust_timeout=100,
                                        yield_on_timeout=True, raise_interrupt=False):
            live = ref()
            if live is None:
                return
            if not started:
                started = True
                _quietly(live.refresh)
                for other in others.values():
                    _quietly(other)
            for folder in _changed_folders(changes, folders):
                _quietly(others[next(f for f in others if Path(f).resolve() == folder)])
            if _changed_folders(changes, [content]):
                _quietly(live.refresh)
            del live
    except Exception:  # noqa: BLE001 - the watcher falls back to polling the folder
        log.exception("watching the content folder failed; checking it every second")
        _watch(ref, 1.0, stop, list(others.values()))


def _quietly(function: Callable[[], object]) -> None:
    try:
        function()
    except Exception:  # noqa: BLE001 - the watcher must outlive any one failed reload
        log.exception("reloading failed; serving the current version")


def _watch(ref: weakref.ref, interval: float, stop: threading.Event,
           others: list[Callable[[], object]] | None = None) -> None:
    while not stop.wait(interval):
        live = ref()
        if live is None:
            return
        try:
            live.refresh()
            for other in others or ():
                other()
            for maintain in live.maintainers:
                maintain(live.library)
        except Exception:  # noqa: BLE001 - the watcher must outlive any one failed reload
            log.exception("reloading the content failed; serving the current library")
        del live
