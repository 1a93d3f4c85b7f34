"""The HTML of cards and decks, from the templates in rumours/templates/cards/.

Sides, the deck's index and whole documents are rendered with Flask's templates and
Flask-Babel's labels in the card's (or deck's) language, so this needs an application
context. Measurement documents put variants of sides one under the other at their natural
height, each followed by an empty end mark (`<id>-end`) for the public layout reader.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup

from rumours import i18n
from rumours.content.model import Library
from rumours.content.text_units import shorten
from rumours.printing.card_content import (
    BACK_LEVELS,
    FRONT_LEVELS,
    Card,
    back_view,
    front_view,
    isolate,
    url_lines,
)
from rumours.printing.imposition import Slot, cut_marks, position_labels, sheet_grid

INDEX_ID = "deck-index"
INDEX_LEVELS = (  # (type size, columns, claims cut to, "where" as) for the deck's index
    ("index-size-11", 1, None, "words"), ("index-size-10", 1, None, "words"),
    ("index-size-10", 2, None, "columns"), ("index-size-9", 2, 90, "columns"),
    ("index-size-8", 2, 60, "columns"), ("index-size-8", 2, 60, "sheet"),
    ("index-size-8", 2, 40, "sheet"), ("index-size-8", 2, 28, "sheet"),
)


def side_html(card: Card, side: str, level_index: int, side_id: str,
              flow_min_mm: float | None = None, extra_tips: Sequence[int] = ()) -> Markup:
    """One side of a card as an HTML fragment, with its labels in the card's language.

    `flow_min_mm` stretches the text part so that the footer sits at the bottom of the card;
    without it the side has its natural height (for measuring). `extra_tips` adds the tip
    again at other lengths, to be measured in the same layout.
    """
    if side == "front":
        view = front_view(card, FRONT_LEVELS[level_index])
    else:
        view = back_view(card, BACK_LEVELS[level_index], extra_tips)
    with force_locale(card.requested_lang):
        html = render_template(
            "cards/_side.html", card=card, side=side, view=view, side_id=side_id,
            card_dir=i18n.direction(card.requested_lang),
            card_language=i18n.language_label(card.lang),
            reader_language=i18n.language_label(card.requested_lang),
            text_dir=i18n.direction(card.lang),
            url_html=url_lines(card.short_url),
            flow_min=None if flow_min_mm is None else f"{flow_min_mm:.2f}mm",
        )
    return Markup(html)  # noqa: S704 - a Jinja template with autoescaping


def card_document(library: Library, card: Card, sides: Mapping[str, Markup]) -> str:
    """The HTML of a single card: its front and back on two A6 pages."""
    with force_locale(card.requested_lang):
        return render_template("cards/card.html", card=card, sides=sides,
                               card_dir=i18n.direction(card.requested_lang),
                               site=library.site)


def index_html(library: Library, cards: Sequence[Card], lang: str,
               sheets: Sequence[Sequence[Slot]], level: int,
               index_id: str = INDEX_ID) -> Markup:
    """The deck's one-page index at an index level (type size, columns, claim length)."""
    size_class, columns, claim_chars, where = INDEX_LEVELS[level]
    rows = [(cards[slot.number - 1], sheet_number, slot.position,
             shorten(cards[slot.number - 1].text.claim, claim_chars))
            for sheet_number, sheet in enumerate(sheets, 1) for slot in sheet]
    per_column = -(-len(rows) // columns)
    with force_locale(lang):
        html = render_template(
            "cards/_index.html", cards=cards, sheets=sheets, lang=lang,
            deck_dir=i18n.direction(lang), site=library.site, library=library,
            size_class=size_class, where=where,
            columns=[rows[i:i + per_column] for i in range(0, len(rows), per_column)],
            deck_language=i18n.language_name(lang), positions=position_labels(),
            isolate=isolate, index_id=index_id,
            fallbacks=sorted({c.lang for c in cards if c.fallback}),
        )
    return Markup(html)  # noqa: S704 - a Jinja template with autoescaping


def deck_document(library: Library, cards: Sequence[Card], lang: str,
                  sheets: Sequence[Sequence[Slot]], sides: Mapping[int, Mapping[str, Markup]],
                  index: Markup) -> str:
    """The HTML of a deck: the index, the printing instructions, then the sheets."""
    with force_locale(lang):
        return render_template(
            "cards/deck.html", cards=cards, sheets=sheets, sides=sides,
            index_html=index, lang=lang, deck_dir=i18n.direction(lang),
            site=library.site, deck_language=i18n.language_name(lang),
            cut_marks=cut_marks(), sheet_grid=sheet_grid,
        )


def measurement_document(blocks: Mapping[str, str], page_width_mm: float) -> str:
    """Blocks one under the other on one very tall page, each at its natural height and
    followed by an empty end mark."""
    body = "".join(f'<div id="{block_id}" class="mbox">{html}</div>'
                   f'<div class="end-mark" id="{block_id}-end"></div>'
                   for block_id, html in blocks.items())
    return (f'<!doctype html><html><head><style>@page {{ size: {page_width_mm}mm 2000mm; '
            f'margin: 0 }}</style></head><body class="measure">{body}</body></html>')
