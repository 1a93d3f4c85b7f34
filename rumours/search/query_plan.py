"""Reading a query: its words in every site language, as weighted slots (no ranking here).

Each content word (stop words of the languages the query seems to be in left out) becomes a
*slot* whose alternatives are its terms in each language, a known stem it shares a prefix
with ("mangent" -> "fr:mang"), close spellings when the word is unknown, and, when the word
or a phrase around it belongs to a thesaurus concept, every phrase of that concept in every
language, with a lower weight. Each slot weighs what the word tells apart (its inverse
document frequency over rumours).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from rumours.search.analysis import fallback_terms, fold, is_stopword, term
from rumours.search.expansion import STOP_MARK, ConceptMatch
from rumours.search.index import OpenIndex
from rumours.search.weights import (
    BODY_ONLY_SHARE,
    EXPANSION_WEIGHT,
    FOREIGN_READING,
    FUZZY_EXPANSIONS,
    FUZZY_WEIGHT,
    MIN_SLOT_WEIGHT,
    OTHER_LANGUAGE,
    PHRASE_PART,
    PREFIX_WEIGHT,
    UNKNOWN_SHARE,
    WEIGHING_FIELDS,
)

# language -> word position -> (its term there, how sure that reading is)
Readings = dict[str, dict[int, tuple[str, float]]]
CloseSpellings = dict[int, list[tuple[tuple[str, ...], float]]]  # position -> (terms, weight)


@dataclass
class Slot:
    """One unit of the query's meaning: a word, or a phrase the thesaurus knows."""

    positions: tuple[int, ...]
    alternatives: dict[tuple[str, ...], float] = field(default_factory=dict)
    direct: set[tuple[str, ...]] = field(default_factory=set)
    weight: float = 0.0
    known: bool = False

    def add(self, terms: tuple[str, ...], weight: float, direct: bool) -> None:
        if weight > self.alternatives.get(terms, 0.0):
            self.alternatives[terms] = weight
        if direct:
            self.direct.add(terms)


@dataclass
class Plan:
    """A query turned into weighted slots."""

    words: list[str]
    languages: frozenset[str]
    slots: list[Slot] = field(default_factory=list)
    suspicious: list[str] = field(default_factory=list)  # known words that matched nothing

    @property
    def term_weights(self) -> dict[str, float]:
        """Every term the query looks for, with its best weight (claim lines, snippets)."""
        weights: dict[str, float] = {}
        for slot in self.slots:
            for terms, weight in slot.alternatives.items():
                for one in terms:
                    weights[one] = max(weight, weights.get(one, 0.0))
        return weights


def idf(index: OpenIndex, count: int) -> float:
    """How much a word found in `count` rumours tells them apart."""
    size = max(index.size, 1)
    return math.log(1 + (size - count + 0.5) / (count + 0.5))


def rumours_matching(index: OpenIndex, field_name: str, terms: tuple[str, ...]) -> frozenset[int]:
    """Rumours whose field has every one of `terms` (all in one language, so one document)."""
    found = index.rumours_with(field_name, terms[0])
    for other in terms[1:]:
        if not found:
            break
        found = found & index.rumours_with(field_name, other)
    return found


def plan_query(index: OpenIndex, words: list[str], reader_lang: str,
               close_words=None) -> Plan:
    """Read the query's words in every language, find concepts, weigh each slot."""
    folded = [fold(w) for w in words]
    readings = _readings(index, folded)
    languages = _query_languages(index, folded, readings, reader_lang)
    trust = _trust(index, readings, languages, len(folded))
    content = _content_positions(folded, readings, languages)
    plan = Plan(words=folded, languages=languages)
    if not content:
        return plan
    matches = _concepts(index, folded, readings, set(content))
    fuzzy = _fuzzy(index, folded, readings, content, close_words)
    for group in _groups(content, matches):
        slot = _slot(index, group, readings, trust, matches, fuzzy)
        plan.slots.append(slot)
        if not slot.known and any(folded[p] in index.vocabulary for p in group):
            plan.suspicious.append(" ".join(folded[p] for p in group))
    return plan


def _readings(index: OpenIndex, folded: list[str]) -> Readings:
    """Each language's reading of each word: its term there (weight 1), or, when no
    rumour knows that term, a known stem it starts with (PREFIX_WEIGHT); words a language
    cannot read are left out."""
    readings: Readings = {}
    for lang in index.languages:
        found = {}
        for position, word in enumerate(folded):
            analysed = term(lang, word)
            if analysed is None:
                continue
            if index.knows(analysed):
                found[position] = (analysed, 1.0)
                continue
            guess = next((c for c in fallback_terms(lang, word) if index.knows(c)), None)
            found[position] = (guess, PREFIX_WEIGHT) if guess else (analysed, 1.0)
        readings[lang] = found
    return readings


def _content_positions(folded: list[str], readings: Readings,
                       languages: frozenset[str]) -> list[int]:
    """The positions of the words searched for: those some language reads, stop words of
    the query's languages left out (unless the query has only stop words)."""
    read = [p for p in range(len(folded)) if any(p in found for found in readings.values())]
    content = [p for p in read
               if not any(is_stopword(lang, folded[p]) for lang in languages)]
    return content or read


def _slot(index: OpenIndex, group: tuple[int, ...], readings: Readings,
          trust: dict[tuple[str, int], float], matches: list[ConceptMatch],
          fuzzy: CloseSpellings) -> Slot:
    """The weighed slot of a group of positions: each language's reading of its words, the
    concepts found over it (the phrase itself, then every phrase of the concept) and close
    spellings."""
    slot = Slot(positions=group)
    share = PHRASE_PART if len(group) > 1 else 1.0
    for lang, found in readings.items():
        for position in group:
            if position in found:
                analysed, weight = found[position]
                slot.add((analysed,), trust[lang, position] * weight * share, direct=True)
    for match in matches:
        if not set(match.positions) <= set(group):
            continue
        here = min(trust[match.lang, p] for p in match.positions)
        if len(match.positions) > 1:
            phrase = tuple(readings[match.lang][p][0] for p in match.positions)
            slot.add(phrase, here, direct=True)
        for member in index.thesaurus.phrases_of(match.concept):
            slot.add(member.terms, EXPANSION_WEIGHT * here, direct=False)
    for position in group:
        for terms, weight in fuzzy.get(position, ()):
            slot.add(terms, weight, direct=False)
    _weigh(index, slot)
    return slot


def _trust(index: OpenIndex, readings: Readings, languages: frozenset[str],
           count: int) -> dict[tuple[str, int], float]:
    """How much each language's reading of each word counts: fully in the languages the
    query is written in; little in another one when the word is known in the query's
    language ("sale" in a Spanish query is not the French "dirty"); nearly fully when it
    is not (an English word in a Spanish sentence)."""
    trust = {}
    for position in range(count):
        known = {lang for lang, found in readings.items()
                 if position in found and found[position][1] == 1.0
                 and index.knows(found[position][0])}
        other = FOREIGN_READING if known & languages else OTHER_LANGUAGE
        for lang in readings:
            trust[lang, position] = 1.0 if lang in languages else other
    return trust


def _query_languages(index: OpenIndex, folded: list[str], readings: Readings,
                     reader_lang: str) -> frozenset[str]:
    """The languages the query seems written in: most of its words are stop words or known
    words there (the reader's language breaks ties)."""
    scores = {}
    for lang in index.languages:
        score = 0.5 if lang == reader_lang else 0.0
        for position, word in enumerate(folded):
            reading = readings[lang].get(position)
            if is_stopword(lang, word) or (reading and reading[1] == 1.0
                                           and index.knows(reading[0])):
                score += 1
        scores[lang] = score
    best = max(scores.values(), default=0.0)
    if best <= 0.5:
        return frozenset({reader_lang})
    return frozenset(lang for lang, score in scores.items() if score >= best)


def _concepts(index: OpenIndex, folded: list[str], readings: Readings,
              content: set[int]) -> list[ConceptMatch]:
    """Thesaurus concepts whose phrases appear in the query (over its content words)."""
    found = []
    for lang, reading in readings.items():
        sequence = []
        for position, word in enumerate(folded):
            exact = term(lang, word)
            if position in reading and exact is not None:
                # A word the thesaurus has as written, else its reading ("occupent" is
                # read as "fr:occup", the stem of the thesaurus's "occuper").
                token = exact if exact in index.thesaurus.terms else reading[position][0]
                sequence.append((position, token, word))
            else:
                sequence.append((-1, STOP_MARK + word, word))
        for match in index.thesaurus.find(lang, sequence):
            kept = tuple(p for p in match.positions if p in content)
            if kept:
                found.append(ConceptMatch(match.concept, match.lang, kept))
    return found


def _fuzzy(index: OpenIndex, folded: list[str], readings: Readings, content: list[int],
           close_words) -> CloseSpellings:
    """Close spellings of the words no rumour and no concept knows ("imigrants")."""
    found: CloseSpellings = {}
    if close_words is None:
        return found
    for position in content:
        word = folded[position]
        if word in index.thesaurus.words or any(
                position in r and r[position][1] == 1.0
                and any(index.rumours_with(name, r[position][0]) for name in WEIGHING_FIELDS)
                for r in readings.values()):
            continue  # a word the claims, answers or the thesaurus have as written
        for other in close_words(word, FUZZY_EXPANSIONS):
            for lang in index.languages:
                analysed = term(lang, other)
                # Only a spelling of what claims and answers say: a typo of a word found
                # in bodies alone would make an unknown word look known.
                if analysed and any(index.rumours_with(name, analysed)
                                    for name in WEIGHING_FIELDS):
                    found.setdefault(position, []).append(((analysed,), FUZZY_WEIGHT))
                if analysed:
                    for match in index.thesaurus.find(lang, [(position, analysed, other)]):
                        for member in index.thesaurus.phrases_of(match.concept):
                            found.setdefault(position, []).append(
                                (member.terms, FUZZY_WEIGHT * EXPANSION_WEIGHT))
    return found


def _groups(content: list[int], matches: list[ConceptMatch]) -> list[tuple[int, ...]]:
    """Content positions, with those a thesaurus phrase spans joined into one group."""
    parent = {p: p for p in content}

    def root(p: int) -> int:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for match in matches:
        first = match.positions[0]
        for other in match.positions[1:]:
            if first in parent and other in parent:
                parent[root(other)] = root(first)
    groups: dict[int, list[int]] = defaultdict(list)
    for p in content:
        groups[root(p)].append(p)
    return [tuple(g) for _r, g in sorted(groups.items())]


def _weigh(index: OpenIndex, slot: Slot) -> None:
    """A slot's weight: the inverse document frequency, over claims, aliases and answers,
    of what it matches (the word and its concept: "euro" counts as rare as money does).

    Bodies are left out: they discuss every side of a rumour, so a word such as "cause" or
    "government" is in most of them without telling the rumours apart. A word found in no
    claim, alias or answer weighs what a word found nowhere does."""
    topical: set[int] = set()
    anywhere = False
    for terms in slot.alternatives:
        for name in WEIGHING_FIELDS:
            topical |= rumours_matching(index, name, terms)
        anywhere = anywhere or bool(rumours_matching(index, "body", terms))
    slot.known = bool(topical) or anywhere
    if topical:
        slot.weight = max(MIN_SLOT_WEIGHT, idf(index, len(topical)))
    else:
        slot.weight = (BODY_ONLY_SHARE if anywhere else UNKNOWN_SHARE) * idf(index, 1)


def unknown_number(plan: Plan, slot: Slot) -> bool:
    return all(plan.words[p].replace(".", "").replace(",", "").isdigit() for p in slot.positions)


