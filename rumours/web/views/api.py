"""JSON API: the library list (search lives in the search module's blueprint)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, url_for

from rumours.web.views.common import library

bp = Blueprint("api", __name__, url_prefix="/api")


def requested_lang() -> str:
    """The `lang` parameter, checked against the site's languages (400 when unknown)."""
    site = library().site
    lang = request.args.get("lang") or site.default_language
    if lang not in site.languages:
        abort(400, description=f"Unknown lang {lang[:20]!r}; use one of "
                               f"{', '.join(site.languages)}")
    return lang


@bp.get("/rumours")
def rumours():
    lang = requested_lang()
    items = []
    for rumour in library().rumours:
        text = rumour.text(lang)
        items.append({
            "id": rumour.id,
            "claim": text.claim,
            "lang": text.lang,
            "verdict": rumour.verdict,
            "summary": text.summary,
            "topics": list(rumour.topics),
            "places": list(rumour.places),
            "languages": list(rumour.languages),
            "outdated": list(rumour.outdated),
            "sources": len(rumour.sources),
            "published": rumour.published.isoformat(),
            "reviewed": rumour.reviewed.isoformat(),
            "next_review": rumour.next_review.isoformat(),
            "url": url_for("pages.rumour", lang=lang, rumour_id=rumour.id),
        })
    return jsonify({"lang": lang, "rumours": items})
