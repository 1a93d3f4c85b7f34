"""The search index on disk: when to build or update it, and an open index.

- Builds (full, or an update of the previous build replacing only the changed rumours'
  documents) are written by rumours/search/builds.py and swapped in atomically; the
  documents and schema are in rumours/search/documents.py.
- `ensure_index` makes the index match a library: once for all the workers of a server
  (a file lock), by an update when the index on disk was built from the library this
  process served before, else by a full build (new schema or languages, missing or
  corrupt index).
- An open index answers "which rumours have this term in this field" as sets, cached.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import warnings
from pathlib import Path

from cachetools import LRUCache
from filelock import FileLock
from whoosh import index as whoosh_index

from rumours.content.model import Library
from rumours.search import expansion
from rumours.search.builds import (
    CURRENT_LINK,
    RUMOURS_FILE,
    STAMP_FILE,
    VOCABULARY_FILE,
    build_index,
    can_update,
    current_stamp,
    index_stamp,
    side_files,
    update_index,
)
from rumours.search.documents import (
    FIELDS,
    SCHEMA_VERSION,
    library_documents,
    make_schema,
    split_tag,
    tag,
)
from rumours.search.expansion import CompiledThesaurus
from rumours.search.thesaurus import EMPTY, Thesaurus
from rumours.search.whoosh_postings import postings

log = logging.getLogger("rumours.search")

BUILD_LOCK = "build.lock"
BUILD_LOCK_TIMEOUT = 300  # seconds a worker waits for another one's build
CACHED_POSTINGS = 2_000_000  # rumour numbers kept per open index, summed over terms

# The library each index folder was last built or found fresh for, in this process: the
# next library's index is an update of it.
_served: dict[str, Library] = {}
_served_lock = threading.Lock()


def is_fresh(library: Library, root: Path, thesaurus: Thesaurus = EMPTY) -> bool:
    """True when the current index was built from this library and opens cleanly."""
    if current_stamp(root) != index_stamp(library, thesaurus):
        return False
    opened = try_open(str(Path(root) / CURRENT_LINK))
    if opened is None:  # a corrupted index is rebuilt, never fatal
        log.warning("search index in %s does not open; it will be rebuilt", root)
        return False
    opened.close()
    return True


def ensure_index(library: Library, root: Path, thesaurus: Thesaurus = EMPTY, *,
                 force: bool = False) -> bool:
    """Build or update the index when it is missing, corrupt or older than the content;
    True if it was written.

    Every worker of a server calls this for each new library: a file lock makes one of them
    write while the others wait and then find the index fresh. When the index on disk was
    built from the library this process served before, only the changed rumours' documents
    are replaced; otherwise (or when that fails) the whole index is built. `force` rebuilds
    it whole anyway (an index found broken while searching), unless another worker just did.
    """
    started = time.time()
    key = str(Path(root).absolute())
    if not force and is_fresh(library, root, thesaurus):
        _remember(key, library)
        return False
    Path(root).mkdir(parents=True, exist_ok=True)
    with FileLock(str(Path(root) / BUILD_LOCK), timeout=BUILD_LOCK_TIMEOUT):
        if is_fresh(library, root, thesaurus) and (not force or _built_since(root, started)):
            _remember(key, library)
            return False
        previous = None if force else _served.get(key)
        if not (previous is not None and can_update(previous, library, root, thesaurus)
                and _updated(previous, library, root, thesaurus)):
            build_index(library, root, thesaurus)
        _remember(key, library)
    return True


def _updated(previous: Library, library: Library, root: Path, thesaurus: Thesaurus) -> bool:
    """Update the index of `previous` into that of `library`; False when that fails (the
    previous build is unreadable): the files Whoosh left open are then closed, quietly."""
    failed = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            update_index(previous, library, root, thesaurus)
        except Exception as exc:  # noqa: BLE001 - a failed update falls back to a full build
            # Logged as text: a kept traceback would keep the files it read open.
            log.warning("updating the search index failed (%s); building it whole", repr(exc))
            failed = True
        if failed:  # the traceback, and the files it held, are released by now
            gc.collect()
    return not failed


def _remember(key: str, library: Library) -> None:
    with _served_lock:
        _served[key] = library


def _built_since(root: Path, moment: float) -> bool:
    try:
        return (Path(root) / CURRENT_LINK / STAMP_FILE).stat().st_mtime >= moment
    except OSError:
        return False


# ------------------------------------------------------------------- an open index


class IndexCorrupted(RuntimeError):
    """The index on disk does not match what it says it holds."""


# Compiled thesauri by their file's identity: an update hard-links the previous build's file,
# so reopening after an edit does not read and compile it again.
_thesauri: LRUCache = LRUCache(maxsize=4)
_thesauri_lock = threading.Lock()


def _compiled_thesaurus(folder: Path) -> CompiledThesaurus:
    try:
        info = (folder / expansion.THESAURUS_FILE).stat()
    except OSError:
        return expansion.load(folder)
    key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    with _thesauri_lock:
        compiled = _thesauri.get(key)
    if compiled is None:
        compiled = expansion.load(folder)
        with _thesauri_lock:
            _thesauri[key] = compiled
    return compiled


class HeadLines:
    """Each rumour's head lines (claim, aliases) as term sets, by rumour number; made when
    first asked for, so opening an index after an edit does not redo every rumour's."""

    def __init__(self, lines: dict[str, list[list[str]]], rumour_ids: list[str]):
        self._lines = lines
        self._ids = rumour_ids
        self._sets: list[list[frozenset[str]] | None] = [None] * len(rumour_ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, rumour: int) -> list[frozenset[str]]:
        found = self._sets[rumour]
        if found is None:
            found = self._sets[rumour] = [frozenset(line)
                                          for line in self._lines[self._ids[rumour]]]
        return found


class OpenIndex:
    """An open index: per-document lookups, head lines, thesaurus, and cached term sets."""

    def __init__(self, target: str):
        self.target = target
        folder = Path(target)
        lines, self.vocabulary = side_files(folder)  # shared: read only
        self.thesaurus: CompiledThesaurus = _compiled_thesaurus(folder)
        self.index = whoosh_index.open_dir(target)
        try:
            self.searcher = self.index.searcher()
            self.reader = reader = self.searcher.reader()
            count = reader.doc_count_all()
            self.rumour_ids: list[str] = sorted(lines)
            self.rumour_of: list[int] = [-1] * count  # docnum -> rumour number
            self.shown: list[dict[str, int]] = [{} for _ in self.rumour_ids]
            self.source: list[int] = [-1] * len(self.rumour_ids)
            self.languages: tuple[str, ...] = ()
            self._map_documents(reader)
            if any(n < 0 for n in self.source) or not self.languages:
                raise IndexCorrupted(f"{target}: a rumour has no document in its language")
            self.heads = HeadLines(lines, self.rumour_ids)
        except BaseException:
            self.index.close()
            raise
        # Least recently used sets go first once they hold CACHED_POSTINGS rumour numbers.
        self._sets: LRUCache[tuple[str, str], frozenset[int]] = LRUCache(
            maxsize=CACHED_POSTINGS, getsizeof=lambda found: len(found) + 1)
        self._sets_lock = threading.Lock()  # requests share the open index (both caches)
        self._filters: LRUCache[tuple[str, str], frozenset[int]] = LRUCache(maxsize=256)

    def _map_documents(self, reader) -> None:
        """Which rumour each document belongs to, and its shown and source documents (the
        columns are read whole: one pass per column, not one lookup per document)."""
        number = {rumour_id: n for n, rumour_id in enumerate(self.rumour_ids)}
        ids = list(reader.column_reader("id"))
        langs = list(reader.column_reader("lang"))
        roles = list(reader.column_reader("role"))
        live = set(reader.all_doc_ids()) if reader.has_deletions() else None
        for docnum, (rumour_id, lang, role) in enumerate(zip(ids, langs, roles, strict=True)):
            if role == "vocabulary" and (live is None or docnum in live):
                self.languages = tuple(self.searcher.stored_fields(docnum)["languages"])
            rumour = number.get(rumour_id)
            if rumour is None or (live is not None and docnum not in live):
                continue
            self.rumour_of[docnum] = rumour
            if role in ("source", "translation"):
                self.shown[rumour][lang] = docnum
                if role == "source":
                    self.source[rumour] = docnum

    @property
    def size(self) -> int:
        """How many rumours the index holds."""
        return len(self.rumour_ids)

    def close(self) -> None:
        self.searcher.close()
        self.index.close()

    def rumours_with(self, field_name: str, term_text: str) -> frozenset[int]:
        """The rumours whose `field_name` (head, summary, body) has `term_text` (cached)."""
        key = (field_name, term_text)
        with self._sets_lock:
            cached = self._sets.get(key)
        if cached is not None:
            return cached
        rumour_of = self.rumour_of
        found = frozenset(rumour_of[d] for d in postings(self.reader, field_name, term_text))
        if len(found) < CACHED_POSTINGS:
            with self._sets_lock:
                self._sets[key] = found
        return found

    def knows(self, term_text: str) -> bool:
        """Whether any rumour has the term in any field."""
        return any(self.rumours_with(name, term_text) for name in FIELDS)

    def allowed(self, filters: dict[str, str]) -> frozenset[int] | None:
        """Rumours passing every filter (topics, places, verdict); None when unfiltered."""
        allowed = None
        for name, value in filters.items():
            with self._sets_lock:
                rumours = self._filters.get((name, value))
            if rumours is None:
                rumours = frozenset(self.rumour_of[d] for d in postings(self.reader, name, value))
                with self._sets_lock:
                    self._filters[(name, value)] = rumours
            allowed = rumours if allowed is None else allowed & rumours
        return allowed

    def stored(self, docnum: int) -> dict:
        return self.searcher.stored_fields(docnum)


def try_open(target: str) -> OpenIndex | None:
    """Open an index, or None (logged) when it cannot be read.

    Whoosh leaves the files of a segment it failed to read open; they are closed here,
    quietly, rather than reported later as unclosed files.
    """
    failed = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return OpenIndex(target)
        except Exception:  # noqa: BLE001 - any unreadable index is treated alike
            log.debug("cannot open the search index %s", target, exc_info=True)
            failed = True
        if failed:  # the traceback, and the files it held, are released by now
            gc.collect()
    return None


__all__ = [  # the building blocks re-exported for callers of this module
    "BUILD_LOCK", "CURRENT_LINK", "FIELDS", "RUMOURS_FILE", "SCHEMA_VERSION", "STAMP_FILE",
    "VOCABULARY_FILE", "IndexCorrupted", "OpenIndex", "build_index", "current_stamp",
    "ensure_index", "index_stamp", "is_fresh", "library_documents", "make_schema",
    "postings", "split_tag", "tag", "try_open", "update_index",
]
