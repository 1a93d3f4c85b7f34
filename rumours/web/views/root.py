"""Routes outside the language prefix: the language redirect and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, url_for

from rumours import i18n
from rumours.web.views.common import library, live

bp = Blueprint("root", __name__)


@bp.get("/")
def index():
    """Send the visitor to their language: cookie, then Accept-Language, then the default."""
    site = library().site
    lang = i18n.negotiate(site.languages, site.default_language)
    response = redirect(url_for("pages.home", lang=lang), code=302)
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


MAX_PROBLEMS_SHOWN = 20


@bp.get("/healthz")
def healthz():
    """200 while a library is served; `degraded` (with the problems) when the live content
    has errors or the search index is unavailable. Never cached by anyone."""
    holder = live()
    snapshot = holder.snapshot
    search_index = snapshot.artefacts.get("search")
    search_ok = bool(search_index is not None and search_index.available)
    problems = [str(p) for p in holder.errors[:MAX_PROBLEMS_SHOWN]]
    if not search_ok:
        problems.append("search: " + (getattr(search_index, "problem", None)
                                      or "no search index is available"))
    elif not search_index.built_for(snapshot.library):
        problems.append("search: the index is older than the library (being rebuilt)")
    body = {
        "status": "degraded" if problems else "ok",
        "serving": snapshot.origin,
        "version": snapshot.library.version,
        "rumours": len(snapshot.library.rumours),
        "artefacts": sorted(snapshot.artefacts),
        "content_errors": len(holder.errors),
        "problems": problems,
    }
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response
