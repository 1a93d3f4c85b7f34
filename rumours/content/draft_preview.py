"""The preview (`rumours serve --dev`) of a rumour file that does not validate yet.

A fresh `rumours new` file, or an entry being edited, is shown with whatever it has and its
problems next to the fields they are about, instead of a 404 or the last good version. It
is read leniently: a YAML mistake costs only the field it is in (rumours/content/yaml_errors.py).
Nothing here is used outside the preview.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from markupsafe import Markup

from rumours.content import markup, yaml_errors
from rumours.content.files import MAX_FILE_BYTES
from rumours.content.model import Problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class DraftPreview:
    """What a rumour file says so far, and what is wrong with it."""

    rumour_id: str
    path: str  # as the problems name it (relative to the content folder's parent)
    text_lang: str  # the language of the text shown (a translation's, or the source's)
    fields: dict[str, Any]
    body_html: Markup
    problems: list[Problem]
    by_field: dict[str, list[Problem]] = field(default_factory=dict)

    def about(self, *names: str) -> list[Problem]:
        """The problems of these fields (a name matches "sources" and "sources[2].url")."""
        found = []
        for problem in self.problems:
            base = problem.field.split("[", 1)[0].split(".", 1)[0]
            if problem.field in names or base in names:
                found.append(problem)
        return found

    def exact(self, name: str) -> list[Problem]:
        """The problems of exactly this field (not of its parts)."""
        return [p for p in self.problems if p.field == name]

    def source_problems(self, index: int) -> list[Problem]:
        prefix = f"sources[{index + 1}]"
        return [p for p in self.problems if p.field.startswith(prefix)]

    @property
    def other_problems(self) -> list[Problem]:
        """Problems not shown beside a field: the file, its front matter, its body."""
        shown = {"id", "claim", "summary", "verdict", "topics", "places", "sources",
                 "aliases", "published", "reviewed", "next_review", "corrections", "draft"}
        return [p for p in self.problems
                if p.field.split("[", 1)[0].split(".", 1)[0] not in shown]


def _read(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace").lstrip("\ufeff")
    except OSError:
        return None


def _split(text: str) -> tuple[dict[str, Any], str]:
    """Front matter (as much as reads) and body; a file without front matter is all body."""
    if not text.startswith("---"):
        return {}, text
    try:
        front, body = frontmatter.YAMLHandler().split(text)
    except ValueError:
        front, body = text[3:], ""
    try:
        meta = yaml.load(front, Loader=_Loader) or {}  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        meta, _broken = yaml_errors.salvage(front, _Loader)
    return (meta if isinstance(meta, dict) else {}), body


def _footnotes(sources: Iterable[Mapping]) -> dict[str, str]:
    """The footnote of each source, from whatever fields it has so far."""
    return {str(source["id"]): f"{source.get('publisher') or '?'}, "
            f"*{source.get('title') or '?'}* ({source.get('date') or '?'})."
            for source in sources if isinstance(source, Mapping) and source.get("id")}


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str | int | float) else ""


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def load(content_dir: Path, rumour_id: str, lang: str, default_lang: str,
         problems: Iterable[Problem]) -> DraftPreview | None:
    """The preview of rumours/<id>.md (with its <lang> translation's text when there is one),
    or None when there is no such file."""
    folder = Path(content_dir) / "rumours"
    source_path = folder / f"{rumour_id}.md"
    source = _read(source_path)
    if source is None:
        return None
    meta, body = _split(source)
    text_lang = default_lang
    names = {source_path.name}
    if lang != default_lang:
        translated = _read(folder / f"{rumour_id}.{lang}.md")
        if translated is not None:
            names.add(f"{rumour_id}.{lang}.md")
            t_meta, t_body = _split(translated)
            meta = {**meta, **{k: v for k, v in t_meta.items() if k in ("claim", "summary")}}
            body, text_lang = t_body, lang
    sources = [s for s in meta.get("sources") or [] if isinstance(s, Mapping)] \
        if isinstance(meta.get("sources"), list) else []
    fields = {
        "claim": _text(meta.get("claim")), "summary": _text(meta.get("summary")),
        "verdict": _text(meta.get("verdict")).lower(),
        "topics": _list(meta.get("topics")), "places": _list(meta.get("places")),
        "sources": sources,
    }
    try:
        body_html = markup.convert(body, text_lang, notes=_footnotes(sources)).html
    except (ValueError, RecursionError):
        body_html = Markup("")
    mine = [p for p in problems if Path(p.path).name in names]
    mine.sort(key=lambda p: (p.path, p.line))
    content_root = Path(content_dir).resolve().parent
    try:
        shown_path = str(source_path.resolve().relative_to(content_root))
    except ValueError:
        shown_path = str(source_path)
    return DraftPreview(rumour_id, shown_path, text_lang, fields, body_html, mine)


def file_problems(problems: Iterable[Problem], rumour_id: str) -> list[Problem]:
    """The problems of a rumour's files (its source and its translations)."""
    out = []
    for problem in problems:
        name = Path(problem.path).name
        if name == f"{rumour_id}.md" or (name.startswith(f"{rumour_id}.")
                                         and name.count(".") == 2):
            out.append(problem)
    return out
