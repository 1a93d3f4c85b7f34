"""Search: the /<lang>/search page and the /api/search JSON endpoint."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, g, jsonify, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup

from rumours.content.model import Rumour
from rumours.reports.unanswered import note_search
from rumours.search import (
    ANSWER,
    MAX_LIMIT,
    MAX_PAGE,
    RELATED,
    IndexUnavailable,
    SearchIndex,
    SearchResults,
    clean_query,
    page_count,
)
from rumours.web.views.api import requested_lang
from rumours.web.views.common import artefact, lang_blueprint, library, require_choice

bp = lang_blueprint("search", __name__)
api_bp = Blueprint("search_api", __name__, url_prefix="/api")

PER_PAGE = 10
DEFAULT_LIMIT = 10


@dataclass(frozen=True)
class ShownHit:
    """A search result as the page shows it: the rumour, its text, its answer (the summary,
    matched words marked) and whether it answers the query or is only related."""

    rumour: Rumour
    lang: str
    claim: str
    snippet: Markup
    match: str = RELATED


def _search_index() -> SearchIndex:
    """This snapshot's search index."""
    try:
        return artefact("search")
    except KeyError:
        abort(503, description=gettext("Search is not available right now."))


def _whole_number(name: str, default: int, highest: int) -> int:
    """A positive whole-number parameter no larger than `highest`; 400 otherwise."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    value = raw.strip()
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= highest:
        abort(400, description=f"{name} must be a whole number from 1 to {highest}")
    return int(value)


def _filters() -> dict[str, str | None]:
    """topic, place and verdict, each checked against the site's vocabularies (400 if not)."""
    site = library().site
    return {
        "topic": require_choice(request.args.get("topic"), site.topics, "topic"),
        "place": require_choice(request.args.get("place"), site.places, "place"),
        "verdict": require_choice(request.args.get("verdict"), site.verdicts, "verdict"),
    }


def _run(query: str, lang: str, filters: dict, limit: int, page: int) -> SearchResults:
    try:
        return _search_index().search(query, lang, limit=limit, offset=(page - 1) * limit,
                                      **filters)
    except IndexUnavailable:
        abort(503, description=gettext("Search is not available right now."))


def _shown(results: SearchResults) -> list[ShownHit]:
    """Hits with their rumour from this library (a hit the library lacks is skipped)."""
    lib = library()
    shown = []
    for hit in results.hits:
        rumour = lib.rumour(hit.id)
        if rumour is not None:
            text = rumour.text(hit.lang)
            shown.append(ShownHit(rumour, text.lang, text.claim, hit.snippet, hit.match))
    return shown


@bp.get("/search")
def search_page():
    """The search page: results with verdict and snippet, filters, pages, or help."""
    lib = library()
    query = clean_query(request.args.get("q"))
    filters = _filters()
    page = _whole_number("page", 1, MAX_PAGE)
    results = _run(query, g.lang, filters, PER_PAGE, page) if query else None
    if results is not None:
        note_search(query, g.lang, results, filtered=any(filters.values()))
    topics = [(t, n) for t, n in ((t, len(lib.filter(topic=t))) for t in lib.site.topics) if n]
    pages = page_count(results.total, PER_PAGE) if results else 1
    if results and results.total and page > pages:
        abort(404)  # past the last page of results
    hits = _shown(results) if results else []
    return render_template(
        "search.html", query=query, results=results, hits=hits,
        answers=[h for h in hits if h.match == ANSWER],
        related=[h for h in hits if h.match != ANSWER],
        page=page, pages=pages, topics=topics, filters=filters,
        active_filters=any(filters.values()),
    )


@api_bp.get("/search")
def api_search():
    """JSON search: {query, lang, total, suggestion, answered, results: [...]}, each result
    marked "answer" or "related", as ARCHITECTURE.md says."""
    lang = requested_lang()
    limit = _whole_number("limit", DEFAULT_LIMIT, MAX_LIMIT)
    page = _whole_number("page", 1, MAX_PAGE)
    filters = _filters()
    query = clean_query(request.args.get("q"))
    if not query:
        return jsonify({"query": query, "lang": lang, "total": 0, "suggestion": None,
                        "answered": False, "results": []})
    results = _run(query, lang, filters, limit, page)
    note_search(query, lang, results, filtered=any(filters.values()))
    lib = library()
    items = []
    for hit in results.hits:
        rumour = lib.rumour(hit.id)
        if rumour is None:
            continue
        text = rumour.text(hit.lang)
        items.append({
            "id": rumour.id,
            "lang": text.lang,
            "claim": text.claim,
            "verdict": rumour.verdict,
            "url": url_for("pages.rumour", lang=lang, rumour_id=rumour.id),
            "snippet": str(hit.snippet),
            "score": hit.score,
            "match": hit.match,
        })
    return jsonify({"query": results.query, "lang": lang, "total": results.total,
                    "suggestion": results.suggestion, "answered": results.answered,
                    "results": items})
