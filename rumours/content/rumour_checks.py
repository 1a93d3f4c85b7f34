"""The checks of one rumour file beyond its schema: sources, citations, dates, lengths."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from urllib.parse import urlsplit

from rumours.content import yaml_errors
from rumours.content.markup import ConvertedBody
from rumours.content.model import ID_PATTERN, ProblemList, Site, Source, shown
from rumours.content.parsing import ParsedFile
from rumours.content.schema import as_date
from rumours.content.validation import Validated

DATED_REVIEW_DAYS = 90
# A claim is a sentence people say; a summary goes on a pocket card and a share image.
MAX_LENGTHS = {"claim": 200, "summary": 700, "aliases": 200}


def sources(parsed: ParsedFile, validated: Validated, site: Site,
            problems: ProblemList) -> tuple[Source, ...]:
    """The sources that pass every check (strength, id); each problem on its own line."""
    kept = []
    seen: set[str] = set()
    for index, values in zip(validated.positions("sources"),
                             validated.values.get("sources", []), strict=True):
        before = problems.errors
        values = dict(values)
        strength = values["strength"]
        if strength not in site.strengths:
            letter = yaml_errors.strength_letter(strength, dict(site.strengths))
            if letter is not None:  # the label the site shows ("Strong") means its letter
                values["strength"] = letter
            else:
                choices = "; ".join(f"{k} = {str(v).split(' — ')[0]}"
                                    for k, v in site.strengths.items())
                problems.error(parsed.path, parsed.line("sources", index, "strength"),
                               f"sources[{index + 1}].strength",
                               f"{shown(strength)} is not a strength: use "
                               f"{', '.join(site.strengths)} ({choices})")
        source_id = values["id"]
        id_line = parsed.line("sources", index, "id")
        if not ID_PATTERN.match(source_id):
            problems.error(parsed.path, id_line, f"sources[{index + 1}].id",
                           f"{shown(source_id)} must be lowercase letters, digits and '-'")
        elif source_id in seen:
            problems.error(parsed.path, id_line, f"sources[{index + 1}].id",
                           f"duplicate source id {shown(source_id)}")
        seen.add(source_id)
        if problems.errors == before:
            _hygiene(parsed, index, values, problems)
            kept.append(Source(**values))
    return tuple(kept)


def _hygiene(parsed: ParsedFile, index: int, values: dict, problems: ProblemList) -> None:
    """Warnings a fact-checker would raise: a home page instead of the article, a year-only
    date for a recent source (each allowed when the source says why)."""
    url = values.get("url", "")
    parts = urlsplit(url)
    line = parsed.line("sources", index)
    if url and parts.path.strip("/") == "" and not parts.query and not values.get(
            "why_home_page"):
        problems.warn(parsed.path, line, f"sources[{index + 1}].url",
                      "links a home page, not the article: link the article, or say why in "
                      "'why_home_page'")
    date = values.get("date", "")
    if len(date) == 4 and date.isdigit() and int(date) > 2000 and not values.get(
            "why_year_only"):
        problems.warn(parsed.path, line, f"sources[{index + 1}].date",
                      "gives only the year: give the publication date (YYYY-MM-DD), or say "
                      "why in 'why_year_only'")


def citations(parsed: ParsedFile, body: ConvertedBody, listed: tuple[Source, ...],
              problems: ProblemList, require_all: bool) -> None:
    """Every `[^id]` cites a listed source; (in a source file) every source is cited."""
    if "sources" in parsed.unreadable:
        return  # the sources cannot be read: their mistake is reported, not every citation
    raw = parsed.meta.get("sources")
    # A source with a problem of its own still counts as listed (its problem is reported).
    ids = {s.id for s in listed}
    if isinstance(raw, list):
        ids |= {str(item["id"]) for item in raw if isinstance(item, dict) and item.get("id")}
    for ref in body.references:
        if ref.value not in ids:
            problems.error(parsed.path, ref.line, "body",
                           f"footnote [^{ref.value}] cites no source (listed sources: "
                           f"{', '.join(sorted(ids)) or 'none'})")
    for note in body.written_notes:
        problems.error(parsed.path, note.line, "body",
                       "do not write footnote definitions: they are generated from 'sources'")
    if require_all:
        cited = set(body.citations)
        for index, source in enumerate(listed):
            if source.id not in cited:
                problems.error(parsed.path, parsed.line("sources", index), "sources",
                               f"source '{source.id}' is never cited in the body")


def dated_facts(parsed: ParsedFile, body: ConvertedBody, values: Mapping, today: dt.date,
                site: Site, problems: ProblemList) -> None:
    """`{as_of=…}` markers: real dates, not in the future, not too old, reviewed often."""
    dated = []
    for marker in body.dated:
        date = as_date(marker.value)
        if date is None:
            problems.error(parsed.path, marker.line, "body",
                           f"as_of={marker.value} is not a real date")
            continue
        if date > today:
            problems.error(parsed.path, marker.line, "body", f"as_of={date} is in the future")
        elif (today - date).days > site.as_of_max_age_days:
            problems.warn(parsed.path, marker.line, "body",
                          f"as_of={date} is more than {site.as_of_max_age_days} days old: "
                          "check that the fact still holds and update it (site.yml "
                          "as_of_max_age_days)")
        dated.append(date)
    reviewed, next_review = values.get("reviewed"), values.get("next_review")
    if dated and reviewed and next_review and (next_review - reviewed).days > DATED_REVIEW_DAYS:
        latest = reviewed + dt.timedelta(days=DATED_REVIEW_DAYS)
        problems.error(parsed.path, parsed.line("next_review"), "next_review",
                       f"this entry has dated facts (as_of), so it must be reviewed within "
                       f"{DATED_REVIEW_DAYS} days: set next_review on or before {latest}")


def lengths(parsed: ParsedFile, values: Mapping, problems: ProblemList) -> None:
    """Claims, summaries and aliases short enough for a pocket card and a share image."""
    for key, limit in MAX_LENGTHS.items():
        value = values.get(key)
        texts = value if isinstance(value, list) else [value]
        if isinstance(value, dict):
            texts = [t for group in value.values() for t in group]
        for text in texts:
            if isinstance(text, str) and len(text) > limit:
                problems.error(parsed.path, parsed.line(key), key,
                               f"is {len(text)} characters; keep it under {limit} (it must fit "
                               "on a pocket card and a share image)")
                break


def vocabulary(parsed: ParsedFile, key: str, values: tuple[str, ...],
               known: Mapping[str, str], problems: ProblemList) -> None:
    """Topics and places come from site.yml."""
    for index, value in enumerate(values):
        if value not in known:
            problems.error(parsed.path, parsed.line(key, index), key,
                           f"{shown(value)} is not in site.yml {key} "
                           f"(use one of: {', '.join(known)})")


def dates(parsed: ParsedFile, values: Mapping, today: dt.date, problems: ProblemList) -> None:
    """published <= reviewed < next_review; a review date passed is a warning."""
    published, reviewed = values.get("published"), values.get("reviewed")
    next_review = values.get("next_review")
    if published and reviewed and reviewed < published:
        problems.error(parsed.path, parsed.line("reviewed"), "reviewed",
                       "is earlier than 'published'")
    if reviewed and next_review and next_review <= reviewed:
        problems.error(parsed.path, parsed.line("next_review"), "next_review",
                       "must be later than 'reviewed'")
    if next_review and next_review < today:
        problems.warn(parsed.path, parsed.line("next_review"), "next_review",
                      f"the evidence was due for review on {next_review.isoformat()}")
