"""The library's HTML pages: home, the list with filters, rumours, topics, pages, updates."""

from __future__ import annotations

from flask import abort, current_app, g, render_template, request

from rumours.content import draft_preview
from rumours.content.model import ID_PATTERN
from rumours.web.page_cache import cached_page
from rumours.web.views.common import lang_blueprint, library, live, require_choice

bp = lang_blueprint("pages", __name__)

HOME_LATEST = 6


@bp.get("/")
@cached_page()
def home():
    lib = library()
    counts = {topic: len(lib.filter(topic=topic)) for topic in lib.site.topics}
    latest = sorted(lib.rumours, key=lambda r: (r.reviewed, r.published, r.id), reverse=True)
    return render_template(
        "home.html", topics=[(t, n) for t, n in counts.items() if n],
        latest=latest[:HOME_LATEST], updates=lib.updates[:3],
    )


@bp.get("/rumours/")
@cached_page("topic", "place", "verdict")
def rumour_list():
    lib = library()
    site = lib.site
    topic = require_choice(request.args.get("topic"), site.topics, "topic")
    place = require_choice(request.args.get("place"), site.places, "place")
    verdict = require_choice(request.args.get("verdict"), site.verdicts, "verdict")
    rumours = lib.filter(topic=topic, place=place, verdict=verdict)
    return render_template("rumour_list.html", rumours=rumours, topic=topic, place=place,
                           verdict=verdict)


@bp.get("/rumours/<rumour_id>")
@cached_page()
def rumour(rumour_id: str):
    item = library().rumour(rumour_id)
    if current_app.config["DEV"]:
        preview = draft_preview_of(rumour_id, broken_only=item is not None)
        if preview is not None:
            return render_template("draft_preview.html", preview=preview)
    if item is None:
        abort(404)
    return render_template("rumour.html", rumour=item, text=item.text(g.lang))


def draft_preview_of(rumour_id: str, broken_only: bool):
    """In the preview: the file of an entry that does not load (a fresh draft, a broken
    edit), shown as it is with its problems; None when the library's version is current."""
    if not ID_PATTERN.match(rumour_id):
        return None
    lib = library()
    problems = draft_preview.file_problems((*live().errors, *lib.warnings), rumour_id)
    if broken_only and not any(p.is_error for p in problems):
        return None
    return draft_preview.load(current_app.config["CONTENT_DIR"], rumour_id, g.lang,
                              lib.site.default_language, problems)


@bp.get("/topics/")
@cached_page()
def topic_index():
    lib = library()
    counts = [(t, len(lib.filter(topic=t))) for t in lib.site.topics]
    return render_template("topic_index.html", topics=[(t, n) for t, n in counts if n])


@bp.get("/topics/<topic>")
@cached_page()
def topic(topic: str):
    lib = library()
    if topic not in lib.site.topics:
        abort(404)
    return render_template("topic.html", topic=topic, rumours=lib.filter(topic=topic))


@bp.get("/pages/<slug>")
@cached_page()
def page(slug: str):
    item = library().page(slug)
    if item is None:
        abort(404)
    return render_template("page.html", page=item, text=item.text(g.lang))


@bp.get("/updates/")
@cached_page()
def update_list():
    return render_template("update_list.html", updates=library().updates)


@bp.get("/updates/<slug>")
@cached_page()
def update(slug: str):
    lib = library()
    item = lib.update(slug)
    if item is None:
        abort(404)
    related = [r for r in (lib.rumour(i) for i in item.rumours) if r]
    return render_template("update.html", update=item, text=item.text(g.lang), related=related)
