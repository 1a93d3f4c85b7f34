"""One rumour file: its source (rumours/<id>.md) or a translation (rumours/<id>.<lang>.md).

Each is read, validated and converted once into an immutable result (a `Rumour` with only
its source text, or a `RumourText` for a translation); `assemble` adds the translations.
Cross-file checks are in rumours/content/checks.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from rumours.content import extras, markup
from rumours.content import rumour_checks as checks
from rumours.content.model import (
    ID_PATTERN,
    Fact,
    FileResult,
    ProblemList,
    Rumour,
    RumourText,
    Site,
    Source,
    shown,
)
from rumours.content.parsing import ParsedFile, parse_markdown_file
from rumours.content.schema import RumourFields, RumourTranslationFields
from rumours.content.validation import validate

SECTION_IDS = ("facts", "concern", "talk")


def fingerprint(*parts: str) -> str:
    """A short, stable hash of the translatable text of a source file."""
    digest = hashlib.sha256("\n\x1f".join(p.strip() for p in parts).encode("utf-8"))
    return digest.hexdigest()[:12]


def footnote_text(source: Source) -> str:
    """A source as the footnote its citations link to."""
    note = f" {source.note}." if source.note else ""
    return f"{source.publisher}, *{source.title}* ({source.date}). <{source.url}>{note}"


def _text(parsed: ParsedFile, lang: str, values: Mapping, aliases: tuple[str, ...],
          sources: tuple[Source, ...], status: str,
          problems: ProblemList) -> tuple[RumourText, markup.ConvertedBody]:
    """The text of one language, its body converted once."""
    by_id = {s.id: s for s in sources}
    body = markup.convert(parsed.body, lang, first_line=parsed.body_line,
                          notes={s.id: footnote_text(s) for s in sources})
    sections = {}
    for section in body.sections:
        if section.id not in SECTION_IDS:
            problems.error(parsed.path, section.line, "body",
                           f"unknown section id '{{#{section.id}}}' (use {{#facts}}, "
                           "{#concern}, {#talk})")
        else:
            sections[section.id] = section
    for section_id in SECTION_IDS:
        if section_id not in sections:
            problems.error(parsed.path, parsed.body_line, "body",
                           f"missing the section '## ... {{#{section_id}}}'")
    return RumourText(
        lang=lang, claim=values.get("claim", ""), aliases=aliases,
        summary=values.get("summary", ""),
        citations=tuple(c for c in body.citations if c in by_id),
        body_html=str(body.html), body_text=body.text,
        facts=tuple(Fact(i.text, i.citations, i.as_of) for i in body.facts),
        concern_text=sections["concern"].text if "concern" in sections else "",
        talk_text=sections["talk"].text if "talk" in sections else "",
        section_titles=MappingProxyType({k: s.title for k, s in sections.items()}),
        status=status, path=parsed.path,
    ), body


def _aliases(parsed: ParsedFile, values: Mapping, site: Site,
             problems: ProblemList) -> dict[str, tuple[str, ...]]:
    aliases = {}
    for lang, phrasings in values.get("aliases", {}).items():
        if lang not in site.languages:
            problems.error(parsed.path, parsed.line("aliases", lang), f"aliases.{lang}",
                           f"{shown(lang)} is not one of the site's languages "
                           f"({', '.join(site.languages)})")
            continue
        aliases[lang] = tuple(phrasings)
    return aliases


def _identity(parsed: ParsedFile, values: Mapping, stem: str, site: Site,
              problems: ProblemList) -> None:
    rumour_id = values.get("id", "")
    if rumour_id and rumour_id != stem:
        problems.error(parsed.path, parsed.line("id"), "id",
                       f"{shown(rumour_id)} must match the file name {shown(stem)}")
    if rumour_id and not ID_PATTERN.match(rumour_id):
        problems.error(parsed.path, parsed.line("id"), "id",
                       "must be lowercase letters, digits and '-'")
    verdict = values.get("verdict")
    if verdict is not None and verdict not in site.verdicts:
        problems.error(parsed.path, parsed.line("verdict"), "verdict",
                       f"{shown(verdict)} is not a verdict (use one of: "
                       f"{', '.join(site.verdicts)})")
    for key, known in (("topics", site.topics), ("places", site.places)):
        checks.vocabulary(parsed, key, tuple(values.get(key, ())), known, problems)
    if "topics" in values and not values["topics"]:
        problems.error(parsed.path, parsed.line("topics"), "topics", "needs at least one topic")


def parse_rumour(rel: str, stem: str, data: bytes | str, site: Site,
                 today: dt.date) -> FileResult:
    """Read and check a rumour's source file; its value is the `Rumour` with only its
    source language's text (`assemble` adds the translations)."""
    problems = ProblemList()
    parsed = parse_markdown_file(rel, data, problems)
    if parsed is None:
        return FileResult(None, tuple(problems.problems))
    validated = validate(RumourFields, parsed.meta, parsed.document, rel, problems,
                         parsed.unreadable)
    values = validated.values
    _identity(parsed, values, stem, site, problems)
    aliases = _aliases(parsed, values, site, problems)
    sources = checks.sources(parsed, validated, site, problems)
    if parsed.meta.get("sources") == []:
        problems.error(parsed.path, parsed.line("sources"), "sources",
                       "needs at least one source")
    checks.dates(parsed, values, today, problems)
    checks.lengths(parsed, values, problems)
    lang = site.default_language
    text, body = _text(parsed, lang, values, aliases.get(lang, ()), sources, "source",
                       problems)
    checks.citations(parsed, body, sources, problems, require_all=True)
    checks.dated_facts(parsed, body, values, today, site, problems)
    corrections = extras.source_corrections(
        rel, _item_lines(parsed, "corrections"), values.get("corrections", []),
        values.get("published"), today, problems.error)
    if problems.errors:
        return FileResult(None, tuple(problems.problems))
    return FileResult(Rumour(
        id=values["id"], verdict=values["verdict"], topics=tuple(values["topics"]),
        places=tuple(values["places"]), sources=sources, published=values["published"],
        reviewed=values["reviewed"], next_review=values["next_review"],
        draft=values.get("draft", False),
        fingerprint=fingerprint(values["claim"], values["summary"], parsed.body),
        source_lang=lang,
        texts=MappingProxyType({lang: replace(text,
                                              corrections=tuple(c.text for c in corrections))}),
        path=rel, aliases=MappingProxyType(aliases), corrections=corrections,
        fallbacks=site.fallbacks,
    ), tuple(problems.problems))


def _item_lines(parsed: ParsedFile, key: str) -> list[int]:
    items = parsed.meta.get(key)
    if isinstance(items, list) and items:
        return [parsed.line(key, index) for index in range(len(items))]
    return [parsed.line(key)]


def translation_status(parsed: ParsedFile, stamped: str | None, source_fingerprint: str,
                       source_path: str, problems: ProblemList) -> str:
    """"current" when the translation was stamped against the source as it is, else
    "outdated" (with a warning saying what to do)."""
    if stamped == source_fingerprint:
        return "current"
    line = parsed.line("source_fingerprint")
    if stamped is None:
        problems.warn(parsed.path, line, "source_fingerprint",
                      f"never stamped: check it against {source_path}, then run "
                      "`rumours i18n stamp`")
    else:
        problems.warn(parsed.path, line, "source_fingerprint",
                      f"outdated: {source_path} changed since this translation was made")
    return "outdated"


def parse_rumour_translation(rel: str, lang: str, data: bytes | str,
                             source: Rumour) -> FileResult:
    """Read and check a rumour's translation against its source; the value is its text."""
    problems = ProblemList()
    parsed = parse_markdown_file(rel, data, problems)
    if parsed is None:
        return FileResult(None, tuple(problems.problems))
    values = validate(RumourTranslationFields, parsed.meta, parsed.document, rel, problems,
                      parsed.unreadable).values
    aliases = tuple(dict.fromkeys((*values.get("aliases", ()), *source.aliases.get(lang, ()))))
    checks.lengths(parsed, values, problems)
    status = translation_status(parsed, values.get("source_fingerprint"), source.fingerprint,
                                source.path, problems)
    text, body = _text(parsed, lang, values, aliases, source.sources, status, problems)
    checks.citations(parsed, body, source.sources, problems, require_all=False)
    text = replace(
        text,
        review=extras.review_status(rel, parsed.line("status"), values.get("status"),
                                    problems.error),
        corrections=extras.translated_corrections(
            rel, parsed.line("corrections"), values.get("corrections", []),
            source.corrections, source.path, problems.error, problems.warn),
        source_notes=extras.source_notes(
            rel, parsed.line("source_notes"), values.get("source_notes", {}),
            (s.id for s in source.sources), problems.error),
    )
    return FileResult(None if problems.errors else text, tuple(problems.problems))


def assemble(source: Rumour, translations: Mapping[str, RumourText], site: Site) -> Rumour:
    """The rumour: its checked source file with its translations, in the site's language
    order."""
    texts = {**source.texts, **translations}
    return replace(
        source,
        texts=MappingProxyType({lang: texts[lang] for lang in site.languages if lang in texts}),
        aliases=MappingProxyType({lang: source.aliases[lang] for lang in site.languages
                                  if source.aliases.get(lang)}),
    )
