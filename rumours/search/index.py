"""The search index on disk: Whoosh schema, atomic builds, freshness, and an open index.

- One document per rumour and language it is written in, plus one per language a rumour
  only has aliases in (matched there, shown in the fallback language). Three searched
  fields: `head` (claim and aliases), `summary` and `body` (rendered plain text), analysed
  in the document's language (rumours/search/analysis.py), terms prefixed with it.
- Builds go into a new directory under ``<instance>/index/``; the symlink ``current`` is
  swapped to it with ``os.replace``, so readers never see a half-built index. Beside the
  Whoosh files: the compiled thesaurus, every head line's terms (claim matching), the
  library's folded words (spelling suggestions) and a stamp of what it was built from.
- An open index answers "which rumours have this term in this field" as sets, cached.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import secrets
import shutil
import time
import unicodedata
import warnings
from collections import Counter, OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path

from filelock import FileLock
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, KEYWORD, STORED, FieldType, Schema

from rumours.content.library import Library
from rumours.search import expansion
from rumours.search.analysis import token_term, token_texts
from rumours.search.expansion import CompiledThesaurus
from rumours.search.thesaurus import EMPTY, Thesaurus

log = logging.getLogger("rumours.search")

# Bump when the schema, the analysis or the files beside the index change.
SCHEMA_VERSION = "7"
CURRENT_LINK = "current"
STAMP_FILE = "STAMP"
BUILD_LOCK = "build.lock"
BUILD_LOCK_TIMEOUT = 300  # seconds a worker waits for another one's build
RUMOURS_FILE = "rumours.json"
VOCABULARY_FILE = "vocabulary.json"
BUILD_PREFIX = "build-"
KEEP_OLD_BUILDS = 2  # previous builds kept for processes that still have them open
OLD_BUILD_GRACE_SECONDS = 300
CACHED_POSTINGS = 2_000_000  # rumour numbers kept per open index, summed over terms

FIELDS = ("head", "summary", "body")
_TAG, _TAG_END = "\x1e", "\x1f"  # a field value starts with \x1e<lang>\x1f


def tag(lang: str, text: str) -> str:
    """A field value: its language, then its text."""
    return f"{_TAG}{lang}{_TAG_END}{text}"


def split_tag(value: str, default_lang: str) -> tuple[str, str]:
    """The (lang, text) of a field value; untagged text is in `default_lang`."""
    if value.startswith(_TAG):
        end = value.find(_TAG_END)
        if 0 < end <= 5:
            return value[1:end], value[end + 1:]
    return default_lang, value


def terms_field() -> FieldType:
    """A field given the distinct terms of a text (analysed here, in its language): Whoosh
    only records which documents have each term (the ranking needs no frequencies). It is
    "scorable" only so that Whoosh keeps a length column: without one, writing each
    posting looks for the column on disk."""
    return FieldType(formats.Existence(), SpaceSeparatedTokenizer(), scorable=True)


def make_schema(languages: Sequence[str]) -> Schema:
    """The index schema (the languages are the site's, recorded with the index)."""
    return Schema(
        key=ID(unique=True, stored=True),
        id=ID(stored=True, sortable=True),
        lang=ID(stored=True, sortable=True),
        role=ID(stored=True, sortable=True),  # source, translation, aliases or vocabulary
        verdict=ID(stored=True),
        topics=KEYWORD(commas=True, scorable=False),
        places=KEYWORD(commas=True, scorable=False),
        head=terms_field(),
        summary=terms_field(),
        body=terms_field(),
        claim_text=STORED(),
        summary_text=STORED(),
        languages=STORED(),  # on the vocabulary document
        # Every word as written (folded), in one vocabulary document: spelling suggestions
        # and fuzzy matches search its lexicon.
        words=KEYWORD(analyzer=SpaceSeparatedTokenizer(), scorable=False),
    )


# ------------------------------------------------------------------ building an index


def index_stamp(library: Library, thesaurus: Thesaurus = EMPTY) -> str:
    """What an index records: schema, library version and thesaurus fingerprint."""
    return f"{SCHEMA_VERSION}:{library.version}:{thesaurus.fingerprint}"


def _clean(text: str) -> str:
    """NFC text without the characters the field format uses."""
    text = unicodedata.normalize("NFC", text or "")
    return text.translate({ord(_TAG): " ", ord(_TAG_END): " "})


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
            head = "\n".join(_clean(line) for line in (text.claim, *text.aliases))
            yield {**common, "key": f"{rumour.id}:{lang}", "lang": lang,
                   "role": "source" if lang == rumour.source_lang else "translation",
                   "head": tag(lang, head), "summary": tag(lang, _clean(text.summary)),
                   "body": tag(lang, _clean(text.body_text)),
                   "claim_text": _clean(text.claim), "summary_text": _clean(text.summary)}
        for lang, phrasings in getattr(rumour, "aliases", {}).items():
            if lang in rumour.texts or not phrasings:
                continue
            head = "\n".join(_clean(a) for a in phrasings)
            yield {**common, "key": f"{rumour.id}:{lang}", "lang": lang, "role": "aliases",
                   "head": tag(lang, head), "summary": tag(lang, ""), "body": tag(lang, ""),
                   "claim_text": "", "summary_text": ""}


def analysed(lang: str, text: str) -> tuple[list[str], set[str]]:
    """The distinct terms of a text in `lang`, in order, and the folded words they come from."""
    terms: dict[str, None] = {}
    words: set[str] = set()
    for raw in token_texts(text):
        word, found = token_term(lang, raw)
        if found is not None:
            terms[found] = None
            words.add(word)
    return list(terms), words


def _indexed(document: dict) -> tuple[dict, list[list[str]], set[str]]:
    """A document as Whoosh stores it (each field's terms), its head lines' terms, and its
    folded words (for spelling suggestions): the text is read once."""
    fields = dict(document)
    lines: list[list[str]] = []
    words: set[str] = set()
    lang, head = split_tag(document["head"], "")
    head_terms: dict[str, None] = {}
    for line in head.split("\n"):
        line_terms, line_words = analysed(lang, line)
        if line_terms:
            lines.append(line_terms)
            head_terms.update(dict.fromkeys(line_terms))
            words |= line_words
    fields["head"] = list(head_terms)
    for name in ("summary", "body"):
        fields[name], field_words = analysed(lang, split_tag(document[name], "")[1])
        words |= field_words
    return fields, lines, words


def build_index(library: Library, root: Path, thesaurus: Thesaurus = EMPTY) -> Path:
    """Build a fresh index for `library` in a new directory and swap it in atomically."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    name = f"{BUILD_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{secrets.token_hex(3)}"
    target = root / name
    target.mkdir()
    try:
        compiled = expansion.compile_thesaurus(thesaurus, library.site.languages)
        ix = whoosh_index.create_in(str(target), make_schema(library.site.languages))
        writer = ix.writer(limitmb=512)
        vocabulary: Counter[str] = Counter()
        heads: dict[str, list[list[str]]] = {}
        try:
            for document in library_documents(library):
                fields, lines, words = _indexed(document)
                writer.add_document(**fields)
                vocabulary.update(words)
                heads.setdefault(document["id"], []).extend(lines)
            writer.add_document(key="_vocabulary", role="vocabulary",
                                languages=list(library.site.languages),
                                words=sorted(set(vocabulary) | compiled.words))
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=True)
        ix.close()
        expansion.save(compiled, target)
        (target / RUMOURS_FILE).write_text(json.dumps(heads, ensure_ascii=False),
                                           encoding="utf-8")
        (target / VOCABULARY_FILE).write_text(json.dumps(vocabulary, ensure_ascii=False),
                                              encoding="utf-8")
        (target / STAMP_FILE).write_text(index_stamp(library, thesaurus) + "\n",
                                         encoding="utf-8")
        link = root / f".{CURRENT_LINK}-{os.getpid()}-{secrets.token_hex(3)}"
        os.symlink(name, link)
        os.replace(link, root / CURRENT_LINK)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    _remove_old_builds(root, keep=name)
    log.info("search index built: %s (%s)", target, index_stamp(library, thesaurus))
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
    """Build the index when it is missing, corrupt or older than the content; True if built.

    Every worker of a server calls this for each new library: a file lock makes one of them
    build while the others wait and then find the index fresh. `force` rebuilds anyway
    (an index found broken while searching), unless another worker just did.
    """
    started = time.time()
    if not force and is_fresh(library, root, thesaurus):
        return False
    Path(root).mkdir(parents=True, exist_ok=True)
    with FileLock(str(Path(root) / BUILD_LOCK), timeout=BUILD_LOCK_TIMEOUT):
        if is_fresh(library, root, thesaurus) and (not force or _built_since(root, started)):
            return False
        build_index(library, root, thesaurus)
    return True


def _built_since(root: Path, moment: float) -> bool:
    try:
        return (Path(root) / CURRENT_LINK / STAMP_FILE).stat().st_mtime >= moment
    except OSError:
        return False


# ------------------------------------------------------------------- an open index


class IndexCorrupted(RuntimeError):
    """The index on disk does not match what it says it holds."""


class OpenIndex:
    """An open index: per-document lookups, head lines, thesaurus, and cached term sets."""

    def __init__(self, target: str):
        self.target = target
        folder = Path(target)
        self.vocabulary: dict[str, int] = json.loads(
            (folder / VOCABULARY_FILE).read_text(encoding="utf-8"))
        lines = json.loads((folder / RUMOURS_FILE).read_text(encoding="utf-8"))
        self.thesaurus: CompiledThesaurus = expansion.load(folder)
        self.index = whoosh_index.open_dir(target)
        try:
            self.searcher = self.index.searcher()
            self.reader = reader = self.searcher.reader()
            count = reader.doc_count_all()
            ids, langs = reader.column_reader("id"), reader.column_reader("lang")
            roles = reader.column_reader("role")
            self.rumour_ids: list[str] = sorted(lines)
            number = {rumour_id: n for n, rumour_id in enumerate(self.rumour_ids)}
            self.rumour_of: list[int] = [-1] * count  # docnum -> rumour number
            self.shown: list[dict[str, int]] = [{} for _ in self.rumour_ids]
            self.source: list[int] = [-1] * len(self.rumour_ids)
            self.languages: tuple[str, ...] = ()
            for docnum in range(count):
                if roles[docnum] == "vocabulary":
                    self.languages = tuple(self.searcher.stored_fields(docnum)["languages"])
                if reader.is_deleted(docnum) or ids[docnum] not in number:
                    continue
                rumour = number[ids[docnum]]
                self.rumour_of[docnum] = rumour
                if roles[docnum] in ("source", "translation"):
                    self.shown[rumour][langs[docnum]] = docnum
                    if roles[docnum] == "source":
                        self.source[rumour] = docnum
            if any(n < 0 for n in self.source) or not self.languages:
                raise IndexCorrupted(f"{target}: a rumour has no document in its language")
            self.heads: list[list[frozenset[str]]] = [
                [frozenset(line) for line in lines[rumour_id]] for rumour_id in self.rumour_ids]
        except BaseException:
            self.index.close()
            raise
        self._sets: OrderedDict[tuple[str, str], frozenset[int]] = OrderedDict()
        self._cached = 0
        self._filters: OrderedDict[tuple[str, str], frozenset[int]] = OrderedDict()

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
        cached = self._sets.get(key)
        if cached is not None:
            self._sets.move_to_end(key)
            return cached
        rumour_of = self.rumour_of
        found = frozenset(rumour_of[d] for d in postings(self.reader, field_name, term_text))
        self._sets[key] = found
        self._cached += len(found) + 1
        while self._cached > CACHED_POSTINGS and len(self._sets) > 1:
            _key, old = self._sets.popitem(last=False)
            self._cached -= len(old) + 1
        return found

    def knows(self, term_text: str) -> bool:
        """Whether any rumour has the term in any field."""
        return any(self.rumours_with(name, term_text) for name in FIELDS)

    def allowed(self, filters: dict[str, str]) -> frozenset[int] | None:
        """Rumours passing every filter (topics, places, verdict); None when unfiltered."""
        allowed = None
        for name, value in filters.items():
            rumours = self._filters.get((name, value))
            if rumours is None:
                rumours = frozenset(self.rumour_of[d] for d in postings(self.reader, name, value))
                self._filters[(name, value)] = rumours
                if len(self._filters) > 256:
                    self._filters.popitem(last=False)
            allowed = rumours if allowed is None else allowed & rumours
        return allowed

    def stored(self, docnum: int) -> dict:
        return self.searcher.stored_fields(docnum)


def postings(reader, name: str, term_text: str) -> list[int]:
    """Every document containing `term_text` in field `name`.

    Reads Whoosh's posting blocks whole when it can (a hundred times fewer Python calls
    than stepping through the matcher); other posting formats are stepped through.
    """
    if not reader.doc_frequency(name, term_text):
        return []
    matcher = reader.postings(name, term_text)
    docnums: list[int] = []
    if all(hasattr(matcher, a) for a in ("_read_ids", "_next_block", "_i")):
        while matcher.is_active():
            matcher._read_ids()
            docnums.extend(matcher._ids[matcher._i:])
            matcher._next_block()
    else:
        docnums.extend(matcher.all_ids())
    return docnums


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
