"""The static export's search index: what static/js/offline-search-engine.js needs, per language.

The offline search reads a query the way the live search does, from the same definitions:
the token pattern (rumours.search.analysis.WORD_PATTERN, translated below to a JavaScript
pattern with Python's Unicode classes spelled as Unicode properties), the character folds,
the Haitian Creole spellings, the stop words (folded as the server folds them), the Arabic
clitics and the ranking constants all come from rumours/search. Stems are not recomputed in
the browser: the stem the server's Snowball stemmers give every word of the library and the
thesaurus is shipped (`forms`), and a word the copy does not have is matched through the
server's own fallbacks (Arabic clitics off, then the longest known stem it starts with).
The browser keeps the documents' terms in MiniSearch (static/vendor/minisearch/) and scores
them with the live search's claim coverage, so an offline copy also says when it has no
answer. tests/browser/test_offline_search.py holds both sides to the same words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext

from rumours.content.model import Library
from rumours.search import analysis, weights
from rumours.search.expansion import (
    DEFAULT_MIN_SEARCHED_STEM,
    MIN_SEARCHED_STEM,
    SHORT_STEM,
    STOP_MARK,
    CompiledThesaurus,
)
from rumours.search.searcher import MAX_QUERY_CHARS, MAX_QUERY_WORDS
from rumours.search.stopwords import STOPWORDS

# Python's `re` classes on str, as JavaScript Unicode properties (the `u` flag): \w is
# exactly [\p{L}\p{N}_] and \d exactly \p{Nd} (checked over every code point by the test).
_WORD_CHAR = r"[\p{L}\p{N}_]"
JS_CLASSES = (
    (r"[^\W\d_]", r"[\p{L}\p{Nl}\p{No}]"),
    (r"[^\W_]", r"[\p{L}\p{N}]"),
    (r"\d", r"\p{Nd}"),
    (r"\b", rf"(?:(?<={_WORD_CHAR})(?!{_WORD_CHAR})|(?<!{_WORD_CHAR})(?={_WORD_CHAR}))"),
)
_PYTHON_ONLY = re.compile(r"\\[wWdDbBsSAZ]")


def js_pattern(pattern: str) -> str:
    """A pattern of rumours.search.analysis as the same pattern for JavaScript's RegExp
    with the `u` flag. Raises ValueError on a Python class it does not translate."""
    for python, javascript in JS_CLASSES:
        pattern = pattern.replace(python, javascript)
    leftover = _PYTHON_ONLY.search(pattern)
    if leftover:
        raise ValueError(f"no JavaScript spelling for {leftover.group(0)} in {pattern!r}")
    return pattern


BODY_TERMS = 400  # distinct body terms per rumour: enough to match, small enough for a phone


def labels() -> dict[str, str]:
    """The script's interface strings in the current language."""
    return {
        "results": gettext("Results"),
        "answers": gettext("Answers"),
        "related": gettext("Related rumours"),
        "no_answer": gettext("This copy has no answer to that rumour yet. The rumours below "
                             "are only related to it."),
        "none": gettext("No rumour in this copy matches those words. Try other words, "
                        "or browse the list of rumours."),
        "live": gettext("Search the live site"),
        "offline": gettext("This is an offline copy: the search looks through the rumours "
                           "saved in it."),
        "filtered": gettext("Rumours matching these filters"),
        "no_filter_match": gettext("No rumour matches these filters."),
        "verdict": gettext("Verdict:"),
    }


def analysis_tables() -> dict:
    """The analysis rules of rumours.search.analysis (and the query limits of
    rumours.search.searcher), as data for the script."""
    return {
        "token_pattern": js_pattern(analysis.WORD_PATTERN),
        "join_pattern": js_pattern(analysis.JOIN_PATTERN),
        "number_pattern": js_pattern(analysis.NUMBER_PATTERN),
        "folds": analysis.CHAR_FOLDS,
        "creole": [[js_pattern(pattern), replacement.replace("\\1", "$1")]
                   for pattern, replacement in analysis.CREOLE_RULES],
        "stopwords": {lang: sorted(analysis.stopwords(lang)) for lang in STOPWORDS},
        "arabic_clitics": list(analysis.ARABIC_CLITICS),
        "arabic_verb_prefixes": [list(p) for p in analysis.ARABIC_VERB_PREFIXES],
        "min_prefix": {"default": analysis.DEFAULT_MIN_PREFIX, **analysis.MIN_PREFIX},
        "prefix_slack": analysis.PREFIX_SLACK,
        "stop_mark": STOP_MARK,
        "short_stem": SHORT_STEM,
        "min_searched_stem": {"default": DEFAULT_MIN_SEARCHED_STEM, **MIN_SEARCHED_STEM},
        "max_words": MAX_QUERY_WORDS,
        "max_chars": MAX_QUERY_CHARS,
    }


def ranking_constants() -> dict:
    """The weights and thresholds of rumours.search.weights."""
    return {
        "field_levels": [list(level) for level in weights.FIELD_LEVELS],
        "weighing_fields": list(weights.WEIGHING_FIELDS),
        "other_language": weights.OTHER_LANGUAGE,
        "foreign_reading": weights.FOREIGN_READING,
        "prefix_weight": weights.PREFIX_WEIGHT,
        "expansion_weight": weights.EXPANSION_WEIGHT,
        "phrase_part": weights.PHRASE_PART,
        "unknown_share": weights.UNKNOWN_SHARE,
        "body_only_share": weights.BODY_ONLY_SHARE,
        "number_share": weights.NUMBER_SHARE,
        "min_slot_weight": weights.MIN_SLOT_WEIGHT,
        "precision_weight": weights.PRECISION_WEIGHT,
        "precision_depth": weights.PRECISION_DEPTH,
        "answer_coverage": weights.ANSWER_COVERAGE,
        "answer_uncovered": weights.ANSWER_UNCOVERED,
        "answer_specificity": weights.ANSWER_SPECIFICITY,
        "answer_ratio": weights.ANSWER_RATIO,
    }


class _Terms:
    """A table of terms, each written once in the index and referred to by number."""

    def __init__(self):
        self.numbers: dict[str, int] = {}

    def __call__(self, terms) -> list[int]:
        found = []
        for one in terms:
            number = self.numbers.setdefault(one, len(self.numbers))
            if number not in found:
                found.append(number)
        return found

    @property
    def table(self) -> list[str]:
        return list(self.numbers)


class _Forms:
    """The stem the server gives each word that has one other than itself, per language."""

    def __init__(self):
        self.by_lang: dict[str, dict[str, str]] = {}

    def terms(self, lang: str, text: str) -> list[str]:
        """The terms of a text in `lang`, noting each word's stem."""
        found = []
        for word in analysis.words(text):
            term = analysis.term(lang, word)
            if term is not None:
                self.note(lang, word, term)
                found.append(term)
        return found

    def note(self, lang: str, word: str, term: str) -> None:
        stem = term.partition(":")[2]
        if stem != word and lang != "ht":  # Creole spellings are rewritten in the browser
            self.by_lang.setdefault(lang, {})[word] = stem


def _content_thesaurus(library: Library) -> CompiledThesaurus:
    """The thesaurus of the app's content folder, compiled as the live index compiles it."""
    from flask import current_app

    from rumours.search.expansion import compile_thesaurus
    from rumours.search.thesaurus import load_thesaurus

    languages = library.site.languages
    return compile_thesaurus(load_thesaurus(current_app.config["CONTENT_DIR"], languages),
                             languages)


def _head_lines(rumour, forms: _Forms) -> list[list[str]]:
    """The terms of each claim and alias line of a rumour, in every language it has."""
    lines = [forms.terms(code, line) for code, other in rumour.texts.items()
             for line in (other.claim, *other.aliases)]
    lines += [forms.terms(code, line) for code, phrasings in rumour.aliases.items()
              if code not in rumour.texts for line in phrasings]
    return [line for line in lines if line]


def _document(rumour, lang: str, numbers: _Terms, forms: _Forms, page_file, verdict_label):
    text = rumour.text(lang)
    lines = _head_lines(rumour, forms)
    summary = [term for code, other in rumour.texts.items()
               for term in forms.terms(code, other.summary)]
    body = numbers(forms.terms(text.lang, text.body_text))[:BODY_TERMS]
    return {
        "id": rumour.id,
        "url": page_file(rumour.id),
        "lang": text.lang,
        "claim": text.claim,
        "summary": text.summary,
        "verdict": rumour.verdict,
        "verdict_label": verdict_label(rumour.verdict),
        "topics": list(rumour.topics),
        "places": list(rumour.places),
        "terms": {"head": numbers([t for line in lines for t in line]),
                  "summary": numbers(summary), "body": body},
        "lines": [numbers(line) for line in lines],
    }


def search_index(library: Library, lang: str, page_file: Callable[[str], str],
                 verdict_label: Callable[[str], str],
                 thesaurus: CompiledThesaurus | None = None) -> dict:
    """What offline-search-engine.js needs for `lang`: analysis rules, ranking constants,
    the thesaurus, and each rumour's terms (claim and aliases in every language, answers,
    the body in the shown language) with its link, claim, answer and verdict.

    `page_file(rumour_id)` gives the rumour page's file, relative to the export's root.
    Call inside a request or `force_locale` for `lang` (labels are translated).
    """
    if thesaurus is None:
        thesaurus = _content_thesaurus(library)
    numbers, forms = _Terms(), _Forms()
    docs = [_document(rumour, lang, numbers, forms, page_file, verdict_label)
            for rumour in library.rumours]
    for member in thesaurus.members:
        for part, surface in zip(member.pattern, member.surfaces, strict=True):
            if not part.startswith(STOP_MARK):
                forms.note(member.lang, surface, part)
    return {
        "lang": lang,
        "labels": labels(),
        "analysis": analysis_tables(),
        "ranking": ranking_constants(),
        "languages": list(library.site.languages),
        "terms": numbers.table,
        "forms": forms.by_lang,
        "thesaurus": {"concepts": list(thesaurus.concepts),
                      "members": [[m.concept, m.lang, list(m.pattern), list(m.surfaces),
                                   m.searchable] for m in thesaurus.members]},
        "docs": docs,
    }
