"""Choosing how much of each card to print: the fullest fit level of each side that fits.

Text is never clipped: every side is first laid out in a measurement document at its
natural height, in variants that shorten the content by rules (smaller type, fewer facts,
the shortest fact, whole paragraphs of the tip, the first sentences of the summary); the
first variant that fits is printed (and the final layout is checked again, see cards.py).

One measurement layout gives the natural height of each card's fullest front and back and,
when the layout reader measures parts, of each fact and of the tip at each length: the
height of the back at the levels that only drop facts or shorten the tip is then a sum (the
back is spaced by padding only). Levels that cut facts short, and fronts that do not fit
whole, are measured in a second layout when some card needs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from markupsafe import Markup

from rumours.printing.card_content import BACK_LEVELS, FRONT_LEVELS, LEVELS, Card, level_facts
from rumours.printing.card_html import side_html
from rumours.printing.dimensions import CARD_MM, FOOT_SLACK_MM, INNER_MM, TOLERANCE_PX

# Measure blocks of HTML at a page width in mm: their heights (and extra ids') in mm.
Measure = Callable[[Mapping[str, Markup], float, Iterable[str]], dict[str, float]]

FIRST_FRONT_LEVELS = (0, 1)  # measured at once; the others only when neither fits
SUMMED = tuple(i for i, level in enumerate(BACK_LEVELS) if level.whole_facts)
FULL_TIP = BACK_LEVELS[0].tip_chars
TIP_BUDGETS = tuple(sorted({BACK_LEVELS[i].tip_chars for i in SUMMED} - {FULL_TIP}))
LIMIT_MM = CARD_MM[1] + TOLERANCE_PX
UNMEASURED = float("inf")


class CardOverflow(RuntimeError):
    """A side still overflows at the shortest level (should never happen: a bug to report)."""


@dataclass(frozen=True)
class Plan:
    """The fit levels chosen for one card, and the height of each side's footer in mm."""

    front: int
    back: int
    front_foot_mm: float
    back_foot_mm: float

    def flow_min_mm(self, side: str) -> float:
        """How tall the text part of a side must be for its footer to sit at the bottom."""
        foot = self.front_foot_mm if side == "front" else self.back_foot_mm
        return max(INNER_MM[1] - foot - FOOT_SLACK_MM, 0)


def bump(plans: Sequence[Plan], bad_sides: Iterable[str]) -> list[Plan]:
    """Move overflowing sides (ids like 'c<n>-front') one level shorter."""
    plans = list(plans)
    for side_id in bad_sides:
        number, side = side_id[1:].split("-")
        index = int(number) - 1
        level = getattr(plans[index], side) + 1
        if level >= len(LEVELS[side]):
            raise CardOverflow(f"{side_id} overflows at the shortest level")
        plans[index] = replace(plans[index], **{side: level})
    return plans


def measure_id(index: int, side: str, level: int) -> str:
    """The id of a measured side's inner box (its parts are this and '-foot', '-fact<n>'...)."""
    return f"m{side[0]}{index}-{level}"


def block_id(index: int, side: str, level: int) -> str:
    """The id of the block holding one measured side."""
    return f"w{side[0]}{index}-{level}"


class Fitter:
    """Plans cards with a measuring function (see CardMaker.measure)."""

    def __init__(self, measure: Measure, measures_parts: bool):
        self.measure = measure
        self.measures_parts = measures_parts

    def plans(self, cards: Sequence[Card]) -> list[Plan]:
        """For each card, the fullest level of each side that fits."""
        heights = self._first_layout(cards)
        chosen: dict[tuple[int, str], int] = {}
        for index, card in enumerate(cards):
            front = self._first_fit(heights, index, "front", FIRST_FRONT_LEVELS)
            back = (self._summed_back(heights, index, card) if self.measures_parts
                    else self._first_fit(heights, index, "back", (0,)))
            chosen.update({(index, side): level for side, level in
                           (("front", front), ("back", back)) if level is not None})
        self._second_layout(cards, chosen, heights)
        return [self._plan(heights, chosen, index, card) for index, card in enumerate(cards)]

    # ------------------------------------------------------------------ first layout

    def _first_layout(self, cards: Sequence[Card]) -> dict[str, float]:
        """The fullest fronts and back of every card, with their parts when measurable."""
        blocks: dict[str, Markup] = {}
        extra: list[str] = []
        budgets = TIP_BUDGETS if self.measures_parts else ()
        for index, card in enumerate(cards):
            for level in FIRST_FRONT_LEVELS:
                blocks[block_id(index, "front", level)] = side_html(
                    card, "front", level, measure_id(index, "front", level))
            back = measure_id(index, "back", 0)
            blocks[block_id(index, "back", 0)] = side_html(card, "back", 0, back,
                                                           extra_tips=budgets)
            extra += [measure_id(index, "front", 0) + "-foot", back + "-foot"]
            if self.measures_parts:
                extra += [back + "-tip", *(f"{back}-tip{budget}" for budget in budgets)]
                extra += [f"{back}-fact{i}" for i in range(len(card.text.facts))]
        return self.measure(blocks, CARD_MM[0], extra)

    @staticmethod
    def _first_fit(heights: Mapping[str, float], index: int, side: str,
                   levels: Iterable[int]) -> int | None:
        return next((level for level in levels
                     if heights.get(block_id(index, side, level), UNMEASURED) <= LIMIT_MM),
                    None)

    @staticmethod
    def _summed_back(heights: Mapping[str, float], index: int, card: Card) -> int | None:
        """The fullest back level that only drops whole facts and tip paragraphs and fits,
        its height summed from the parts of the fullest back; None when none fits or a part
        was not measured (then the levels are laid out one by one)."""
        back = measure_id(index, "back", 0)
        facts = card.text.facts
        tip_ids = {FULL_TIP: back + "-tip", **{b: f"{back}-tip{b}" for b in TIP_BUDGETS}}
        fact_ids = {i: f"{back}-fact{i}" for i in level_facts(facts, BACK_LEVELS[0])}
        whole = heights.get(block_id(index, "back", 0))
        if whole is None:
            return None
        # An empty tip is not printed, so it has no height.
        tips = {budget: heights.get(tip_id, 0.0) for budget, tip_id in tip_ids.items()}
        if any(fact_id not in heights for fact_id in fact_ids.values()):
            return None
        whole -= sum(tips[b] for b in TIP_BUDGETS)  # the measured back carries them too
        shown = set(fact_ids)
        for level in SUMMED:
            kept = set(level_facts(facts, BACK_LEVELS[level]))
            height = (whole - sum(heights[fact_ids[i]] for i in shown - kept)
                      - tips[FULL_TIP] + tips[BACK_LEVELS[level].tip_chars])
            if height <= LIMIT_MM:
                return level
        return None

    # ------------------------------------------------------------------ second layout

    def _later_levels(self, side: str) -> list[int]:
        """The levels of a side not decided by the first layout."""
        if side == "front":
            return list(range(len(FIRST_FRONT_LEVELS), len(FRONT_LEVELS)))
        done = SUMMED if self.measures_parts else (0,)
        return [level for level in range(len(BACK_LEVELS)) if level not in done]

    def _second_layout(self, cards: Sequence[Card], chosen: dict[tuple[int, str], int],
                       heights: dict[str, float]) -> None:
        """Every remaining level of the sides that did not fit yet, measured in one layout;
        the first that fits is chosen."""
        blocks: dict[str, Markup] = {}
        for index, card in enumerate(cards):
            for side in ("front", "back"):
                if (index, side) not in chosen:
                    blocks.update({block_id(index, side, level): side_html(
                        card, side, level, measure_id(index, side, level))
                        for level in self._later_levels(side)})
        if not blocks:
            return
        heights.update(self.measure(blocks, CARD_MM[0], ()))
        for index in range(len(cards)):
            for side in ("front", "back"):
                if (index, side) not in chosen:
                    level = self._first_fit(heights, index, side, self._later_levels(side))
                    if level is not None:
                        chosen[index, side] = level

    @staticmethod
    def _plan(heights: Mapping[str, float], chosen: Mapping[tuple[int, str], int], index: int,
              card: Card) -> Plan:
        if (index, "front") not in chosen or (index, "back") not in chosen:
            raise CardOverflow(f"{card.rumour.id} ({card.lang}) does not fit on a card "
                               "even at the shortest level")
        feet = [heights.get(measure_id(index, side, 0) + "-foot") for side in ("front", "back")]
        if None in feet:
            raise CardOverflow(f"{card.rumour.id} ({card.lang}): a footer was not measured")
        return Plan(chosen[index, "front"], chosen[index, "back"], *feet)
