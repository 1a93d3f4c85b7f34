"""Printable cards: a rumour's A6 card, the deck builder page and A4 deck PDFs."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, ngettext

from rumours.content.model import ID_PATTERN, Library, Rumour
from rumours.printing.cards import CardMaker
from rumours.web import rendering
from rumours.web.views.common import lang_blueprint, library, require_choice

bp = lang_blueprint("cards", __name__)

DEFAULT_MAX_DECK_CARDS = 60
MAX_ID_LENGTH = 100
PDF_MAX_AGE = 300  # seconds; the ETag answers revalidations after that
_maker_lock = threading.Lock()


def card_maker() -> CardMaker:
    """The application's card maker, created on first use (fonts load once per process)."""
    maker = current_app.extensions.get("cards")
    if maker is None:
        with _maker_lock:
            maker = current_app.extensions.get("cards")
            if maker is None:
                config = current_app.config
                maker = CardMaker(
                    Path(config["INSTANCE_DIR"]) / "cards",
                    disk_files=int(config.get("CARD_CACHE_FILES", 500)),
                    memory_items=int(config.get("CARD_CACHE_MEMORY_ITEMS", 64)),
                    catalogs_dir=config.get("COMPILED_TRANSLATIONS_DIR"),
                )
                current_app.extensions["cards"] = maker
    return maker


def max_deck_cards() -> int:
    return int(current_app.config.get("MAX_DECK_CARDS", DEFAULT_MAX_DECK_CARDS))


def pdf_response(make_pdf, filename: str, etag: str, download: bool = False) -> Response:
    """A PDF with an ETag; a revalidation with the same ETag gets 304 without rendering.

    A single card opens in the browser (to look at on a phone, or print); a deck is a file
    to download and take to a printer.
    """
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(make_pdf(), mimetype="application/pdf")
        disposition = "attachment" if download else "inline"
        response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = PDF_MAX_AGE
    return response


@bp.get("/rumours/<rumour_id>/card.pdf")
def card_pdf(rumour_id: str):
    lib = library()
    rumour = lib.rumour(rumour_id)
    if rumour is None:
        abort(404)
    maker = card_maker()
    lang = g.lang
    key = maker.key(lib, "card", lang, [rumour.id])
    current = g.snapshot  # set by library(): the snapshot this request reads
    return pdf_response(
        lambda: rendering.guarded(lambda: maker.cached(current, key),
                                  lambda: maker.card_pdf(current, rumour, lang)),
        f"card-{rumour.id}-{lang}.pdf", key)


def requested_ids() -> list[str]:
    """`ids=a,b,c` (or `ids=a&ids=b` from the form): checked, in order, without repeats."""
    raw = request.args.getlist("ids")
    limit = max_deck_cards()
    if sum(len(value) for value in raw) > (MAX_ID_LENGTH + 1) * (limit + 10):
        abort(400, description="The list of ids is too long.")
    ids: list[str] = []
    for value in raw:
        for item in value.split(","):
            item = item.strip()
            if not item:
                continue
            if len(item) > MAX_ID_LENGTH or not ID_PATTERN.match(item):
                abort(400, description=f"Not a rumour id: {item[:60]!r}")
            if item not in ids:
                ids.append(item)
    return ids


def topic_groups(lib: Library) -> list[tuple[str, list[Rumour]]]:
    """Every rumour under each of its topics, in site.yml's order: the same lists (and counts)
    as the topic pages, so a topic's count is the number of cards it shows."""
    return [(topic, list(lib.filter(topic=topic))) for topic in lib.site.topics
            if lib.filter(topic=topic)]


def render_builder(error: str | None = None, selected: tuple[str, ...] = (),
                   status: int = 200, card_lang: str | None = None, opened: str = ""):
    """The deck builder page (also shown, with the problem, when a deck request is refused)."""
    lib = library()
    site = lib.site
    topic_counts = [(t, len(lib.filter(topic=t))) for t in site.topics]
    place_counts = [(p, len(lib.filter(place=p))) for p in site.places]
    limit = max_deck_cards()
    return render_template(
        "cards/builder.html", groups=topic_groups(lib), selected=set(selected),
        selected_count=len(set(selected)), opened=opened,
        topic_counts=[(t, n) for t, n in topic_counts if n],
        place_counts=[(p, n) for p, n in place_counts if n], total=len(lib.rumours),
        card_lang=card_lang or g.lang, error=error, max_cards=limit,
        chosen_topic=request.args.get("topic", ""), chosen_place=request.args.get("place", ""),
        count_labels=[ngettext("%(num)d card selected", "%(num)d cards selected", n)
                      for n in range(limit + 1)],
        over_label=gettext("Too many cards: a deck holds at most %(max)d.", max=limit),
    ), status


@bp.get("/cards/")
def deck_builder():
    """The builder; `select=<topic>` (a "select all" button, no script needed) ticks every
    card of a topic on top of the cards already ticked (`ids`)."""
    lib = library()
    ids = requested_ids()
    known = [i for i in ids if lib.rumour(i) is not None]
    topic = require_choice(request.args.get("select"), lib.site.topics, "topic")
    if topic:
        known += [r.id for r in lib.filter(topic=topic) if r.id not in known]
    language = request.args.get("language")
    if language not in lib.site.languages:
        language = None
    return render_builder(selected=tuple(known), card_lang=language, opened=topic or "")


def deck_rumours(lib: Library, ids: list[str], topic: str | None, place: str | None):
    """The rumours of a deck (ids, a topic/place, or else the whole library), or the
    builder page explaining that there are too many; 404 when some or all are missing."""
    limit = max_deck_cards()
    if ids:
        if len(ids) > limit:
            return render_builder(
                gettext("You picked %(num)d cards; a deck holds at most %(max)d. "
                        "Split it into two decks.", num=len(ids), max=limit),
                tuple(ids), 400)
        rumours = [lib.rumour(i) for i in ids]
        if any(r is None for r in rumours):
            abort(404)
        return rumours
    if topic or place:
        rumours = list(lib.filter(topic=topic, place=place))
        too_many = gettext("This set has %(num)d cards; a deck holds at most %(max)d. "
                           "Pick the cards one by one.", num=len(rumours), max=limit)
    else:
        # The defaults of "Print a whole set" (all topics, all places): the whole library.
        rumours = list(lib.rumours)
        too_many = gettext("The whole library has %(num)d cards; a deck holds at most "
                           "%(max)d. Choose a topic or a place.", num=len(rumours), max=limit)
    if not rumours:
        abort(404)
    if len(rumours) > limit:
        return render_builder(too_many, (), 400)
    return rumours


@bp.get("/cards.pdf")
def deck_pdf():
    lib = library()
    site = lib.site
    ids = requested_ids()
    topic = require_choice(request.args.get("topic"), site.topics, "topic")
    place = require_choice(request.args.get("place"), site.places, "place")
    language = request.args.get("language") or g.lang
    if language not in site.languages:
        abort(400, description=f"Unknown language: {language[:20]!r}")
    if ids and (topic or place):
        abort(400, description="Ask for a list of ids or for a topic/place, not both.")
    # "Print a whole set" sends topic and place (empty for all of them): with neither chosen,
    # that is the whole library; a bare /<lang>/cards.pdf is too. The one-by-one form sends
    # only ids: sent with none ticked, it is a mistake to explain.
    whole_set = "topic" in request.args or "place" in request.args or not request.args
    if not ids and not topic and not place and not whole_set:
        return render_builder(gettext("Pick at least one card, a topic or a place."), (), 400,
                              card_lang=language)
    if language != g.lang:
        # The form lets an agent pick the cards' language: go to that language's address.
        args = {"ids": ",".join(ids)} if ids else {
            k: v for k, v in (("topic", topic), ("place", place)) if v}
        return redirect(url_for("cards.deck_pdf", lang=language, **args), 302)
    rumours = deck_rumours(lib, ids, topic, place)
    if not isinstance(rumours, list):
        return rumours  # the builder, explaining why no deck
    maker = card_maker()
    # One deck per set of cards, whatever the order or repeats it was asked with: cards come
    # in library order, so a reordered list is the same (cached) deck, never a new render.
    position = {r.id: n for n, r in enumerate(lib.rumours)}
    rumours = sorted({r.id: r for r in rumours}.values(), key=lambda r: position[r.id])
    key = maker.key(lib, "deck", g.lang, [r.id for r in rumours])
    lang = g.lang
    filename = f"cards-{lang}-{len(rumours)}.pdf"
    current = g.snapshot  # set by library(): the snapshot this request reads
    return pdf_response(
        lambda: rendering.guarded(lambda: maker.cached(current, key),
                                  lambda: maker.deck_pdf(current, rumours, lang)),
        filename, key, download=True)
