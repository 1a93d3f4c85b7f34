"""Full-text search: the Whoosh schema and analyzers, atomic index builds, queries and snippets.

Everything that knows about Whoosh lives here, so the engine could be swapped.

- One document per rumour and language it is written in, plus one per language a rumour
  only has aliases in (matched there, shown in the fallback language). Claim, aliases,
  summary and body (rendered plain text, never Markdown) go into one field whose tokens
  carry the weight of their part, so claim and aliases count more (BM25F).
- Each language has its own analyzer: stemming for en/es/fr/ar (Whoosh's stemmers),
  Catalan (snowballstemmer), Haitian Creole folded and tokenised; accents and case are
  folded everywhere. Terms carry their language ("es:inmigr"), so every language keeps its
  own statistics, and a query, read in every language, matches in any of them.
- Builds go into a new directory under ``<instance>/index/``; the symlink ``current`` is
  swapped to it with ``os.replace``, so readers never see a half-built index. Each process
  keeps one open searcher and reopens it only when the link points somewhere new.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import math
import os
import re
import secrets
import shutil
import threading
import time
import unicodedata
import warnings
from collections import Counter, OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import snowballstemmer
from filelock import FileLock
from markupsafe import Markup, escape
from whoosh import index as whoosh_index
from whoosh.analysis import Analyzer, SpaceSeparatedTokenizer, Token
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.lang import has_stemmer, has_stopwords, stemmer_for_language, stopwords_for_language
from whoosh.support.charset import accent_map

from rumours.library import Library

log = logging.getLogger("rumours.search")

# Bump when the schema, the analyzers or the weights change: older indexes are then stale.
SCHEMA_VERSION = "5"
CURRENT_LINK = "current"
STAMP_FILE = "STAMP"
BUILD_LOCK = "build.lock"
BUILD_LOCK_TIMEOUT = 300  # seconds a worker waits for another one's build
STATS_FILE = "stats.json"
VOCABULARY_FILE = "vocabulary.json"
BUILD_PREFIX = "build-"
KEEP_OLD_BUILDS = 2  # previous builds kept for processes that still have them open
OLD_BUILD_GRACE_SECONDS = 300

MAX_QUERY_CHARS = 200  # longer queries are cut, not refused
MAX_QUERY_WORDS = 12
MAX_LIMIT = 50
MAX_PAGE = 100
HIGHLIGHT_LIMIT = 10  # hits beyond this get the start of the summary as snippet
SNIPPET_CHARS = 220
SUGGEST_BELOW = 3  # offer "did you mean" when fewer rumours than this are found
FUZZY_MIN_LENGTH = 5  # unknown words this long also match close spellings
FUZZY_TWO_EDITS_LENGTH = 8  # ... and from this long, spellings two edits away
FUZZY_EXPANSIONS = 3
FUZZY_BOOST = 0.7

# The parts of a document and how much a word in each counts (tuned with
# bench/search_quality.py).
PARTS = ("claim", "aliases", "summary", "body")
PART_BOOSTS = (3.0, 2.5, 1.2, 1.0)
SNIPPET_PARTS = (2, 3)  # summary, body
READER_BOOST = 1.3  # weight of the reader's language among the languages a query is read in
CACHED_POSTINGS = 2_000_000  # term scores kept per open index, counted in postings
BM25_B = 0.75
BM25_K1 = 6.0  # high: part weights add up in the term frequency, so saturate late

# Words; numbers keep their separators ("2.93"); Catalan "l·l" stays inside a word
# ("il·legal", also typed "il.legal").
WORD_PATTERN = r"\d+(?:[.,]\d+)+|[^\W_]+(?:(?<=l)[·.](?=l)[^\W_]+)*"
_WORD_RE = re.compile(WORD_PATTERN)
_TAG = "\x1e"  # a field value starts with \x1e<lang>\x1f; its parts are separated by \x1d
_TAG_END = "\x1f"
_PART_SEP = "\x1d"
_TAG_RE = re.compile(r"\x1e([a-z]{2,3})\x1f")
_PART_GAP = 10  # positions between parts, so phrases never span two

# Stop words for languages Whoosh has none for. Kept short: only function words.
EXTRA_STOPWORDS = {
    "ca": """a al als amb aquell aquella aquelles aquells aquest aquesta aquestes aquests
        com d de del dels el els en ens és es està estan ha han he hem hi ho i jo l la les
        li lo m més n na o on pel pels per però perquè que qui s sa se seu seus són sobre
        t també un una unes uns us va van""",
    "ht": """a ak an ap avèk e epi k ke ki l la lan li m men mwen n nan nou ou pou se sa
        sou te tou w y yo""",
    "ar": """في من على الى إلى عن ان أن إن هذا هذه ذلك تلك التي الذي الذين و او أو ما
        هو هي هم كل قد كان كانت مع عند ثم حتى بين لم لن إذا اذا""",
}
_EXTRA_FOLD = str.maketrans({
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "ـ": "", "ى": "ي", "ة": "ه", "ٱ": "ا", "’": "'", "·": "",
})
_CATALAN_DOT = re.compile(r"(?<=l)\.(?=l)")


# ----------------------------------------------------------------- normalising text


def fold(text: str) -> str:
    """Lowercase, drop accents and diacritics (Latin and Arabic): "Inmigración" -> "inmigracion"."""
    decomposed = unicodedata.normalize("NFKD", _CATALAN_DOT.sub("", text.lower()))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped.translate(_EXTRA_FOLD).translate(accent_map))


_fold_word = functools.lru_cache(maxsize=200_000)(fold)


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
    """The lowercased words of a cleaned query, in order, without repeats, at most 12."""
    words: list[str] = []
    for match in _WORD_RE.finditer(text):
        word = match.group(0).lower()
        if word not in words:
            words.append(word)
        if len(words) == MAX_QUERY_WORDS:
            break
    return words


# ----------------------------------------------------------------------- analyzers


_catalan = threading.local()


def stem_catalan(word: str) -> str:
    """Catalan Snowball stemmer (Whoosh has none); one stemmer object per thread."""
    stemmer = getattr(_catalan, "stemmer", None)
    if stemmer is None:
        stemmer = _catalan.stemmer = snowballstemmer.stemmer("catalan")
    return stemmer.stemWord(word)


def no_stem(word: str) -> str:
    """Languages without a stemmer (Haitian Creole): words are only folded."""
    return word


@functools.lru_cache(maxsize=64)
def stemmer(lang: str):
    """The stemming function for a language: Whoosh's, snowballstemmer's Catalan, or none."""
    if lang == "ca":
        return stem_catalan
    if has_stemmer(lang):
        return stemmer_for_language(lang)
    return no_stem


@functools.lru_cache(maxsize=64)
def stopwords(lang: str) -> frozenset[str]:
    """A language's stop words, in their written and their folded forms."""
    words: set[str] = set()
    if has_stopwords(lang):
        words.update(stopwords_for_language(lang))
    words.update(EXTRA_STOPWORDS.get(lang, "").split())
    return frozenset(words | {fold(w) for w in words})


@functools.lru_cache(maxsize=300_000)
def word_terms(lang: str, word: str) -> tuple[str, ...]:
    """The index terms of one lowercased word in `lang`; none for a stop word.

    Stemmers need the accents ("inmigración" -> "inmigr") but residents often type none
    ("inmigracion"), so a word gives both fold(stem(word)) and stem(fold(word)).
    """
    if len(word) < 2 or word in stopwords(lang):
        return ()
    stem = stemmer(lang)
    first = _fold_word(stem(word))
    folded = _fold_word(word)
    second = stem(folded) if folded != word else first
    prefix = lang + ":"
    return (prefix + first,) if second == first else (prefix + first, prefix + second)


def tag(lang: str, *parts: str) -> str:
    """A field value: its language, then its parts (claim, aliases, summary, body)."""
    return f"{_TAG}{lang}{_TAG_END}" + _PART_SEP.join(parts)


def split_tag(value: str, default_lang: str) -> tuple[str, str]:
    """The (lang, text) of a field value; untagged text is in `default_lang`."""
    match = _TAG_RE.match(value)
    if match:
        return match.group(1), value[match.end():]
    return default_lang, value


def term_lang(term: str | bytes) -> str:
    """The language a term belongs to: "es:inmigr" -> "es"."""
    if isinstance(term, bytes):
        term = term.decode("utf-8", "replace")
    return term.partition(":")[0]


class RumourAnalyzer(Analyzer):
    """Turns a tagged value into language-prefixed, stemmed, folded terms.

    Tokens of each part carry that part's weight (claim 3, aliases 2.5, ...), which Whoosh
    adds up into the posting's weight; character offsets are relative to the value without
    its tag, which is what is stored.
    """

    def __init__(self, languages: Sequence[str]):
        self.languages = tuple(languages)

    def __eq__(self, other):
        return other.__class__ is self.__class__ and other.languages == self.languages

    def has_morph(self) -> bool:
        return True

    def __call__(self, value, positions=False, chars=False, boosts=False, start_pos=0,
                 start_char=0, mode="", removestops=True, **kwargs) -> Iterator[Token]:
        lang, text = split_tag(value, self.languages[0])
        if lang not in self.languages:
            lang = self.languages[0]
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos, base = start_pos, start_char
        parts = text.split(_PART_SEP)
        weights = PART_BOOSTS if len(parts) == len(PARTS) else (1.0,) * len(parts)
        for part, weight in zip(parts, weights, strict=True):
            for match in _WORD_RE.finditer(part):
                terms = word_terms(lang, match.group(0).lower())
                if not terms:
                    continue
                for term in terms:
                    token.text = term
                    token.boost = weight
                    token.stopped = False
                    if positions:
                        token.pos = pos
                    if chars:
                        token.startchar = base + match.start()
                        token.endchar = base + match.end()
                    yield token
                pos += 1
            pos += _PART_GAP
            base += len(part) + len(_PART_SEP)


def make_schema(languages: Sequence[str]) -> Schema:
    """The index schema for a site's languages."""
    return Schema(
        key=ID(unique=True, stored=True),
        id=ID(stored=True, sortable=True),
        lang=ID(stored=True, sortable=True),
        role=ID(stored=True, sortable=True),  # source, translation, aliases or vocabulary
        verdict=ID(stored=True),
        topics=KEYWORD(commas=True, scorable=False),
        places=KEYWORD(commas=True, scorable=False),
        text=TEXT(analyzer=RumourAnalyzer(languages), stored=True, chars=True),
        # Every word as written (folded), in one vocabulary document: spelling suggestions
        # and fuzzy matches search its lexicon.
        words=KEYWORD(analyzer=SpaceSeparatedTokenizer(), scorable=False),
    )


# ------------------------------------------------------------------ building an index


def index_stamp(library: Library) -> str:
    """What an index built from this library records: schema version and library version."""
    return f"{SCHEMA_VERSION}:{library.version}"


def _clean(text: str) -> str:
    """NFC text without the characters the field format uses as separators."""
    text = unicodedata.normalize("NFC", text or "")
    return text.translate({ord(_TAG): " ", ord(_TAG_END): " ", ord(_PART_SEP): " "})


def library_documents(library: Library) -> Iterator[dict]:
    """One Whoosh document per rumour and language.

    A rumour's text in each language it is written in (role "source" or "translation"),
    plus, for languages it has aliases in but no translation yet, a document holding only
    those aliases (role "aliases"): they match there, and the hit is shown in the fallback.
    """
    for rumour in library.rumours:
        common = {"id": rumour.id, "verdict": rumour.verdict,
                  "topics": ",".join(rumour.topics), "places": ",".join(rumour.places)}
        for lang, text in rumour.texts.items():
            parts = (_clean(text.claim), "\n".join(_clean(a) for a in text.aliases),
                     _clean(text.summary), _clean(text.body_text))
            yield {**common, "key": f"{rumour.id}:{lang}", "lang": lang,
                   "role": "source" if lang == rumour.source_lang else "translation",
                   "text": tag(lang, *parts), "_stored_text": _PART_SEP.join(parts)}
        for lang, phrasings in getattr(rumour, "aliases", {}).items():
            if lang in rumour.texts or not phrasings:
                continue
            parts = ("", "\n".join(_clean(a) for a in phrasings), "", "")
            yield {**common, "key": f"{rumour.id}:{lang}", "lang": lang, "role": "aliases",
                   "text": tag(lang, *parts), "_stored_text": _PART_SEP.join(parts)}


def _document_words(document: dict) -> set[str]:
    return {_fold_word(m.group(0)) for m in _WORD_RE.finditer(document["_stored_text"])}


def build_index(library: Library, root: Path) -> Path:
    """Build a fresh index for `library` in a new directory and swap it in atomically."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    name = f"{BUILD_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{secrets.token_hex(3)}"
    target = root / name
    target.mkdir()
    try:
        ix = whoosh_index.create_in(str(target), make_schema(library.site.languages))
        writer = ix.writer(limitmb=256)
        vocabulary: Counter[str] = Counter()
        try:
            for document in library_documents(library):
                writer.add_document(**document)
                vocabulary.update(_document_words(document))
            if vocabulary:
                writer.add_document(key="_vocabulary", role="vocabulary",
                                    words=" ".join(sorted(vocabulary)))
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=True)
        ix.close()
        (target / STATS_FILE).write_text(json.dumps(_statistics(target)), encoding="utf-8")
        (target / VOCABULARY_FILE).write_text(json.dumps(vocabulary, ensure_ascii=False),
                                              encoding="utf-8")
        (target / STAMP_FILE).write_text(index_stamp(library) + "\n", encoding="utf-8")
        link = root / f".{CURRENT_LINK}-{os.getpid()}-{secrets.token_hex(3)}"
        os.symlink(name, link)
        os.replace(link, root / CURRENT_LINK)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    _remove_old_builds(root, keep=name)
    log.info("search index built: %s (%s)", target, index_stamp(library))
    return target


def _statistics(index_dir: Path) -> dict:
    """Documents and average length per language, for BM25 with per-language statistics."""
    ix = whoosh_index.open_dir(str(index_dir))
    docs: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    with ix.reader() as reader:
        langs = reader.column_reader("lang")
        for docnum in range(reader.doc_count_all()):
            length = reader.doc_field_length(docnum, "text", 0)
            if length:
                docs[langs[docnum]] += 1
                totals[langs[docnum]] += length
    ix.close()
    return {"docs": dict(docs), "lengths": {lang: totals[lang] / docs[lang] for lang in docs}}


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


def current_stamp(root: Path) -> str | None:
    """The stamp of the index the link points to, or None when there is none."""
    try:
        return (Path(root) / CURRENT_LINK / STAMP_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


def is_fresh(library: Library, root: Path) -> bool:
    """True when the current index was built from this library and opens cleanly."""
    if current_stamp(root) != index_stamp(library):
        return False
    opened = _try_open(str(Path(root) / CURRENT_LINK))
    if opened is None:  # a corrupted index is rebuilt, never fatal
        log.warning("search index in %s does not open; it will be rebuilt", root)
        return False
    opened.close()
    return True


def _try_open(target: str) -> _OpenIndex | None:
    """Open an index, or None (logged) when it cannot be read.

    Whoosh leaves the files of a segment it failed to read open; they are closed here,
    quietly, rather than reported later as unclosed files.
    """
    failed = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return _OpenIndex(target)
        except Exception:  # noqa: BLE001 - any unreadable index is treated alike
            log.debug("cannot open the search index %s", target, exc_info=True)
            failed = True
        if failed:  # the traceback, and the files it held, are released by now
            gc.collect()
    return None


def ensure_index(library: Library, root: Path) -> bool:
    """Build the index when it is missing, corrupt or older than the content; True if built.

    Every worker of a server calls this for each new library: a file lock makes one of them
    build while the others wait and then find the index fresh.
    """
    if is_fresh(library, root):
        return False
    Path(root).mkdir(parents=True, exist_ok=True)
    with FileLock(str(Path(root) / BUILD_LOCK), timeout=BUILD_LOCK_TIMEOUT):
        if is_fresh(library, root):
            return False
        build_index(library, root)
    return True


# ----------------------------------------------------------------------- searching


class IndexUnavailable(RuntimeError):
    """There is no usable index (never built, or the build failed)."""


@dataclass(frozen=True)
class SearchHit:
    """One rumour found, in the language it is shown in."""

    id: str
    lang: str
    score: float
    claim: str
    verdict: str
    snippet: Markup


@dataclass(frozen=True)
class SearchResults:
    """A page of rumours matching a query."""

    query: str
    total: int
    hits: tuple[SearchHit, ...] = ()
    suggestion: str | None = None
    offset: int = 0
    limit: int = 10


@dataclass
class _Plan:
    """A query turned into index terms with their weights, grouped by the word they come from."""

    words: list[str]
    word_terms: list[frozenset[str]] = field(default_factory=list)
    boosts: dict[str, float] = field(default_factory=dict)

    @property
    def terms(self) -> set[str]:
        return set().union(*self.word_terms)


class _OpenIndex:
    """An open index: its searcher, per-document lookups, and the scores of recent terms.

    Scoring is BM25 with each language's own document count and average length (a
    language with a handful of documents would otherwise make all of its words look rare,
    so its most common words would outweigh the distinctive ones). It is computed here over
    whole posting blocks, rather than by Whoosh's tree of matchers, which was the slowest
    part of a search in a large library.
    """

    def __init__(self, target: str):
        self.target = target
        folder = Path(target)
        stats = json.loads((folder / STATS_FILE).read_text(encoding="utf-8"))
        self.vocabulary: dict[str, int] = json.loads(
            (folder / VOCABULARY_FILE).read_text(encoding="utf-8"))
        self.index = whoosh_index.open_dir(target)
        try:
            self.searcher = self.index.searcher()
            self.reader = reader = self.searcher.reader()
            self.languages: tuple[str, ...] = self.index.schema["text"].analyzer.languages
            self.doc_counts: dict[str, int] = stats.get("docs", {})
            self.avg_lengths: dict[str, float] = stats.get("lengths", {})
            count = reader.doc_count_all()
            ids, langs = reader.column_reader("id"), reader.column_reader("lang")
            roles = reader.column_reader("role")
            self.ids: list[str] = [ids[n] for n in range(count)]
            self.lengths: list[int] = [reader.doc_field_length(n, "text", 0) or 1
                                       for n in range(count)]
            self.shown: dict[str, dict[str, int]] = {}  # id -> lang -> docnum with text
            self.source: dict[str, int] = {}
            for docnum in range(count):
                role = roles[docnum]
                if reader.is_deleted(docnum) or role not in ("source", "translation"):
                    continue
                self.shown.setdefault(self.ids[docnum], {})[langs[docnum]] = docnum
                if role == "source":
                    self.source[self.ids[docnum]] = docnum
            self.stopwords = frozenset().union(*(stopwords(lang) for lang in self.languages))
        except BaseException:
            self.index.close()
            raise
        self._scores: OrderedDict[str, tuple[list[int], list[float]]] = OrderedDict()
        self._cached_postings = 0
        self._filters: OrderedDict[tuple[str, str], frozenset[int]] = OrderedDict()

    def close(self) -> None:
        self.searcher.close()
        self.index.close()

    def term_scores(self, term: str) -> tuple[list[int], list[float]]:
        """The documents containing `term` and its BM25 score in each (kept for reuse)."""
        cached = self._scores.get(term)
        if cached is not None:
            self._scores.move_to_end(term)
            return cached
        docnums, weights = _postings(self.reader, "text", term)
        lang = term_lang(term)
        count = self.doc_counts.get(lang) or len(self.ids)
        idf = math.log(1 + (count - len(docnums) + 0.5) / (len(docnums) + 0.5))
        average = self.avg_lengths.get(lang) or 1.0
        k1, b, lengths = BM25_K1, BM25_B, self.lengths
        scores = [idf * w * (k1 + 1) / (w + k1 * (1 - b + b * lengths[d] / average))
                  for d, w in zip(docnums, weights, strict=True)]
        self._scores[term] = (docnums, scores)
        self._cached_postings += len(docnums)
        while self._cached_postings > CACHED_POSTINGS and len(self._scores) > 1:
            _term, (old, _old_scores) = self._scores.popitem(last=False)
            self._cached_postings -= len(old)
        return docnums, scores

    def allowed(self, filters: dict[str, str]) -> frozenset[int] | None:
        """Documents passing every filter (topics, places, verdict); None when unfiltered."""
        allowed = None
        for name, value in filters.items():
            docs = self._filters.get((name, value))
            if docs is None:
                docs = frozenset(_postings(self.reader, name, value)[0])
                self._filters[(name, value)] = docs
                if len(self._filters) > 256:
                    self._filters.popitem(last=False)
            allowed = docs if allowed is None else allowed & docs
        return allowed


class SearchIndex:
    """The search index of one process: one open searcher, reopened only after a swap."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.link = self.root / CURRENT_LINK
        self._lock = threading.RLock()
        self._open: _OpenIndex | None = None
        self._unreadable: str | None = None

    @property
    def available(self) -> bool:
        """Whether an index exists to search."""
        return os.path.lexists(self.link)

    @property
    def opened(self) -> str | None:
        """The build directory this process has open (None before the first search)."""
        current = self._open
        return current.target if current is not None else None

    def _current(self) -> _OpenIndex:
        """The open index for the link's current target (opened on first use or after a swap)."""
        try:
            target = str(self.root / os.readlink(self.link))
        except OSError as exc:
            if self._open is not None:
                return self._open
            raise IndexUnavailable(f"no search index in {self.root}") from exc
        if self._open is not None and target in (self._open.target, self._unreadable):
            return self._open
        fresh = _try_open(target)
        if fresh is None:
            if self._open is not None:  # keep serving the index we have
                log.error("cannot open the new search index %s", target)
                self._unreadable = target  # not retried on every search
                return self._open
            raise IndexUnavailable(f"cannot open the search index {target}")
        old, self._open = self._open, fresh
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
        with self._lock:
            current = self._current()
            plan = _plan(current, words, lang)
            filters = {name: value for name, value in
                       (("topics", topic), ("places", place), ("verdict", verdict)) if value}
            ranked = _rank(current, plan, current.allowed(filters))
            hits = _hits(current, plan, ranked[offset:offset + limit], lang)
            suggestion = _suggest(current, words) if len(ranked) < SUGGEST_BELOW else None
        return SearchResults(query, len(ranked), tuple(hits), suggestion, offset, limit)


# -- query building


def _plan(current: _OpenIndex, words: list[str], lang: str) -> _Plan:
    """Each word read in every language (and, when unknown, its close spellings)."""
    content = [w for w in words if _fold_word(w) not in current.stopwords] or words
    plan = _Plan(words=words)
    weights = {language: READER_BOOST if language == lang else 1.0
               for language in current.languages}
    for word in content:
        terms: dict[str, float] = {}
        for language in current.languages:
            for term in word_terms(language, word):
                terms.setdefault(term, weights[language])
        folded = _fold_word(word)
        if len(folded) >= FUZZY_MIN_LENGTH and folded not in current.vocabulary:
            for other in _close_words(current, folded, FUZZY_EXPANSIONS):
                for language in current.languages:
                    for term in word_terms(language, other):
                        terms.setdefault(term, weights[language] * FUZZY_BOOST)
        if terms:
            plan.word_terms.append(frozenset(terms))
            for term, boost in terms.items():
                plan.boosts[term] = max(boost, plan.boosts.get(term, 0.0))
    return plan


def _rank(current: _OpenIndex, plan: _Plan,
          allowed: frozenset[int] | None) -> list[tuple[str, float]]:
    """Every matching rumour with its best document's score, best first."""
    totals: dict[int, float] = {}
    get = totals.get
    for term, boost in plan.boosts.items():
        docnums, scores = current.term_scores(term)
        for docnum, score in zip(docnums, scores, strict=True):
            totals[docnum] = get(docnum, 0.0) + score * boost
    ids = current.ids
    best: dict[str, float] = {}
    for docnum, score in totals.items():
        if allowed is not None and docnum not in allowed:
            continue
        rumour_id = ids[docnum]
        if score > best.get(rumour_id, 0.0):
            best[rumour_id] = score
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))


def _postings(reader, name: str, term: str) -> tuple[list[int], list[float]]:
    """All documents containing `term` in field `name`, with the term's weight in each.

    Reads Whoosh's posting blocks whole when it can (a hundred times fewer Python calls
    than stepping through the matcher); other posting formats are stepped through.
    """
    if not reader.doc_frequency(name, term):
        return [], []
    matcher = reader.postings(name, term)
    docnums: list[int] = []
    weights: list[float] = []
    if all(hasattr(matcher, a) for a in ("_read_ids", "_read_weights", "_next_block", "_i")):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            start = matcher._i
            docnums.extend(matcher._ids[start:])
            weights.extend(matcher._weights[start:])
            matcher._next_block()
    else:
        while matcher.is_active():
            docnums.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return docnums, weights


def _close_words(current: _OpenIndex, word: str, limit: int) -> list[str]:
    """Known words one edit from `word` (two if 8+ letters long), most frequent first.

    A swap of two neighbouring letters ("criem") counts as one edit.
    """
    reader = current.searcher.reader()
    frequency = current.vocabulary
    maxdist = 2 if len(word) >= FUZZY_TWO_EDITS_LENGTH else 1
    for dist in range(1, maxdist + 1):
        try:
            found = set(reader.terms_within("words", word, dist, prefix=1))
        except Exception:  # noqa: BLE001 - an odd word never breaks a search
            return []
        if dist == 1:
            found.update(swap for i in range(len(word) - 1)
                         if (swap := word[:i] + word[i + 1] + word[i] + word[i + 2:]) in frequency)
        found.discard(word)
        if found:
            return sorted(found, key=lambda w: (-frequency.get(w, 0), w))[:limit]
    return []


def _suggest(current: _OpenIndex, words: list[str]) -> str | None:
    """The query with each unknown word replaced by the closest known one, if any was."""
    corrected, changed = [], False
    for word in words:
        folded = _fold_word(word)
        if len(folded) >= 3 and not folded.isdigit() and folded not in current.vocabulary:
            best = _close_words(current, folded, 1)
            if best:
                corrected.append(best[0])
                changed = True
                continue
        corrected.append(word)
    return " ".join(corrected) if changed else None


# -- results and snippets


def _hits(current: _OpenIndex, plan: _Plan, page: list[tuple[str, float]],
          lang: str) -> list[SearchHit]:
    """The page's rumours, each in the reader's language where translated, with a snippet."""
    shown = []
    for rumour_id, score in page:
        docnum = current.shown.get(rumour_id, {}).get(lang, current.source.get(rumour_id))
        if docnum is not None:
            shown.append((rumour_id, score, docnum))
    highlighted = sorted(docnum for _, _, docnum in shown[:HIGHLIGHT_LIMIT])
    spans = _match_positions(current.searcher.reader(), plan.terms, highlighted)
    hits = []
    for rumour_id, score, docnum in shown:
        stored = current.searcher.stored_fields(docnum)
        text = stored.get("text", "")
        parts = text.split(_PART_SEP)
        snippet = _best_snippet(text, spans.get(docnum, []))
        if snippet is None:
            snippet = _plain_snippet(parts[2] if len(parts) > 2 else "")
        hits.append(SearchHit(
            id=rumour_id, lang=stored.get("lang", lang), score=round(float(score), 3),
            claim=parts[0], verdict=stored.get("verdict", ""), snippet=snippet,
        ))
    return hits


def _match_positions(reader, terms: set[str], docnums: list[int]) -> dict:
    """{docnum: [(start, end, term)]} for the query terms in each of the sorted `docnums`."""
    found: dict[int, list[tuple[int, int, str]]] = {}
    if not docnums:
        return found
    for term in terms:
        if not reader.doc_frequency("text", term):
            continue
        matcher = reader.postings("text", term)
        for docnum in docnums:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                found.setdefault(docnum, []).extend(
                    (start, end, term) for _pos, start, end in matcher.value_as("characters"))
    return found


def _best_snippet(text: str, spans: list[tuple[int, int, str]]) -> Markup | None:
    """The summary or body passage with the most distinct matched words, highlighted."""
    best = None
    start = 0
    for number, part in enumerate(text.split(_PART_SEP)):
        end = start + len(part)
        if number in SNIPPET_PARTS:
            inside = [(s - start, e - start, t) for s, e, t in spans if start <= s and e <= end]
            distinct = len({t for _, _, t in inside})
            if inside and (best is None or distinct > best[0]):
                best = (distinct, part, inside)
        start = end + len(_PART_SEP)
    return highlight(best[1], best[2]) if best else None


def highlight(text: str, spans: list[tuple[int, int, str]], width: int = SNIPPET_CHARS) -> Markup:
    """Cut a window of `text` around the most matches; wrap matches in <mark>; escape the rest."""
    spans = sorted({(s, e, t) for s, e, t in spans if 0 <= s < e <= len(text)})
    if not spans:
        return _plain_snippet(text, width)
    start, end = 0, len(text)
    if len(text) > width:
        best_count, best_start = -1, 0
        for s, _e, _t in spans:
            window_start = max(0, s - width // 4)
            inside = {t for s2, e2, t in spans if s2 >= window_start and e2 <= window_start + width}
            if len(inside) > best_count:
                best_count, best_start = len(inside), window_start
        start = best_start
        end = min(len(text), start + width)
        if start > 0:
            space = text.find(" ", start, spans[0][0] if spans[0][0] > start else start + 20)
            start = space + 1 if space != -1 else start
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
    out = [Markup("…") if start > 0 else Markup("")]
    cursor = start
    for s, e, _t in spans:
        if s < cursor or e > end:
            continue
        out.append(escape(text[cursor:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        cursor = e
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)


def _plain_snippet(text: str, width: int = SNIPPET_CHARS) -> Markup:
    """The start of `text`, escaped, cut at a word."""
    if len(text) <= width:
        return escape(text)
    cut = text[:width]
    space = cut.rfind(" ")
    return escape(cut[:space] if space > width // 2 else cut) + Markup("…")


# ----------------------------------------------------------------- app integration


def index_builder(root: Path):
    """A LiveLibrary builder: makes sure the index matches each new library, then opens it."""
    search_index = SearchIndex(root)

    def build(library: Library) -> SearchIndex:
        try:
            ensure_index(library, root)
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
