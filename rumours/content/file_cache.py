"""Per-file results kept between loads: a file is read again only when it changed.

A file is unchanged when its (size, mtime_ns) is, or else when its bytes are; a result
that depends on another (a translation on its source) is also redone when that one is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rumours.content.files import file_digest, read_content_bytes
from rumours.content.model import FileResult

_DRAFT_LINE = re.compile(rb"^draft:\s*(true|yes|on)\s*$", re.M | re.I)


def stat_key(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


def is_marked_draft(data: bytes | str) -> bool:
    """Whether a source file's front matter says `draft: true` (read without parsing, so a
    half-written draft never blocks the public library)."""
    if not isinstance(data, bytes):
        return False  # the loader reports what is wrong with it
    front = data[:4096].split(b"\n---", 1)[0]
    return bool(_DRAFT_LINE.search(front))


@dataclass
class _Entry:
    stat: tuple[int, int] | None
    digest: str
    depends_on: tuple
    result: FileResult | None = None


class FileCache:
    """Digests and per-file results of one content folder's files, by path."""

    def __init__(self, root: Path) -> None:
        self.root = root  # the content folder, resolved
        self._entries: dict[Path, _Entry] = {}
        self.redone: set[Path] = set()  # files parsed (or gone) since `start`

    def start(self) -> None:
        """Begin a load: forget which files were redone."""
        self.redone = set()

    def clear(self) -> None:
        self._entries.clear()

    def digest(self, path: Path) -> str:
        """The file's digest, recomputed only when its size or modification time changed."""
        key = stat_key(path)
        entry = self._entries.get(path)
        if entry is None or key is None or entry.stat != key:
            digest = file_digest(path)
            if entry is None or entry.digest != digest:
                entry = _Entry(key, digest, ())
                self._entries[path] = entry
            entry.stat = key
        return entry.digest

    def result(self, path: Path, parse: Callable[[bytes | str], FileResult],
               depends_on: tuple = ()) -> FileResult:
        """The file's result: the kept one while the file and what it depends on are the
        same objects, else `parse(bytes or the reason they cannot be read)`."""
        self.digest(path)
        entry = self._entries[path]
        same = len(entry.depends_on) == len(depends_on) and all(
            a is b for a, b in zip(entry.depends_on, depends_on, strict=True))
        if entry.result is None or not same:
            entry.result = parse(read_content_bytes(path, self.root))
            entry.depends_on = depends_on
            self.redone.add(path)
        return entry.result

    def forget_missing(self, present: set[Path]) -> None:
        """Drop the results of files that are gone (they count as redone)."""
        for path in set(self._entries) - present:
            if self._entries[path].result is not None:
                del self._entries[path]
                self.redone.add(path)
