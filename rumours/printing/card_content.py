"""What a printed card says: the rumour resolved in a language, and how much of it each fit
level prints (type sizes, facts, the tip), shortened by whole units, never clipped.

A card has two sides. The front leads with the verdict and the answer (the fact-first
summary), then the rumour once, smaller and labelled; the back has the key facts with a
short source line each, a "how to talk about it" tip, a QR code to the rumour's page, the
short URL, the language and the review date. An entry not yet translated into the card's
language prints its text in the first language of the fallback chain that has it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from rumours.content.model import Fact, Library, Rumour, RumourText
from rumours.content.text_units import section_units, shorten, whole_units
from rumours.printing.qr_codes import qr_svg

TITLE_CHARS = 60  # section titles from the content
SOURCE_CHARS = 48  # a publisher's name on a short source line

_DIGIT = re.compile(r"\d")


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

    @property
    def whole_facts(self) -> bool:
        """Whether this level only drops whole facts and tip paragraphs (so its height is
        the fullest back's less the parts it leaves out)."""
        return self.fact_chars is None and not self.short_sources and not self.shortest


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
LEVELS = {"front": FRONT_LEVELS, "back": BACK_LEVELS}


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


def make_card(library: Library, rumour: Rumour, lang: str, number: int = 1) -> Card:
    """Resolve a rumour for a card in `lang`: its text along the language's fallback chain,
    its QR code to the page in `lang` (which shows the same fallback and says so)."""
    text = rumour.text(lang)
    url = rumour_url(library, rumour, lang)
    return Card(number=number, rumour=rumour, text=text, requested_lang=lang, url=url,
                short_url=short_url(url), qr_svg=qr_svg(url))


def url_lines(url: str) -> Markup:
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


def source_line(card: Card, fact: Fact, short: bool) -> list[str]:
    """'Publisher (year)' for each source a fact cites (only the first, shortened, when
    `short`)."""
    names = []
    for source_id in fact.source_ids:
        source = card.rumour.source(source_id)
        if source is None:
            continue
        publisher = shorten(source.publisher, SOURCE_CHARS) if short else source.publisher
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


def back_view(card: Card, level: BackLevel, extra_tips: Sequence[int] = ()) -> dict:
    """What the back shows at a fit level; `extra_tips` adds the tip again at other lengths
    (to be measured in the same layout)."""
    facts = card.text.facts
    return {
        "facts": [{"index": i, "text": shorten(facts[i].text, level.fact_chars),
                   "sources": source_line(card, facts[i], level.short_sources)}
                  for i in level_facts(facts, level)],
        "tip": tip_units(card.text, level.tip_chars),
        "extra_tips": [(budget, tip_units(card.text, budget)) for budget in extra_tips],
        "facts_title": shorten(card.text.section_titles.get("facts", ""), TITLE_CHARS),
        "talk_title": shorten(card.text.section_titles.get("talk", ""), TITLE_CHARS),
    }
