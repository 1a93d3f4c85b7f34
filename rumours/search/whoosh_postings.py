"""Whoosh posting lists read fast: the one place that reads Whoosh's private attributes.

Whoosh's public way to list the documents of a term, ``matcher.all_ids()``, costs a few
Python calls per posting. whoosh-reloaded's own leaf matcher (``W3LeafMatcher``) holds a
whole block of up to 128 document numbers at once; reading those blocks is about a
hundred times fewer calls. That relies on attributes Whoosh does not promise
(``_read_ids``, ``_ids``, ``_i``, ``_next_block``), so they are used only

- when the installed whoosh-reloaded is in the range this was written and tested for
  (``SUPPORTED_VERSIONS``), and
- when each segment's matcher has them (another posting format is read publicly).

Otherwise, and when asked with ``fast=False``, the public ``all_ids()`` is used. Both
give the same document numbers (tests/test_whoosh_postings.py); which way is used is
logged once per process.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from importlib import metadata
from typing import Any

from whoosh.matching.wrappers import FilterMatcher

log = logging.getLogger("rumours.search")

DISTRIBUTION = "whoosh-reloaded"
SUPPORTED_VERSIONS = ((2, 7, 5), (2, 8))  # at least the first, below the second
BLOCK_ATTRIBUTES = ("_read_ids", "_ids", "_i", "_next_block", "is_active")
BLOCKS, PUBLIC = "posting blocks", "public matcher API"


class InternalsUnavailable(RuntimeError):
    """Posting blocks were required (``fast=True``) but a matcher does not have them."""


def version_tuple(version: str) -> tuple[int, ...]:
    """The release numbers of a version string ("2.7.5.post1" -> (2, 7, 5))."""
    release = re.match(r"\d+(?:\.\d+)*", version.strip())
    return tuple(int(n) for n in release.group().split(".")) if release else ()


def installed_version() -> str | None:
    """The installed whoosh-reloaded's version, or None when it is not installed as such."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None


def internals_supported(version: str | None = None) -> bool:
    """Whether `version` (default: the installed one) is one the block reader was written for."""
    version = installed_version() if version is None else version
    if not version:
        return False
    low, high = SUPPORTED_VERSIONS
    return low <= version_tuple(version) < high


@cache
def _installed_supported() -> bool:
    return internals_supported()


def postings(reader: Any, name: str, term_text: str, *, fast: bool | None = None) -> list[int]:
    """Every live document (number in `reader`) with `term_text` in field `name`, ascending.

    `fast`: None reads posting blocks when the installed version supports it (and a
    segment's matcher has them; else that segment is read publicly); False always uses the
    public API; True requires the blocks, whatever the version, and raises
    InternalsUnavailable when a matcher lacks them.
    """
    if not reader.doc_frequency(name, term_text):
        return []
    required = fast is True
    if fast is None:
        fast = _installed_supported()
        if not fast:
            _announce(PUBLIC, f"whoosh-reloaded {installed_version()} is outside the "
                              f"supported range {_range()}")
    if not fast:
        _announce(PUBLIC, "asked for")
        return list(reader.postings(name, term_text).all_ids())
    docnums: list[int] = []
    for leaf, base in reader.leaf_readers():
        if (name, term_text) in leaf:
            found = _leaf_postings(leaf, name, term_text, required=required)
            docnums.extend(base + docnum for docnum in found)
    return docnums


def _leaf_postings(leaf: Any, name: str, term_text: str, *, required: bool) -> list[int]:
    """One segment's live documents with the term, block by block when its matcher allows."""
    matcher = leaf.postings(name, term_text)
    blocks, deleted = matcher, frozenset()
    if isinstance(matcher, FilterMatcher):  # the segment has deleted documents
        blocks, deleted = matcher.child, getattr(leaf, "deleted_docs_set", None)
    if deleted is None or not all(hasattr(blocks, a) for a in BLOCK_ATTRIBUTES):
        why = f"{type(leaf).__name__}/{type(blocks).__name__} has no posting blocks"
        if required:
            raise InternalsUnavailable(why)
        _announce(PUBLIC, why)
        return list(matcher.all_ids())
    _announce(BLOCKS, f"whoosh-reloaded {installed_version()}")
    found: list[int] = []
    while blocks.is_active():  # it may start mid-block: FilterMatcher skips deleted ones
        blocks._read_ids()  # noqa: SLF001 - this adapter's purpose
        found.extend(blocks._ids[blocks._i:])  # noqa: SLF001
        blocks._next_block()  # noqa: SLF001
    if deleted:
        found = [docnum for docnum in found if docnum not in deleted]
    return found


def _range() -> str:
    low, high = SUPPORTED_VERSIONS
    return f">={'.'.join(map(str, low))},<{'.'.join(map(str, high))}"


_announced: set[str] = set()


def _announce(path: str, why: str) -> None:
    """Log, once per process, which way posting lists are read."""
    if path not in _announced:
        _announced.add(path)
        log.info("search postings: reading the %s (%s)", path, why)
