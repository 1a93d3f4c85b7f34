"""What the search index holds: the Whoosh schema, and the documents of a library, analysed.

One document per rumour and language it is written in, plus one per language a rumour only
has aliases in (matched there, shown in the fallback language). Three searched fields:
`head` (claim and aliases), `summary` and `body` (rendered plain text), analysed in the
document's language (rumours/search/analysis.py), terms prefixed with it.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Sequence

from whoosh import formats
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, KEYWORD, STORED, FieldType, Schema

from rumours.content.model import Library, Rumour
from rumours.search.analysis import token_term, token_texts

# Bump when the schema, the analysis or the files beside the index change.
SCHEMA_VERSION = "8"
FIELDS = ("head", "summary", "body")
VOCABULARY_KEY = "_vocabulary"
WORDS_KEY = "_words"
WORD_BUCKETS = 256  # the library's words are kept in this many small documents
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


def make_schema(languages: Sequence[str]) -> Schema:  # noqa: ARG001 - same schema for all
    """The index schema (the languages are the site's, recorded with the index)."""
    return Schema(
        key=ID(unique=True, stored=True),
        id=ID(stored=True, sortable=True),
        lang=ID(stored=True, sortable=True),
        # source, translation, aliases, vocabulary (the languages and the thesaurus's words)
        # or words (a bucket of the library's words)
        role=ID(stored=True, sortable=True),
        verdict=ID(stored=True),
        topics=KEYWORD(commas=True, scorable=False),
        places=KEYWORD(commas=True, scorable=False),
        head=terms_field(),
        summary=terms_field(),
        body=terms_field(),
        claim_text=STORED(),
        summary_text=STORED(),
        languages=STORED(),  # on the vocabulary document
        # Every word as written (folded), in the vocabulary document (the thesaurus's) and
        # the word buckets (the library's): spelling suggestions and fuzzy matches search
        # its lexicon. Buckets keep an edit's update small: only those whose words changed
        # are rewritten, not one document holding every word.
        words=KEYWORD(analyzer=SpaceSeparatedTokenizer(), scorable=False),
    )


def _clean(text: str) -> str:
    """NFC text without the characters the field format uses."""
    text = unicodedata.normalize("NFC", text or "")
    return text.translate({ord(_TAG): " ", ord(_TAG_END): " "})


def rumour_documents(rumour: Rumour) -> Iterator[dict]:
    """A rumour's Whoosh documents: its text in each language it is written in (role
    "source" or "translation"), plus, for languages it has aliases in but no translation
    yet, a document holding only those aliases (role "aliases"): they match there, and the
    hit is shown in the fallback."""
    common = {"id": rumour.id, "verdict": rumour.verdict,
              "topics": ",".join(rumour.topics), "places": ",".join(rumour.places)}
    for lang, text in rumour.texts.items():
        head = "\n".join(_clean(line) for line in (text.claim, *text.aliases))
        yield {**common, "key": f"{rumour.id}:{lang}", "lang": lang,
               "role": "source" if lang == rumour.source_lang else "translation",
               "head": tag(lang, head), "summary": tag(lang, _clean(text.summary)),
               "body": tag(lang, _clean(text.body_text)),
               "claim_text": _clean(text.claim), "summary_text": _clean(text.summary)}
    for lang, phrasings in rumour.aliases.items():
        if lang in rumour.texts or not phrasings:
            continue
        head = "\n".join(_clean(a) for a in phrasings)
        yield {**common, "key": f"{rumour.id}:{lang}", "lang": lang, "role": "aliases",
               "head": tag(lang, head), "summary": tag(lang, ""), "body": tag(lang, ""),
               "claim_text": "", "summary_text": ""}


def word_bucket(word: str) -> int:
    """The word bucket a word is kept in (stable across processes)."""
    return zlib.crc32(word.encode("utf-8")) % WORD_BUCKETS


def word_documents(words: Iterable[str], buckets: Iterable[int] | None = None
                   ) -> Iterator[tuple[str, list[str]]]:
    """(key, sorted words) of each word bucket holding some of `words`; with `buckets`,
    of those buckets only (an empty list: the bucket is now empty)."""
    grouped: dict[int, list[str]] = {}
    wanted = None if buckets is None else set(buckets)
    for word in words:
        bucket = word_bucket(word)
        if wanted is None or bucket in wanted:
            grouped.setdefault(bucket, []).append(word)
    for bucket in sorted(grouped if wanted is None else wanted):
        yield f"{WORDS_KEY}:{bucket}", sorted(grouped.get(bucket, ()))


def library_documents(library: Library) -> Iterator[dict]:
    """One Whoosh document per rumour and language (see `rumour_documents`)."""
    for rumour in library.rumours:
        yield from rumour_documents(rumour)


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


def indexed(document: dict) -> tuple[dict, list[list[str]], set[str]]:
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
