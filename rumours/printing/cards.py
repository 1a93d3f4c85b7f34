"""Printable cards: A6 pocket cards and A4 decks as PDF, by WeasyPrint, cached per snapshot.

`CardMaker` renders one card or a deck at a time. It plans how much of each card fits
(card_fitting.py), lays the document out, checks the final layout again (a side that still
overflows moves one level shorter) and writes a tagged PDF. Finished PDFs and fit plans are
artefacts of one content snapshot (`Snapshot.cache`); PDFs are also kept in a folder on
disk that the server's processes share. The HTML comes from card_html.py and needs a Flask
application context (templates, translations).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from rumours.content.model import Library, Rumour
from rumours.printing import card_html
from rumours.printing.card_content import BACK_LEVELS, FRONT_LEVELS, Card, make_card
from rumours.printing.card_fitting import CardOverflow, Fitter, Plan, bump
from rumours.printing.card_html import INDEX_ID, INDEX_LEVELS
from rumours.printing.dimensions import PX_PER_MM, SHEET_MM, TOLERANCE_PX
from rumours.printing.imposition import deck_sheets
from rumours.printing.pdf_folder import PdfFolder
from rumours.printing.weasyprint_layout import LayoutReader, layout_reader
from rumours.snapshot import Snapshot

log = logging.getLogger("rumours")

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # rumours/, which holds the templates
STATIC_DIR = PACKAGE_DIR.parent / "static"
CARD_CSS = STATIC_DIR / "css" / "cards.css"
TEMPLATE_DIR = PACKAGE_DIR / "templates" / "cards"
PDF_CACHE = "card-pdfs"  # snapshot cache names
PLAN_CACHE = "card-plans"
PLAN_CACHE_SIZE = 4096
SIDES = ("front", "back")


def renderer_version() -> str:
    """A hash of everything that shapes a card besides the content: code, templates, CSS."""
    digest = hashlib.sha256()
    code = Path(__file__).parent.glob("*.py")
    for path in sorted([*code, CARD_CSS, *TEMPLATE_DIR.glob("*.html")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def catalogs_stamp(folder: Path | None) -> str:
    """Changes when an interface catalog is recompiled (labels are part of a card)."""
    if folder is None:
        return ""
    stamps = []
    for mo in sorted(Path(folder).glob("*/LC_MESSAGES/messages.mo")):
        try:
            stamps.append(f"{mo.parts[-3]}:{mo.stat().st_mtime_ns}")
        except OSError:
            continue
    return ",".join(stamps)


class CardMaker:
    """Renders cards and decks to PDF in-process, one at a time, and caches the results."""

    def __init__(self, cache_dir: Path | None = None, disk_files: int = 500,
                 memory_items: int = 64, catalogs_dir: Path | None = None,
                 reader: LayoutReader | None = None):
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(filename=str(CARD_CSS), font_config=self.font_config)
        self.cache = PdfFolder(cache_dir, disk_files)
        self.memory_items = memory_items
        self.catalogs_dir = Path(catalogs_dir) if catalogs_dir else None
        self.reader = reader or layout_reader()
        self.version = renderer_version()
        self.fitter = Fitter(self.measure, self.reader.measures_parts)
        self._render_lock = threading.Lock()

    # ------------------------------------------------------------------ keys and caches

    def key(self, library: Library, kind: str, lang: str, ids: Sequence[str]) -> str:
        """The cache key (and HTTP ETag) of a PDF."""
        parts = [self.version, library.version, catalogs_stamp(self.catalogs_dir), kind,
                 lang, *ids]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]

    def cached(self, snapshot: Snapshot, key: str) -> bytes | None:
        """A PDF already made: from this snapshot's memory, else from the folder on disk."""
        memory = snapshot.cache(PDF_CACHE, self.memory_items)
        data = memory.get(key)
        if data is None:
            data = self.cache.get(key)
            if data is not None:
                memory.set(key, data)
        return data

    def _keep(self, snapshot: Snapshot, key: str, data: bytes) -> bytes:
        snapshot.cache(PDF_CACHE, self.memory_items).set(key, data)
        self.cache.put(key, data)
        return data

    # ------------------------------------------------------------------ public

    def card_pdf(self, snapshot: Snapshot, rumour: Rumour, lang: str) -> bytes:
        """The two-page A6 card of one rumour in `lang`, from the caches when possible."""
        library = snapshot.library
        key = self.key(library, "card", lang, [rumour.id])
        data = self.cached(snapshot, key)
        if data is None:
            with self._render_lock:
                card = make_card(library, rumour, lang)
                data = self._keep(snapshot, key, self._render_card(snapshot, card))
        return data

    def deck_pdf(self, snapshot: Snapshot, rumours: Sequence[Rumour], lang: str) -> bytes:
        """A4 sheets of four cards with crop marks, backs mirrored, after a one-page index."""
        library = snapshot.library
        key = self.key(library, "deck", lang, [r.id for r in rumours])
        data = self.cached(snapshot, key)
        if data is None:
            with self._render_lock:
                cards = [make_card(library, r, lang, n) for n, r in enumerate(rumours, 1)]
                data = self._keep(snapshot, key, self._render_deck(snapshot, cards, lang))
        return data

    # ------------------------------------------------------------------ layout

    def layout(self, html: str):
        """Lay out an HTML document with the card stylesheet (a WeasyPrint Document)."""
        return HTML(string=html, base_url=str(STATIC_DIR) + "/").render(
            stylesheets=[self.stylesheet], font_config=self.font_config)

    def measure(self, blocks: Mapping[str, str], page_width_mm: float,
                extra_ids: Iterable[str] = ()) -> dict[str, float]:
        """Lay the blocks out at their natural height; heights in mm of blocks and extra ids
        (those the layout reader can measure)."""
        document = self.layout(card_html.measurement_document(blocks, page_width_mm))
        heights = self.reader.heights(document, [*blocks, *extra_ids])
        return {element_id: height / PX_PER_MM for element_id, height in heights.items()}

    def plans(self, snapshot: Snapshot, cards: Sequence[Card]) -> list[Plan]:
        """For each card, the fullest level of each side that fits (measured once per
        snapshot, card and language)."""
        remembered = snapshot.cache(PLAN_CACHE, PLAN_CACHE_SIZE)
        stamp = catalogs_stamp(self.catalogs_dir)
        keys = [(self.version, stamp, card.lang, card.requested_lang, card.rumour.id)
                for card in cards]
        plans = [remembered.get(key) for key in keys]
        todo = [index for index, plan in enumerate(plans) if plan is None]
        if todo:
            for index, plan in zip(todo, self.fitter.plans([cards[i] for i in todo]),
                                   strict=True):
                plans[index] = plan
                remembered.set(keys[index], plan)
        return plans

    @staticmethod
    def _sides(card: Card, plan: Plan) -> dict[str, Markup]:
        return {side: card_html.side_html(card, side, getattr(plan, side),
                                          f"c{card.number}-{side}", plan.flow_min_mm(side))
                for side in SIDES}

    @staticmethod
    def _write(document) -> bytes:
        return document.write_pdf(pdf_tags=True)

    # ------------------------------------------------------------------ one card

    def _render_card(self, snapshot: Snapshot, card: Card) -> bytes:
        plans = self.plans(snapshot, [card])
        side_ids = [f"c{card.number}-{side}" for side in SIDES]
        for _attempt in range(len(FRONT_LEVELS) + len(BACK_LEVELS)):
            html = card_html.card_document(snapshot.library, card, self._sides(card, plans[0]))
            document = self.layout(html)
            bad = self.reader.side_overflows(document, side_ids)
            if not bad and len(document.pages) != 2:
                bad = side_ids
            if not bad:
                return self._write(document)
            log.warning("card %s (%s) overflowed after measuring: %s", card.rumour.id,
                        card.lang, bad)
            plans = bump(plans, bad)
        raise CardOverflow(card.rumour.id)

    # ------------------------------------------------------------------ decks

    def index_level(self, library: Library, cards: Sequence[Card], lang: str,
                    sheets: list) -> int:
        """The largest index type that keeps the index on one A4 page."""
        # Most decks fit one of the first levels: measure two levels per layout, in order.
        for first in range(0, len(INDEX_LEVELS), 2):
            levels = range(first, min(first + 2, len(INDEX_LEVELS)))
            blocks = {f"i{level}": card_html.index_html(library, cards, lang, sheets, level,
                                                        f"mi{level}") for level in levels}
            heights = self.measure(blocks, SHEET_MM[0])
            for level in levels:
                if heights.get(f"i{level}", float("inf")) <= SHEET_MM[1] + TOLERANCE_PX:
                    return level
        raise CardOverflow(f"the index of {len(cards)} cards does not fit on one page")

    def _render_deck(self, snapshot: Snapshot, cards: Sequence[Card], lang: str) -> bytes:
        library = snapshot.library
        plans = self.plans(snapshot, cards)
        sheets = deck_sheets(len(cards))
        index_level = self.index_level(library, cards, lang, sheets)
        side_ids = [f"c{c.number}-{s}" for c in cards for s in SIDES]
        expected_pages = 2 + 2 * len(sheets)
        for _attempt in range(len(FRONT_LEVELS) + len(BACK_LEVELS) + len(INDEX_LEVELS)):
            sides = {c.number: self._sides(c, p) for c, p in zip(cards, plans, strict=True)}
            index = card_html.index_html(library, cards, lang, sheets, index_level)
            document = self.layout(card_html.deck_document(library, cards, lang, sheets,
                                                           sides, index))
            bad = self.reader.side_overflows(document, side_ids)
            index_bad = self.reader.index_overflows(document, INDEX_ID)
            if not bad and not index_bad and len(document.pages) == expected_pages:
                return self._write(document)
            if index_bad and index_level + 1 < len(INDEX_LEVELS):
                log.warning("the deck index overflowed after measuring (level %d)", index_level)
                index_level += 1
            elif bad:
                log.warning("deck cards overflowed after measuring: %s", bad)
                plans = bump(plans, bad)
            else:
                raise CardOverflow(f"the deck has {len(document.pages)} pages, expected "
                                   f"{expected_pages}")
        raise CardOverflow("deck")
