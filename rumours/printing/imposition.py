"""Deck imposition: four A6 cards to an A4 sheet, backs mirrored for duplex, crop marks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext

from rumours.printing.dimensions import CARD_MM, CARDS_PER_SHEET, SHEET_MM, SHEET_TOP_MM


@dataclass(frozen=True)
class Slot:
    """One card on a sheet: its number in the deck and its position on the sheet's front."""

    number: int
    position: int  # 0..3, row by row: top left, top right, bottom left, bottom right


def deck_sheets(count: int) -> list[list[Slot]]:
    """Cards 1..count, four to an A4 sheet."""
    return [[Slot(number, number - 1 - start)
             for number in range(start + 1, min(start + CARDS_PER_SHEET + 1, count + 1))]
            for start in range(0, count, CARDS_PER_SHEET)]


def sheet_grid(sheet: Sequence[Slot], side: str) -> list[list[Slot | None]]:
    """The sheet's two rows of two places, left to right as printed, for one side.

    The backs are mirrored for long-edge duplex: turning the sheet over on its long edge
    swaps left and right, so the back of the card printed top left goes top right.
    """
    grid: list[list[Slot | None]] = [[None, None], [None, None]]
    for slot in sheet:
        row, column = divmod(slot.position, 2)
        grid[row][column if side == "front" else 1 - column] = slot
    return grid


def cut_marks() -> dict:
    """Crop marks at the sheet's edges on the cut lines, and light dotted guides between."""
    middle_x, middle_y = CARD_MM[0], SHEET_TOP_MM + CARD_MM[1]
    return {
        "vertical": [(middle_x, 0), (middle_x, SHEET_MM[1] - 10)],
        "horizontal": [(0, middle_y), (SHEET_MM[0] - 10, middle_y)],
        "guide_v": (middle_x, 10.5),
        "guide_h": (10, middle_y),
    }


def position_labels() -> tuple[str, ...]:
    """Where a card sits on the front of its sheet, in words (the current language)."""
    return (gettext("top left"), gettext("top right"), gettext("bottom left"),
            gettext("bottom right"))
