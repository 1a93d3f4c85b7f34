"""Checks across files: translation file names, one id per source URL, updates' rumours."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rumours.content.model import ProblemList, Rumour, Site, shown


def split_translation_name(path: Path, rel: str, site: Site,
                           problems: ProblemList) -> tuple[str, str] | None:
    """`take-our-jobs.es.md` -> ("take-our-jobs", "es"); None for a source file; the
    language is "" (reported) when it is not one the site translates into."""
    stem = path.name[: -len(".md")]
    base, dot, lang = stem.rpartition(".")
    if not dot:
        return None
    if lang not in site.languages:
        problems.error(rel, 1, "file name", f"{shown(lang)} is not one of the site's languages "
                       f"({', '.join(site.languages)})")
        return (base, "")
    if lang == site.default_language:
        problems.error(rel, 1, "file name", f"{shown(lang)} is the default language: the "
                       f"source file {base}.md holds that text")
        return (base, "")
    return (base, lang)


def missing_source(rel: str, base: str, problems: ProblemList) -> None:
    problems.error(rel, 1, "file name", f"translation of {base}.md, which does not exist")


def shared_urls(sources: Iterable[Rumour], problems: ProblemList) -> None:
    """Warn when one URL is cited under two source ids (one source, one id, one metadata)."""
    ids_by_url: dict[str, dict[str, str]] = {}
    for rumour in sources:
        for source in rumour.sources:
            ids_by_url.setdefault(source.url.rstrip("/"), {}).setdefault(source.id, rumour.path)
    for url, ids in sorted(ids_by_url.items()):
        if len(ids) > 1:
            names = ", ".join(f"{i} ({p})" for i, p in sorted(ids.items()))
            problems.warn(next(iter(ids.values())), 1, "sources",
                          f"the same URL {shown(url, 80)} has several source ids: {names}; "
                          "use one")


def update_rumours(path: str, line: int, rumour_ids: Iterable[str], known: set[str],
                   problems: ProblemList) -> None:
    """An update links only rumours that exist."""
    for rumour_id in rumour_ids:
        if rumour_id not in known:
            problems.error(path, line, "rumours", f"no rumour has the id {shown(rumour_id)}")
