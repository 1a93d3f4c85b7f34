"""The thesaurus as search uses it: each phrase analysed into terms, found in queries.

A concept is found in a query when one of its phrases appears in the query's words read in
that phrase's language: a word is matched by its stem ("paguitas" finds "paguita"), and a
phrase's small words must be there too, in order ("au black" is found in "travail au black",
"too many" in "too many migrants", but not "many" alone). The query then also looks in the
library for every other phrase of the concept, in every language, with a lower weight than
the words typed: a phrase through its content words, which must all be in one claim, alias
or text; a phrase left with a single content word ("for nothing") only serves to recognise
the concept, as that word alone would be found everywhere. Compiled at index build and
saved beside the index, so the index and its thesaurus always change together.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rumours.search.analysis import fold, term, tokens
from rumours.search.thesaurus import Thesaurus

THESAURUS_FILE = "thesaurus.json"


STOP_MARK = "="  # a small word of a phrase, matched as written: "=au"
SHORT_STEM = 5  # a stem this short is shared by unrelated words ("menas", "menos": "men")
MIN_SEARCHED_STEM = {"ar": 3}  # shortest stem of a lone word searched for in the library
DEFAULT_MIN_SEARCHED_STEM = 4


def stem_length(term_text: str) -> int:
    return len(term_text.partition(":")[2])


def same_word(lang: str, term_text: str, typed: str, written: str) -> bool:
    """Whether a query word matches a thesaurus word with the same term: always for a long
    stem; for a short one, the words must also start alike ("mena" matches "menas", "menos"
    does not)."""
    length = stem_length(term_text)
    if lang == "ar" or length >= SHORT_STEM:
        return True
    common = 0
    for a, b in zip(typed, written, strict=False):
        if a != b:
            break
        common += 1
    return common >= min(length + 1, len(typed), len(written))


@dataclass(frozen=True)
class Member:
    """One phrase of a concept, analysed: its language, its pattern (terms, and small words
    as written), the folded words it was written with, and its content terms."""

    concept: int
    lang: str
    pattern: tuple[str, ...]
    surfaces: tuple[str, ...]

    @property
    def terms(self) -> tuple[str, ...]:
        return content_terms(self.pattern)

    @property
    def searchable(self) -> bool:
        """Whether the library is searched for it: two content words or more, or one word
        whose stem is not so short that unrelated words share it."""
        terms = self.terms
        if len(terms) >= 2:
            return True
        shortest = MIN_SEARCHED_STEM.get(self.lang, DEFAULT_MIN_SEARCHED_STEM)
        return len(self.pattern) == 1 and stem_length(terms[0]) >= shortest


@dataclass(frozen=True)
class ConceptMatch:
    """A concept found in a query: which, in which language, over which word positions."""

    concept: int
    lang: str
    positions: tuple[int, ...]


@dataclass
class CompiledThesaurus:
    """Concept names, their analysed phrases, and a lookup by each phrase's first term."""

    concepts: tuple[str, ...] = ()
    members: tuple[Member, ...] = ()
    words: frozenset[str] = frozenset()  # every folded word of every phrase
    fingerprint: str = ""
    terms: frozenset[str] = field(default_factory=frozenset, init=False)
    _by_first: dict[str, list[Member]] = field(default_factory=dict, repr=False)
    _by_concept: dict[int, list[Member]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.terms = frozenset(t for m in self.members for t in m.pattern
                               if not t.startswith(STOP_MARK))
        for member in self.members:
            self._by_first.setdefault(member.pattern[0], []).append(member)
            if member.searchable:
                self._by_concept.setdefault(member.concept, []).append(member)

    def phrases_of(self, concept: int) -> list[Member]:
        """The phrases of a concept the library is searched for, in every language."""
        return self._by_concept.get(concept, [])

    def find(self, lang: str,
             sequence: Sequence[tuple[int, str, str]]) -> list[ConceptMatch]:
        """Concepts whose phrases in `lang` appear in `sequence`: (position, token, word)
        for the whole query read in `lang`, a token being a term or a marked small word."""
        found = []
        for start, (_position, first, _word) in enumerate(sequence):
            for member in self._by_first.get(first, ()):
                if member.lang != lang:
                    continue
                window = sequence[start:start + len(member.pattern)]
                if len(window) != len(member.pattern) or any(
                        token != wanted or not (wanted.startswith(STOP_MARK)
                                                or same_word(lang, wanted, word, written))
                        for (_p, token, word), wanted, written
                        in zip(window, member.pattern, member.surfaces, strict=True)):
                    continue
                positions = tuple(p for p, token, _w in window
                                  if not token.startswith(STOP_MARK))
                if positions:
                    found.append(ConceptMatch(member.concept, lang, positions))
        return found

    def to_json(self) -> str:
        return json.dumps({
            "fingerprint": self.fingerprint, "concepts": list(self.concepts),
            "members": [[m.concept, m.lang, list(m.pattern), list(m.surfaces)]
                        for m in self.members],
            "words": sorted(self.words),
        }, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> CompiledThesaurus:
        data = json.loads(text)
        members = tuple(Member(c, lang, tuple(p), tuple(w)) for c, lang, p, w in data["members"])
        return cls(tuple(data["concepts"]), members, frozenset(data["words"]),
                   data["fingerprint"])


def pattern_of(lang: str, phrase: str) -> tuple[str, ...]:
    """A phrase as a pattern: each word's term in `lang`, or the small word marked."""
    pattern = []
    for _s, _e, raw in tokens(phrase):
        word = fold(raw)
        analysed = term(lang, word)
        pattern.append(analysed if analysed else STOP_MARK + word)
    return tuple(pattern)


def content_terms(pattern: Sequence[str]) -> tuple[str, ...]:
    """The terms of a pattern, small words left out."""
    return tuple(t for t in pattern if not t.startswith(STOP_MARK))


def compile_thesaurus(thesaurus: Thesaurus, languages: Iterable[str]) -> CompiledThesaurus:
    """Analyse every phrase of every concept (languages outside the site are skipped)."""
    languages = set(languages)
    members: list[Member] = []
    words: set[str] = set()
    names = []
    for number, concept in enumerate(thesaurus.concepts):
        names.append(concept.id)
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for lang, phrases in concept.phrases.items():
            if lang not in languages:
                continue
            for phrase in phrases:
                pattern = pattern_of(lang, phrase)
                surfaces = tuple(fold(token) for _s, _e, token in tokens(phrase))
                if content_terms(pattern) and (lang, pattern, surfaces) not in seen:
                    seen.add((lang, pattern, surfaces))
                    members.append(Member(number, lang, pattern, surfaces))
                    words.update(surfaces)
    return CompiledThesaurus(tuple(names), tuple(members), frozenset(words),
                             thesaurus.fingerprint)


def save(compiled: CompiledThesaurus, folder: Path) -> None:
    (Path(folder) / THESAURUS_FILE).write_text(compiled.to_json(), encoding="utf-8")


def load(folder: Path) -> CompiledThesaurus:
    """The thesaurus saved with an index (an index without one expands nothing)."""
    path = Path(folder) / THESAURUS_FILE
    if not path.exists():
        return CompiledThesaurus()
    return CompiledThesaurus.from_json(path.read_text(encoding="utf-8"))
