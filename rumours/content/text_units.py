"""Whole thoughts: sentences, paragraphs and bullets, and shortening that keeps them whole.

Printed cards and share images have little room. They shorten text by dropping whole units
(a paragraph, a bullet, the last sentences of a summary), never by ending on half a thought
such as the set-up sentence of a story ("Imagine the café on your corner."). When even one
unit is too long, `cut_at_word` is the one place that cuts text between words and adds '…'
(cards, share images, search snippets, structured data).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

_SENTENCE_END = re.compile(r"[.!?؟。…]+[\"'”’»)\]]*\s+")
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\be\.g|\bi\.e|\betc|\bvs|\bDr|\bMr|\bMrs|\bMs|\bSt|"
                           r"\bNo|\bapprox|\bca|\bp|\bpp|\bfig)\.$")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_UNIT = re.compile(r"<(?P<tag>p|li)\b[^>]*>(?P<body>.*?)</(?P=tag)>", re.S)
_HEADING = re.compile(r'<h2\b[^>]*\bid="(?P<id>[^"]+)"[^>]*>')
_FOOTNOTE = re.compile(r"<sup\b[^>]*>.*?</sup>", re.S)
ELLIPSIS = "…"
_CUT_TRAILING = " ,;:.-–—"  # left out before the ellipsis


def sentences(text: str) -> list[str]:
    """Split text into sentences (Latin and Arabic punctuation; common abbreviations kept)."""
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        head = text[start:match.start() + 1].rstrip()
        following = text[end:end + 1]
        if _ABBREVIATION.search(head) or (following and following.islower()):
            continue
        out.append(text[start:end].strip())
        start = end
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


def shorten(text: str, limit: int | None) -> str:
    """At most `limit` characters: whole sentences when they fit, else cut between words + '…'."""
    text = text.strip()
    if limit is None or len(text) <= limit:
        return text
    kept = ""
    for sentence in sentences(text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > limit:
            break
        kept = candidate
    return kept or cut_at_word(text, limit)


def cut_at_word(text: str, limit: float, measure: Callable[[str], float] = len) -> str:
    """`text` when it fits in `limit`, else its longest start that fits with '…' after it,
    cut between words (unless the only space is in the first half: then inside a word).

    `measure` gives a text's size: characters by default, or e.g. pixels of a font. Commas
    and dashes before the cut are left out. With no room at all, only the ellipsis is left.
    """
    text = text.strip()
    if measure(text) <= limit:
        return text
    low, high = 0, len(text) - 1  # the longest start that fits with the ellipsis
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle].rstrip() + ELLIPSIS) <= limit:
            low = middle
        else:
            high = middle - 1
    cut = text[:low]
    space = cut.rfind(" ")
    if space > low // 2:
        cut = cut[:space]
    return cut.rstrip(_CUT_TRAILING) + ELLIPSIS


def section_units(body_html: str, section_id: str) -> list[str]:
    """The paragraphs and bullets of one section of a rendered body (the part after its
    `<h2 id=...>`), as plain text without footnote numbers."""
    start = end = None
    for match in _HEADING.finditer(body_html):
        if start is not None:
            end = match.start()
            break
        if match["id"] == section_id:
            start = match.end()
    if start is None:
        return []
    part = body_html[start:end]
    units = []
    for match in _UNIT.finditer(part):
        body = match["body"]
        if match["tag"] == "li" and "<li" in body:
            body = body.split("<ul", 1)[0].split("<ol", 1)[0]  # a nested list: its lead line
        text = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", _FOOTNOTE.sub("", body)))).strip()
        text = re.sub(r"\s+([.,;:!?؟،])", r"\1", text)
        if text:
            units.append(text)
    return units


def whole_units(units: Sequence[str], limit: int | None) -> list[str]:
    """As many whole units as fit in `limit` characters, in their order; a unit too long to
    fit is left out whole (never cut), so what remains is a set of complete thoughts."""
    if limit is None:
        return list(units)
    kept: list[str] = []
    used = 0
    for unit in units:
        if used + len(unit) <= limit:
            kept.append(unit)
            used += len(unit)
    return kept
