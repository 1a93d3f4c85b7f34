"""RSS 2.0 and Atom feeds (feedgen) of updates and new or re-reviewed rumours, per language.

Fact first: a rumour's item leads with its verdict and the answer; the rumour itself comes
once, labelled, after the answer, followed by the entry's corrections. A language's feed has
every entry, in the language's fallback chain (site.yml `fallbacks`) when it is not
translated yet, and says which language such an item is in.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from flask_babel import gettext

from rumours import i18n
from rumours.content.model import Library, Rumour, Update
from rumours.content.text_units import sentences

MAX_ENTRIES = 50
GENERATOR = "rumours"
HEADLINE_CHARS = 160  # an item title: the answer's first whole sentences up to this length

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


def headline(summary: str) -> str:
    """An item title from the answer: its first whole sentences up to HEADLINE_CHARS, or the
    first sentence whole (never a sentence cut in the middle)."""
    parts = sentences(summary)
    if not parts:
        return summary
    kept = []
    for part in parts:
        if kept and len(" ".join([*kept, part])) > HEADLINE_CHARS:
            break
        kept.append(part)
    return " ".join(kept)


def _language_note(text_lang: str, lang: str) -> str:
    """"Not yet translated; shown in French." for an item in a fallback language."""
    if text_lang == lang:
        return ""
    return gettext("Not yet translated; shown in %(language)s.",
                   language=i18n.language_label(text_lang))


def rumour_entry(rumour: Rumour, lang: str, path_for: PathFor,
                 topic_label: Callable[[str], str],
                 verdict_label: Callable[[str], str]) -> FeedEntry:
    """A rumour as a feed entry, fact first: the verdict and the answer as its title; the
    whole answer, then the rumour (labelled), then the corrections as its text."""
    text = rumour.text(lang)
    scheme = path_for("pages.topic_index", lang=lang)
    title = gettext("%(verdict)s: %(answer)s", verdict=verdict_label(rumour.verdict),
                    answer=headline(text.summary))
    parts = [text.summary, gettext("The rumour: “%(claim)s”", claim=text.claim)]
    if rumour.corrections:
        translated = len(text.corrections) == len(rumour.corrections)
        lines = [gettext("%(date)s: %(text)s", date=i18n.date_text(c.date, lang),
                         text=text.corrections[n] if translated else c.text)
                 for n, c in enumerate(rumour.corrections)]
        parts.append(gettext("Corrections:") + " " + " ".join(lines))
    note = _language_note(text.lang, lang)
    if note:
        parts.append(note)
    updated = max([rumour.reviewed, *(c.date for c in rumour.corrections)])
    return FeedEntry(
        key=f"rumours/{rumour.id}", title=title, summary="\n\n".join(parts),
        path=path_for("pages.rumour", lang=lang, rumour_id=rumour.id),
        published=rumour.published, updated=updated,
        categories=tuple((t, topic_label(t), scheme) for t in rumour.topics),
    )


def update_entry(update: Update, lang: str, path_for: PathFor) -> FeedEntry:
    """A news update as a feed entry."""
    text = update.text(lang)
    summary = text.summary or text.body_text[:300]
    note = _language_note(text.lang, lang)
    if note:
        summary = f"{summary}\n\n{note}"
    return FeedEntry(
        key=f"updates/{update.slug}", title=text.title, summary=summary,
        path=path_for("pages.update", lang=lang, slug=update.slug),
        published=update.date, updated=update.updated,
    )


def feed_entries(library: Library, lang: str, path_for: PathFor,
                 topic_label: Callable[[str], str], verdict_label: Callable[[str], str],
                 topic: str | None = None) -> list[FeedEntry]:
    """Every entry for readers of `lang`, newest first (by the later of published, reviewed
    and the last correction).

    An entry not yet translated into `lang` comes in the first language of its fallback
    chain that has it, and says so. With `topic`, only rumours on that topic and the
    updates about them.
    """
    rumours = [r for r in library.rumours if topic is None or topic in r.topics]
    topic_ids = {r.id for r in rumours}
    updates = [u for u in library.updates
               if topic is None or topic_ids.intersection(u.rumours)]
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
    fg.author({"name": gettext(site.publisher.get("name", site.name)),
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
