"""Feed URLs: /<lang>/feed.xml and feed.atom, and the same per topic under /<lang>/topics/."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, g, url_for
from flask_babel import gettext

from rumours.publishing import feeds
from rumours.web.templating import topic_label, verdict_label
from rumours.web.views.common import lang_blueprint, library

bp = lang_blueprint("feeds", __name__)

FEED_CACHE_CONTROL = "public, max-age=300"
RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def _path_for(endpoint: str, **values) -> str:
    return url_for(endpoint, **values)


def _info(topic: str | None) -> feeds.FeedInfo:
    """Title, description and URLs of the feed for the request's language (and topic)."""
    site = library().site
    lang = g.lang
    if topic is None:
        return feeds.FeedInfo(
            lang=lang, title=gettext(site.name),
            description=gettext("New and re-reviewed answers to rumours about migrants, "
                                "and news from the team."),
            home_path=url_for("pages.home", lang=lang),
            rss_path=url_for("feeds.rss", lang=lang),
            atom_path=url_for("feeds.atom", lang=lang),
        )
    label = topic_label(topic)
    return feeds.FeedInfo(
        lang=lang, topic=topic,
        title=gettext("%(site)s: %(topic)s", site=gettext(site.name), topic=label),
        description=gettext("New and re-reviewed answers to rumours about migrants on "
                            "this topic: %(topic)s.", topic=label),
        home_path=url_for("pages.topic", lang=lang, topic=topic),
        rss_path=url_for("feeds.topic_rss", lang=lang, topic=topic),
        atom_path=url_for("feeds.topic_atom", lang=lang, topic=topic),
    )


def _respond(kind: str, topic: str | None) -> Response:
    lib = library()
    if topic is not None and topic not in lib.site.topics:
        abort(404)
    info = _info(topic)
    entries = feeds.feed_entries(lib, g.lang, _path_for, topic_label, verdict_label, topic)
    if kind == "rss":
        body, mimetype = feeds.rss_bytes(lib, info, entries), RSS_TYPE
    else:
        body, mimetype = feeds.atom_bytes(lib, info, entries), ATOM_TYPE
    response = Response(body, content_type=mimetype)
    newest = max((e.updated for e in entries), default=lib.last_modified)
    response.last_modified = dt.datetime.combine(newest, dt.time(0, 0), tzinfo=dt.UTC)
    response.headers["Cache-Control"] = FEED_CACHE_CONTROL
    return response


@bp.get("/feed.xml")
def rss():
    """RSS 2.0 of the language's updates and new or re-reviewed rumours."""
    return _respond("rss", None)


@bp.get("/feed.atom")
def atom():
    """Atom 1.0, the same entries as the RSS feed."""
    return _respond("atom", None)


@bp.get("/topics/<topic>/feed.xml")
def topic_rss(topic: str):
    """RSS 2.0 of one topic."""
    return _respond("rss", topic)


@bp.get("/topics/<topic>/feed.atom")
def topic_atom(topic: str):
    """Atom 1.0 of one topic."""
    return _respond("atom", topic)
