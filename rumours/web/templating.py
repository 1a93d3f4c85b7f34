"""Template helpers: labels from the vocabularies, dates per locale, language links."""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_babel import gettext
from markupsafe import Markup

from rumours import i18n
from rumours.publishing import export_urls
from rumours.web import page_cache, security
from rumours.web.views.common import library, live

# Query parameters that change what a page shows, kept when switching language.
LINKED_ARGS = page_cache.LINKED_ARGS


def verdict_label(verdict: str) -> str:
    """The verdict's label in the current language."""
    return gettext(library().site.verdicts.get(verdict, verdict))


def topic_label(topic: str) -> str:
    return gettext(library().site.topics.get(topic, topic))


def place_label(place: str) -> str:
    return gettext(library().site.places.get(place, place))


def site_text(text: str) -> str:
    """A site.yml text (contact line, names) in the current language, as plain text: never
    formatted with `%` and never trusted as HTML (Jinja escapes the str it gets)."""
    return str(gettext(text)) if text else ""


def strength_label(strength: str) -> str:
    return gettext(library().site.strengths.get(strength, strength))


def long_date(value: dt.date | str) -> str:
    """A date written the way the current language writes it."""
    if isinstance(value, str):
        parts = value.split("-")
        if len(parts) == 3:
            value = dt.date.fromisoformat(value)
        elif len(parts) == 2:
            return i18n.request_date(dt.date(int(parts[0]), int(parts[1]), 1), "month")
        else:
            return value
    return i18n.request_date(value, "long")


def page_url(endpoint: str, **values) -> str:
    """The app's URL helper (the templates' `url_for`): Flask's `url_for`, except in a page
    being exported, where it is the link from that page's file to the target's file
    (rumours/publishing/export_urls.py). `_external=True` URLs stay absolute."""
    url = url_for(endpoint, **values)
    links = _export_links()
    if links is None or values.get("_external"):
        return url
    return links.link(url, export_urls.page_key_of(request.environ))


def _export_links() -> export_urls.ExportLinks | None:
    return export_urls.links_of(request.environ) if has_request_context() else None


def form_action(endpoint: str, _search: bool = False, **values) -> Markup:
    """A GET form's `action` attribute. In an exported page: the saved page when the copy
    has it, else the live site (the live search for a search form when site.yml has
    `search_url`), and `data-site-action`, the form's address on the site, with which
    offline-search.js finds the saved page for the reader's choice."""
    url = url_for(endpoint, **values)
    links = _export_links()
    if links is None:
        return Markup('action="%s"') % url
    live_search = links.live_search_url(i18n.current_lang()) if _search else ""
    action = live_search or links.link(url, export_urls.page_key_of(request.environ),
                                       follow=False)
    return Markup('action="%s" data-site-action="%s"') % (action, url)


def site_links(body_html: str) -> Markup:
    """A library text's sanitised HTML, its links made for the copy in an exported page."""
    links = _export_links()
    if links is None:
        return Markup(body_html)  # noqa: S704 - the library's sanitised HTML
    return Markup(links.body_html(str(body_html),  # noqa: S704 - re-sanitised by nh3
                                  export_urls.page_key_of(request.environ)))


def offline_search_script(lang: str) -> Markup:
    """In an exported page, the script tag of the copy's offline search and forms."""
    links = _export_links()
    if links is None:
        return Markup()
    page = export_urls.page_key_of(request.environ)
    root = links.root(page)
    return Markup('<script src="{0}static/js/offline-search.js" data-root="{0}" '
                  'data-lang="{1}" data-live="{2}" data-search-url="{3}" defer></script>').format(
        root, lang, links.base_url, links.live_search_url(lang))


def lang_url(lang: str) -> str:
    """The current page in another language (the home page when there is no such page)."""
    endpoint = request.endpoint
    if endpoint and request.url_rule and "lang" in (request.url_rule.arguments or ()):
        args = dict(request.view_args or {})
        args["lang"] = lang
        for key, value in request.args.items():
            if key in LINKED_ARGS and key not in args:
                args[key] = value
        return page_url(endpoint, **args)
    return page_url("pages.home", lang=lang)


def has_endpoint(name: str) -> bool:
    """Whether an area of the site is installed (nav links show only when it is)."""
    return name in current_app.view_functions


def template_context() -> dict:
    lang = i18n.current_lang()
    site = library().site
    return {
        "site": site,
        "lang": lang,
        "dir": i18n.direction(lang),
        "languages": [(code, i18n.language_name(code)) for code in site.languages],
        "language_name": i18n.language_name,
        "dev_mode": current_app.config["DEV"],
        "content_errors": live().errors if current_app.config["DEV"] else (),
        "is_lang_page": bool(getattr(g, "lang", None)),
        "site_pages": lambda: library().pages,
    }


def init_app(app: Flask) -> None:
    """Install the helpers in Jinja."""
    from rumours.web import presentation

    presentation.init_app(app)
    app.context_processor(template_context)
    app.jinja_env.filters.update(
        verdict_label=verdict_label, topic_label=topic_label, place_label=place_label,
        strength_label=strength_label, long_date=long_date, site_links=site_links,
    )
    app.jinja_env.globals.update(lang_url=lang_url, has_endpoint=has_endpoint,
                                 direction=i18n.direction, site_text=site_text,
                                 export_policy=security.export_policy, url_for=page_url,
                                 form_action=form_action,
                                 offline_search_script=offline_search_script)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
