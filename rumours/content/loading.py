"""Loading a content folder into a Library: per-file results, reused between loads, then
assembled with the checks across files (docs: /work/notes/content-api.md in the issue).

`ContentLoader.load()` re-reads only the files that changed since its last load (a
translation also when its source did; everything when site.yml or the day changed); an
unchanged rumour, page or update is the very same object in the new Library.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from rumours.content import checks, documents, rumours
from rumours.content.file_cache import FileCache, is_marked_draft, stat_key
from rumours.content.files import (
    content_files,
    relative_name,
    version_of,
)
from rumours.content.model import (
    ContentError,
    FileResult,
    Library,
    Problem,
    ProblemList,
    Site,
    Update,
)
from rumours.content.site_identity import LOGO_SUFFIXES
from rumours.content.site_settings import SITE_FILE, load_site


@dataclass(frozen=True)
class ContentCheck:
    """A check of one more file of the content folder, run by another layer (the thesaurus
    of search/): `run(content_dir, site)` returns its problems; an error refuses the load."""

    file_name: str
    run: Callable[[Path, Site], Iterable[Problem]]


# What a file's reading may raise on hostile input: that file's problem, never a crash.
_READ_FAILURES = (RecursionError, MemoryError, ValueError, TypeError, KeyError,
                  AttributeError, OSError, yaml.YAMLError)


def guarded(rel: str, parse: Callable[[bytes | str], FileResult]) -> Callable[
        [bytes | str], FileResult]:
    """`parse`, with anything it raises turned into the file's problem."""

    def run(data: bytes | str) -> FileResult:
        try:
            return parse(data)
        except _READ_FAILURES as exc:
            return FileResult(None, (Problem(
                rel, 1, "file", f"could not be read ({type(exc).__name__}); check its front "
                "matter and Markdown"),))

    return run


@dataclass(frozen=True)
class Changes:
    """What the last load re-read: file names relative to the content folder."""

    everything: bool = True
    paths: frozenset[str] = frozenset()


@dataclass
class _Load:
    """One load in progress: its problems and what it found."""

    site: Site
    today: dt.date
    problems: ProblemList = field(default_factory=ProblemList)
    sources: dict[str, FileResult] = field(default_factory=dict)  # by rumour id
    skipped: set[str] = field(default_factory=set)  # drafts left unread
    built: list = field(default_factory=list)


class ContentLoader:
    """Loads one content folder again and again, re-reading only what changed."""

    def __init__(self, content_dir: Path, include_drafts: bool = True,
                 checks: Sequence[ContentCheck] = ()):
        self.content_dir = Path(content_dir).resolve()
        self.include_drafts = include_drafts
        self.checks = tuple(checks)
        self.changes = Changes()
        self._lock = threading.Lock()
        self._files = FileCache(self.content_dir)
        self._site_key: tuple | None = None
        self._site: tuple[Site | None, tuple[Problem, ...]] = (None, ())
        self._check_results: dict[str, tuple[tuple, tuple[Problem, ...]]] = {}
        self._built: dict[tuple[str, str], tuple[tuple, object]] = {}
        self._rel_names: dict[Path, str] = {}
        self._version_names: dict[Path, str] = {}

    def load(self, today: dt.date | None = None,
             partial: bool = False) -> tuple[Library | None, list[Problem]]:
        """The library and every problem found. On errors the library is None, unless
        `partial` is set: then it holds every entry that loaded cleanly (None only when
        site.yml itself is broken)."""
        with self._lock:
            return self._load(today or dt.date.today(), partial)

    # ------------------------------------------------------------------ the steps

    def _load(self, today: dt.date, partial: bool) -> tuple[Library | None, list[Problem]]:
        self._files.start()
        everything = self._refresh_site(today)
        site, site_problems = self._site
        if site is None:
            self.changes = Changes(True, frozenset())
            return None, list(site_problems)
        load = _Load(site, today)
        load.problems.extend(site_problems)
        present = self._load_rumours(load)
        for folder in ("pages", "updates"):
            present |= self._load_documents(load, folder)
        self._files.forget_missing(present)
        self.changes = Changes(everything, frozenset(
            p.relative_to(self.content_dir).as_posix() for p in self._files.redone))
        if load.problems.errors and not partial:
            return None, load.problems.problems
        return self._library(load), load.problems.problems

    def _refresh_site(self, today: dt.date) -> bool:
        """Read site.yml again when it (or a logo) changed; then every file is re-read."""
        key = (today, *[(p.name, stat_key(p)) for p in sorted(self.content_dir.glob("*"))
                        if p.name == SITE_FILE or p.suffix.lower() in LOGO_SUFFIXES])
        if key == self._site_key:
            return False
        problems = ProblemList()
        try:
            site = load_site(self.content_dir, problems)
        except _READ_FAILURES as exc:
            site = None
            problems.error(self._rel(self.content_dir / SITE_FILE), 1, "file",
                           f"could not be read ({type(exc).__name__}); check its front matter "
                           "and Markdown")
        self._site = (site, tuple(problems.problems))
        self._site_key = key
        self._files.clear()
        self._check_results.clear()
        self._built.clear()
        return True

    def _rel(self, path: Path) -> str:
        name = self._rel_names.get(path)  # kept: Path.relative_to is slow over every file
        if name is None:
            name = self._rel_names[path] = relative_name(path, self.content_dir)
        return name

    def _load_rumours(self, load: _Load) -> set[Path]:
        folder = self.content_dir / "rumours"
        paths = _markdown_files(folder)
        translations = []
        for path in paths:
            split = checks.split_translation_name(path, self._rel(path), load.site,
                                                  load.problems)
            if split is not None:
                if split[1]:
                    translations.append((path, *split))
                continue
            self._rumour_source(load, path)
        checks.shared_urls((r.value for r in load.sources.values()), load.problems)
        for check in self.checks:
            load.problems.extend(self._run_check(check, load.site))
        stems = {p.stem for p in paths if "." not in p.stem}
        for path, base, lang in translations:
            source = load.sources.get(base)
            if source is None:
                if base not in stems:
                    checks.missing_source(self._rel(path), base, load.problems)
                continue
            result = self._files.result(path, guarded(
                self._rel(path), lambda data, p=path, lg=lang, s=source.value:
                rumours.parse_rumour_translation(self._rel(p), lg, data, s)), (source,))
            load.problems.extend(result.problems)
            if result.ok:
                load.built.append((base, lang, result))
        return set(paths)

    def _rumour_source(self, load: _Load, path: Path) -> None:
        def parse(data: bytes | str) -> FileResult:
            if not self.include_drafts and is_marked_draft(data):
                return FileResult(None, (), skipped_draft=True)
            return rumours.parse_rumour(self._rel(path), path.stem, data, load.site,
                                        load.today)

        result = self._files.result(path, guarded(self._rel(path), parse))
        if result.skipped_draft:
            load.skipped.add(path.stem)
            return
        load.problems.extend(result.problems)
        if not result.ok:
            return
        if result.value.id in load.sources:
            load.problems.error(result.value.path, 2, "id", f"duplicate id {result.value.id!r} "
                                f"(also in {load.sources[result.value.id].value.path})")
            return
        load.sources[result.value.id] = result

    def _run_check(self, check: ContentCheck, site: Site) -> tuple[Problem, ...]:
        key = stat_key(self.content_dir / check.file_name)
        kept = self._check_results.get(check.file_name)
        if kept is None or kept[0] != key:
            kept = (key, tuple(check.run(self.content_dir, site)))
            self._check_results[check.file_name] = kept
        return kept[1]

    def _load_documents(self, load: _Load, folder_name: str) -> set[Path]:
        folder = self.content_dir / folder_name
        if not folder.is_dir():
            return set()
        kind = documents.KINDS[folder_name]
        paths = _markdown_files(folder)
        sources: dict[str, FileResult] = {}
        translations = []
        known = set(load.sources) | (load.skipped if kind == "update" else set())
        for path in paths:
            split = checks.split_translation_name(path, self._rel(path), load.site,
                                                  load.problems)
            if split is not None:
                if split[1]:
                    translations.append((path, *split))
                continue
            result = self._document_source(load, kind, path)
            if result is None:
                continue
            load.problems.extend(result.problems)
            if result.ok and self._links_known_rumours(result, known, load.problems):
                sources[path.stem] = result
        for path, base, lang in translations:
            if base not in sources:
                if not (folder / f"{base}.md").exists():
                    checks.missing_source(self._rel(path), base, load.problems)
                continue
            source = sources[base]
            result = self._files.result(path, guarded(
                self._rel(path), lambda data, p=path, lg=lang, s=source.value:
                documents.parse_document_translation(self._rel(p), lg, data, s)), (source,))
            load.problems.extend(result.problems)
            if result.ok:
                load.built.append((f"{folder_name}/{base}", lang, result))
        for stem, result in sources.items():
            load.built.append((f"{folder_name}/{stem}", "", result))
        return set(paths)

    def _document_source(self, load: _Load, kind: str, path: Path) -> FileResult | None:
        def parse(data: bytes | str) -> FileResult:
            if not self.include_drafts and is_marked_draft(data):
                return FileResult(None, (), skipped_draft=True)
            return documents.parse_document(kind, self._rel(path), path.stem, data, load.site)

        result = self._files.result(path, guarded(self._rel(path), parse))
        return None if result.skipped_draft else result

    @staticmethod
    def _links_known_rumours(result: FileResult, known: set[str],
                             problems: ProblemList) -> bool:
        source = result.value
        if source.kind != "update":
            return True
        before = problems.errors
        checks.update_rumours(source.path, source.rumours_line,
                              source.values.get("rumours", ()), known, problems)
        return problems.errors == before

    # ------------------------------------------------------------------ assembling

    def _reuse(self, key: tuple[str, str], inputs: tuple, build: Callable[[], object]):
        """The object built from the same inputs last time (the same object), else a new one."""
        kept = self._built.get(key)
        if kept is not None and len(kept[0]) == len(inputs) and all(
                a is b for a, b in zip(kept[0], inputs, strict=True)):
            return kept[1]
        built = build()
        self._built[key] = (inputs, built)
        return built

    def _library(self, load: _Load) -> Library:
        site = load.site
        texts: dict[str, dict[str, FileResult]] = {}
        document_sources: dict[str, FileResult] = {}
        for key, lang, result in load.built:
            if lang:
                texts.setdefault(key, {})[lang] = result
            else:
                document_sources[key] = result
        rumour_list = []
        for rumour_id, source in load.sources.items():
            found = texts.get(rumour_id, {})
            inputs = (source, *found.values())
            rumour_list.append(self._reuse(("rumour", rumour_id), inputs, lambda s=source, f=found:
                               rumours.assemble(s.value, {k: v.value for k, v in f.items()},
                                                site)))
        entries = []
        for key, source in document_sources.items():
            found = texts.get(key, {})
            entries.append(self._reuse(("document", key), (source, *found.values()),
                                       lambda s=source, f=found: documents.assemble(
                                           s.value, {k: v.value for k, v in f.items()}, site)))
        return _ordered_library(self, site, rumour_list, entries, load)

    def version(self) -> str:
        """The content version (as `content_version`), from the kept digests."""
        return version_of((self._version_name(path), self._files.digest(path))
                          for path in content_files(self.content_dir))

    def _version_name(self, path: Path) -> str:
        name = self._version_names.get(path)
        if name is None:
            name = self._version_names[path] = path.relative_to(self.content_dir).as_posix()
        return name


def _ordered_library(loader: ContentLoader, site: Site, rumour_list: list, entries: list,
                     load: _Load) -> Library:
    def keep(item: object) -> bool:
        return loader.include_drafts or not item.draft

    known = set(load.sources)
    pages = [e for e in entries if not isinstance(e, Update)]
    updates = [e for e in entries if isinstance(e, Update)]
    partial = "-partial" if load.problems.errors else ""
    return Library(
        site=site,
        rumours=tuple(sorted((r for r in rumour_list if keep(r)),
                             key=lambda r: (-r.reviewed.toordinal(), r.id))),
        pages=tuple(sorted((p for p in pages if keep(p)), key=lambda p: (p.order, p.slug))),
        updates=tuple(sorted((u for u in updates if keep(u) and set(u.rumours) <= known),
                             key=lambda u: (u.date, u.slug), reverse=True)),
        version=loader.version() + ("-drafts" if loader.include_drafts else "") + partial,
        warnings=tuple(p for p in load.problems.problems if not p.is_error),
    )


def _markdown_files(folder: Path) -> list[Path]:
    """The .md files of a folder, sorted by name (as sorted(glob) but without comparing
    thousands of Path objects)."""
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".md"))
    except OSError:
        return []
    return [folder / name for name in names]


def check_content(content_dir: Path, today: dt.date | None = None,
                  include_drafts: bool = True, partial: bool = False,
                  checks: Sequence[ContentCheck] = ()) -> tuple[Library | None, list[Problem]]:
    """Load a content folder once; return the library and every problem found (see
    `ContentLoader.load`)."""
    return ContentLoader(content_dir, include_drafts, checks).load(today, partial)


def load_library(content_dir: Path, include_drafts: bool = False,
                 checks: Sequence[ContentCheck] = ()) -> Library:
    """Load a content folder into a Library, or raise ContentError listing every error."""
    library, problems = check_content(content_dir, include_drafts=include_drafts,
                                      checks=checks)
    if library is None:
        raise ContentError(problems)
    return library
