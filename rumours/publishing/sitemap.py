"""The sitemap: every page of the library, each in every language, with hreflang alternates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from xml.sax.saxutils import escape, quoteattr

from rumours.content.model import Library

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


@dataclass(frozen=True)
class SitemapPage:
    """A page that exists in every language: an endpoint, its values (bar `lang`), a date."""

    endpoint: str
    values: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    lastmod: dt.date | None = None


def _newest(dates: Iterable[dt.date]) -> dt.date | None:
    return max(dates, default=None)


def sitemap_pages(library: Library, has_endpoint: Callable[[str], bool]) -> list[SitemapPage]:
    """Every page worth listing, with the date its content last changed where it has one.

    Standing pages (about, method) carry no date in the content, so they have no lastmod:
    a wrong date is worse than none.
    """
    def page(endpoint: str, lastmod: dt.date | None = None, **values: str) -> SitemapPage:
        return SitemapPage(endpoint, MappingProxyType(values), lastmod)

    reviewed = _newest(r.reviewed for r in library.rumours)
    updated = _newest(u.updated for u in library.updates)
    pages = [
        page("pages.home", _newest(d for d in (reviewed, updated) if d)),
        page("pages.rumour_list", reviewed),
        page("pages.topic_index", reviewed),
    ]
    for topic in library.site.topics:
        on_topic = library.filter(topic=topic)
        if on_topic:
            pages.append(page("pages.topic", _newest(r.reviewed for r in on_topic), topic=topic))
    pages += [page("pages.rumour", r.reviewed, rumour_id=r.id) for r in library.rumours]
    pages += [page("pages.page", None, slug=p.slug) for p in library.pages]
    pages.append(page("pages.update_list", updated))
    pages += [page("pages.update", u.updated, slug=u.slug) for u in library.updates]
    if has_endpoint("cards.deck_builder"):
        pages.append(page("cards.deck_builder", reviewed))
    return pages


def sitemap_xml(pages: Iterable[SitemapPage], languages: Iterable[str], default_language: str,
                url_for_lang: Callable[[SitemapPage, str], str]) -> bytes:
    """The sitemap document: one <url> per page and language, each listing all alternates."""
    languages = tuple(languages)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    for page in pages:
        urls = {lang: url_for_lang(page, lang) for lang in languages}
        alternates = [f'    <xhtml:link rel="alternate" hreflang="{lang}" '
                      f'href={quoteattr(urls[lang])}/>' for lang in languages]
        alternates.append(f'    <xhtml:link rel="alternate" hreflang="x-default" '
                          f'href={quoteattr(urls[default_language])}/>')
        for lang in languages:
            lines.append("  <url>")
            lines.append(f"    <loc>{escape(urls[lang])}</loc>")
            if page.lastmod:
                lines.append(f"    <lastmod>{page.lastmod.isoformat()}</lastmod>")
            lines.extend(alternates)
            lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
