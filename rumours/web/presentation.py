"""Template helpers for fact-first pages: verdict links, named footnotes, the identity."""

from __future__ import annotations

import re

from flask import Flask, current_app
from flask_babel import gettext
from markupsafe import Markup, escape

from rumours import i18n
from rumours.content import site_identity
from rumours.web.templating import page_url
from rumours.web.views.common import library

# A footnote reference as Python-Markdown writes it (after nh3): <a class="footnote-ref" ...>3</a>
FOOTNOTE_LINK = re.compile(r'<a class="footnote-ref" (?P<attrs>[^>]*)>(?P<number>\d+)</a>')


def verdict_url(verdict: str) -> str:
    """Where a verdict is explained: its anchor on the verdicts page."""
    if "verdicts.verdicts" not in current_app.view_functions:
        return ""
    return page_url("verdicts.verdicts", lang=i18n.current_lang(), _anchor=f"verdict-{verdict}")


def strength_url(strength: str) -> str:
    """Where an evidence strength (A-D) is explained."""
    if "verdicts.verdicts" not in current_app.view_functions:
        return ""
    return page_url("verdicts.verdicts", lang=i18n.current_lang(),
                    _anchor=f"strength-{strength}")


def named_footnotes(body_html: str) -> Markup:
    """Footnote links with a name a screen reader can say ("Source 3", not "3"); the visible
    number stays. `body_html` is the library's sanitised HTML."""
    def name(match: re.Match) -> str:
        label = gettext("Source %(number)s", number=match["number"])
        return (f'<a class="footnote-ref" {match["attrs"]} aria-label="{escape(label)}">'
                f'{match["number"]}</a>')

    return Markup(FOOTNOTE_LINK.sub(name, str(body_html)))  # noqa: S704 - sanitised input


def site_name() -> str:
    """The site's name in the reader's language (site.yml `name`, through the catalogs)."""
    return str(gettext(library().site.name))


def is_demo_site() -> bool:
    """Whether the site still runs on the demo's example address (`base_url`)."""
    return site_identity.is_demo(library().site.base_url)


def library_page(slug: str):
    """A standing page of the library (e.g. "corrections"), or None when it has none."""
    return library().page(slug)


def init_app(app: Flask) -> None:
    """Install the helpers in Jinja."""
    app.jinja_env.globals.update(
        verdict_url=verdict_url, strength_url=strength_url, site_name=site_name,
        is_demo_site=is_demo_site, library_page=library_page,
    )
    app.jinja_env.filters.update(named_footnotes=named_footnotes)
