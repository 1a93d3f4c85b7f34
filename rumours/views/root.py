"""Routes outside the language prefix: the language redirect and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, url_for

from rumours import i18n
from rumours.views.common import library, live

bp = Blueprint("root", __name__)


@bp.get("/")
def index():
    """Send the visitor to their language: cookie, then Accept-Language, then the default."""
    site = library().site
    lang = i18n.negotiate(site.languages, site.default_language)
    response = redirect(url_for("pages.home", lang=lang), code=302)
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


@bp.get("/healthz")
def healthz():
    """200 when a library (and everything built from it) is loaded."""
    snapshot = live().snapshot
    body = {
        "status": "ok",
        "version": snapshot.library.version,
        "rumours": len(snapshot.library.rumours),
        "artefacts": sorted(snapshot.artefacts),
        "content_errors": len(live().errors),
    }
    return jsonify(body)
