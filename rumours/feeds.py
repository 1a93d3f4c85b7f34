"""RSS 2.0 and Atom feeds (feedgen) of updates and new or re-reviewed rumours, per language."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from flask_babel import gettext

from rumours.library import Library, Rumour, Update

MAX_ENTRIES = 50
GENERATOR = "rumours"

# Builds a site path such as "/en/rumours/take-our-jobs" for an endpoint and its values.
PathFor = Callable[..., str]


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: an update or a rumour, in the feed's language."""

    key: str  # "rumours/<id>" or "updates/<slug>": what the stable id is made from
    title: str
    summary: str
    path: str
    published: dt.date
    updated: dt.date
    categories: tuple[tuple[str, str, str], ...] = ()  # (topic id, label, scheme path)


def _moment(day: dt.date) -> dt.datetime:
    """A content date as a timezone-aware datetime (midnight UTC): never "now"."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC)


def stable_id(base_url: str, lang: str, key: str) -> str:
    """A GUID that depends only on the site's host, the language and the item's id or slug.

    Edits to the text, the verdict or the dates never change it, so feed readers keep
    treating a re-reviewed rumour as the same item (shown as updated in Atom).
    """
    host = urlsplit(base_url).netloc or base_url
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{host}/{lang}/{key}"))


def rumour_entry(rumour: Rumour, lang: str, path_for: PathFor,
                 topic_label: Callable[[str], str],
                 verdict_label: Callable[[str], str]) -> FeedEntry:
    """A rumour as a feed entry: the claim and its verdict, the fact-first summary."""
    text = rumour.texts[lang]
    scheme = path_for("pages.topic_index", lang=lang)
    title = gettext("“%(claim)s”: %(verdict)s", claim=text.claim,
                    verdict=verdict_label(rumour.verdict))
    return FeedEntry(
        key=f"rumours/{rumour.id}", title=title, summary=text.summary,
        path=path_for("pages.rumour", lang=lang, rumour_id=rumour.id),
        published=rumour.published, updated=rumour.reviewed,
        categories=tuple((t, topic_label(t), scheme) for t in rumour.topics),
    )


def update_entry(update: Update, lang: str, path_for: PathFor) -> FeedEntry:
    """A news update as a feed entry."""
    text = update.texts[lang]
    summary = text.summary or text.body_text[:300]
    return FeedEntry(
        key=f"updates/{update.slug}", title=text.title, summary=summary,
        path=path_for("pages.update", lang=lang, slug=update.slug),
        published=update.date, updated=update.updated,
    )


def feed_entries(library: Library, lang: str, path_for: PathFor,
                 topic_label: Callable[[str], str], verdict_label: Callable[[str], str],
                 topic: str | None = None) -> list[FeedEntry]:
    """Entries written in `lang`, newest first (by the later of published and reviewed).

    A feed carries only what exists in its language: a rumour or update appears in the
    Spanish feed once it has a Spanish text. With `topic`, only rumours on that topic and
    the updates about them.
    """
    rumours = [r for r in library.rumours
               if lang in r.texts and (topic is None or topic in r.topics)]
    topic_ids = {r.id for r in library.rumours if topic is None or topic in r.topics}
    updates = [u for u in library.updates
               if lang in u.texts and (topic is None or topic_ids.intersection(u.rumours))]
    entries = [rumour_entry(r, lang, path_for, topic_label, verdict_label) for r in rumours]
    entries += [update_entry(u, lang, path_for) for u in updates]
    entries.sort(key=lambda e: (e.updated, e.published, e.key), reverse=True)
    return entries[:MAX_ENTRIES]


@dataclass(frozen=True)
class FeedInfo:
    """What a feed is about: its language, topic, title and where it lives."""

    lang: str
    title: str
    description: str
    home_path: str  # the HTML page the feed mirrors
    rss_path: str
    atom_path: str
    topic: str | None = None


def _generator(library: Library, info: FeedInfo, entries: list[FeedEntry],
               self_path: str, self_type: str) -> FeedGenerator:
    """A FeedGenerator filled from the content only, so equal content gives equal bytes."""
    site = library.site
    base = site.base_url
    fg = FeedGenerator()
    key = "feed" if info.topic is None else f"topics/{info.topic}/feed"
    fg.id(stable_id(base, info.lang, key))
    fg.title(info.title)
    fg.subtitle(info.description)  # also the RSS <description>
    fg.language(info.lang)
    # feedgen uses the last link added as the RSS <link>: the HTML page, after `self`.
    fg.link(href=base + self_path, rel="self", type=self_type)
    fg.link(href=base + info.home_path, rel="alternate", type="text/html")
    fg.author({"name": site.publisher.get("name", site.name),
               **({"uri": site.publisher["url"]} if site.publisher.get("url") else {})})
    fg.generator(GENERATOR)
    newest = max((e.updated for e in entries), default=library.last_modified)
    fg.updated(_moment(newest))  # atom:updated and rss:lastBuildDate
    for entry in entries:
        item = fg.add_entry(order="append")
        guid = stable_id(base, info.lang, entry.key)
        item.id(guid)
        item.guid(guid, permalink=False)
        item.title(entry.title)
        item.link(href=base + entry.path, rel="alternate")
        item.summary(entry.summary)  # also the RSS <description>
        item.published(_moment(entry.published))
        item.updated(_moment(entry.updated))
        for term, label, path in entry.categories:
            item.category(term=term, scheme=base + path, label=label)
    return fg


def rss_bytes(library: Library, info: FeedInfo, entries: list[FeedEntry]) -> bytes:
    """The RSS 2.0 document."""
    fg = _generator(library, info, entries, info.rss_path, "application/rss+xml")
    return fg.rss_str(pretty=True)


def atom_bytes(library: Library, info: FeedInfo, entries: list[FeedEntry]) -> bytes:
    """The Atom 1.0 document."""
    fg = _generator(library, info, entries, info.atom_path, "application/atom+xml")
    return fg.atom_str(pretty=True)
