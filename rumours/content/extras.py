"""An entry's accountability fields: its corrections log, a translation's review status and
its translated source notes (read and checked for rumours/content/rumours.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

REVIEW_STATUSES = ("draft", "reviewed")
DEFAULT_REVIEW = "draft"  # a translation nobody said was checked is not presented as checked

# report(path, line, field, message)
Report = Callable[[str, int, str, str], None]


@dataclass(frozen=True)
class Correction:
    """One entry of a rumour's corrections log: when, and what changed (source language)."""

    date: dt.date
    text: str


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _text(value: Any) -> str:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return " ".join(str(value).split())
    return ""


def source_corrections(path: str, lines: list[int], raw: Iterable, published: dt.date | None,
                       today: dt.date, error: Report) -> tuple[Correction, ...]:
    """The `corrections` of a source file: a list of `date` + `text`, oldest first."""
    out = []
    for index, item in enumerate(raw):
        line = lines[index] if index < len(lines) else (lines[-1] if lines else 2)
        field = f"corrections[{index + 1}]"
        if not isinstance(item, dict):
            error(path, line, field, "each correction needs two lines: 'date: YYYY-MM-DD' and "
                  "'text: what changed'")
            continue
        unknown = sorted(set(map(str, item)) - {"date", "text"})
        if unknown:
            error(path, line, f"{field}.{unknown[0]}", "unknown field (use date and text)")
            continue
        date, text = _date(item.get("date")), _text(item.get("text"))
        if date is None:
            error(path, line, f"{field}.date",
                  f"must be a date written YYYY-MM-DD, not {str(item.get('date'))[:40]!r}")
            continue
        if not text:
            error(path, line, f"{field}.text", "say what changed, in a sentence or two")
            continue
        if published and date < published:
            error(path, line, f"{field}.date", "is earlier than 'published'")
            continue
        if date > today:
            error(path, line, f"{field}.date", "is in the future")
            continue
        out.append(Correction(date, text))
    return tuple(sorted(out, key=lambda c: c.date))


def translated_corrections(path: str, line: int, raw: Iterable, source: tuple[Correction, ...],
                           source_path: str, error: Report, warn: Report) -> tuple[str, ...]:
    """A translation's `corrections`: the texts of the source's corrections, translated, in
    the same order (each a line of text, or `text:` with an optional `date:`)."""
    texts = []
    for index, item in enumerate(raw):
        value = item.get("text") if isinstance(item, dict) else item
        text = _text(value)
        if not text:
            error(path, line, f"corrections[{index + 1}]", "each correction is a line of text "
                  "translating the source's correction at the same place")
            return ()
        texts.append(text)
    if len(texts) != len(source):
        warn(path, line, "corrections", f"has {len(texts)} correction(s), {source_path} has "
             f"{len(source)}: translate each one, in the same order (until then readers see "
             "the corrections in the source language)")
        return ()
    return tuple(texts)


def review_status(path: str, line: int, value: Any, error: Report) -> str:
    """A translation's `status`: draft (not yet checked by a fluent speaker) or reviewed."""
    if value is None:
        return DEFAULT_REVIEW
    status = _text(value).lower()
    if status not in REVIEW_STATUSES:
        error(path, line, "status", f"{str(value)[:40]!r} is not a status: write 'draft' "
              "(not yet checked by a fluent speaker) or 'reviewed'")
        return DEFAULT_REVIEW
    return status


def source_notes(path: str, line: int, raw: Mapping, source_ids: Iterable[str],
                 error: Report) -> Mapping[str, str]:
    """A translation's `source_notes`: {source id: the source's note, translated}."""
    known = list(source_ids)
    notes = {}
    for source_id, value in raw.items():
        source_id = str(source_id)
        if source_id not in known:
            error(path, line, f"source_notes.{source_id}", f"no source has this id (sources: "
                  f"{', '.join(known) or 'none'})")
            continue
        text = _text(value)
        if text:
            notes[source_id] = text
    return MappingProxyType(notes)
