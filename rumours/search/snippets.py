"""Snippets: the answer (a rumour's summary) with the query's words marked, in linear time.

Every function here reads its text once, left to right: a 5 MB text costs a few hundred
milliseconds, never minutes, however many words match.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from markupsafe import Markup, escape

from rumours.content.text_units import cut_at_word
from rumours.search.analysis import fold, term, tokens

SNIPPET_CHARS = 220  # a passage cut from a longer text
ANSWER_CHARS = 600  # a summary longer than this is cut around its matches
SCANNED_CHARS = 20_000  # an answer is looked for matches this far (summaries are short)


def matched_spans(text: str, lang: str, terms: Collection[str]) -> Iterable[tuple[int, int]]:
    """(start, end) of every word of `text` (read in `lang`) whose term is in `terms`."""
    if not terms:
        return
    for start, end, raw in tokens(text):
        if term(lang, fold(raw)) in terms:
            yield start, end


def answer_snippet(text: str, lang: str, terms: Collection[str],
                   width: int = ANSWER_CHARS) -> Markup:
    """A summary with the matched words marked (cut around the matches when very long)."""
    spans = list(matched_spans(text[:SCANNED_CHARS], lang, terms))
    return highlight(text, spans, width)


def highlight(text: str, spans: Iterable[tuple], width: int = SNIPPET_CHARS) -> Markup:
    """Cut a window of `text` around the most matches; wrap matches in <mark>; escape the rest.

    `spans` are (start, end, ...) in any order. The window is found with two pointers over
    the sorted matches, so the cost is linear in the text plus the matches.
    """
    ordered = sorted({(s[0], s[1]) for s in spans if 0 <= s[0] < s[1] <= len(text)})
    kept, last_end = [], -1
    for start, end in ordered:  # overlapping matches: keep the first
        if start >= last_end:
            kept.append((start, end))
            last_end = end
    if not kept:
        return plain_snippet(text, width)
    start, end = 0, len(text)
    if len(text) > width:
        start = _densest_window(kept, width)
        end = min(len(text), start + width)
        if start > 0:
            space = text.find(" ", start, min(kept[0][0], start + 20) if kept[0][0] > start
                              else start + 20)
            start = space + 1 if space != -1 else start
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
    out = [Markup("…") if start > 0 else Markup("")]
    cursor = start
    for s, e in kept:
        if s < cursor:
            continue
        if e > end:
            break
        out.append(escape(text[cursor:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        cursor = e
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)


def _densest_window(spans: list[tuple[int, int]], width: int) -> int:
    """Where a window of `width` characters holds the most matches (two pointers)."""
    best_count, best_start = 0, 0
    right = 0
    for left, (start, _end) in enumerate(spans):
        window_start = max(0, start - width // 4)
        right = max(right, left)
        while right < len(spans) and spans[right][1] <= window_start + width:
            right += 1
        if right - left > best_count:
            best_count, best_start = right - left, window_start
    return best_start


def plain_snippet(text: str, width: int = SNIPPET_CHARS) -> Markup:
    """The start of `text`, escaped, cut at a word."""
    return escape(cut_at_word(text, width + 1))  # `width` characters, then '…'
