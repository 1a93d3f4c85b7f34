"""Content translations: which are current, outdated or missing, and stamping them current."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from rumours.content.documents import UPDATE_NAME
from rumours.content.files import read_content_bytes, relative_name
from rumours.content.model import Library, ProblemList
from rumours.content.parsing import parse_markdown_file
from rumours.content.rumours import fingerprint
from rumours.content.schema import PageFields, RumourFields, UpdateFields
from rumours.content.validation import validate
from rumours.files import atomic_write

KINDS = ("rumour", "page", "update")
FOLDERS = {"rumour": "rumours", "page": "pages", "update": "updates"}
_FINGERPRINT_LINE = re.compile(r"^source_fingerprint:[^\r\n]*", re.M)
_CLOSING = re.compile(r"^---[ \t]*\r?$", re.M)


class StampError(Exception):
    """The translation cannot be stamped; the message says why and what to do."""


@dataclass(frozen=True)
class Coverage:
    """One kind of content (rumours, pages or updates) in one language."""

    translated: tuple[str, ...]  # a translation exists and matches the current source
    outdated: tuple[str, ...]  # a translation exists but the source changed since
    missing: tuple[str, ...]  # no translation: readers see the default language
    # Of the existing translations (translated or outdated), by their `status`:
    draft: tuple[str, ...] = ()  # not yet checked by a fluent speaker (readers are told)
    reviewed: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return len(self.translated) + len(self.outdated) + len(self.missing)

    def as_dict(self) -> dict:
        return {
            "total": self.total, "translated": len(self.translated),
            "outdated": len(self.outdated), "missing": len(self.missing),
            "draft": len(self.draft), "reviewed": len(self.reviewed),
            "outdated_ids": list(self.outdated), "missing_ids": list(self.missing),
            "draft_ids": list(self.draft),
        }


def _coverage(items: Iterable, lang: str, name: str) -> Coverage:
    translated, outdated, missing, draft, reviewed = [], [], [], [], []
    for item in items:
        text = item.texts.get(lang)
        key = getattr(item, name)
        if text is None:
            missing.append(key)
            continue
        if text.status == "outdated":
            outdated.append(key)
        else:
            translated.append(key)
        (reviewed if getattr(text, "review", "") == "reviewed" else draft).append(key)
    return Coverage(tuple(translated), tuple(outdated), tuple(missing), tuple(draft),
                    tuple(reviewed))


def content_coverage(library: Library, lang: str) -> dict[str, Coverage]:
    """{"rumours": ..., "pages": ..., "updates": ...} for one language."""
    return {
        "rumours": _coverage(library.rumours, lang, "id"),
        "pages": _coverage(library.pages, lang, "slug"),
        "updates": _coverage(library.updates, lang, "slug"),
    }


# --------------------------------------------------------------------------- stamping


@dataclass(frozen=True)
class Stamped:
    """What `stamp` did."""

    path: Path
    source_path: Path
    fingerprint: str
    previous: str | None

    @property
    def changed(self) -> bool:
        return self.previous != self.fingerprint


def split_item(item: str, kind: str | None) -> tuple[str, str]:
    """`pages/about` -> ("page", "about"); `take-our-jobs` -> ("rumour", "take-our-jobs")."""
    item = item.strip().strip("/")
    if item.endswith(".md"):
        item = item[: -len(".md")]
    folder, slash, rest = item.rpartition("/")
    if slash:
        folder = folder.rsplit("/", 1)[-1]
        by_folder = {v: k for k, v in FOLDERS.items()}
        if folder not in by_folder:
            raise StampError(f"{item!r}: the folder must be rumours/, pages/ or updates/")
        if kind and kind != by_folder[folder]:
            raise StampError(f"{item!r} is in {folder}/, but --kind says {kind}")
        return by_folder[folder], rest
    return kind or "rumour", item


def _site_languages(content_dir: Path) -> tuple[tuple[str, ...], str]:
    site_file = content_dir / "site.yml"
    try:
        site = yaml.safe_load(site_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise StampError(f"cannot read {site_file}: run `rumours check` ({exc})") from exc
    languages = tuple(str(x) for x in site.get("languages") or ())
    return languages, str(site.get("default_language", ""))


def _find_source(content_dir: Path, kind: str, name: str) -> Path:
    folder = content_dir / FOLDERS[kind]
    exact = folder / f"{name}.md"
    if exact.is_file():
        return exact
    if kind == "update":
        matches = sorted(
            p for p in folder.glob(f"*-{name}.md")
            if (m := UPDATE_NAME.match(p.stem)) and m["slug"] == name
        )
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(p.name for p in matches)
            raise StampError(f"several updates are called {name!r} ({names}): give the date too")
    raise StampError(f"no source file {exact} (is the {kind} id right?)")


def source_fingerprint(source_path: Path, kind: str) -> str:
    """The fingerprint of a source file's translatable text, computed as the library does."""
    root = source_path.parent.parent.resolve()
    problems = ProblemList()
    rel = relative_name(source_path.resolve(), root)
    parsed = parse_markdown_file(rel, read_content_bytes(source_path, root), problems)
    if parsed is None:
        raise StampError("; ".join(str(p) for p in problems.problems))
    model = {"rumour": RumourFields, "update": UpdateFields}.get(kind, PageFields)
    values = validate(model, parsed.meta, parsed.document, rel, problems).values
    if kind == "rumour":
        parts = (values.get("claim"), values.get("summary"), parsed.body)
    else:
        parts = (values.get("title"), values.get("summary", ""), parsed.body)
    if any(part is None for part in parts):
        raise StampError("; ".join(str(p) for p in problems.problems if p.is_error)
                         or f"{source_path} cannot be read")
    return fingerprint(*parts)


def _set_fingerprint(text: str, fingerprint: str, path: Path) -> tuple[str, str | None]:
    """Put `source_fingerprint: <fp>` in the front matter, keeping every other byte."""
    start = 1 if text.startswith("\ufeff") else 0
    if not text[start:].startswith("---"):
        raise StampError(f"{path}: the file must start with a '---' line of front matter")
    first_end = text.find("\n", start)
    closing = _CLOSING.search(text, first_end + 1) if first_end >= 0 else None
    if closing is None:
        raise StampError(f"{path}: no closing '---' line after the front matter")
    front = text[first_end + 1: closing.start()]
    newline = "\r\n" if text[first_end - 1: first_end] == "\r" else "\n"
    line = f"source_fingerprint: {fingerprint}"
    match = _FINGERPRINT_LINE.search(front)
    previous = None
    if match:
        previous = match.group(0).split(":", 1)[1].split("#", 1)[0].strip().strip("'\"") or None
        front = front[: match.start()] + line + front[match.end():]
    else:
        if front and not front.endswith("\n"):
            front += newline
        front += line + newline
    return text[: first_end + 1] + front + text[closing.start():], previous


def stamp(content_dir: Path, item: str, lang: str, kind: str | None = None) -> Stamped:
    """Record in `<item>.<lang>.md` that it translates the current version of its source."""
    content_dir = Path(content_dir)
    kind, name = split_item(item, kind)
    if kind not in KINDS:
        raise StampError(f"unknown kind {kind!r} (use one of: {', '.join(KINDS)})")
    languages, default = _site_languages(content_dir)
    if lang not in languages:
        raise StampError(f"{lang!r} is not one of the site's languages ({', '.join(languages)})")
    if lang == default:
        raise StampError(f"{lang!r} is the default language: its text is the source itself")
    source_path = _find_source(content_dir, kind, name)
    path = source_path.with_name(f"{source_path.stem}.{lang}.md")
    if not path.is_file():
        raise StampError(f"no translation {path}: write it first (see docs/translating.md)")
    fingerprint = source_fingerprint(source_path, kind)
    with open(path, encoding="utf-8", newline="") as fh:  # keep the file's line endings
        text = fh.read()
    new_text, previous = _set_fingerprint(text, fingerprint, path)
    if new_text != text:
        atomic_write(path, new_text)  # exactly as given: the file keeps its line endings
    return Stamped(path, source_path, fingerprint, previous)
