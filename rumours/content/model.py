"""The content model: the immutable Library snapshot, its entries, and the Problems found."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from rumours.content.extras import Correction

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # rumour, page, source, vocabulary ids
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "yi"})


class ContentError(Exception):
    """Raised when the content folder has errors; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems if p.is_error))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content: where it is, which field, and what is wrong."""

    path: str
    line: int
    field: str
    message: str
    severity: str = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        prefix = "" if self.is_error else "warning: "
        return f"{self.path}:{self.line}: {self.field}: {prefix}{self.message}"

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "field": self.field,
                "message": self.message, "severity": self.severity}


@dataclass(frozen=True)
class Site:
    """The site's settings and vocabularies from site.yml."""

    name: str
    base_url: str
    default_language: str
    languages: tuple[str, ...]
    publisher: Mapping[str, str]
    contact: str
    verdicts: Mapping[str, str]
    topics: Mapping[str, str]
    places: Mapping[str, str]
    strengths: Mapping[str, str]
    search_url: str = ""
    report_url: str = ""  # the live report form, for static copies (`{lang}` is replaced)
    record_unanswered_searches: bool = True  # count searches that found no answer
    contact_email: str = ""
    contact_url: str = ""
    as_of_max_age_days: int = 1095  # `rumours check` warns about dated facts older than this
    # Where a reader of a language is sent when a text is missing: {"ht": ("fr", "en")}.
    fallbacks: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    city: str = ""  # who runs the site ("City of Springfield"); translatable
    logo: str = ""  # a file in the content folder (SVG or PNG), shown in the header
    colours: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    team: tuple[Mapping[str, str], ...] = ()  # the editorial team: name, role, optional url
    verdict_definitions: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}))

    def direction(self, lang: str) -> str:
        return "rtl" if lang in RTL_LANGUAGES else "ltr"

    def chain(self, lang: str) -> tuple[str, ...]:
        """The languages a reader of `lang` is shown, in order: `lang`, its fallbacks, then
        the default language."""
        return tuple(dict.fromkeys((lang, *self.fallbacks.get(lang, ()),
                                    self.default_language)))


@dataclass(frozen=True)
class Source:
    """A cited source with the strength of its evidence."""

    id: str
    publisher: str
    title: str
    date: str
    url: str
    strength: str
    note: str = ""
    why_home_page: str = ""  # why the URL is a publisher's home page, not the article
    why_year_only: str = ""  # why the date is only a year


@dataclass(frozen=True)
class Fact:
    """One bullet of a rumour's facts section, as plain text, with the sources it cites."""

    text: str
    source_ids: tuple[str, ...]
    as_of: dt.date | None = None  # for time-sensitive facts: the date the fact describes


def in_chain(texts: Mapping[str, Any], lang: str, fallbacks: Mapping[str, tuple[str, ...]],
              source_lang: str) -> Any:
    """The text in `lang`, else in the first of its fallback languages that has one, else in
    the source language."""
    for code in (lang, *fallbacks.get(lang, ())):
        if code in texts:
            return texts[code]
    return texts[source_lang]


@dataclass(frozen=True)
class RumourText:
    """A rumour's text in one language: the source language or a translation."""

    lang: str
    claim: str
    aliases: tuple[str, ...]
    summary: str
    citations: tuple[str, ...]  # source ids in the order the text first cites them
    body_html: str  # the footnote list is left out: the page lists the sources itself
    body_text: str
    facts: tuple[Fact, ...]
    concern_text: str
    talk_text: str
    section_titles: Mapping[str, str]
    status: str  # "source", "current" or "outdated"
    path: str
    review: str = ""  # a translation's `status`: "draft" or "reviewed" ("" for the source)
    corrections: tuple[str, ...] = ()  # the corrections log's texts, in the rumour's order
    source_notes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Rumour:
    """One rumour with its structured facts and its text in every language it exists in."""

    id: str
    verdict: str
    topics: tuple[str, ...]
    places: tuple[str, ...]
    sources: tuple[Source, ...]
    published: dt.date
    reviewed: dt.date
    next_review: dt.date
    draft: bool
    fingerprint: str
    source_lang: str
    texts: Mapping[str, RumourText]
    path: str
    # Every phrasing from the source file's `aliases`, per language, even for languages
    # with no translation yet (search matches them and shows the fallback text).
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    corrections: tuple[Correction, ...] = ()  # oldest first
    fallbacks: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def text(self, lang: str) -> RumourText:
        """The text in `lang` where a translation exists, else along the language's fallback
        chain (site.yml `fallbacks`), else in the source language."""
        return in_chain(self.texts, lang, self.fallbacks, self.source_lang)

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.texts)

    @property
    def outdated(self) -> tuple[str, ...]:
        return tuple(lang for lang, t in self.texts.items() if t.status == "outdated")


@dataclass(frozen=True)
class DocumentText:
    """A page's or update's text in one language."""

    lang: str
    title: str
    summary: str
    body_html: str
    body_text: str
    status: str
    path: str
    review: str = ""  # a translation's `status`: "draft" or "reviewed" ("" for the source)


@dataclass(frozen=True, kw_only=True)
class TranslatedDocument:
    """What pages and updates share: their texts by language, read along a fallback chain."""

    draft: bool
    fingerprint: str
    source_lang: str
    texts: Mapping[str, DocumentText]
    path: str
    fallbacks: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def text(self, lang: str) -> DocumentText:
        """The text in `lang`, else along its fallback chain, else in the source language."""
        return in_chain(self.texts, lang, self.fallbacks, self.source_lang)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.texts)


@dataclass(frozen=True, kw_only=True)
class Page(TranslatedDocument):
    """A standing page: about, the method, for agents."""

    slug: str
    order: int


@dataclass(frozen=True, kw_only=True)
class Update(TranslatedDocument):
    """A dated news item from the comms team."""

    slug: str
    date: dt.date
    updated: dt.date
    rumours: tuple[str, ...]


@dataclass(frozen=True)
class Library:
    """An immutable, validated snapshot of the whole content folder."""

    site: Site
    rumours: tuple[Rumour, ...]
    pages: tuple[Page, ...]
    updates: tuple[Update, ...]
    version: str
    warnings: tuple[Problem, ...] = ()
    loaded_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {r.id: r for r in self.rumours})
        object.__setattr__(self, "_pages", {p.slug: p for p in self.pages})
        object.__setattr__(self, "_updates", {u.slug: u for u in self.updates})

    def rumour(self, rumour_id: str) -> Rumour | None:
        return self._by_id.get(rumour_id)

    def page(self, slug: str) -> Page | None:
        return self._pages.get(slug)

    def update(self, slug: str) -> Update | None:
        return self._updates.get(slug)

    def filter(self, topic: str | None = None, place: str | None = None,
               verdict: str | None = None) -> tuple[Rumour, ...]:
        """Rumours matching every given filter, in library order."""
        return tuple(
            r for r in self.rumours
            if (not topic or topic in r.topics) and (not place or place in r.places)
            and (not verdict or r.verdict == verdict)
        )

    @property
    def last_modified(self) -> dt.date:
        dates = [r.reviewed for r in self.rumours] + [u.updated for u in self.updates]
        return max(dates, default=dt.date(2000, 1, 1))


class ProblemList:
    """Gathers the problems found while content is read (one file, or the whole folder)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.errors = 0  # compare before and after reading a piece of content

    def error(self, path: str, line: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(path, line, field_name, message, "error"))
        self.errors += 1

    def warn(self, path: str, line: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(path, line, field_name, message, "warning"))

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.problems.append(problem)
            self.errors += problem.is_error


def shown(value: Any, limit: int = 60) -> str:
    """A value for an error message: its repr, cut to `limit` characters (never unbounded)."""
    if isinstance(value, str | int | float | bool) or value is None:
        text = repr(value)
    else:
        text = f"<{kind_name(value)}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def kind_name(value: Any) -> str:
    """What a YAML value is, in words: "a list", "a set of fields", "true/false"..."""
    if value is None:
        return "empty"
    return {dict: "a set of fields", list: "a list", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


@dataclass(frozen=True)
class FileResult:
    """What one file gave: its value (None when it has errors) and its problems. A pure
    function of the file's bytes and the site's settings, so it is reused while neither
    changes."""

    value: Any
    problems: tuple[Problem, ...] = ()
    skipped_draft: bool = False  # a draft left unread because drafts are not shown

    @property
    def ok(self) -> bool:
        return self.value is not None
