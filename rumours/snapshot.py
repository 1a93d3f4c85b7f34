"""The live snapshot: the current Library and what is built from it, swapped in one step."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rumours.library import ContentError, Library, Problem, content_files, load_library

log = logging.getLogger("rumours")

Builder = Callable[[Library], Any]


@dataclass(frozen=True)
class Snapshot:
    """One consistent state: a library and the artefacts built from it (the search index)."""

    library: Library
    artefacts: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    signature: tuple = ()


class LiveLibrary:
    """Holds the current snapshot; reloads it when the content changes, keeping the last good."""

    def __init__(self, content_dir: Path, include_drafts: bool = False,
                 check_interval: float = 0.0):
        self.content_dir = Path(content_dir)
        self.include_drafts = include_drafts
        self.check_interval = check_interval
        self.builders: dict[str, Builder] = {}
        self.errors: tuple[Problem, ...] = ()
        self._lock = threading.Lock()
        self._last_check = 0.0
        self._snapshot: Snapshot | None = None

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

    def artefact(self, name: str) -> Any:
        return self.snapshot.artefacts[name]

    def signature(self) -> tuple:
        """Names, sizes and modification times of every content file."""
        files = content_files(self.content_dir)
        sig = []
        for path in files:
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            sig.append((str(path), stat.st_size, stat.st_mtime_ns))
        return tuple(sig)

    def refresh(self) -> bool:
        """Reload when the content changed since the last load; True when a new one is live."""
        now = time.monotonic()
        if self._snapshot is not None and now - self._last_check < self.check_interval:
            return False
        self._last_check = now
        if self._snapshot is not None and self.signature() == self._snapshot.signature:
            return False
        return self.reload()

    def reload(self, force: bool = False) -> bool:
        """Build a new snapshot and swap it in; on errors keep the last good one."""
        with self._lock:
            signature = self.signature()
            if not force and self._snapshot is not None and signature == self._snapshot.signature:
                return False
            try:
                library = load_library(self.content_dir, include_drafts=self.include_drafts)
            except ContentError as exc:
                self.errors = tuple(p for p in exc.problems if p.is_error)
                for problem in self.errors:
                    log.error("content error: %s", problem)
                if self._snapshot is None:
                    raise
                log.error("keeping the last good library (%d rumours)",
                          len(self._snapshot.library.rumours))
                # Remember the broken signature so the same broken state is not re-parsed.
                self._snapshot = Snapshot(self._snapshot.library, self._snapshot.artefacts,
                                          signature)
                return False
            artefacts = {name: build(library) for name, build in self.builders.items()}
            self._snapshot = Snapshot(library, MappingProxyType(artefacts), signature)
            self.errors = ()
            for warning in library.warnings:
                log.warning("content warning: %s", warning)
            log.info("library loaded: %d rumours, version %s", len(library.rumours),
                     library.version)
            return True
