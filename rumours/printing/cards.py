"""Printable cards: A6 pocket cards and A4 decks, laid out with WeasyPrint, QR codes by segno.

A card has two sides. The front leads with the verdict and the answer (the fact-first
summary), then the rumour once, smaller and labelled; the back has the key facts with a
short source line each, a "how to talk about it" tip, a QR code to the rumour's page, the
short URL, the language and the review date. The labels are in the language the card was
asked for; an entry not yet translated into it prints its text in the first language of
the fallback chain that has it, says so, and its QR code opens the page in the card's
language.

Text is never clipped: every side is first laid out in a measurement document at its
natural height, in variants that shorten the content by rules (smaller type, fewer facts,
the shortest fact, whole paragraphs of the tip, the first sentences of the summary); the
first variant that fits is printed, and the final layout is checked again before the PDF is
written. Shortening drops whole paragraphs and bullets; it never ends a tip mid-story.

Everything here needs a Flask application context (templates and translations).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import segno
from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup, escape
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from rumours import i18n
from rumours.content.library import Fact, Library, Rumour, RumourText
from rumours.content.text_units import section_units, sentences, shorten, whole_units

__all__ = ["sentences", "shorten"]  # the shortening rules, used by the tests from here

log = logging.getLogger("rumours")

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # rumours/, which holds the templates
STATIC_DIR = PACKAGE_DIR.parent / "static"
CARD_CSS = STATIC_DIR / "css" / "cards.css"
TEMPLATE_DIR = PACKAGE_DIR / "templates" / "cards"

PX_PER_MM = 96 / 25.4  # WeasyPrint lays out in CSS pixels
CARD_MM = (105, 148)  # A6
SAFE_MM = 7  # nothing printed nearer the cut
INNER_MM = (CARD_MM[0] - 2 * SAFE_MM, CARD_MM[1] - 2 * SAFE_MM)
FOOT_SLACK_MM = 0.1  # keeps rounding from pushing a footer past the bottom
SHEET_MM = (210, 297)  # A4
SHEET_TOP_MM = 0.5  # A4 is 1 mm taller than two A6: centre the cards
CARDS_PER_SHEET = 4
TOLERANCE_PX = 0.01
TITLE_CHARS = 60  # section titles from the content


# --------------------------------------------------------------------------- content rules


@dataclass(frozen=True)
class FrontLevel:
    """How much of the front to print: the type sizes and the answer's length. At every
    level the answer is printed larger than the rumour."""

    claim_class: str
    summary_class: str
    summary_chars: int | None  # None: the whole summary
    claim_chars: int | None = None


@dataclass(frozen=True)
class BackLevel:
    """How much of the back to print: how many facts, how long each and the tip."""

    facts: int
    fact_chars: int | None
    tip_chars: int  # whole paragraphs or bullets of the tip, up to this many characters
    short_sources: bool = False
    shortest: bool = False  # the shortest facts, not the ones with figures


# In order of preference; the last level of each must fit any content (it is short enough).
FRONT_LEVELS = (
    FrontLevel("claim-13", "summary-18", None),
    FrontLevel("", "summary-16", None),
    FrontLevel("", "", None),
    FrontLevel("claim-11", "summary-13", None),
    FrontLevel("claim-11", "summary-12", 240),
    FrontLevel("claim-10", "summary-12", 160),
    FrontLevel("claim-10", "summary-12", 110, claim_chars=110),
)
BACK_LEVELS = (  # whole facts first: fewer of them, then the shortest, before any is cut
    BackLevel(3, None, 280),
    BackLevel(3, None, 160),
    BackLevel(2, None, 280),
    BackLevel(2, None, 160),
    BackLevel(1, None, 280),
    BackLevel(1, None, 160),
    BackLevel(1, None, 160, shortest=True),
    BackLevel(1, None, 0, short_sources=True, shortest=True),
    BackLevel(1, 190, 0, short_sources=True, shortest=True),
    BackLevel(1, 110, 0, short_sources=True, shortest=True),
)
INDEX_ID = "deck-index"
FIRST_FRONT_LEVELS = (0, 1)  # measured at once; the others only when neither fits
INDEX_LEVELS = (  # (type size, columns, claims cut to, "where" as) for the deck's index
    ("index-size-11", 1, None, "words"), ("index-size-10", 1, None, "words"),
    ("index-size-10", 2, None, "columns"), ("index-size-9", 2, 90, "columns"),
    ("index-size-8", 2, 60, "columns"), ("index-size-8", 2, 60, "sheet"),
    ("index-size-8", 2, 40, "sheet"), ("index-size-8", 2, 28, "sheet"),
)

_DIGIT = re.compile(r"\d")


def key_facts(facts: Sequence[Fact], count: int, shortest: bool = False) -> tuple[int, ...]:
    """Which facts go on a card (their indexes): facts with figures first, in author order;
    or, when room is short, the shortest facts (whole, rather than a long one cut)."""
    if shortest:
        ranked = sorted(range(len(facts)), key=lambda i: (len(facts[i].text), i))
    else:
        ranked = sorted(range(len(facts)), key=lambda i: (not _DIGIT.search(facts[i].text), i))
    return tuple(sorted(ranked[:count]))


def level_facts(facts: Sequence[Fact], level: BackLevel) -> tuple[int, ...]:
    """The facts a back level prints."""
    return key_facts(facts, level.facts, level.shortest)


def tip_units(text: RumourText, limit: int | None) -> list[str]:
    """The paragraphs or bullets of "how to talk about it" that fit in `limit` characters."""
    units = section_units(text.body_html, "talk") or ([text.talk_text] if text.talk_text
                                                      else [])
    return whole_units(units, limit)


# --------------------------------------------------------------------------- card content


@dataclass(frozen=True)
class Card:
    """One rumour resolved for print: the text in the card's language, its URL and QR code."""

    number: int  # position in a deck, from 1
    rumour: Rumour
    text: RumourText
    requested_lang: str  # the card's language: its labels, and the page its QR code opens
    url: str
    short_url: str
    qr_svg: Markup

    @property
    def lang(self) -> str:
        """The language of the entry's text: the card's, or a fallback when untranslated."""
        return self.text.lang

    @property
    def fallback(self) -> bool:
        return self.text.lang != self.requested_lang


def rumour_url(library: Library, rumour: Rumour, lang: str) -> str:
    """The public address of a rumour's page, from site.yml's base_url."""
    return f"{library.site.base_url}/{lang}/rumours/{rumour.id}"


def short_url(url: str) -> str:
    """The URL as printed beside the QR code: without the scheme."""
    return re.sub(r"^https?://", "", url)


@lru_cache(maxsize=2048)
def qr_svg(url: str) -> Markup:
    """An inline SVG QR code for `url` (sized by CSS, quiet zone included)."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr-code", dark="#000")
    return Markup(svg)  # noqa: S704 - generated by segno from a URL, no user markup


def make_card(library: Library, rumour: Rumour, lang: str, number: int = 1) -> Card:
    """Resolve a rumour for a card in `lang`: its text along the language's fallback chain,
    its QR code to the page in `lang` (which shows the same fallback and says so)."""
    text = rumour.text(lang)
    url = rumour_url(library, rumour, lang)
    return Card(number=number, rumour=rumour, text=text, requested_lang=lang, url=url,
                short_url=short_url(url), qr_svg=qr_svg(url))


def _url_lines(url: str) -> Markup:
    """The short URL on two lines: the site and section, then the rumour's id.

    Breaking it in a fixed place keeps it readable and copyable; a line that is still too
    long for the column may wrap at its hyphens and slashes.
    """
    base, _slash, last = url.rpartition("/")
    return Markup(f'<span class="url-part">{escape(base)}/</span><br>'  # noqa: S704
                  f'<span class="url-part">{escape(last)}</span>')


def isolate(text: str) -> str:
    """Text wrapped in Unicode first-strong isolates, so that a Latin name inside Arabic (or
    the reverse) keeps its own direction and its punctuation stays in place. WeasyPrint does
    not support `unicode-bidi`; Pango's bidi algorithm honours these characters."""
    return f"\u2068{text}\u2069"


def _source_line(card: Card, fact: Fact, short: bool) -> list[str]:
    """'Publisher (year)' for each source a fact cites."""
    names = []
    for source_id in fact.source_ids:
        source = card.rumour.source(source_id)
        if source is None:
            continue
        publisher = shorten(source.publisher, 48) if short else source.publisher
        names.append(isolate(f"{publisher} ({source.date[:4]})"))
        if short:
            break
    return names


def front_view(card: Card, level: FrontLevel) -> dict:
    """What the front shows at a fit level."""
    return {
        "claim": shorten(card.text.claim, level.claim_chars),
        "claim_class": level.claim_class,
        "summary": shorten(card.text.summary, level.summary_chars),
        "summary_class": level.summary_class,
    }


def back_view(card: Card, level: BackLevel) -> dict:
    """What the back shows at a fit level."""
    facts = card.text.facts
    return {
        "facts": [{"index": i, "text": shorten(facts[i].text, level.fact_chars),
                   "sources": _source_line(card, facts[i], level.short_sources)}
                  for i in level_facts(facts, level)],
        "tip": tip_units(card.text, level.tip_chars),
        "facts_title": shorten(card.text.section_titles.get("facts", ""), TITLE_CHARS),
        "talk_title": shorten(card.text.section_titles.get("talk", ""), TITLE_CHARS),
    }


# --------------------------------------------------------------------------- HTML


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
        view = back_view(card, BACK_LEVELS[level_index])
        view["extra_tips"] = [(budget, tip_units(card.text, budget)) for budget in extra_tips]
    with force_locale(card.requested_lang):
        html = render_template(
            "cards/_side.html", card=card, side=side, view=view, side_id=side_id,
            card_dir=i18n.direction(card.requested_lang),
            card_language=i18n.language_label(card.lang),
            reader_language=i18n.language_label(card.requested_lang),
            text_dir=i18n.direction(card.lang),
            url_html=_url_lines(card.short_url),
            flow_min=None if flow_min_mm is None else f"{flow_min_mm:.2f}mm",
        )
    return Markup(html)  # noqa: S704 - a Jinja template with autoescaping


# --------------------------------------------------------------------------- PDF cache


class PdfCache:
    """Finished PDFs by key: a bounded in-memory LRU in front of a bounded folder on disk."""

    def __init__(self, folder: Path | None, memory_bytes: int = 64 << 20,
                 disk_files: int = 500):
        self.folder = folder
        self.memory_bytes = memory_bytes
        self.disk_files = disk_files
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def _path(self, key: str) -> Path | None:
        return self.folder / f"{key}.pdf" if self.folder else None

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._memory.get(key)
            if data is not None:
                self._memory.move_to_end(key)
                return data
        path = self._path(key)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        self._remember(key, data)
        return data

    def put(self, key: str, data: bytes) -> None:
        self._remember(key, data)
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
            self._prune_disk()
        except OSError as exc:  # a full or read-only disk must not break printing
            log.warning("could not cache a card PDF on disk: %s", exc)

    def _remember(self, key: str, data: bytes) -> None:
        if len(data) > self.memory_bytes:
            return
        with self._lock:
            old = self._memory.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._memory[key] = data
            self._size += len(data)
            while self._size > self.memory_bytes:
                _, dropped = self._memory.popitem(last=False)
                self._size -= len(dropped)

    def _prune_disk(self) -> None:
        files = list(self.folder.glob("*.pdf"))
        if len(files) <= self.disk_files:
            return
        files.sort(key=lambda p: p.stat().st_mtime_ns if p.exists() else 0)
        for path in files[: len(files) - self.disk_files]:
            path.unlink(missing_ok=True)

    def clear(self) -> None:
        with self._lock:
            self._memory.clear()
            self._size = 0


# --------------------------------------------------------------------------- rendering


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


def _renderer_version() -> str:
    """A hash of everything that shapes a card besides the content: code, templates, CSS."""
    digest = hashlib.sha256()
    for path in sorted([Path(__file__), CARD_CSS, *TEMPLATE_DIR.glob("*.html")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _boxes_by_id(document, wanted: set[str]) -> dict[str, list]:
    """Layout boxes of the elements with the given ids, with the index of their page."""
    found: dict[str, list] = {}
    for page_number, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or getattr(box, "pseudo_type", None):
                continue
            box_id = element.get("id")
            if box_id not in wanted or type(box).__name__ != "BlockBox":
                continue
            # Anonymous boxes inside an element carry its element too: keep the outermost.
            if not any(page == page_number for page, _box in found.get(box_id, [])):
                found.setdefault(box_id, []).append((page_number, box))
    return found


def side_overflows(document, side_ids: Iterable[str]) -> list[str]:
    """Sides whose text does not fit in their box (read from the layout boxes).

    Each side's inner box (91 x 134 mm) has the id `<side>`, its text `<side>-flow` and its
    footer `<side>-foot`. A side is bad when its parts are missing or split over pages,
    the footer ends below the box, or any piece of text sticks out of the box sideways.
    """
    ids = list(side_ids)
    wanted = set(ids) | {f"{s}-flow" for s in ids} | {f"{s}-foot" for s in ids}
    boxes = _boxes_by_id(document, wanted)
    bad = []
    for side_id in ids:
        found = [boxes.get(f"{side_id}{suffix}", []) for suffix in ("", "-flow", "-foot")]
        if any(len(f) != 1 for f in found) or len({f[0][0] for f in found}) != 1:
            bad.append(side_id)
            continue
        inner, flow, foot = (f[0][1] for f in found)
        left, right = inner.content_box_x(), inner.content_box_x() + inner.width
        top, bottom = inner.content_box_y(), inner.content_box_y() + inner.height
        flow_bottom = flow.position_y + flow.margin_height()
        foot_bottom = foot.position_y + foot.margin_height()
        if (flow.position_y < top - TOLERANCE_PX or flow_bottom > foot.position_y + TOLERANCE_PX
                or foot_bottom > bottom + TOLERANCE_PX):
            bad.append(side_id)
            continue
        for box in inner.descendants():
            kind = type(box).__name__
            if kind == "TextBox" and (box.position_x < left - TOLERANCE_PX
                                      or box.position_x + box.width > right + TOLERANCE_PX):
                bad.append(side_id)  # a word sticks out sideways
                break
            if kind == "LineBox" and box.position_y + box.height > bottom + TOLERANCE_PX:
                bad.append(side_id)  # a line below the box
                break
    return bad


class CardMaker:
    """Renders cards and decks to PDF in-process, one at a time, and caches the results."""

    def __init__(self, cache_dir: Path | None = None, memory_bytes: int = 64 << 20,
                 disk_files: int = 500):
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(filename=str(CARD_CSS), font_config=self.font_config)
        self.cache = PdfCache(cache_dir, memory_bytes, disk_files)
        self.version = _renderer_version()
        self._plans: OrderedDict[tuple, Plan] = OrderedDict()
        self._render_lock = threading.Lock()

    # ------------------------------------------------------------------ keys

    @staticmethod
    def catalogs_stamp() -> str:
        """Changes when an interface catalog is recompiled (labels are part of a card)."""
        folder = current_app.config.get("COMPILED_TRANSLATIONS_DIR")
        if not folder:
            return ""
        stamps = []
        for mo in sorted(Path(folder).glob("*/LC_MESSAGES/messages.mo")):
            try:
                stamps.append(f"{mo.parts[-3]}:{mo.stat().st_mtime_ns}")
            except OSError:
                continue
        return ",".join(stamps)

    def key(self, library: Library, kind: str, lang: str, ids: Sequence[str]) -> str:
        """The cache key (and HTTP ETag) of a PDF."""
        parts = [self.version, library.version, self.catalogs_stamp(), kind, lang, *ids]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]

    # ------------------------------------------------------------------ public

    def card_pdf(self, library: Library, rumour: Rumour, lang: str) -> bytes:
        """The two-page A6 card of one rumour in `lang`, from the cache when possible."""
        key = self.key(library, "card", lang, [rumour.id])
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        with self._render_lock:
            data = self._render_card(library, make_card(library, rumour, lang))
        self.cache.put(key, data)
        return data

    def deck_pdf(self, library: Library, rumours: Sequence[Rumour], lang: str) -> bytes:
        """A4 sheets of four cards with crop marks, backs mirrored, after a one-page index."""
        key = self.key(library, "deck", lang, [r.id for r in rumours])
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        with self._render_lock:
            cards = [make_card(library, r, lang, n) for n, r in enumerate(rumours, 1)]
            data = self._render_deck(library, cards, lang)
        self.cache.put(key, data)
        return data

    # ------------------------------------------------------------------ fitting

    def layout(self, html: str):
        """Lay out an HTML document with the card stylesheet (a WeasyPrint Document)."""
        return HTML(string=html, base_url=str(STATIC_DIR) + "/").render(
            stylesheets=[self.stylesheet], font_config=self.font_config)

    def _measure(self, blocks: dict[str, Markup], page_width_mm: int,
                 extra_ids: Iterable[str] = ()) -> dict[str, float]:
        """Lay the blocks out at their natural height; heights in mm of blocks and extra ids."""
        body = "".join(f'<div id="{block_id}" class="mbox">{html}</div>'
                       for block_id, html in blocks.items())
        document = self.layout(
            f'<!doctype html><html><head><style>@page {{ size: {page_width_mm}mm 2000mm; '
            f'margin: 0 }}</style></head><body class="measure">{body}</body></html>'
        )
        wanted = set(blocks) | set(extra_ids)
        found = _boxes_by_id(document, wanted)
        return {box_id: boxes[0][1].margin_height() / PX_PER_MM
                for box_id, boxes in found.items() if len(boxes) == 1}

    def _plan_key(self, library: Library, card: Card) -> tuple:
        return (library.version, self.version, self.catalogs_stamp(), card.lang,
                card.requested_lang, card.rumour.id)

    def plans(self, library: Library, cards: Sequence[Card]) -> list[Plan]:
        """For each card, the fullest level of each side that fits (measured, remembered).

        One measurement layout gives the natural height of each card's fullest front and
        back, of each fact and of the tip at each length; the height of the back at the
        levels that only drop facts or shorten the tip is then a sum (the back is spaced by
        padding only). Levels that cut facts short, and fronts that do not fit whole, are
        measured in a second layout when some card needs them.
        """
        result: dict[int, Plan] = {}
        todo = []
        for index, card in enumerate(cards):
            plan = self._plans.get(self._plan_key(library, card))
            if plan is None:
                todo.append(index)
            else:
                result[index] = plan
        if not todo:
            return [result[i] for i in range(len(cards))]
        limit = CARD_MM[1] + TOLERANCE_PX
        summed = [i for i, lv in enumerate(BACK_LEVELS) if lv.fact_chars is None
                  and not lv.short_sources and not lv.shortest]
        tip_budgets = sorted({BACK_LEVELS[i].tip_chars for i in summed}
                             - {BACK_LEVELS[0].tip_chars})
        blocks: dict[str, Markup] = {}
        extra: list[str] = []
        for index in todo:
            card = cards[index]
            for level in FIRST_FRONT_LEVELS:
                blocks[f"wf{index}-{level}"] = side_html(card, "front", level,
                                                         f"mf{index}-{level}")
            blocks[f"wb{index}-0"] = side_html(card, "back", 0, f"mb{index}-0",
                                               extra_tips=tip_budgets)
            extra += [f"mf{index}-0-foot", f"mb{index}-0-foot", f"mb{index}-0-tip"]
            extra += [f"mb{index}-0-fact{i}" for i in range(len(card.text.facts))]
            extra += [f"mb{index}-0-tip{budget}" for budget in tip_budgets]
        heights = self._measure(blocks, CARD_MM[0], extra)
        chosen: dict[tuple[int, str], int] = {}
        for index in todo:
            for level in FIRST_FRONT_LEVELS:
                if heights[f"wf{index}-{level}"] <= limit:
                    chosen[index, "front"] = level
                    break
            tips = {BACK_LEVELS[0].tip_chars: heights.get(f"mb{index}-0-tip", 0.0)}
            tips.update({b: heights.get(f"mb{index}-0-tip{b}", 0.0) for b in tip_budgets})
            # The measured back carries the extra tips too: take them out again.
            whole = heights[f"wb{index}-0"] - sum(tips[b] for b in tip_budgets)
            fact_heights = {i: heights.get(f"mb{index}-0-fact{i}", 0.0)
                            for i in range(len(cards[index].text.facts))}
            shown = set(level_facts(cards[index].text.facts, BACK_LEVELS[0]))
            for level in summed:
                kept = set(level_facts(cards[index].text.facts, BACK_LEVELS[level]))
                height = (whole - sum(fact_heights[i] for i in shown - kept)
                          - tips[BACK_LEVELS[0].tip_chars] + tips[BACK_LEVELS[level].tip_chars])
                if height <= limit:
                    chosen[index, "back"] = level
                    break
        # Second layout: every remaining level of the sides that did not fit yet.
        blocks = {}
        for index in todo:
            for side, levels in (("front", range(len(FIRST_FRONT_LEVELS), len(FRONT_LEVELS))),
                                 ("back", [i for i in range(len(BACK_LEVELS))
                                           if i not in summed])):
                if (index, side) not in chosen:
                    for level in levels:
                        blocks[f"w{side[0]}{index}-{level}"] = side_html(
                            cards[index], side, level, f"m{side[0]}{index}-{level}")
        if blocks:
            heights.update(self._measure(blocks, CARD_MM[0]))
            for index in todo:
                for side, count in (("front", len(FRONT_LEVELS)), ("back", len(BACK_LEVELS))):
                    for level in range(count):
                        if (index, side) in chosen:
                            break
                        if heights.get(f"w{side[0]}{index}-{level}", 1e9) <= limit:
                            chosen[index, side] = level
        for index in todo:
            card = cards[index]
            if (index, "front") not in chosen or (index, "back") not in chosen:
                raise CardOverflow(f"{card.rumour.id} ({card.lang}) does not fit on a card "
                                   "even at the shortest level")
            plan = Plan(chosen[index, "front"], chosen[index, "back"],
                        heights[f"mf{index}-0-foot"], heights[f"mb{index}-0-foot"])
            result[index] = plan
            self._plans[self._plan_key(library, card)] = plan
            if len(self._plans) > 4096:
                self._plans.popitem(last=False)
        return [result[i] for i in range(len(cards))]

    @staticmethod
    def _bump(plans: list[Plan], bad_sides: Iterable[str]) -> list[Plan]:
        """Move overflowing sides (ids like 'c<n>-front') one level shorter."""
        plans = list(plans)
        for side_id in bad_sides:
            number, side = side_id[1:].split("-")
            index = int(number) - 1
            plan = plans[index]
            if side == "front" and plan.front + 1 < len(FRONT_LEVELS):
                plans[index] = replace(plan, front=plan.front + 1)
            elif side == "back" and plan.back + 1 < len(BACK_LEVELS):
                plans[index] = replace(plan, back=plan.back + 1)
            else:
                raise CardOverflow(f"{side_id} overflows at the shortest level")
        return plans

    def _sides(self, card: Card, plan: Plan) -> dict[str, Markup]:
        return {side: side_html(card, side, getattr(plan, side), f"c{card.number}-{side}",
                                plan.flow_min_mm(side))
                for side in ("front", "back")}

    # ------------------------------------------------------------------ documents

    @staticmethod
    def _write(document) -> bytes:
        return document.write_pdf(pdf_tags=True)

    def _render_card(self, library: Library, card: Card) -> bytes:
        plans = self.plans(library, [card])
        side_ids = [f"c{card.number}-front", f"c{card.number}-back"]
        for _attempt in range(len(FRONT_LEVELS) + len(BACK_LEVELS)):
            with force_locale(card.requested_lang):
                html = render_template("cards/card.html", card=card,
                                       sides=self._sides(card, plans[0]),
                                       card_dir=i18n.direction(card.requested_lang),
                                       site=library.site)
            document = self.layout(html)
            bad = side_overflows(document, side_ids)
            if not bad and len(document.pages) != 2:
                bad = side_ids
            if not bad:
                return self._write(document)
            log.warning("card %s (%s) overflowed after measuring: %s", card.rumour.id,
                        card.lang, bad)
            plans = self._bump(plans, bad)
        raise CardOverflow(card.rumour.id)

    def _index_html(self, library: Library, cards: Sequence[Card], lang: str, sheets: list,
                    level: int, index_id: str = INDEX_ID) -> Markup:
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

    def _index_level(self, library: Library, cards: Sequence[Card], lang: str,
                     sheets: list) -> int:
        """The largest index type that keeps the index on one A4 page."""
        # Most decks fit one of the first levels: measure two levels per layout, in order.
        for first in range(0, len(INDEX_LEVELS), 2):
            levels = range(first, min(first + 2, len(INDEX_LEVELS)))
            blocks = {f"i{level}": self._index_html(library, cards, lang, sheets, level,
                                                    f"mi{level}") for level in levels}
            heights = self._measure(blocks, SHEET_MM[0])
            for level in levels:
                if heights.get(f"i{level}", 1e9) <= SHEET_MM[1] + TOLERANCE_PX:
                    return level
        raise CardOverflow(f"the index of {len(cards)} cards does not fit on one page")

    def _render_deck(self, library: Library, cards: Sequence[Card], lang: str) -> bytes:
        plans = self.plans(library, cards)
        sheets = deck_sheets(len(cards))
        index_level = self._index_level(library, cards, lang, sheets)
        side_ids = [f"c{c.number}-{s}" for c in cards for s in ("front", "back")]
        expected_pages = 2 + 2 * len(sheets)
        for _attempt in range(len(FRONT_LEVELS) + len(BACK_LEVELS) + len(INDEX_LEVELS)):
            sides = {c.number: self._sides(c, p) for c, p in zip(cards, plans, strict=True)}
            index_html = self._index_html(library, cards, lang, sheets, index_level)
            with force_locale(lang):
                html = render_template(
                    "cards/deck.html", cards=cards, sheets=sheets, sides=sides,
                    index_html=index_html, lang=lang, deck_dir=i18n.direction(lang),
                    site=library.site, deck_language=i18n.language_name(lang),
                    cut_marks=cut_marks(), sheet_grid=sheet_grid,
                )
            document = self.layout(html)
            bad = side_overflows(document, side_ids)
            index_bad = index_overflows(document)
            if not bad and not index_bad and len(document.pages) == expected_pages:
                return self._write(document)
            if index_bad and index_level + 1 < len(INDEX_LEVELS):
                log.warning("the deck index overflowed after measuring (level %d)", index_level)
                index_level += 1
            elif bad:
                log.warning("deck cards overflowed after measuring: %s", bad)
                plans = self._bump(plans, bad)
            else:
                raise CardOverflow(f"the deck has {len(document.pages)} pages, expected "
                                   f"{expected_pages}")
        raise CardOverflow("deck")


def index_overflows(document) -> bool:
    """Whether the deck's index runs past its page (by its layout boxes)."""
    found = _boxes_by_id(document, {INDEX_ID}).get(INDEX_ID, [])
    if len(found) != 1 or found[0][0] != 0:
        return True
    box = found[0][1]
    bottom = box.content_box_y() + box.height
    return any(type(line).__name__ == "LineBox"
               and line.position_y + line.height > bottom + TOLERANCE_PX
               for line in box.descendants())


# --------------------------------------------------------------------------- imposition


@dataclass(frozen=True)
class Slot:
    """One card on a sheet: its number in the deck and its position on the sheet's front."""

    number: int
    position: int  # 0..3, row by row: top left, top right, bottom left, bottom right


def deck_sheets(count: int) -> list[list[Slot]]:
    """Cards 1..count, four to an A4 sheet."""
    return [[Slot(number, number - 1 - start) for number in range(start + 1,
                                                              min(start + 5, count + 1))]
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
    from flask_babel import gettext

    return (gettext("top left"), gettext("top right"), gettext("bottom left"),
            gettext("bottom right"))

