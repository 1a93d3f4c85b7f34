"""The static export's search index: what static/js/offline-search.js needs, per language.

The offline search reads a query the way the live search does, from the same definition:
the analysis tables (folds, Haitian Creole spellings, stop words, Arabic clitics) and the
ranking constants come from rumours/search, the stem of every word the library and the
thesaurus use is computed here by the same Snowball stemmers, and the thesaurus is the one
compiled for the live index. The script applies the same rules to the query (a word the
library does not have is matched through the same fallbacks: Arabic clitics off, then the
longest known stem it starts with) and scores rumours with the same claim coverage, so an
offline copy also says when it has no answer.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext

from rumours.content.library import Library
from rumours.search import analysis, ranking
from rumours.search.expansion import (
    DEFAULT_MIN_SEARCHED_STEM,
    MIN_SEARCHED_STEM,
    SHORT_STEM,
    STOP_MARK,
    CompiledThesaurus,
)
from rumours.search.stopwords import STOPWORDS

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
    """The analysis rules of rumours.search.analysis, as data for the script."""
    return {
        "folds": analysis.CHAR_FOLDS,
        "creole": [[pattern, replacement.replace("\\1", "$1")]
                   for pattern, replacement in analysis.CREOLE_RULES],
        "stopwords": {lang: sorted(analysis.stopwords(lang)) for lang in STOPWORDS},
        "arabic_clitics": list(analysis.ARABIC_CLITICS),
        "arabic_verb_prefixes": [list(p) for p in analysis.ARABIC_VERB_PREFIXES],
        "min_prefix": {"default": analysis.DEFAULT_MIN_PREFIX, **analysis.MIN_PREFIX},
        "prefix_slack": analysis.PREFIX_SLACK,
        "stop_mark": STOP_MARK,
        "short_stem": SHORT_STEM,
        "min_searched_stem": {"default": DEFAULT_MIN_SEARCHED_STEM, **MIN_SEARCHED_STEM},
        "max_words": 12,
    }


def ranking_constants() -> dict:
    """The weights and thresholds of rumours.search.ranking."""
    return {
        "field_levels": [list(level) for level in ranking.FIELD_LEVELS],
        "weighing_fields": list(ranking.WEIGHING_FIELDS),
        "other_language": ranking.OTHER_LANGUAGE,
        "foreign_reading": ranking.FOREIGN_READING,
        "prefix_weight": ranking.PREFIX_WEIGHT,
        "expansion_weight": ranking.EXPANSION_WEIGHT,
        "phrase_part": ranking.PHRASE_PART,
        "unknown_share": ranking.UNKNOWN_SHARE,
        "body_only_share": ranking.BODY_ONLY_SHARE,
        "number_share": ranking.NUMBER_SHARE,
        "min_slot_weight": ranking.MIN_SLOT_WEIGHT,
        "precision_weight": ranking.PRECISION_WEIGHT,
        "precision_depth": ranking.PRECISION_DEPTH,
        "answer_coverage": ranking.ANSWER_COVERAGE,
        "answer_uncovered": ranking.ANSWER_UNCOVERED,
        "answer_specificity": ranking.ANSWER_SPECIFICITY,
        "answer_ratio": ranking.ANSWER_RATIO,
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


def _text_terms(lang: str, text: str, forms: dict[str, dict[str, str]]) -> list[str]:
    """The terms of a text, noting each word whose stem is not the word itself."""
    terms = []
    for word in analysis.words(text):
        found = analysis.term(lang, word)
        if found is None:
            continue
        stem = found.partition(":")[2]
        if stem != word and lang != "ht":
            forms.setdefault(lang, {})[word] = stem
        terms.append(found)
    return terms


def _content_thesaurus(library: Library) -> CompiledThesaurus:
    """The thesaurus of the app's content folder, compiled as the live index compiles it."""
    from flask import current_app

    from rumours.search.expansion import compile_thesaurus
    from rumours.search.thesaurus import load_thesaurus

    languages = library.site.languages
    return compile_thesaurus(load_thesaurus(current_app.config["CONTENT_DIR"], languages),
                             languages)


def search_index(library: Library, lang: str, page_file: Callable[[str], str],
                 verdict_label: Callable[[str], str],
                 thesaurus: CompiledThesaurus | None = None) -> dict:
    """What offline-search.js needs for `lang`: analysis rules, ranking constants, the
    thesaurus, and each rumour's terms (claim and aliases in every language, answers,
    the body in the shown language) with its link, claim, answer and verdict.

    `page_file(rumour_id)` gives the rumour page's file, relative to the export's root.
    Call inside a request or `force_locale` for `lang` (labels are translated).
    """
    if thesaurus is None:
        thesaurus = _content_thesaurus(library)
    numbers = _Terms()
    forms: dict[str, dict[str, str]] = {}
    docs = []
    for rumour in library.rumours:
        text = rumour.text(lang)
        head, summary, lines = [], [], []
        for code, other in rumour.texts.items():
            for line in (other.claim, *other.aliases):
                line_terms = _text_terms(code, line, forms)
                head.extend(line_terms)
                if line_terms:
                    lines.append(numbers(line_terms))
            summary.extend(_text_terms(code, other.summary, forms))
        for code, phrasings in rumour.aliases.items():
            if code not in rumour.texts:
                for line in phrasings:
                    line_terms = _text_terms(code, line, forms)
                    head.extend(line_terms)
                    if line_terms:
                        lines.append(numbers(line_terms))
        body = numbers(_text_terms(text.lang, text.body_text, forms))[:BODY_TERMS]
        docs.append({
            "id": rumour.id,
            "url": page_file(rumour.id),
            "lang": text.lang,
            "claim": text.claim,
            "summary": text.summary,
            "verdict": rumour.verdict,
            "verdict_label": verdict_label(rumour.verdict),
            "topics": list(rumour.topics),
            "places": list(rumour.places),
            "terms": {"head": numbers(head), "summary": numbers(summary), "body": body},
            "lines": lines,
        })
    for member in thesaurus.members:
        for part, surface in zip(member.pattern, member.surfaces, strict=True):
            if not part.startswith(STOP_MARK) and member.lang != "ht":
                stem = part.partition(":")[2]
                if stem != surface:
                    forms.setdefault(member.lang, {})[surface] = stem
    return {
        "lang": lang,
        "labels": labels(),
        "analysis": analysis_tables(),
        "ranking": ranking_constants(),
        "languages": list(library.site.languages),
        "terms": numbers.table,
        "forms": forms,
        "thesaurus": {"concepts": list(thesaurus.concepts),
                      "members": [[m.concept, m.lang, list(m.pattern), list(m.surfaces),
                                   m.searchable] for m in thesaurus.members]},
        "docs": docs,
    }
