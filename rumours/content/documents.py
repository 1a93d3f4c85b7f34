"""One page or update file (pages/, updates/): its source or a translation, and assembling them.

Each file is read, validated and converted once into an immutable result; `assemble` joins
a source and its translations into a `Page` or an `Update`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from rumours.content import extras, markup
from rumours.content.model import (
    ID_PATTERN,
    DocumentText,
    FileResult,
    Page,
    ProblemList,
    Site,
    Update,
)
from rumours.content.parsing import ParsedFile, parse_markdown_file
from rumours.content.rumours import fingerprint, translation_status
from rumours.content.schema import DocumentTranslationFields, PageFields, UpdateFields
from rumours.content.validation import validate

UPDATE_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)$")
KINDS = {"pages": "page", "updates": "update"}


@dataclass(frozen=True)
class DocumentSource:
    """A page's or update's source file, checked: everything but its translations."""

    kind: str  # "page" or "update"
    stem: str  # the file name without .md ("about", "2026-10-20-springfield-set")
    values: Mapping  # the front matter's usable fields
    fingerprint: str
    text: DocumentText
    path: str
    rumours_line: int = 2  # an update's `rumours:` line, for the rumours it names


def _text(parsed: ParsedFile, lang: str, values: Mapping, status: str,
          review: str = "") -> DocumentText:
    body = markup.convert(parsed.body, lang, first_line=parsed.body_line)
    return DocumentText(
        lang=lang, title=values.get("title", ""), summary=values.get("summary", ""),
        body_html=str(body.html), body_text=body.text, status=status, path=parsed.path,
        review=review,
    )


def _check_update(parsed: ParsedFile, stem: str, values: Mapping,
                  problems: ProblemList) -> None:
    match = UPDATE_NAME.match(stem)
    if not match:
        problems.error(parsed.path, 1, "file name",
                       "an update's file name must be YYYY-MM-DD-slug.md")
    if match and values.get("date") and values["date"].isoformat() != match["date"]:
        problems.error(parsed.path, parsed.line("date"), "date",
                       f"{values['date']} does not match the date in the file name")


def parse_document(kind: str, rel: str, stem: str, data: bytes | str,
                   site: Site) -> FileResult:
    """Read and check a page's or update's source file; the value is a `DocumentSource`."""
    problems = ProblemList()
    parsed = parse_markdown_file(rel, data, problems)
    if parsed is None:
        return FileResult(None, tuple(problems.problems))
    if kind == "update":
        values = validate(UpdateFields, parsed.meta, parsed.document, rel, problems,
                          parsed.unreadable).values
        _check_update(parsed, stem, values, problems)
    else:
        if not ID_PATTERN.match(stem):
            problems.error(rel, 1, "file name",
                           "a page's file name must be lowercase letters, digits and '-'")
        values = validate(PageFields, parsed.meta, parsed.document, rel, problems,
                          parsed.unreadable).values
    if problems.errors:
        return FileResult(None, tuple(problems.problems))
    source = DocumentSource(
        kind=kind, stem=stem, values=MappingProxyType(values),
        fingerprint=fingerprint(values.get("title", ""), values.get("summary", ""),
                                parsed.body),
        text=_text(parsed, site.default_language, values, "source"), path=rel,
        rumours_line=parsed.line("rumours"))
    return FileResult(source, tuple(problems.problems))


def parse_document_translation(rel: str, lang: str, data: bytes | str,
                               source: DocumentSource) -> FileResult:
    """Read and check a page's or update's translation; the value is its text."""
    problems = ProblemList()
    parsed = parse_markdown_file(rel, data, problems)
    if parsed is None:
        return FileResult(None, tuple(problems.problems))
    values = validate(DocumentTranslationFields, parsed.meta, parsed.document, rel, problems,
                      parsed.unreadable).values
    status = translation_status(parsed, values.get("source_fingerprint"), source.fingerprint,
                                source.path, problems)
    review = extras.review_status(rel, parsed.line("status"), values.get("status"),
                                  problems.error)
    if problems.errors:
        return FileResult(None, tuple(problems.problems))
    return FileResult(_text(parsed, lang, values, status, review), tuple(problems.problems))


def assemble(source: DocumentSource, translations: Mapping[str, DocumentText],
             site: Site) -> Page | Update:
    """The page or update: its source and its translations, in the site's language order."""
    texts = {site.default_language: source.text, **translations}
    ordered = MappingProxyType({x: texts[x] for x in site.languages if x in texts})
    values = source.values
    common = {"draft": values.get("draft", False), "fingerprint": source.fingerprint,
              "source_lang": site.default_language, "texts": ordered, "path": source.path,
              "fallbacks": site.fallbacks}
    if source.kind == "update":
        match = UPDATE_NAME.match(source.stem)
        date: dt.date = values["date"]
        return Update(slug=match["slug"] if match else source.stem, date=date,
                      updated=values.get("updated") or date,
                      rumours=tuple(values.get("rumours", ())), **common)
    return Page(slug=source.stem, order=values.get("order", 100), **common)
