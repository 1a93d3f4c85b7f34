"""Load and validate the content folder into an immutable Library snapshot."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import frontmatter
import yaml

from rumours.content import extras, markup, site_identity, yaml_errors
from rumours.content.extras import Correction

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANG_PATTERN = re.compile(r"^[a-z]{2,3}$")
SECTION_IDS = ("facts", "concern", "talk")
SECTION_HEADING = re.compile(r"^##\s+(?P<title>.+?)\s*\{#(?P<id>[a-z-]+)\}\s*$", re.M)
UPDATE_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)$")
SOURCE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
FOOTNOTE_BLOCK = re.compile(r'<div class="footnote">.*?</div>\s*$', re.S)
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)
EMAIL_PATTERN = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")

RUMOUR_FIELDS = {
    "id": "text", "claim": "text", "aliases": "mapping", "verdict": "text", "summary": "text",
    "topics": "list", "places": "list", "sources": "list", "published": "date",
    "reviewed": "date", "next_review": "date", "draft": "bool", "corrections": "list",
}
RUMOUR_REQUIRED = ("id", "claim", "verdict", "summary", "topics", "places", "sources",
                   "published", "reviewed", "next_review")
RUMOUR_TRANSLATION_FIELDS = {
    "claim": "text", "aliases": "list", "summary": "text", "source_fingerprint": "text",
    "status": "text", "corrections": "list", "source_notes": "mapping",
}
TRANSLATION_STATUSES = ("draft", "reviewed")
SOURCE_FIELDS = {
    "id": "text", "publisher": "text", "title": "text", "date": "source-date", "url": "url",
    "strength": "text", "note": "text", "why_home_page": "text", "why_year_only": "text",
}
SOURCE_REQUIRED = ("id", "publisher", "title", "date", "url", "strength")
PAGE_FIELDS = {"title": "text", "summary": "text", "order": "int", "draft": "bool"}
PAGE_TRANSLATION_FIELDS = {
    "title": "text", "summary": "text", "source_fingerprint": "text", "status": "text",
}
UPDATE_FIELDS = {
    "title": "text", "date": "date", "summary": "text", "rumours": "list", "draft": "bool",
    "updated": "date",
}
UPDATE_TRANSLATION_FIELDS = PAGE_TRANSLATION_FIELDS
SITE_FIELDS = {
    "name": "text", "base_url": "url", "default_language": "text", "languages": "list",
    "publisher": "mapping", "contact": "contact", "verdicts": "mapping", "topics": "mapping",
    "places": "mapping", "strengths": "mapping", "search_url": "url",
    "as_of_max_age_days": "int",
    "fallbacks": "mapping", "city": "text", "logo": "text", "colours": "mapping", "team": "list",
    "verdict_definitions": "mapping",
    "report_url": "url", "record_unanswered_searches": "bool",
}
SITE_REQUIRED = ("name", "base_url", "default_language", "languages", "publisher",
                 "verdicts", "topics", "places", "strengths")
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "yi"})

# Limits that keep one hostile or mistaken file from stalling a reload (docs/content-format.md).
MAX_FILE_BYTES = 40 * 1024  # about four times the longest bundled file
MAX_YAML_DEPTH = 8
MAX_MARKDOWN_NESTING = 16
MAX_HEADINGS = 100
MAX_BODY_LINES = 1000
# Characters that make Python-Markdown's inline patterns work hard, and how many a body may hold.
MAX_MARKUP_CHARACTERS = {"<": 1000, "*": 1000, "_": 1000, "\\": 500, "`": 1000, "](": 300,
                         "&": 1000}
_YAML_OPENERS = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken,
                 yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
_YAML_CLOSERS = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


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


def _in_chain(texts: Mapping[str, Any], lang: str, fallbacks: Mapping[str, tuple[str, ...]],
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
        return _in_chain(self.texts, lang, self.fallbacks, self.source_lang)

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


@dataclass(frozen=True)
class Page:
    """A standing page: about, the method, for agents."""

    slug: str
    order: int
    draft: bool
    fingerprint: str
    source_lang: str
    texts: Mapping[str, DocumentText]
    path: str
    fallbacks: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def text(self, lang: str) -> DocumentText:
        """The text in `lang`, else along its fallback chain, else in the source language."""
        return _in_chain(self.texts, lang, self.fallbacks, self.source_lang)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.texts)


@dataclass(frozen=True)
class Update:
    """A dated news item from the comms team."""

    slug: str
    date: dt.date
    updated: dt.date
    rumours: tuple[str, ...]
    draft: bool
    fingerprint: str
    source_lang: str
    texts: Mapping[str, DocumentText]
    path: str
    fallbacks: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def text(self, lang: str) -> DocumentText:
        """The text in `lang`, else along its fallback chain, else in the source language."""
        return _in_chain(self.texts, lang, self.fallbacks, self.source_lang)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.texts)


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


# --------------------------------------------------------------------------- parsing


@dataclass
class _Parsed:
    """A Markdown file split into front matter and body, with the line of each key."""

    path: str
    meta: dict
    body: str
    body_line: int
    lines: dict[str, int]
    item_lines: dict[str, list[int]]


class _Collector:
    """Gathers problems while a content folder is read."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self._errors = 0

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    @property
    def errors(self) -> int:
        """How many errors so far: compare before and after reading a piece of content."""
        return self._errors

    def error(self, path: str, line: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(path, line, field_name, message, "error"))
        self._errors += 1

    def warn(self, path: str, line: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(path, line, field_name, message, "warning"))


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it


class _ContentLoader(_BaseLoader):
    """YAML's safe loader, but dates stay text so that a bad date is reported on its field."""


_ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _key_lines(front: str, first_line: int) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Map each top-level key (and each item of a top-level list) to its line in the file."""
    lines: dict[str, int] = {}
    items: dict[str, list[int]] = {}
    try:
        node = yaml.compose(front, Loader=_ContentLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError:
        return lines, items
    if not isinstance(node, yaml.MappingNode):
        return lines, items
    for key_node, value_node in node.value:
        key = str(key_node.value)
        lines[key] = key_node.start_mark.line + first_line
        if isinstance(value_node, yaml.SequenceNode):
            items[key] = [v.start_mark.line + first_line for v in value_node.value]
        elif isinstance(value_node, yaml.MappingNode):
            for sub_key, _sub_value in value_node.value:
                lines[f"{key}.{sub_key.value}"] = sub_key.start_mark.line + first_line
    return lines, items


def shown(value: Any, limit: int = 60) -> str:
    """A value for an error message: its repr, cut to `limit` characters (never unbounded)."""
    if isinstance(value, str | int | float | bool) or value is None:
        text = repr(value)
    else:
        text = f"<{_kind_name(value)}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_content_file(path: Path, col: _Collector) -> str | None:
    """The text of a content file, or None with the reason reported: a folder, a link out
    of the content folder, an unreadable, oversized or non-UTF-8 file."""
    rel = col.rel(path)
    try:
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(col.root):
                col.error(rel, 1, "file", "is a symbolic link to a file outside the content "
                          "folder; copy the file into the folder instead")
                return None
        if path.is_dir():
            col.error(rel, 1, "file", "is a folder, not a file: rename or remove it")
            return None
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            col.error(rel, 1, "file", "is not a regular file (a pipe or device?): remove it")
            return None
        size = info.st_size
        if size > MAX_FILE_BYTES:
            col.error(rel, 1, "file", f"is {size // 1024} KB; a content file may be at most "
                      f"{MAX_FILE_BYTES // 1024} KB")
            return None
        data = path.read_bytes()
    except OSError as exc:
        col.error(rel, 1, "file", f"cannot be read ({exc.strerror or type(exc).__name__})")
        return None
    try:
        return data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        col.error(rel, 1, "file", f"not valid UTF-8 ({exc.reason} at byte {exc.start})")
        return None


def yaml_shape_problem(text: str, first_line: int = 1) -> tuple[int, str] | None:
    """Refuse YAML anchors and aliases (`&name`, `*name`) and deep nesting before parsing,
    so an alias bomb or a 300-level list costs a linear scan, not memory or recursion."""
    depth = 0
    try:
        for token in yaml.scan(text, Loader=_BaseLoader):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                return (token.start_mark.line + first_line,
                        "YAML anchors and aliases ('&name', '*name') are not allowed here; "
                        "write the value out")
            if isinstance(token, _YAML_OPENERS):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    return (token.start_mark.line + first_line,
                            f"nested more than {MAX_YAML_DEPTH} levels deep")
            elif isinstance(token, _YAML_CLOSERS):
                depth -= 1
    except yaml.YAMLError:
        return None  # reported, in plain words, by the parser that follows
    return None


def markdown_shape_problem(body: str, first_line: int) -> tuple[int, str] | None:
    """Refuse the Markdown constructs that make Python-Markdown slow (deeply nested brackets,
    quotes or lists); a linear scan, so a hostile body costs nothing at reload."""
    for char, limit in MAX_MARKUP_CHARACTERS.items():
        if body.count(char) > limit:
            return (first_line, f"more than {limit} '{char}' characters: Markdown this dense "
                    "would stall the site (use less emphasis, HTML or escaping)")
    lines = body.split("\n")
    if len(lines) > MAX_BODY_LINES:
        return (first_line + MAX_BODY_LINES, f"more than {MAX_BODY_LINES} lines")
    headings = 0
    depth = 0
    for number, line in enumerate(lines):
        if line.startswith("#") or line.startswith(("===", "---")):
            headings += 1
            if headings > MAX_HEADINGS:
                return (first_line + number, f"more than {MAX_HEADINGS} headings")
        stripped = line.lstrip(" >")
        quotes = line[: len(line) - len(stripped)].count(">")
        indent = (len(line) - len(line.lstrip(" \t"))) // 2
        if quotes > MAX_MARKDOWN_NESTING or indent > MAX_MARKDOWN_NESTING * 2:
            return (first_line + number, "quotes or lists nested too deeply")
        for char in line:
            if char in "[(":
                depth += 1
                if depth > MAX_MARKDOWN_NESTING:
                    return (first_line + number,
                            f"brackets nested more than {MAX_MARKDOWN_NESTING} deep")
            elif char in "])" and depth:
                depth -= 1
        if not line.strip():
            depth = 0
    return None


def _parse_file(path: Path, col: _Collector) -> _Parsed | None:
    """Split a Markdown file into YAML front matter and body, reporting syntax errors."""
    rel = col.rel(path)
    text = read_content_file(path, col)
    if text is None:
        return None
    if not text.startswith("---"):
        col.error(rel, 1, "front matter", "the file must start with a '---' line of front matter")
        return None
    try:
        front, body = frontmatter.YAMLHandler().split(text)
    except ValueError:
        col.error(rel, 1, "front matter", "no closing '---' line after the front matter")
        return None
    body_line = front.count("\n") + 1
    for problem in (yaml_shape_problem(front, 1), markdown_shape_problem(body, body_line)):
        if problem:
            col.error(rel, problem[0], "front matter" if problem[0] < body_line else "body",
                      problem[1])
            return None
    try:
        meta = yaml.load(front, Loader=_ContentLoader) or {}  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        # Explained in plain words; the fields around the mistake are still read, so their
        # own problems are reported too (the broken field reports the mistake).
        line, message = yaml_errors.explain(exc, front, 1)
        meta, broken = yaml_errors.salvage(front, _ContentLoader)
        if not broken or not meta:
            col.error(rel, line, "front matter", message)
            return None
        lines = {key: index + 1 for key, index in yaml_errors.block_lines(front).items()}
        first = min(broken.values()) + 1
        for key, index in broken.items():
            meta[key] = (yaml_errors.Unreadable(line, message) if index + 1 == first else
                         yaml_errors.Unreadable(index + 1, f"cannot be read (see line {line})"))
        return _Parsed(rel, meta, body, body_line, lines, {})
    if not isinstance(meta, dict):
        col.error(rel, 2, "front matter", "the front matter must be a set of 'field: value' lines")
        return None
    lines, items = _key_lines(front, 1)
    return _Parsed(rel, meta, body, body_line, lines, items)


def _fingerprint(*parts: str) -> str:
    """A short, stable hash of the translatable text of a source file."""
    digest = hashlib.sha256("\n\x1f".join(p.strip() for p in parts).encode("utf-8"))
    return digest.hexdigest()[:12]


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _check_fields(parsed: _Parsed, allowed: Mapping[str, str], required: Iterable[str],
                  col: _Collector) -> dict:
    """Report unknown, missing and mistyped fields; return the values that are usable."""
    values: dict[str, Any] = {}
    for key, value in parsed.meta.items():
        line = parsed.lines.get(str(key), 2)
        if isinstance(value, yaml_errors.Unreadable):  # a YAML mistake in this field
            col.error(parsed.path, value.line, str(key), value.message)
            continue
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            col.error(parsed.path, line, str(key), f"unknown field (known fields: {known})")
            continue
        checked = _check_type(parsed.path, line, str(key), value, allowed[key], col)
        if checked is not None:
            values[key] = checked
    for key in required:
        if key not in parsed.meta:
            col.error(parsed.path, 2, key, "missing required field")
    return values


def _check_type(path: str, line: int, key: str, value: Any, kind: str,
                col: _Collector) -> Any:
    """Check one value against its expected kind; report and return None when it is wrong."""
    if kind == "text":
        if isinstance(value, bool) and key == "verdict":
            return str(value).lower()  # `verdict: false` without quotes
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            text = str(value).strip()
            if text:
                return text
            col.error(path, line, key, "must not be empty")
            return None
        col.error(path, line, key, f"must be text, not {_kind_name(value)}")
        return None
    if kind == "list":
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            return value
        col.error(path, line, key, f"must be a list, not {_kind_name(value)}")
        return None
    if kind == "mapping":
        if isinstance(value, dict):
            return value
        col.error(path, line, key, f"must be a set of 'key: value' lines, not {_kind_name(value)}")
        return None
    if kind == "date":
        date = _as_date(value)
        if date is None:
            col.error(path, line, key, f"must be a date written YYYY-MM-DD, not {shown(value)}")
        return date
    if kind == "source-date":
        if isinstance(value, dt.date):
            return value.isoformat()
        text = str(value).strip()
        if SOURCE_DATE.match(text):
            if len(text) == 10 and _as_date(text) is None:
                col.error(path, line, key, f"{shown(text)} is not a real date")
                return None
            return text
        col.error(path, line, key, f"must be YYYY-MM-DD, YYYY-MM or YYYY, not {shown(value)}")
        return None
    if kind == "url":
        text = str(value).strip()
        if URL_PATTERN.match(text):
            return text
        col.error(path, line, key, f"must be an absolute http(s) URL, not {shown(value)}")
        return None
    if kind == "contact":  # a line of text, or {text, email, url}
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return {"text": str(value).strip()}
        if isinstance(value, dict):
            unknown = sorted(set(map(str, value)) - {"text", "email", "url"})
            if unknown:
                col.error(path, line, key, f"unknown part {shown(unknown[0])} (use text, email, "
                          "url)")
                return None
            contact = {k: str(v).strip() for k, v in value.items() if v is not None}
            if contact.get("email") and not EMAIL_PATTERN.match(contact["email"]):
                col.error(path, line, f"{key}.email",
                          f"{shown(contact['email'])} is not an e-mail address")
                return None
            if contact.get("url") and not URL_PATTERN.match(contact["url"]):
                col.error(path, line, f"{key}.url",
                          f"must be an absolute http(s) URL, not {shown(contact['url'])}")
                return None
            return contact
        col.error(path, line, key, f"must be text or text/email/url, not {_kind_name(value)}")
        return None
    if kind == "bool":
        if isinstance(value, bool):
            return value
        col.error(path, line, key, f"must be true or false, not {shown(value)}")
        return None
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        col.error(path, line, key, f"must be a whole number, not {shown(value)}")
        return None
    raise ValueError(f"unknown field kind {kind}")


def _kind_name(value: Any) -> str:
    if value is None:
        return "empty"
    return {dict: "a set of fields", list: "a list", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def _text_list(path: str, line: int, key: str, values: list, col: _Collector) -> tuple[str, ...]:
    out = []
    for value in values:
        if isinstance(value, str) and value.strip():
            out.append(value.strip())
        else:
            col.error(path, line, key, f"each entry must be text, not {shown(value)}")
    return tuple(out)


def _body_line(parsed: _Parsed, needle: str) -> int:
    index = parsed.body.find(needle)
    return parsed.body_line + (parsed.body[:index].count("\n") if index >= 0 else 0)


# --------------------------------------------------------------------------- site


def load_site(content_dir: Path, col: _Collector) -> Site | None:
    """Read site.yml, reporting every problem with its line."""
    path = content_dir / "site.yml"
    rel = col.rel(path)
    if not path.exists() and not path.is_symlink():
        col.error(rel, 1, "file", "site.yml is missing")
        return None
    text = read_content_file(path, col)
    if text is None:
        return None
    shape = yaml_shape_problem(text, 1)
    if shape:
        col.error(rel, shape[0], "site.yml", shape[1])
        return None
    try:
        meta = yaml.load(text, Loader=_ContentLoader) or {}  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        line, message = yaml_errors.explain(exc, text, 1)
        col.error(rel, line, "site.yml", message)
        return None
    if not isinstance(meta, dict):
        col.error(rel, 1, "site.yml", "must be a set of 'field: value' lines")
        return None
    lines, _ = _key_lines(text, 1)
    parsed = _Parsed(rel, meta, "", 0, lines, {})
    before = col.errors
    values = _check_fields(parsed, SITE_FIELDS, SITE_REQUIRED, col)
    languages = _text_list(rel, lines.get("languages", 1), "languages",
                           values.get("languages", []), col)
    for lang in languages:
        if not LANG_PATTERN.match(lang):
            col.error(rel, lines.get("languages", 1), "languages",
                      f"{shown(lang)} is not a language code such as 'en' or 'es'")
    default = values.get("default_language", "")
    if languages and default and default not in languages:
        col.error(rel, lines.get("default_language", 1), "default_language",
                  f"{shown(default)} is not one of the site's languages")
    vocabularies = {}
    for key in ("verdicts", "topics", "places", "strengths"):
        vocabulary = {}
        for vocab_id, label in values.get(key, {}).items():
            vocab_id = str(vocab_id).lower() if isinstance(vocab_id, bool) else str(vocab_id)
            line = lines.get(f"{key}.{vocab_id}", lines.get(key, 1))
            if key != "strengths" and not ID_PATTERN.match(vocab_id):
                col.error(rel, line, key,
                          f"{shown(vocab_id)} must be lowercase letters, digits and '-'")
            vocabulary[vocab_id] = str(label)
        vocabularies[key] = MappingProxyType(vocabulary)
    publisher_url = str(values.get("publisher", {}).get("url", "") or "")
    if publisher_url and not URL_PATTERN.match(publisher_url):
        col.error(rel, lines.get("publisher.url", lines.get("publisher", 1)), "publisher.url",
                  f"must be an absolute http(s) URL, not {shown(publisher_url)}")
    identity = site_identity.read_identity(
        values, lines, languages, default, vocabularies["verdicts"], content_dir,
        lambda line, key, message: col.error(rel, line, key, message))
    if col.errors > before:
        return None
    contact = values.get("contact", {})
    ordered = (default,) + tuple(lang for lang in languages if lang != default)
    return Site(
        name=values["name"], base_url=values["base_url"].rstrip("/"),
        default_language=default, languages=ordered,
        publisher=MappingProxyType({str(k): str(v) for k, v in values["publisher"].items()}),
        contact=contact.get("text", ""), contact_email=contact.get("email", ""),
        contact_url=contact.get("url", ""), search_url=values.get("search_url", ""),
        report_url=values.get("report_url", ""),
        record_unanswered_searches=values.get("record_unanswered_searches", True),
        as_of_max_age_days=values.get("as_of_max_age_days", 1095),
        **vocabularies, **identity,
    )


# --------------------------------------------------------------------------- rumours


def _sections(parsed: _Parsed, col: _Collector, required: bool) -> dict[str, tuple[str, str]]:
    """Split a rumour body into its sections by heading id: {id: (title, markdown)}."""
    found = list(SECTION_HEADING.finditer(parsed.body))
    sections: dict[str, tuple[str, str]] = {}
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(parsed.body)
        section_id = match["id"]
        if section_id not in SECTION_IDS:
            line = _body_line(parsed, match.group(0))
            col.error(parsed.path, line, "body",
                      f"unknown section id '{{#{section_id}}}' (use {{#facts}}, {{#concern}}, "
                      "{#talk})")
            continue
        sections[section_id] = (match["title"], parsed.body[match.end():end].strip())
    if required:
        for section_id in SECTION_IDS:
            if section_id not in sections:
                col.error(parsed.path, parsed.body_line, "body",
                          f"missing the section '## ... {{#{section_id}}}'")
    return sections


def _facts(markdown_text: str) -> tuple[Fact, ...]:
    """The top-level bullets of a facts section, as plain text with their cited sources."""
    facts = []
    for item in re.split(r"^[-*]\s+", markdown_text, flags=re.M)[1:]:
        item = item.strip()
        if not item:
            continue
        cited = tuple(dict.fromkeys(markup.FOOTNOTE_REF.findall(item)))
        dates = [_as_date(d) for d in markup.AS_OF.findall(item)]
        facts.append(Fact(markup.plain_text(item), cited, max(filter(None, dates), default=None)))
    return tuple(facts)


def _footnotes(sources: Iterable[Source]) -> str:
    """Footnote definitions generated from the sources, appended to every body."""
    lines = []
    for s in sources:
        note = f" {s.note}." if s.note else ""
        lines.append(f"[^{s.id}]: {s.publisher}, *{s.title}* ({s.date}). <{s.url}>{note}")
    return "\n\n" + "\n".join(lines) + "\n"


def _check_citations(parsed: _Parsed, sources: tuple[Source, ...], col: _Collector,
                     require_all: bool) -> None:
    raw = parsed.meta.get("sources")
    if isinstance(raw, yaml_errors.Unreadable):
        return  # the sources cannot be read: their mistake is reported, not every citation
    # A source with a problem of its own still counts as listed (its problem is reported).
    ids = {s.id for s in sources} | {str(item["id"]) for item in raw or []
                                     if isinstance(item, dict) and item.get("id")} \
        if isinstance(raw, list) else {s.id for s in sources}
    cited = set()
    for match in markup.FOOTNOTE_REF.finditer(parsed.body):
        ref = match.group(1)
        cited.add(ref)
        if ref not in ids:
            line = parsed.body_line + parsed.body[:match.start()].count("\n")
            col.error(parsed.path, line, "body",
                      f"footnote [^{ref}] cites no source (listed sources: "
                      f"{', '.join(sorted(ids)) or 'none'})")
    definitions = re.finditer(r"^\[\^[^\]]+\]:", parsed.body, re.M)
    for match in definitions:
        line = parsed.body_line + parsed.body[:match.start()].count("\n")
        col.error(parsed.path, line, "body",
                  "do not write footnote definitions: they are generated from 'sources'")
    if require_all:
        for index, source in enumerate(sources):
            if source.id not in cited:
                line = parsed.item_lines.get("sources", [parsed.lines.get("sources", 2)])
                col.error(parsed.path, line[min(index, len(line) - 1)], "sources",
                          f"source '{source.id}' is never cited in the body")


def _load_sources(parsed: _Parsed, raw: list, site: Site, col: _Collector) -> tuple[Source, ...]:
    sources = []
    seen = set()
    item_lines = parsed.item_lines.get("sources", [])
    for index, item in enumerate(raw):
        line = item_lines[index] if index < len(item_lines) else parsed.lines.get("sources", 2)
        if not isinstance(item, dict):
            col.error(parsed.path, line, f"sources[{index + 1}]",
                      "each source must be a set of fields (id, publisher, title, date, url, "
                      "strength)")
            continue
        item_parsed = _Parsed(parsed.path, item, "", 0, {}, {})
        item_parsed.lines = {str(k): line + n for n, k in enumerate(item)}
        before = len(col.problems)
        values = {}
        for key, value in item.items():
            key_line = item_parsed.lines[str(key)]
            if key not in SOURCE_FIELDS:
                col.error(parsed.path, key_line, f"sources[{index + 1}].{key}",
                          f"unknown field (known fields: {', '.join(SOURCE_FIELDS)})")
                continue
            checked = _check_type(parsed.path, key_line, f"sources[{index + 1}].{key}", value,
                                  SOURCE_FIELDS[key], col)
            if checked is not None:
                values[key] = checked
        for key in SOURCE_REQUIRED:
            if key not in item:
                col.error(parsed.path, line, f"sources[{index + 1}].{key}",
                          "missing required field")
        strength = values.get("strength")
        if strength is not None and strength not in site.strengths:
            letter = yaml_errors.strength_letter(strength, dict(site.strengths))
            if letter is not None:  # the label the site shows ("Strong") means its letter
                values["strength"] = letter
            else:
                choices = "; ".join(f"{k} = {str(v).split(' — ')[0]}"
                                    for k, v in site.strengths.items())
                col.error(parsed.path, item_parsed.lines["strength"],
                          f"sources[{index + 1}].strength",
                          f"{shown(strength)} is not a strength: use {', '.join(site.strengths)}"
                          f" ({choices})")
        source_id = values.get("id")
        if source_id is not None:
            if not ID_PATTERN.match(source_id):
                col.error(parsed.path, item_parsed.lines["id"], f"sources[{index + 1}].id",
                          f"{shown(source_id)} must be lowercase letters, digits and '-'")
            elif source_id in seen:
                col.error(parsed.path, item_parsed.lines["id"], f"sources[{index + 1}].id",
                          f"duplicate source id {shown(source_id)}")
            seen.add(source_id)
        if len(col.problems) == before:
            _check_source_hygiene(parsed.path, line, index, values, col)
            sources.append(Source(**values))
    return tuple(sources)


DATED_REVIEW_DAYS = 90
# A claim is a sentence people say; a summary goes on a pocket card and a share image.
MAX_LENGTHS = {"claim": 200, "summary": 700, "aliases": 200}


def _check_lengths(parsed: _Parsed, values: dict, col: _Collector) -> None:
    for key, limit in MAX_LENGTHS.items():
        value = values.get(key)
        texts = value if isinstance(value, list) else [value]
        if isinstance(value, dict):
            texts = [t for group in value.values() for t in (group if isinstance(group, list)
                                                             else [group])]
        for text in texts:
            if isinstance(text, str) and len(text) > limit:
                col.error(parsed.path, parsed.lines.get(key, 2), key,
                          f"is {len(text)} characters; keep it under {limit} (it must fit on a "
                          "pocket card and a share image)")
                break


def _check_dated_facts(parsed: _Parsed, reviewed: dt.date | None, next_review: dt.date | None,
                       today: dt.date, site: Site, col: _Collector) -> None:
    """`{as_of=…}` markers: real dates, not in the future, not too old, reviewed often."""
    dated = []
    for match in markup.AS_OF.finditer(parsed.body):
        line = parsed.body_line + parsed.body[:match.start()].count("\n")
        date = _as_date(match.group(1))
        if date is None:
            col.error(parsed.path, line, "body", f"as_of={match.group(1)} is not a real date")
            continue
        if date > today:
            col.error(parsed.path, line, "body", f"as_of={date} is in the future")
        elif (today - date).days > site.as_of_max_age_days:
            col.warn(parsed.path, line, "body",
                     f"as_of={date} is more than {site.as_of_max_age_days} days old: check "
                     "that the fact still holds and update it (site.yml as_of_max_age_days)")
        dated.append(date)
    if dated and reviewed and next_review and (next_review - reviewed).days > DATED_REVIEW_DAYS:
        latest = reviewed + dt.timedelta(days=DATED_REVIEW_DAYS)
        col.error(parsed.path, parsed.lines.get("next_review", 2), "next_review",
                  f"this entry has dated facts (as_of), so it must be reviewed within "
                  f"{DATED_REVIEW_DAYS} days: set next_review on or before {latest}")


def _check_source_hygiene(path: str, line: int, index: int, values: dict,
                          col: _Collector) -> None:
    """Warnings a fact-checker would raise: a home page instead of the article, a year-only
    date for a recent source (each allowed when the source says why)."""
    url = values.get("url", "")
    parts = urlsplit(url)
    if url and parts.path.strip("/") == "" and not parts.query and not values.get(
            "why_home_page"):
        col.warn(path, line, f"sources[{index + 1}].url",
                 "links a home page, not the article: link the article, or say why in "
                 "'why_home_page'")
    date = values.get("date", "")
    if len(date) == 4 and date.isdigit() and int(date) > 2000 and not values.get(
            "why_year_only"):
        col.warn(path, line, f"sources[{index + 1}].date",
                 "gives only the year: give the publication date (YYYY-MM-DD), or say why "
                 "in 'why_year_only'")


def _check_vocabulary(parsed: _Parsed, key: str, values: tuple[str, ...],
                      vocabulary: Mapping[str, str], col: _Collector) -> None:
    for value in values:
        if value not in vocabulary:
            col.error(parsed.path, parsed.lines.get(key, 2), key,
                      f"{shown(value)} is not in site.yml {key} "
                      f"(use one of: {', '.join(vocabulary)})")


def _rumour_text(parsed: _Parsed, lang: str, claim: str, aliases: tuple[str, ...],
                 summary: str, sources: tuple[Source, ...], status: str,
                 col: _Collector, required_sections: bool) -> RumourText:
    sections = _sections(parsed, col, required_sections)
    by_id = {s.id: s for s in sources}
    citations = tuple(ref for ref in dict.fromkeys(markup.FOOTNOTE_REF.findall(parsed.body))
                      if ref in by_id)
    body_html = str(markup.render(parsed.body + _footnotes(by_id[c] for c in citations), lang))
    return RumourText(
        lang=lang, claim=claim, aliases=aliases, summary=summary, citations=citations,
        body_html=FOOTNOTE_BLOCK.sub("", body_html), body_text=markup.plain_text(parsed.body),
        facts=_facts(sections.get("facts", ("", ""))[1]),
        concern_text=markup.plain_text(sections.get("concern", ("", ""))[1]),
        talk_text=markup.plain_text(sections.get("talk", ("", ""))[1]),
        section_titles=MappingProxyType({k: markup.plain_text(v[0]) for k, v in sections.items()}),
        status=status, path=parsed.path,
    )


def _load_rumour(path: Path, site: Site, col: _Collector,
                 today: dt.date) -> _RumourDraft | None:
    parsed = _parse_file(path, col)
    if parsed is None:
        return None
    before = col.errors
    values = _check_fields(parsed, RUMOUR_FIELDS, RUMOUR_REQUIRED, col)
    rumour_id = values.get("id", "")
    if rumour_id and rumour_id != path.stem:
        col.error(parsed.path, parsed.lines.get("id", 2), "id",
                  f"{shown(rumour_id)} must match the file name {shown(path.stem)}")
    if rumour_id and not ID_PATTERN.match(rumour_id):
        col.error(parsed.path, parsed.lines.get("id", 2), "id",
                  "must be lowercase letters, digits and '-'")
    verdict = values.get("verdict")
    if verdict is not None and verdict not in site.verdicts:
        col.error(parsed.path, parsed.lines.get("verdict", 2), "verdict",
                  f"{shown(verdict)} is not a verdict (use one of: {', '.join(site.verdicts)})")
    topics = _text_list(parsed.path, parsed.lines.get("topics", 2), "topics",
                        values.get("topics", []), col)
    places = _text_list(parsed.path, parsed.lines.get("places", 2), "places",
                        values.get("places", []), col)
    _check_vocabulary(parsed, "topics", topics, site.topics, col)
    _check_vocabulary(parsed, "places", places, site.places, col)
    if "topics" in values and not topics:
        col.error(parsed.path, parsed.lines.get("topics", 2), "topics", "needs at least one topic")
    aliases: dict[str, tuple[str, ...]] = {}
    for lang, phrasings in values.get("aliases", {}).items():
        line = parsed.lines.get(f"aliases.{lang}", parsed.lines.get("aliases", 2))
        if lang not in site.languages:
            col.error(parsed.path, line, f"aliases.{lang}",
                      f"{shown(lang)} is not one of the site's languages "
                      f"({', '.join(site.languages)})")
            continue
        if not isinstance(phrasings, list):
            phrasings = [phrasings]
        aliases[lang] = _text_list(parsed.path, line, f"aliases.{lang}", phrasings, col)
    sources = _load_sources(parsed, values.get("sources", []), site, col)
    if "sources" in values and not values["sources"]:
        col.error(parsed.path, parsed.lines.get("sources", 2), "sources",
                  "needs at least one source")
    _check_citations(parsed, sources, col, require_all=True)
    published, reviewed = values.get("published"), values.get("reviewed")
    next_review = values.get("next_review")
    if published and reviewed and reviewed < published:
        col.error(parsed.path, parsed.lines.get("reviewed", 2), "reviewed",
                  "is earlier than 'published'")
    if reviewed and next_review and next_review <= reviewed:
        col.error(parsed.path, parsed.lines.get("next_review", 2), "next_review",
                  "must be later than 'reviewed'")
    if next_review and next_review < today:
        col.warn(parsed.path, parsed.lines.get("next_review", 2), "next_review",
                 f"the evidence was due for review on {next_review.isoformat()}")
    _check_dated_facts(parsed, reviewed, next_review, today, site, col)
    _check_lengths(parsed, values, col)
    lang = site.default_language
    text = _rumour_text(parsed, lang, values.get("claim", ""), aliases.get(lang, ()),
                        values.get("summary", ""), sources, "source", col, True)
    corrections = extras.source_corrections(
        parsed.path, parsed.item_lines.get("corrections", [parsed.lines.get("corrections", 2)]),
        values.get("corrections", []), published, today, col.error)
    if col.errors > before:
        return None
    text = replace(text, corrections=tuple(c.text for c in corrections))
    return _RumourDraft(
        id=rumour_id, verdict=verdict, topics=topics, places=places, sources=sources,
        published=published, reviewed=reviewed, next_review=next_review,
        draft=values.get("draft", False),
        fingerprint=_fingerprint(values["claim"], values["summary"], parsed.body),
        source_lang=lang, texts={lang: text}, path=parsed.path, aliases=aliases,
        corrections=corrections,
    )


@dataclass
class _RumourDraft:
    """A rumour while its translations are still being attached (mutable, internal)."""

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
    texts: dict[str, RumourText]
    path: str
    aliases: dict[str, tuple[str, ...]]
    corrections: tuple[Correction, ...] = ()

    def freeze(self, languages: tuple[str, ...],
               fallbacks: Mapping[str, tuple[str, ...]] | None = None) -> Rumour:
        ordered = {lang: self.texts[lang] for lang in languages if lang in self.texts}
        return Rumour(
            id=self.id, verdict=self.verdict, topics=self.topics, places=self.places,
            sources=self.sources, published=self.published, reviewed=self.reviewed,
            next_review=self.next_review, draft=self.draft, fingerprint=self.fingerprint,
            source_lang=self.source_lang, texts=MappingProxyType(ordered), path=self.path,
            aliases=MappingProxyType({lang: tuple(self.aliases[lang]) for lang in languages
                                      if self.aliases.get(lang)}),
            corrections=self.corrections,
            fallbacks=fallbacks if fallbacks is not None else MappingProxyType({}),
        )


def _translation_status(parsed: _Parsed, values: dict, fingerprint: str,
                        col: _Collector, source_path: str) -> str:
    stamped = values.get("source_fingerprint")
    if stamped == fingerprint:
        return "current"
    line = parsed.lines.get("source_fingerprint", 2)
    if stamped is None:
        col.warn(parsed.path, line, "source_fingerprint",
                 f"never stamped: check it against {source_path}, then run "
                 "`rumours i18n stamp`")
    else:
        col.warn(parsed.path, line, "source_fingerprint",
                 f"outdated: {source_path} changed since this translation was made")
    return "outdated"


def _split_translation_name(path: Path, site: Site, col: _Collector) -> tuple[str, str] | None:
    """`take-our-jobs.es.md` -> ("take-our-jobs", "es"); None for a source file."""
    stem = path.name[: -len(".md")]
    base, dot, lang = stem.rpartition(".")
    if not dot:
        return None
    if lang not in site.languages:
        col.error(col.rel(path), 1, "file name",
                  f"{shown(lang)} is not one of the site's languages ({', '.join(site.languages)})")
        return (base, "")
    if lang == site.default_language:
        col.error(col.rel(path), 1, "file name",
                  f"{shown(lang)} is the default language: the source file {base}.md holds "
                  "that text")
        return (base, "")
    return (base, lang)


def _attach_rumour_translation(path: Path, lang: str, draft: _RumourDraft, site: Site,
                               col: _Collector) -> None:
    parsed = _parse_file(path, col)
    if parsed is None:
        return
    before = col.errors
    values = _check_fields(parsed, RUMOUR_TRANSLATION_FIELDS, ("claim", "summary"), col)
    aliases = _text_list(parsed.path, parsed.lines.get("aliases", 2), "aliases",
                         values.get("aliases", []), col)
    aliases = tuple(dict.fromkeys(aliases + draft.aliases.get(lang, ())))
    _check_lengths(parsed, values, col)
    _check_citations(parsed, draft.sources, col, require_all=False)
    status = _translation_status(parsed, values, draft.fingerprint, col, draft.path)
    text = _rumour_text(parsed, lang, values.get("claim", ""), aliases,
                        values.get("summary", ""), draft.sources, status, col, True)
    text = replace(
        text,
        review=extras.review_status(parsed.path, parsed.lines.get("status", 2),
                                            values.get("status"), col.error),
        corrections=extras.translated_corrections(
            parsed.path, parsed.lines.get("corrections", 2), values.get("corrections", []),
            draft.corrections, draft.path, col.error, col.warn),
        source_notes=extras.source_notes(
            parsed.path, parsed.lines.get("source_notes", 2), values.get("source_notes", {}),
            (s.id for s in draft.sources), col.error),
    )
    if col.errors == before:
        draft.texts[lang] = text


def _document_text(parsed: _Parsed, lang: str, values: dict, status: str,
                   review: str = "") -> DocumentText:
    return DocumentText(
        lang=lang, title=values.get("title", ""), summary=values.get("summary", ""),
        body_html=str(markup.render(parsed.body, lang)), body_text=markup.plain_text(parsed.body),
        status=status, path=parsed.path, review=review,
    )


def _load_documents(folder: Path, kind: str, site: Site, col: _Collector,
                    known_rumours: set[str], include_drafts: bool = True) -> list:
    """Load pages or updates, each with its translations."""
    if not folder.is_dir():
        return []
    sources: dict[str, tuple[_Parsed, dict]] = {}
    translations: list[tuple[Path, str, str]] = []
    for path in sorted(folder.glob("*.md")):
        split = _split_translation_name(path, site, col)
        if split is not None:
            if split[1]:
                translations.append((path, *split))
            continue
        if _is_skipped_draft(path, include_drafts):
            continue
        parsed = _parse_file(path, col)
        if parsed is None:
            continue
        before = col.errors
        if kind == "update":
            match = UPDATE_NAME.match(path.stem)
            if not match:
                col.error(parsed.path, 1, "file name",
                          "an update's file name must be YYYY-MM-DD-slug.md")
            values = _check_fields(parsed, UPDATE_FIELDS, ("title", "date", "summary"), col)
            for rumour_id in _text_list(parsed.path, parsed.lines.get("rumours", 2), "rumours",
                                        values.get("rumours", []), col):
                if rumour_id not in known_rumours:
                    col.error(parsed.path, parsed.lines.get("rumours", 2), "rumours",
                              f"no rumour has the id {shown(rumour_id)}")
            if match and values.get("date") and values["date"].isoformat() != match["date"]:
                col.error(parsed.path, parsed.lines.get("date", 2), "date",
                          f"{values['date']} does not match the date in the file name")
        else:
            if not ID_PATTERN.match(path.stem):
                col.error(parsed.path, 1, "file name",
                          "a page's file name must be lowercase letters, digits and '-'")
            values = _check_fields(parsed, PAGE_FIELDS, ("title",), col)
        if col.errors == before:
            sources[path.stem] = (parsed, values)
    texts: dict[str, dict[str, DocumentText]] = {slug: {} for slug in sources}
    for path, base, lang in translations:
        if base not in sources:
            if not (folder / f"{base}.md").exists():
                col.error(col.rel(path), 1, "file name",
                          f"translation of {base}.md, which does not exist")
            continue
        parsed = _parse_file(path, col)
        if parsed is None:
            continue
        source_parsed, source_values = sources[base]
        before = col.errors
        values = _check_fields(parsed, PAGE_TRANSLATION_FIELDS, ("title",), col)
        fingerprint = _fingerprint(source_values.get("title", ""),
                                   source_values.get("summary", ""), source_parsed.body)
        status = _translation_status(parsed, values, fingerprint, col, source_parsed.path)
        review = extras.review_status(parsed.path, parsed.lines.get("status", 2),
                                              values.get("status"), col.error)
        if col.errors == before:
            texts[base][lang] = _document_text(parsed, lang, values, status, review)
    documents = []
    lang = site.default_language
    for slug, (parsed, values) in sources.items():
        all_texts = {lang: _document_text(parsed, lang, values, "source"), **texts[slug]}
        ordered = MappingProxyType({x: all_texts[x] for x in site.languages if x in all_texts})
        fingerprint = _fingerprint(values.get("title", ""), values.get("summary", ""),
                                   parsed.body)
        if kind == "update":
            match = UPDATE_NAME.match(slug)
            documents.append(Update(
                slug=match["slug"] if match else slug, date=values["date"],
                updated=values.get("updated", values["date"]),
                rumours=tuple(values.get("rumours", [])), draft=values.get("draft", False),
                fingerprint=fingerprint, source_lang=lang, texts=ordered, path=parsed.path,
                fallbacks=site.fallbacks,
            ))
        else:
            documents.append(Page(
                slug=slug, order=values.get("order", 100), draft=values.get("draft", False),
                fingerprint=fingerprint, source_lang=lang, texts=ordered, path=parsed.path,
                fallbacks=site.fallbacks,
            ))
    return documents


def content_files(content_dir: Path) -> list[Path]:
    """Every file the library is built from, for change detection (folders, and links out of
    the content folder, are left out here and reported by the loader)."""
    root = Path(content_dir).resolve()
    files = [content_dir / "site.yml", content_dir / "synonyms.yml"]  # synonyms: search
    # Images beside site.yml (the city's logo) travel with the content (last good copies).
    files.extend(sorted(p for p in content_dir.glob("*")
                        if p.suffix.lower() in site_identity.LOGO_SUFFIXES))
    for folder in ("rumours", "pages", "updates"):
        files.extend(sorted((content_dir / folder).glob("*.md")))
    kept = []
    for path in files:
        try:
            if path.is_file() and path.resolve().is_relative_to(root):
                kept.append(path)
        except OSError:
            continue
    return kept


def content_version(content_dir: Path) -> str:
    """A hash of every content file's name and bytes: changes whenever the content does."""
    digest = hashlib.sha256()
    for path in content_files(content_dir):
        digest.update(str(path.relative_to(content_dir)).encode())
        digest.update(b"\0")
        try:
            digest.update(path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else b"big")
        except OSError as exc:
            digest.update(f"unreadable {exc.errno}".encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _is_skipped_draft(path: Path, include_drafts: bool) -> bool:
    """A source file marked `draft: true` is not read at all when drafts are not shown, so
    a half-written draft never blocks the public library."""
    if include_drafts:
        return False
    try:
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            return False  # the loader reports what is wrong with it
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    front = head.split("\n---", 1)[0]
    return bool(re.search(r"^draft:\s*(true|yes|on)\s*$", front, re.M | re.I))


def _check_shared_urls(drafts: Iterable[_RumourDraft], col: _Collector) -> None:
    """Warn when one URL is cited under two source ids (one source, one id, one metadata)."""
    ids_by_url: dict[str, dict[str, str]] = {}
    for draft in drafts:
        for source in draft.sources:
            ids_by_url.setdefault(source.url.rstrip("/"), {}).setdefault(source.id, draft.path)
    for url, ids in sorted(ids_by_url.items()):
        if len(ids) > 1:
            names = ", ".join(f"{i} ({p})" for i, p in sorted(ids.items()))
            col.warn(next(iter(ids.values())), 1, "sources",
                     f"the same URL {shown(url, 80)} has several source ids: {names}; use one")


def _guarded(col: _Collector, path: Path, load: Callable[[], Any]) -> Any:
    """Run one file's loader; anything it raises becomes that file's problem, not a crash."""
    try:
        return load()
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError, AttributeError,
            OSError, yaml.YAMLError) as exc:
        col.error(col.rel(path), 1, "file", f"could not be read ({type(exc).__name__}); "
                  "check its front matter and Markdown")
        return None


def check_content(content_dir: Path, today: dt.date | None = None,
                  include_drafts: bool = True,
                  partial: bool = False) -> tuple[Library | None, list[Problem]]:
    """Load a content folder; return the library and every problem found.

    On errors the library is None, unless `partial` is set: then it holds every entry that
    loaded cleanly and leaves the broken ones out (None only when site.yml itself is broken).
    """
    content_dir = Path(content_dir).resolve()
    today = today or dt.date.today()
    col = _Collector(content_dir)
    site = _guarded(col, content_dir / "site.yml", lambda: load_site(content_dir, col))
    if site is None:
        return None, col.problems
    drafts: dict[str, _RumourDraft] = {}
    translations: list[tuple[Path, str, str]] = []
    skipped: set[str] = set()
    for path in sorted((content_dir / "rumours").glob("*.md")):
        split = _split_translation_name(path, site, col)
        if split is not None:
            if split[1]:
                translations.append((path, *split))
            continue
        if _is_skipped_draft(path, include_drafts):
            skipped.add(path.stem)
            continue
        draft = _guarded(col, path, lambda p=path: _load_rumour(p, site, col, today))
        if draft is None:
            continue
        if draft.id in drafts:
            col.error(draft.path, 2, "id", f"duplicate id {shown(draft.id)} (also in "
                      f"{drafts[draft.id].path})")
            continue
        drafts[draft.id] = draft
    _check_shared_urls(drafts.values(), col)
    from rumours.search.thesaurus import check_thesaurus  # it imports this module
    check_thesaurus(content_dir, site, col)
    all_ids = {p.stem for p in (content_dir / "rumours").glob("*.md") if "." not in p.stem}
    for path, base, lang in translations:
        if base not in drafts:
            if base not in all_ids:
                col.error(col.rel(path), 1, "file name",
                          f"translation of {base}.md, which does not exist")
            continue
        _guarded(col, path,
                 lambda p=path, b=base, lg=lang: _attach_rumour_translation(p, lg, drafts[b],
                                                                           site, col))
    pages = _guarded(col, content_dir / "pages", lambda: _load_documents(
        content_dir / "pages", "page", site, col, set(drafts), include_drafts)) or []
    updates = _guarded(col, content_dir / "updates", lambda: _load_documents(
        content_dir / "updates", "update", site, col, set(drafts) | skipped,
        include_drafts)) or []
    if col.errors and not partial:
        return None, col.problems
    rumours = sorted((d.freeze(site.languages, site.fallbacks) for d in drafts.values()),
                     key=lambda r: (-r.reviewed.toordinal(), r.id))
    keep = (lambda item: True) if include_drafts else (lambda item: not item.draft)
    library = Library(
        site=site,
        rumours=tuple(r for r in rumours if keep(r)),
        pages=tuple(sorted((p for p in pages if keep(p)), key=lambda p: (p.order, p.slug))),
        updates=tuple(sorted((u for u in updates if keep(u) and set(u.rumours) <= set(drafts)),
                             key=lambda u: (u.date, u.slug), reverse=True)),
        version=content_version(content_dir) + ("-drafts" if include_drafts else "")
        + ("-partial" if col.errors else ""),
        warnings=tuple(p for p in col.problems if not p.is_error),
    )
    return library, col.problems


def load_library(content_dir: Path, include_drafts: bool = False) -> Library:
    """Load a content folder into a Library, or raise ContentError listing every error."""
    library, problems = check_content(content_dir, include_drafts=include_drafts)
    if library is None:
        raise ContentError(problems)
    return library
