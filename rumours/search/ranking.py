"""Ranking: how much of a query's meaning each rumour's claim covers, and whether it answers.

A query is read in every site language (rumours/search/analysis.py): each content word
(stop words of the languages the query seems to be in left out) becomes a *slot* whose
alternatives are its terms in each language, a known stem it shares a prefix with
("mangent" -> "fr:mang"), close spellings when the word is unknown, and, when the word or
a phrase around it belongs to a thesaurus concept, every phrase of that concept in every
language, with a lower weight.

Each slot weighs what the word tells apart (its inverse document frequency over rumours:
"immigrants" is in every entry and counts for almost nothing; a word no entry has counts
fully, so "5G towers cause cancer" is not answered by an entry that only says "cause").
A rumour covers a slot at the level of the best field it is found in: its claim or
aliases count fully, the summary half, the body a fifth. The score is the weighted share
of the query covered, plus how much of the rumour's best-matching claim line the query
covers (so the entry that is *about* the words comes first).

A rumour *answers* the query when its claim and aliases alone cover most of the query's
weight and some distinctive word; otherwise it is only *related*.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass

from rumours.search.index import OpenIndex
from rumours.search.query_plan import Plan, Slot, idf, rumours_matching, unknown_number
from rumours.search.weights import (
    ANSWER_COVERAGE,
    ANSWER_RATIO,
    ANSWER_SPECIFICITY,
    ANSWER_UNCOVERED,
    FIELD_LEVELS,
    NUMBER_SHARE,
    PRECISION_DEPTH,
    PRECISION_WEIGHT,
)


@dataclass(frozen=True)
class Ranked:
    """A rumour's place in the results."""

    rumour: int
    score: float
    answer: bool




@dataclass(frozen=True)
class Ranking:
    """How many rumours match, and the first of them, best first."""

    total: int = 0
    ranked: tuple[Ranked, ...] = ()

    @property
    def answered(self) -> bool:
        return bool(self.ranked) and self.ranked[0].answer


def rank(index: OpenIndex, plan: Plan, allowed: frozenset[int] | None,
         depth: int = PRECISION_DEPTH) -> Ranking:
    """The rumours matching the query (how many, and the first `depth`, best first), each
    marked answer or related."""
    if not plan.slots:
        return Ranking()
    total = 0.0
    covered: dict[int, float] = defaultdict(float)
    head: dict[int, float] = defaultdict(float)
    claimed: list[frozenset[int]] = []  # per known slot: the rumours whose claim covers it
    weights = []
    for slot in plan.slots:
        weight = slot.weight
        if not slot.known and unknown_number(plan, slot):
            weight *= NUMBER_SHARE
        total += weight
        weights.append(weight)
        claimed.append(_cover(index, slot, weight, covered, head) if slot.known
                       else frozenset())
    candidates = [r for r in covered if allowed is None or r in allowed]
    if not candidates or total <= 0:
        return Ranking()
    first, scores = _best_first(index, plan, candidates, covered, total, depth)
    best = scores[first[0]]
    specific = ANSWER_SPECIFICITY * idf(index, 1)

    def answers(rumour: int) -> bool:
        if scores[rumour] < ANSWER_RATIO * best or head[rumour] < specific:
            return False
        uncovered = max((w for w, found in zip(weights, claimed, strict=True)
                         if rumour not in found), default=0.0)
        return head[rumour] / total >= ANSWER_COVERAGE and uncovered / total < ANSWER_UNCOVERED

    return Ranking(len(candidates), tuple(Ranked(r, scores[r], answers(r)) for r in first))


def _cover(index: OpenIndex, slot: Slot, weight: float, covered: dict[int, float],
           head: dict[int, float]) -> frozenset[int]:
    """Add what a known slot gives each rumour: to `covered`, weight x the best level it
    is found at (field level x alternative's strength); to `head`, the same over claims
    and aliases alone. Returns the rumours whose claim or aliases cover the slot."""
    everywhere: dict[float, list[frozenset[int]]] = defaultdict(list)
    in_head: dict[float, list[frozenset[int]]] = defaultdict(list)
    for terms, strength in slot.alternatives.items():
        for name, level in FIELD_LEVELS:
            found = rumours_matching(index, name, terms)
            if found:
                everywhere[strength * level].append(found)
                if name == "head":
                    in_head[strength].append(found)
    _accumulate(covered, everywhere, weight)
    _accumulate(head, in_head, weight)
    return frozenset().union(*(f for group in in_head.values() for f in group))


def _best_first(index: OpenIndex, plan: Plan, candidates: list[int],
                covered: dict[int, float], total: float,
                depth: int) -> tuple[list[int], dict[int, float]]:
    """The first `depth` candidates, best first, and their scores: the share of the query
    covered, plus, for the first PRECISION_DEPTH, how much of their best claim line the
    query covers."""
    # Rumour numbers follow the ids' order, so ties are broken by id.
    first = heapq.nsmallest(max(depth, PRECISION_DEPTH), candidates,
                            key=lambda r: (-covered[r], r))
    term_weights = plan.term_weights
    scores = {r: covered[r] / total for r in first}
    compared = first[:PRECISION_DEPTH]  # these are compared with the query line by line
    for rumour in compared:
        scores[rumour] += PRECISION_WEIGHT * _claim_precision(index.heads[rumour], term_weights)
    compared.sort(key=lambda r: (-scores[r], r))
    return (compared + first[PRECISION_DEPTH:])[:depth], scores


def _accumulate(totals: dict[int, float], by_level: dict[float, list[frozenset[int]]],
                weight: float) -> None:
    """Add weight x the best level each rumour reaches (each rumour counted once)."""
    done: set[int] = set()
    for level in sorted(by_level, reverse=True):
        reached = set().union(*by_level[level]) - done
        gain = weight * level
        for rumour in reached:
            totals[rumour] += gain
        done |= reached


def _claim_precision(lines: list[frozenset[str]], term_weights: dict[str, float]) -> float:
    """How much of the rumour's best claim or alias line the query's terms cover."""
    best = 0.0
    for line in lines:
        if line:
            share = sum(term_weights.get(t, 0.0) for t in line) / len(line)
            best = max(best, share)
    return best
