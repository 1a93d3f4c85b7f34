"""Sizes of printed cards and deck sheets, in millimetres (and WeasyPrint's CSS pixels).

They mirror static/css/cards.css: an A6 card with a 7 mm safe margin, A4 sheets of four.
"""

from __future__ import annotations

PX_PER_MM = 96 / 25.4  # WeasyPrint lays out in CSS pixels
CARD_MM = (105, 148)  # A6
SAFE_MM = 7  # nothing printed nearer the cut (the padding of .side)
INNER_MM = (CARD_MM[0] - 2 * SAFE_MM, CARD_MM[1] - 2 * SAFE_MM)
FOOT_SLACK_MM = 0.1  # keeps rounding from pushing a footer past the bottom
SHEET_MM = (210, 297)  # A4
SHEET_TOP_MM = 0.5  # A4 is 1 mm taller than two A6: centre the cards
INDEX_PADDING_MM = 12  # above and below the deck's index (.index-page)
CARDS_PER_SHEET = 4
TOLERANCE_PX = 0.01
