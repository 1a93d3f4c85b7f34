"""For search engines and sharing: /sitemap.xml, /robots.txt and the rumour pages' head tags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, url_for
from flask_babel import gettext

from rumours.content.model import Rumour, RumourText
from rumours.publishing import sitemap, structured_data
from rumours.publishing.feeds import headline
from rumours.web.templating import has_endpoint, verdict_label
from rumours.web.views.common import library

bp = Blueprint("publishing", __name__)

SITEMAP_CACHE_CONTROL = "public, max-age=3600"


def absolute_url(endpoint: str, **values) -> str:
    """A page's public address: the site's base_url (site.yml) and the path."""
    return library().site.base_url + url_for(endpoint, **values)


@dataclass(frozen=True)
class RumourMeta:
    """What the head of a rumour page tells search engines and link previews."""

    url: str
    title: str
    description: str
    locale: str
    alternate_locales: tuple[str, ...]
    image: str | None
    image_alt: str
    claim_review: dict


@bp.app_template_global("rumour_meta")
def rumour_meta(rumour: Rumour, text: RumourText, lang: str) -> RumourMeta:
    """Canonical URL, OpenGraph / Twitter card values and the ClaimReview for a page."""
    url = absolute_url("pages.rumour", lang=lang, rumour_id=rumour.id)
    image = None
    if has_endpoint("share_images.image"):
        image = absolute_url("share_images.image", lang=lang, rumour_id=rumour.id)
    label = verdict_label(rumour.verdict)
    # Fact first in link previews too: the verdict and the answer, then the rumour, labelled.
    return RumourMeta(
        url=url, title=gettext("%(verdict)s: %(answer)s", verdict=label,
                               answer=headline(text.summary)),
        description=text.summary + " " + gettext("The rumour: “%(claim)s”", claim=text.claim),
        locale=structured_data.og_locale(lang),
        alternate_locales=tuple(structured_data.og_locale(code) for code in rumour.languages
                                if code != lang),
        image=image,
        image_alt=gettext("Verdict: %(verdict)s. %(answer)s The rumour: “%(claim)s”",
                          verdict=label, answer=text.summary, claim=text.claim),
        claim_review=structured_data.claim_review(library().site, rumour, text, url, label,
                                                  image),
    )


def _page_url(page: sitemap.SitemapPage, lang: str) -> str:
    return absolute_url(page.endpoint, lang=lang, **page.values)


@bp.get("/sitemap.xml")
def sitemap_xml():
    """Every page in every language, with hreflang alternates and lastmod from the content."""
    lib = library()
    pages = sitemap.sitemap_pages(lib, has_endpoint)
    body = sitemap.sitemap_xml(pages, lib.site.languages, lib.site.default_language, _page_url)
    response = Response(body, content_type="application/xml; charset=utf-8")
    response.last_modified = dt.datetime.combine(lib.last_modified, dt.time(0, 0),
                                                 tzinfo=dt.UTC)
    response.headers["Cache-Control"] = SITEMAP_CACHE_CONTROL
    return response


@bp.get("/robots.txt")
def robots_txt():
    """Points crawlers to the sitemap; keeps them out of the API and search results."""
    lib = library()
    if current_app.config["DEV"]:
        rules = ["User-agent: *", "Disallow: /"]  # a preview with drafts is not for indexing
    else:
        rules = ["User-agent: *", "Allow: /", "Disallow: /api/", "Disallow: /admin/"]
        if has_endpoint("search.search_page"):
            rules += [f"Disallow: {url_for('search.search_page', lang=lang)}"
                      for lang in lib.site.languages]
    rules.append(f"Sitemap: {lib.site.base_url}{url_for('publishing.sitemap_xml')}")
    response = Response("\n".join(rules) + "\n", content_type="text/plain; charset=utf-8")
    response.headers["Cache-Control"] = SITEMAP_CACHE_CONTROL
    return response
