"""Searching: a process's open index, queries in, pages of answers and related rumours out.

Each process keeps one open index and reopens it only when the `current` link points
somewhere new. An index found broken while searching (unreadable, or disagreeing with its
own word list) is reported in the log and by `/healthz`, and rebuilt in the background
from the library it was built for; until then searches say search is unavailable.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from rumours.content.file_cache import stat_key
from rumours.content.model import Library
from rumours.search import query_plan, ranking, weights
from rumours.search.analysis import fold
from rumours.search.index import (
    CURRENT_LINK,
    IndexCorrupted,
    OpenIndex,
    current_stamp,
    ensure_index,
    index_stamp,
    try_open,
)
from rumours.search.snippets import answer_snippet, plain_snippet
from rumours.search.thesaurus import EMPTY, Thesaurus, load_thesaurus
from rumours.search.thesaurus import FILE_NAME as THESAURUS_FILE

log = logging.getLogger("rumours.search")

MAX_QUERY_CHARS = 200  # longer queries are cut, not refused
MAX_QUERY_WORDS = 12
MAX_LIMIT = 50
MAX_PAGE = 100
SUGGEST_BELOW = 3  # offer "did you mean" when fewer rumours than this are found
ANSWER = "answer"
RELATED = "related"


class IndexUnavailable(RuntimeError):
    """There is no usable index (never built, the build failed, or it is being repaired)."""


@dataclass(frozen=True)
class SearchHit:
    """One rumour found, in the language it is shown in."""

    id: str
    lang: str
    score: float
    claim: str
    verdict: str
    snippet: Markup
    match: str = RELATED  # "answer" when the rumour answers the query, else "related"


@dataclass(frozen=True)
class SearchResults:
    """A page of rumours matching a query."""

    query: str
    total: int
    hits: tuple[SearchHit, ...] = ()
    suggestion: str | None = None
    offset: int = 0
    limit: int = 10
    answered: bool = False  # whether the first result answers the query


def clean_query(text: str | None) -> str:
    """A query as typed, made safe: no control or bidi characters, one space, at most 200 chars."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text[: MAX_QUERY_CHARS * 8])
    kept = []
    for char in text:
        category = unicodedata.category(char)
        kept.append(" " if category[0] == "C" or category in ("Zl", "Zp") else char)
    text = " ".join("".join(kept).split())
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS]
        space = cut.rfind(" ")
        text = cut[:space] if space > MAX_QUERY_CHARS // 2 else cut
    return text


def query_words(text: str) -> list[str]:
    """The words of a cleaned query, folded, in order, without repeats, at most 12."""
    from rumours.search.analysis import tokens

    found: list[str] = []
    for _start, _end, raw in tokens(text):
        word = fold(raw)
        if word and word not in found:
            found.append(word)
        if len(found) == MAX_QUERY_WORDS:
            break
    return found


class SearchIndex:
    """The search index of one process: one open index, reopened only after a swap."""

    def __init__(self, root: Path, library: Library | None = None,
                 thesaurus: Thesaurus = EMPTY):
        self.root = Path(root)
        self.link = self.root / CURRENT_LINK
        self._lock = threading.RLock()
        self._open: OpenIndex | None = None
        self._unreadable: str | None = None
        self._source = (library, thesaurus)  # what a repair rebuilds from
        self._problem: str | None = None
        self._repair: threading.Thread | None = None

    @property
    def available(self) -> bool:
        """Whether an index exists to search and none was found broken."""
        return self._problem is None and os.path.lexists(self.link)

    @property
    def problem(self) -> str | None:
        """What is wrong with the index (None when nothing is known to be)."""
        return self._problem

    @property
    def thesaurus(self):
        """The compiled thesaurus of the open index (for the offline search)."""
        with self._lock:
            return self._current().thesaurus

    @property
    def opened(self) -> str | None:
        """The build directory this process has open (None before the first search)."""
        current = self._open
        return current.target if current is not None else None

    def use(self, library: Library, thesaurus: Thesaurus) -> None:
        """Remember what the current index was built from (a repair rebuilds it)."""
        self._source = (library, thesaurus)

    def _current(self) -> OpenIndex:
        """The open index for the link's current target (opened on first use or after a swap)."""
        try:
            target = str(self.root / os.readlink(self.link))
        except OSError as exc:
            if self._open is not None:
                return self._open
            raise IndexUnavailable(f"no search index in {self.root}") from exc
        if self._open is not None and target in (self._open.target, self._unreadable):
            return self._open
        fresh = try_open(target)
        if fresh is None:
            if self._open is not None:  # keep serving the index we have
                log.error("cannot open the new search index %s", target)
                self._unreadable = target  # not retried on every search
                return self._open
            self._broken(target, IndexCorrupted("its files cannot be read"))
            raise IndexUnavailable(f"cannot open the search index {target}")
        old, self._open = self._open, fresh
        self._problem = None
        if old is not None:
            old.close()
        return self._open

    def refresh(self) -> None:
        """Open the current index now (instead of on the next search)."""
        with self._lock:
            self._current()

    def close(self) -> None:
        with self._lock:
            if self._open is not None:
                self._open.close()
                self._open = None

    def search(self, text: str | None, lang: str, *, topic: str | None = None,
               place: str | None = None, verdict: str | None = None, limit: int = 10,
               offset: int = 0) -> SearchResults:
        """Rumours matching `text` in any language, shown in `lang` where translated."""
        query = clean_query(text)
        limit = max(1, min(int(limit), MAX_LIMIT))
        offset = max(0, int(offset))
        words = query_words(query)
        if not words:
            return SearchResults(query, 0, (), None, offset, limit)
        filters = {name: value for name, value in
                   (("topics", topic), ("places", place), ("verdict", verdict)) if value}
        with self._lock:
            if self._problem is not None:
                raise IndexUnavailable(self._problem)
            current = self._current()
            try:
                plan = query_plan.plan_query(current, words, lang,
                                          lambda w, n: close_words(current, w, n))
                if plan.suspicious:
                    raise IndexCorrupted(f"indexed words find nothing: {plan.suspicious[:3]}")
                found = ranking.rank(current, plan, current.allowed(filters), offset + limit)
                hits = _hits(current, plan, list(found.ranked[offset:offset + limit]), lang)
            except IndexUnavailable:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure of the files is the same
                self._broken(current.target, exc)
                raise IndexUnavailable(self._problem) from exc
            suggestion = None
            if found.total < SUGGEST_BELOW or not found.answered:
                suggestion = suggest(current, words)
            if suggestion and found.total >= SUGGEST_BELOW and not _answers(
                    current, suggestion, lang):
                suggestion = None  # only offered when the spelling makes the difference
        return SearchResults(query, found.total, tuple(hits), suggestion, offset, limit,
                             found.answered)

    # -- repairs

    def _broken(self, target: str, exc: Exception) -> None:
        """Report a broken index and rebuild it in the background."""
        self._problem = f"the search index {target} is broken ({exc}); rebuilding it"
        log.error("search: %s", self._problem)
        library, thesaurus = self._source
        if library is None or (self._repair is not None and self._repair.is_alive()):
            return
        self._repair = threading.Thread(target=self.repair, name="rumours-index-repair",
                                        daemon=True)
        self._repair.start()

    def repair(self) -> bool:
        """Rebuild the index from the library it was built for; True when it works again."""
        library, thesaurus = self._source
        if library is None:
            return False
        try:
            ensure_index(library, self.root, thesaurus, force=True)
            with self._lock:
                broken, self._open = self._open, None
                self._unreadable, self._problem = None, None
                try:
                    self._current()
                except IndexUnavailable:
                    self._open = broken
                    raise
            if broken is not None:
                broken.close()
        except Exception:  # a repair that fails leaves the problem reported
            log.exception("search: rebuilding the broken index failed")
            return False
        log.warning("search: the index was rebuilt and is searchable again")
        return True

    def built_for(self, library: Library) -> bool:
        """Whether the index on disk was built from `library` (and this index's thesaurus)."""
        return current_stamp(self.root) == index_stamp(library, self._source[1])

    def heal(self, library: Library) -> None:
        """Rebuild the index when it does not match `library` and its thesaurus (a build that
        failed, e.g. on a full disk, is retried on every call until it succeeds)."""
        _built_from, thesaurus = self._source
        if self.built_for(library):
            return
        try:
            ensure_index(library, self.root, thesaurus)
        except OSError as exc:
            log.error("the search index could not be rebuilt (%s); retrying", exc)
            return
        self._source = (library, thesaurus)
        try:
            self.refresh()
        except IndexUnavailable:
            log.error("the rebuilt search index does not open; retrying")

    def wait_for_repair(self, timeout: float | None = None) -> None:
        """Wait until a background repair (if any) has finished."""
        repair = self._repair
        if repair is not None:
            repair.join(timeout)


def _answers(current: OpenIndex, query: str, lang: str) -> bool:
    """Whether `query` (a suggested spelling) is answered by the library."""
    plan = query_plan.plan_query(current, query_words(query), lang)
    return ranking.rank(current, plan, None, 1).answered


def _hits(current: OpenIndex, plan: query_plan.Plan, page: list[ranking.Ranked],
          lang: str) -> list[SearchHit]:
    """The page's rumours, each in the reader's language where translated, with its answer."""
    terms = set(plan.term_weights)
    hits = []
    for ranked in page:
        docnum = current.shown[ranked.rumour].get(lang, current.source[ranked.rumour])
        stored = current.stored(docnum)
        shown_lang = stored.get("lang", lang)
        summary = stored.get("summary_text", "")
        snippet = answer_snippet(summary, shown_lang, terms) if terms else plain_snippet(summary)
        hits.append(SearchHit(
            id=current.rumour_ids[ranked.rumour], lang=shown_lang,
            score=round(float(ranked.score), 3), claim=stored.get("claim_text", ""),
            verdict=stored.get("verdict", ""), snippet=snippet,
            match=ANSWER if ranked.answer else RELATED,
        ))
    return hits


def close_words(current: OpenIndex, word: str, limit: int) -> list[str]:
    """Known words one edit from `word` (two if 8+ letters long), most frequent first.

    A swap of two neighbouring letters ("jbos") counts as one edit; words under 5 letters
    are only corrected by such a swap.
    """
    if len(word) < 4 or word.isdigit():
        return []
    frequency = current.vocabulary
    known = current.thesaurus.words
    swaps = {swap for i in range(len(word) - 1)
             if (swap := word[:i] + word[i + 1] + word[i] + word[i + 2:]) != word
             and (swap in frequency or swap in known)}
    if len(word) < weights.FUZZY_MIN_LENGTH:
        return sorted(swaps, key=lambda w: (-frequency.get(w, 0), w))[:limit]
    maxdist = 2 if len(word) >= weights.FUZZY_TWO_EDITS_LENGTH else 1
    for dist in range(1, maxdist + 1):
        try:
            found = set(current.reader.terms_within("words", word, dist, prefix=1))
        except Exception:  # noqa: BLE001 - an odd word never breaks a search
            return []
        if dist == 1:
            found |= swaps
        found.discard(word)
        if found:
            return sorted(found, key=lambda w: (-frequency.get(w, 0), w))[:limit]
    return []


def suggest(current: OpenIndex, words: list[str]) -> str | None:
    """The query with each unknown word replaced by the closest known one, if any was."""
    corrected, changed = [], False
    for word in words:
        if (len(word) >= 3 and not word.isdigit() and word not in current.vocabulary
                and word not in current.thesaurus.words):
            best = close_words(current, word, 1)
            if best:
                corrected.append(best[0])
                changed = True
                continue
        corrected.append(word)
    return " ".join(corrected) if changed else None


# ----------------------------------------------------------------- app integration


def index_builder(root: Path, content_dir: Path | None = None):
    """A LiveLibrary builder: makes sure the index matches each new library (and the
    thesaurus in `content_dir`), then opens it."""
    search_index = SearchIndex(root)
    read: dict[str, object] = {}  # the thesaurus last read, and the file state it was read at

    def thesaurus_for(library: Library) -> Thesaurus:
        """synonyms.yml, read again only when it or the site's languages changed (an edit
        to a rumour does not re-read it)."""
        if content_dir is None:
            return EMPTY
        key = (stat_key(Path(content_dir) / THESAURUS_FILE), library.site.languages)
        if read.get("key") != key:
            read["thesaurus"] = load_thesaurus(content_dir, library.site.languages)
            read["key"] = key
        return read["thesaurus"]

    def build(library: Library) -> SearchIndex:
        thesaurus = thesaurus_for(library)
        search_index.use(library, thesaurus)
        try:
            ensure_index(library, root, thesaurus)
        except Exception:  # a failed build must not take the library down with it
            log.exception("building the search index failed; searching the previous one")
        try:
            search_index.refresh()
        except IndexUnavailable:
            log.error("no search index is available in %s", root)
        return search_index

    return build


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` results fill (capped at MAX_PAGE)."""
    return min(MAX_PAGE, max(1, math.ceil(total / max(1, per_page))))
