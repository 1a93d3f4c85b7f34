"""Share images at a stable URL: /<lang>/rumours/<id>/share.png, cached on disk and by ETag."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Response, abort, current_app, g, request
from flask_babel import gettext

from rumours import i18n
from rumours.content.model import Rumour
from rumours.printing.share_images import ShareCard, ShareImageCache
from rumours.web import rendering
from rumours.web.templating import verdict_label
from rumours.web.views.common import lang_blueprint, library

bp = lang_blueprint("share_images", __name__)

SHARE_CACHE_CONTROL = "public, max-age=86400"
MEMORY_ITEMS = 256  # share images kept in memory per content snapshot


def share_card(rumour: Rumour, lang: str) -> ShareCard:
    """What the share image of `rumour` shows in `lang` (call inside a request in `lang`)."""
    site = library().site
    text = rumour.text(lang)
    return ShareCard(
        lang=lang, direction=i18n.direction(lang), site_name=gettext(site.name),
        host=urlsplit(site.base_url).netloc or site.base_url,
        kicker=gettext("The rumour:"),
        claim=gettext("“%(claim)s”", claim=text.claim),
        claim_lang=text.lang, claim_direction=i18n.direction(text.lang),
        verdict=rumour.verdict,
        verdict_text=gettext("Verdict:") + " " + verdict_label(rumour.verdict),
        answer=text.summary, answer_lang=text.lang, answer_direction=i18n.direction(text.lang),
    )


def image_cache() -> ShareImageCache:
    """The disk cache in the instance folder, in front of it this snapshot's memory."""
    library()  # sets g.snapshot: the snapshot this request reads
    return ShareImageCache(Path(current_app.config["INSTANCE_DIR"]) / "share-images",
                           memory=g.snapshot.cache("share-images", MEMORY_ITEMS))


@bp.get("/rumours/<rumour_id>/share.png")
def image(rumour_id: str):
    """The rumour's share image in the page language (OpenGraph / Twitter cards)."""
    rumour = library().rumour(rumour_id)
    if rumour is None:
        abort(404)
    card = share_card(rumour, g.lang)
    etag = card.key()
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        cache = image_cache()
        data = rendering.guarded(lambda: cache.cached(card),
                                 lambda: cache.get(card))
        response = Response(data, mimetype="image/png")
    response.set_etag(etag)
    response.headers["Cache-Control"] = SHARE_CACHE_CONTROL
    return response
