"""Writing search indexes: a full build, or an update of the previous build that replaces
only the documents of the rumours that changed; either is swapped in atomically.

- Every build is a new directory under ``<instance>/index/``; the symlink ``current`` is
  swapped to it with ``os.replace``, so readers never see a half-built index. Beside the
  Whoosh files: the compiled thesaurus, every head line's terms (claim matching), the
  library's folded words with their document counts (spelling suggestions) and a stamp of
  what it was built from.
- An update starts from hard links to the previous build's files (Whoosh never rewrites a
  file it wrote), deletes the changed and removed rumours' documents and adds the new ones
  in a new Whoosh generation, then fixes the files beside the index. Processes that have
  the previous build open keep reading it unchanged.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import threading
import time
from collections import Counter
from pathlib import Path

from cachetools import LRUCache
from whoosh import index as whoosh_index

from rumours.content.model import Library
from rumours.search import expansion
from rumours.search.documents import (
    SCHEMA_VERSION,
    VOCABULARY_KEY,
    indexed,
    library_documents,
    make_schema,
    rumour_documents,
    word_bucket,
    word_documents,
)
from rumours.search.thesaurus import EMPTY, Thesaurus

log = logging.getLogger("rumours.search")

CURRENT_LINK = "current"
STAMP_FILE = "STAMP"
RUMOURS_FILE = "rumours.json"
VOCABULARY_FILE = "vocabulary.json"
BUILD_PREFIX = "build-"
KEEP_OLD_BUILDS = 2  # previous builds kept for processes that still have them open
OLD_BUILD_GRACE_SECONDS = 300
# An update rewrites the index whole (dropping deleted documents) past this share of them.
MAX_DELETED_SHARE = 0.3


def index_stamp(library: Library, thesaurus: Thesaurus = EMPTY) -> str:
    """What an index records: schema, library version and thesaurus fingerprint."""
    return f"{SCHEMA_VERSION}:{library.version}:{thesaurus.fingerprint}"


def current_stamp(root: Path) -> str | None:
    """The stamp of the index the link points to, or None when there is none."""
    try:
        return (Path(root) / CURRENT_LINK / STAMP_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


# The files beside the builds this process wrote or read last, by (folder, their stats):
# the next update and the next open read them from here, not from disk again.
_side_files: LRUCache = LRUCache(maxsize=2)
_side_lock = threading.Lock()


def _side_key(build: Path) -> tuple | None:
    try:
        stats = [(build / name).stat() for name in (RUMOURS_FILE, VOCABULARY_FILE)]
    except OSError:
        return None
    return (str(build.resolve()), *((s.st_size, s.st_mtime_ns, s.st_ino) for s in stats))


def side_files(build: Path) -> tuple[dict[str, list[list[str]]], dict[str, int]]:
    """The head lines' terms by rumour id and the word counts written beside a build.
    Shared: callers copy before changing them. Raises when they cannot be read."""
    key = _side_key(build)
    with _side_lock:
        kept = _side_files.get(key) if key is not None else None
    if kept is None:
        kept = (json.loads((build / RUMOURS_FILE).read_text(encoding="utf-8")),
                json.loads((build / VOCABULARY_FILE).read_text(encoding="utf-8")))
        if key is not None:
            with _side_lock:
                _side_files[key] = kept
    return kept


def _new_build(root: Path) -> tuple[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    name = f"{BUILD_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{secrets.token_hex(3)}"
    target = root / name
    target.mkdir()
    return name, target


def _finish(root: Path, name: str, library: Library, thesaurus: Thesaurus,
            heads: dict[str, list[list[str]]], vocabulary: Counter[str]) -> None:
    """Write the files beside the Whoosh index, then swap the `current` link to the build."""
    target = root / name
    (target / RUMOURS_FILE).write_text(json.dumps(heads, ensure_ascii=False), encoding="utf-8")
    (target / VOCABULARY_FILE).write_text(json.dumps(vocabulary, ensure_ascii=False),
                                          encoding="utf-8")
    (target / STAMP_FILE).write_text(index_stamp(library, thesaurus) + "\n", encoding="utf-8")
    key = _side_key(target)
    if key is not None:
        with _side_lock:
            _side_files[key] = (heads, dict(vocabulary))
    link = root / f".{CURRENT_LINK}-{os.getpid()}-{secrets.token_hex(3)}"
    os.symlink(name, link)
    os.replace(link, root / CURRENT_LINK)
    _remove_old_builds(root, keep=name)


def _vocabulary_document(library: Library, compiled: expansion.CompiledThesaurus) -> dict:
    """The site's languages and the thesaurus's words (the library's are in word buckets)."""
    return {"key": VOCABULARY_KEY, "role": "vocabulary",
            "languages": list(library.site.languages), "words": sorted(compiled.words)}


def build_index(library: Library, root: Path, thesaurus: Thesaurus = EMPTY) -> Path:
    """Build a fresh index for `library` in a new directory and swap it in atomically."""
    root = Path(root)
    name, target = _new_build(root)
    try:
        compiled = expansion.compile_thesaurus(thesaurus, library.site.languages)
        ix = whoosh_index.create_in(str(target), make_schema(library.site.languages))
        writer = ix.writer(limitmb=512)
        vocabulary: Counter[str] = Counter()
        heads: dict[str, list[list[str]]] = {}
        try:
            for document in library_documents(library):
                fields, lines, words = indexed(document)
                writer.add_document(**fields)
                vocabulary.update(words)
                heads.setdefault(document["id"], []).extend(lines)
            writer.add_document(**_vocabulary_document(library, compiled))
            for key, words in word_documents(vocabulary):
                writer.add_document(key=key, role="words", words=words)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=True)
        ix.close()
        expansion.save(compiled, target)
        _finish(root, name, library, thesaurus, heads, vocabulary)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    log.info("search index built: %s (%s)", target, index_stamp(library, thesaurus))
    return target


def changed_rumours(previous: Library, library: Library) -> tuple[set[str], set[str]]:
    """The ids of the rumours whose documents differ between two libraries (new, changed or
    removed) and of those removed. A rumour the loader reused (the same object) is
    unchanged without a look; another is compared by its documents."""
    changed: set[str] = set()
    for rumour in library.rumours:
        before = previous.rumour(rumour.id)
        if before is rumour:
            continue
        if before is None or list(rumour_documents(before)) != list(rumour_documents(rumour)):
            changed.add(rumour.id)
    current = {r.id for r in library.rumours}
    removed = {r.id for r in previous.rumours if r.id not in current}
    return changed | removed, removed


def can_update(previous: Library | None, library: Library, root: Path,
               thesaurus: Thesaurus = EMPTY) -> bool:
    """Whether the current index was built from `previous` with this schema and thesaurus,
    for the same site languages (else only a full build will do)."""
    return (previous is not None
            and previous.site.languages == library.site.languages
            and previous.site.default_language == library.site.default_language
            and current_stamp(root) == index_stamp(previous, thesaurus))


def _link_files(source: Path, target: Path) -> None:
    """Hard links to a build's Whoosh and thesaurus files, which are never written twice
    (copies where links cannot be made); the files rewritten by an update are left out."""
    rewritten = {RUMOURS_FILE, VOCABULARY_FILE, STAMP_FILE}
    for path in source.iterdir():
        if path.is_file() and path.name not in rewritten and not path.name.endswith("LOCK"):
            try:
                os.link(path, target / path.name)
            except OSError:
                shutil.copy2(path, target / path.name)


def update_index(previous: Library, library: Library, root: Path,
                 thesaurus: Thesaurus = EMPTY) -> Path:
    """Make the index of `previous` (the current build) into the index of `library`: only
    the documents of changed, new and removed rumours are replaced, in a new build
    directory swapped in atomically. Raises when the previous build cannot be read."""
    root = Path(root)
    source = (root / CURRENT_LINK).resolve()
    name, target = _new_build(root)
    try:
        _link_files(source, target)
        stale, removed = changed_rumours(previous, library)
        kept_heads, kept_vocabulary = side_files(source)
        heads = dict(kept_heads)  # a changed rumour's lines are new lists (popped first)
        vocabulary = Counter(kept_vocabulary)
        words_before = set(vocabulary)
        for rumour_id in stale:
            heads.pop(rumour_id, None)
            old = previous.rumour(rumour_id)
            for document in rumour_documents(old) if old is not None else ():
                vocabulary.subtract(indexed(document)[2])
        ix = whoosh_index.open_dir(str(target))
        writer = ix.writer(limitmb=256)
        try:
            deleted = sum(writer.delete_by_term("id", rumour_id) for rumour_id in stale)
            for rumour in library.rumours:
                if rumour.id in stale:
                    for document in rumour_documents(rumour):
                        fields, lines, words = indexed(document)
                        writer.add_document(**fields)
                        vocabulary.update(words)
                        heads.setdefault(rumour.id, []).extend(lines)
            vocabulary = +vocabulary  # words no document has any more are dropped
            # The thesaurus and the languages are the previous build's (see can_update):
            # only the word buckets whose words came or went are rewritten.
            changed = {word_bucket(w) for w in words_before.symmetric_difference(vocabulary)}
            for key, words in word_documents(vocabulary, changed):
                if words:
                    writer.update_document(key=key, role="words", words=words)
                else:
                    writer.delete_by_term("key", key)
        except BaseException:
            writer.cancel()
            raise
        with ix.reader() as reader:
            deleted += reader.doc_count_all() - reader.doc_count()
            total = reader.doc_count_all()
        writer.commit(optimize=deleted > MAX_DELETED_SHARE * max(total, 1))
        ix.close()
        _finish(root, name, library, thesaurus, heads, vocabulary)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    log.info("search index updated: %s (%d rumours replaced, %d removed)", target,
             len(stale) - len(removed), len(removed))
    return target


def _remove_old_builds(root: Path, keep: str) -> None:
    """Delete builds other processes can no longer be using (keep the last few)."""
    builds = []
    for path in root.glob(f"{BUILD_PREFIX}*"):
        try:
            if path.name != keep and path.is_dir():
                builds.append((path.stat().st_mtime, path))
        except OSError:  # removed meanwhile by another process
            continue
    builds.sort(reverse=True)
    now = time.time()
    for mtime, old in builds[KEEP_OLD_BUILDS:]:
        if now - mtime > OLD_BUILD_GRACE_SECONDS:
            shutil.rmtree(old, ignore_errors=True)


__all__ = ["BUILD_PREFIX", "CURRENT_LINK", "RUMOURS_FILE", "STAMP_FILE", "VOCABULARY_FILE",
           "build_index", "can_update", "changed_rumours", "current_stamp", "index_stamp",
           "side_files", "update_index"]
