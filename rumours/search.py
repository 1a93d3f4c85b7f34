"""Full-text search: the Whoosh schema and analyzers, atomic index builds, queries and snippets.

Everything that knows about Whoosh lives here, so the engine could be swapped.

- One document per rumour and language it exists in. Claim and aliases weigh more than
  summary and body; body is the rendered plain text, never Markdown.
- Each field holds text in several languages, each part analyzed by its own language's
  analyzer (stemming for en/es/fr/ar with Whoosh's stemmers, Catalan with snowballstemmer,
  Haitian Creole folded and tokenised). Accents and case are folded everywhere. A query is
  analyzed by every language's analyzer, so it matches in any language.
- Builds go into a new directory under ``<instance>/index/``; a symlink ``current`` is
  swapped to it with ``os.replace``, so readers never see a half-built index. Each process
  keeps one open searcher and reopens it only when the link points somewhere new.
"""

from __future__ import annotations

import functools
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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import snowballstemmer
from markupsafe import Markup, escape
from whoosh import index as whoosh_index
from whoosh.analysis import Analyzer, Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.lang import has_stemmer, has_stopwords, stemmer_for_language, stopwords_for_language
from whoosh.query import And, Or, Query, Term
from whoosh.scoring import BM25F, BM25FScorer
from whoosh.support.charset import accent_map

from rumours.library import Library

log = logging.getLogger("rumours.search")

# Bump when the schema or the analyzers change: an index built by another version is stale.
SCHEMA_VERSION = "4"
CURRENT_LINK = "current"
STAMP_FILE = "STAMP"
STATS_FILE = "stats.json"
BUILD_PREFIX = "build-"
KEEP_OLD_BUILDS = 2  # previous builds kept for processes that still have them open
OLD_BUILD_GRACE_SECONDS = 300

MAX_QUERY_CHARS = 200  # longer queries are cut, not refused
MAX_QUERY_WORDS = 12
MAX_LIMIT = 50
MAX_PAGE = 100
HIGHLIGHT_LIMIT = 10  # hits beyond this get the plain summary as snippet
SNIPPET_CHARS = 220
SUGGEST_BELOW = 3  # offer "did you mean" when fewer rumours than this are found
FUZZY_MIN_LENGTH = 5  # words at least this long also match close spellings
FUZZY_EXPANSIONS = 3
FUZZY_BOOST = 0.7

# How much a match in each field counts (tuned with bench/search_quality.py).
FIELD_BOOSTS = {"claim": 3.0, "aliases": 2.5, "summary": 1.2, "body": 1.0}
READER_BOOST = 1.3  # weight of the reader's language among the languages a query is read in
SNIPPET_FIELDS = ("summary", "body")

# Words; numbers keep their separators ("2.93"); Catalan "l·l" stays inside a word
# ("il·legal", also typed "il.legal").
WORD_PATTERN = r"\d+(?:[.,]\d+)+|[^\W_]+(?:(?<=l)[·.](?=l)[^\W_]+)*"
_WORD_RE = re.compile(WORD_PATTERN)
_TAG = "\x1e"  # starts a language part of a field value: \x1e<lang>\x1f<text>
_TAG_END = "\x1f"
_TAG_RE = re.compile(r"\x1e([a-z]{2,3})\x1f")

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


_fold_word = functools.lru_cache(maxsize=100_000)(fold)


def clean_query(text: str | None) -> str:
    """A query as typed, made safe: no control or bidi characters, one space, at most 200 chars."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text[: MAX_QUERY_CHARS * 8])
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category[0] == "C" or category in ("Zl", "Zp"):
            kept.append(" ")
        else:
            kept.append(char)
    text = " ".join("".join(kept).split())
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS]
        space = cut.rfind(" ")
        text = cut[:space] if space > MAX_QUERY_CHARS // 2 else cut
    return text


def query_words(text: str) -> list[str]:
    """The folded words of a cleaned query, in order, without repeats, at most 12."""
    words: list[str] = []
    for match in _WORD_RE.finditer(text):
        word = fold(match.group(0))
        if word and word not in words:
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
def _stem_function(lang: str):
    if lang == "ca":
        base = stem_catalan
    elif has_stemmer(lang):
        base = stemmer_for_language(lang)
    else:
        base = no_stem
    return functools.lru_cache(maxsize=50_000)(base)


def stopwords(lang: str) -> frozenset[str]:
    """A language's stop words, in their written and their folded forms."""
    words: set[str] = set()
    if has_stopwords(lang):
        words.update(stopwords_for_language(lang))
    words.update(EXTRA_STOPWORDS.get(lang, "").split())
    return frozenset(words | {fold(w) for w in words})


class FoldingStemFilter(Filter):
    """Stems each token and folds accents; emits both stem(word) and stem(fold(word)).

    Stemmers need the accents ("inmigración" -> "inmigr") but residents often type none
    ("inmigracion"); indexing and querying both forms makes either spelling match.
    """

    is_morph = True

    def __init__(self, lang: str):
        self.lang = lang

    def __eq__(self, other):
        return other.__class__ is self.__class__ and other.lang == self.lang

    def __call__(self, tokens):
        stem = _stem_function(self.lang)
        for token in tokens:
            if token.stopped:
                yield token
                continue
            word = token.text
            first = _fold_word(stem(word))
            token.text = first
            yield token
            folded = _fold_word(word)
            second = stem(folded) if folded != word else first
            if second != first:
                token.text = second
                yield token


class FoldFilter(Filter):
    """Folds accents and diacritics (for the unstemmed spelling field)."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = _fold_word(token.text)
            yield token


def language_analyzer(lang: str) -> Analyzer:
    """Tokenise, lowercase, drop stop words, stem and fold, for one language."""
    chain = RegexTokenizer(WORD_PATTERN) | LowercaseFilter()
    chain = chain | StopFilter(stoplist=stopwords(lang), minsize=2)
    return chain | FoldingStemFilter(lang)


def plain_analyzer() -> Analyzer:
    """Words as written, folded: the vocabulary for spelling suggestions and fuzzy matches."""
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | FoldFilter()


class MultilingualAnalyzer(Analyzer):
    """Analyzes a value with the analyzer of the language it is tagged with.

    A value is ``\x1e<lang>\x1f<text>`` (see :func:`tag`); every term is prefixed with its
    language ("es:inmigr"), so each language keeps its own term statistics and two
    languages' words never collide. Character offsets are relative to the text.
    """

    def __init__(self, languages: Sequence[str]):
        self.languages = tuple(languages)
        self.analyzers = {lang: language_analyzer(lang) for lang in self.languages}

    def __eq__(self, other):
        return other.__class__ is self.__class__ and other.languages == self.languages

    def has_morph(self) -> bool:
        return True

    def __call__(self, value, start_char=0, **kwargs):
        lang, text = split_tag(value, self.languages[0])
        analyzer = self.analyzers.get(lang) or self.analyzers[self.languages[0]]
        prefix = lang + ":"
        for token in analyzer(text, start_char=start_char, **kwargs):
            token.text = prefix + token.text
            yield token

    def terms(self, lang: str, word: str) -> list[str]:
        """The index terms one query word becomes in `lang` (none for a stop word)."""
        analyzer = self.analyzers.get(lang)
        if analyzer is None:
            return []
        return list(dict.fromkeys(f"{lang}:{t.text}" for t in analyzer(word, mode="query")))


def tag(lang: str, text: str) -> str:
    """A field value: text marked with its language."""
    return f"{_TAG}{lang}{_TAG_END}{text}"


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


def make_schema(languages: Sequence[str]) -> Schema:
    """The index schema for a site's languages."""
    text = MultilingualAnalyzer(languages)
    return Schema(
        key=ID(unique=True, stored=True),
        id=ID(stored=True, sortable=True),
        lang=ID(stored=True, sortable=True),
        role=ID(stored=True, sortable=True),  # source, translation or aliases (see below)
        verdict=ID(stored=True),
        topics=KEYWORD(commas=True, scorable=False),
        places=KEYWORD(commas=True, scorable=False),
        claim=TEXT(analyzer=text, stored=True, chars=True),
        aliases=TEXT(analyzer=text),
        summary=TEXT(analyzer=text, stored=True, chars=True),
        body=TEXT(analyzer=text, stored=True, chars=True),
        words=TEXT(analyzer=plain_analyzer(), phrase=False),
    )


class LanguageBM25F(BM25F):
    """BM25F with each language's own statistics.

    A language with a handful of documents would otherwise make all of its words look
    rare next to the whole collection, so its most common words would outweigh the
    distinctive ones. Document counts and average lengths come per field and language.
    """

    def __init__(self, stats: dict, B: float = 0.75, K1: float = 1.2):
        super().__init__(B=B, K1=K1)
        self.docs = stats.get("docs", {})
        self.lengths = stats.get("lengths", {})

    def idf(self, searcher, fieldname, text):
        count = self.docs.get(fieldname, {}).get(term_lang(text)) or searcher.doc_count_all()
        frequency = searcher.doc_frequency(fieldname, text)
        return math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        average = self.lengths.get(fieldname, {}).get(term_lang(text))
        if average and isinstance(scorer, BM25FScorer):
            scorer.avgfl = average
            scorer.setup(searcher, fieldname, text)
        return scorer


# ------------------------------------------------------------------ building an index


def index_stamp(library: Library) -> str:
    """What an index built from this library records: schema version and library version."""
    return f"{SCHEMA_VERSION}:{library.version}"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def library_documents(library: Library) -> Iterable[dict]:
    """One Whoosh document per rumour and language.

    A rumour's text in each language it is written in (role "source" or "translation"),
    plus, for languages it has aliases in but no translation yet, a document holding
    only those aliases (role "aliases"): residents' phrasings match there, and the hit
    is shown in the fallback language.
    """
    for rumour in library.rumours:
        common = {"id": rumour.id, "verdict": rumour.verdict,
                  "topics": ",".join(rumour.topics), "places": ",".join(rumour.places)}
        for lang, text in rumour.texts.items():
            claim, summary, body = _nfc(text.claim), _nfc(text.summary), _nfc(text.body_text)
            aliases = "\n".join(_nfc(a) for a in text.aliases)
            yield {
                **common, "key": f"{rumour.id}:{lang}", "lang": lang,
                "role": "source" if lang == rumour.source_lang else "translation",
                "claim": tag(lang, claim), "_stored_claim": claim,
                "aliases": tag(lang, aliases),
                "summary": tag(lang, summary), "_stored_summary": summary,
                "body": tag(lang, body), "_stored_body": body,
                "words": "\n".join((claim, aliases, summary, body)),
            }
        for lang, phrasings in getattr(rumour, "aliases", {}).items():
            if lang in rumour.texts or not phrasings:
                continue
            aliases = "\n".join(_nfc(a) for a in phrasings)
            yield {
                **common, "key": f"{rumour.id}:{lang}", "lang": lang, "role": "aliases",
                "aliases": tag(lang, aliases), "words": aliases,
            }


def _statistics(index_dir: Path) -> dict:
    """Documents and average field length per field and language, for LanguageBM25F."""
    ix = whoosh_index.open_dir(str(index_dir))
    docs: dict[str, dict[str, int]] = {}
    totals: dict[str, dict[str, int]] = {}
    with ix.reader() as reader:
        langs = reader.column_reader("lang")
        for docnum in range(reader.doc_count_all()):
            lang = langs[docnum]
            for name in FIELD_BOOSTS:
                length = reader.doc_field_length(docnum, name, 0)
                if length:
                    docs.setdefault(name, {}).setdefault(lang, 0)
                    docs[name][lang] += 1
                    totals.setdefault(name, {}).setdefault(lang, 0)
                    totals[name][lang] += length
    ix.close()
    lengths = {name: {lang: totals[name][lang] / docs[name][lang] for lang in totals[name]}
               for name in totals}
    return {"docs": docs, "lengths": lengths}


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
        try:
            for document in library_documents(library):
                writer.add_document(**document)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=True)
        ix.close()
        (target / STATS_FILE).write_text(json.dumps(_statistics(target)), encoding="utf-8")
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
    try:
        _OpenIndex(str(Path(root) / CURRENT_LINK)).close()
    except Exception:  # a corrupted index is rebuilt, never fatal
        log.warning("search index in %s does not open; it will be rebuilt", root, exc_info=True)
        return False
    return True


def ensure_index(library: Library, root: Path) -> bool:
    """Build the index when it is missing, corrupt or older than the content; True if built."""
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
    """A query turned into Whoosh terms, remembering each word's terms for highlighting."""

    words: list[str]
    query: Query | None = None
    word_terms: list[frozenset[str]] = field(default_factory=list)

    @property
    def terms(self) -> set[str]:
        return set().union(*self.word_terms)


class _OpenIndex:
    """An open index with per-document lookups read once from its columns."""

    def __init__(self, target: str):
        self.target = target
        stats = json.loads((Path(target) / STATS_FILE).read_text(encoding="utf-8"))
        self.index = whoosh_index.open_dir(target)
        try:
            self.searcher = self.index.searcher(weighting=LanguageBM25F(stats))
            reader = self.searcher.reader()
            self.analyzer: MultilingualAnalyzer = self.index.schema["claim"].analyzer
            count = reader.doc_count_all()
            ids, langs = reader.column_reader("id"), reader.column_reader("lang")
            roles = reader.column_reader("role")
            self.ids: list[str] = [ids[n] for n in range(count)]
            self.shown: dict[str, dict[str, int]] = {}  # id -> lang -> docnum with text
            self.source: dict[str, int] = {}
            for docnum in range(count):
                role = roles[docnum]
                if reader.is_deleted(docnum) or role == "aliases":
                    continue
                self.shown.setdefault(self.ids[docnum], {})[langs[docnum]] = docnum
                if role == "source":
                    self.source[self.ids[docnum]] = docnum
            self.stopwords = frozenset().union(
                *(stopwords(lang) for lang in self.analyzer.languages))
        except BaseException:
            self.index.close()
            raise

    def close(self) -> None:
        self.searcher.close()
        self.index.close()


class SearchIndex:
    """The search index of one process: one open searcher, reopened only after a swap."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.link = self.root / CURRENT_LINK
        self._lock = threading.RLock()
        self._open: _OpenIndex | None = None

    @property
    def available(self) -> bool:
        """Whether an index exists to search."""
        return os.path.lexists(self.link)

    def _current(self) -> _OpenIndex:
        """The open index for the link's current target (opened on first use or after a swap)."""
        try:
            target = str(self.root / os.readlink(self.link))
        except OSError as exc:
            if self._open is not None:
                return self._open
            raise IndexUnavailable(f"no search index in {self.root}") from exc
        if self._open is None or self._open.target != target:
            try:
                fresh = _OpenIndex(target)
            except Exception as exc:
                if self._open is not None:  # keep serving the index we have
                    log.error("cannot open the new search index %s: %s", target, exc)
                    return self._open
                raise IndexUnavailable(f"cannot open the search index {target}") from exc
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
            plan = self._plan(current, words, lang)
            ranked: dict[str, float] = {}
            if plan.query is not None:
                results = current.searcher.search(plan.query, limit=None,
                                                  filter=_filters(topic, place, verdict))
                ids = current.ids
                for docnum, score in results.items():
                    ranked.setdefault(ids[docnum], score)
            page = list(ranked.items())[offset:offset + limit]
            hits = self._hits(current, plan, page, lang)
            suggestion = None
            if len(ranked) < SUGGEST_BELOW:
                suggestion = self._suggest(current, words)
        return SearchResults(query, len(ranked), tuple(hits), suggestion, offset, limit)

    # -- query building

    @staticmethod
    def _plan(current: _OpenIndex, words: list[str], lang: str) -> _Plan:
        reader = current.searcher.reader()
        content = [w for w in words if w not in current.stopwords] or words
        plan = _Plan(words=words)
        word_queries = []
        languages = current.analyzer.languages
        weights = {language: READER_BOOST if language == lang else 1.0 for language in languages}
        for word in content:
            terms = {t: weights[language] for language in languages
                     for t in current.analyzer.terms(language, word)}
            if len(word) >= FUZZY_MIN_LENGTH and not reader.doc_frequency("words", word):
                for other in _close_words(reader, word, FUZZY_EXPANSIONS):
                    for language in languages:
                        for term in current.analyzer.terms(language, other):
                            terms.setdefault(term, weights[language] * FUZZY_BOOST)
            if not terms:
                continue
            plan.word_terms.append(frozenset(terms))
            clauses = [Term(name, term, boost=weight * boost)
                       for term, boost in terms.items() for name, weight in FIELD_BOOSTS.items()]
            word_queries.append(Or(clauses))
        if word_queries:
            plan.query = Or(word_queries) if len(word_queries) > 1 else word_queries[0]
        return plan

    @staticmethod
    def _suggest(current: _OpenIndex, words: list[str]) -> str | None:
        reader = current.searcher.reader()
        corrected, changed = [], False
        for word in words:
            if (len(word) >= 3 and not word.isdigit()
                    and not reader.doc_frequency("words", word)):
                best = _close_words(reader, word, 1)
                if best:
                    corrected.append(best[0])
                    changed = True
                    continue
            corrected.append(word)
        return " ".join(corrected) if changed else None

    # -- results

    @staticmethod
    def _hits(current: _OpenIndex, plan: _Plan, page: list[tuple[str, float]],
              lang: str) -> list[SearchHit]:
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
            snippet = _best_snippet(stored, spans.get(docnum, {}))
            if snippet is None:
                snippet = _plain_snippet(stored.get("summary", ""))
            hits.append(SearchHit(
                id=rumour_id, lang=stored.get("lang", lang), score=round(float(score), 3),
                claim=stored.get("claim", ""), verdict=stored.get("verdict", ""),
                snippet=snippet,
            ))
        return hits


def _filters(topic: str | None, place: str | None, verdict: str | None) -> Query | None:
    terms = [Term(name, value) for name, value in
             (("topics", topic), ("places", place), ("verdict", verdict)) if value]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else And(terms)


def _postings_in(reader, name: str, terms: Iterable[str], docnums: list[int]):
    """For each of the sorted `docnums` containing some of `terms` in field `name`:
    (docnum, [(term, matcher positioned on it)])."""
    per_doc: dict[int, list] = {}
    for term in terms:
        if not reader.doc_frequency(name, term):
            continue
        matcher = reader.postings(name, term)
        for docnum in docnums:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                value = matcher.value_as("characters") if name in SNIPPET_FIELDS else None
                per_doc.setdefault(docnum, []).append((term, value))
    return sorted(per_doc.items())


def _close_words(reader, word: str, limit: int) -> list[str]:
    """Indexed words one edit from `word` (else two, if 5+ letters long), most frequent first."""
    maxdist = 2 if len(word) >= FUZZY_MIN_LENGTH else 1
    for dist in range(1, maxdist + 1):
        try:
            found = set(reader.terms_within("words", word, dist, prefix=1))
        except Exception:  # noqa: BLE001 - an odd word never breaks a search
            return []
        found.discard(word)
        if found:
            ranked = sorted(found, key=lambda w: (-reader.doc_frequency("words", w), w))
            return ranked[:limit]
    return []


def _match_positions(reader, terms: set[str], docnums: list[int]) -> dict:
    """{docnum: {field: [(start, end, term)]}} for the query terms in the snippet fields."""
    found: dict[int, dict[str, list[tuple[int, int, str]]]] = {}
    if not docnums:
        return found
    for name in SNIPPET_FIELDS:
        for docnum, matched in _postings_in(reader, name, terms, docnums):
            spans = found.setdefault(docnum, {}).setdefault(name, [])
            for term, chars in matched:
                spans.extend((start, end, term) for _pos, start, end in chars)
    return found


def _best_snippet(stored: dict, fields: dict[str, list[tuple[int, int, str]]]) -> Markup | None:
    """The passage with the most distinct matched words, from the summary or the body."""
    best = None
    for name in SNIPPET_FIELDS:
        spans = fields.get(name)
        if spans:
            distinct = len({term for _, _, term in spans})
            if best is None or distinct > best[0]:
                best = (distinct, name, spans)
    if best is None:
        return None
    _, name, spans = best
    return highlight(stored.get(name, ""), spans)


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
