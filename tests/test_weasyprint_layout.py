"""rumours.printing.weasyprint_layout: both ways of reading WeasyPrint's layout (its layout
boxes for the versions it was written for, the public anchors otherwise) measure the same,
catch an overflowing card, and make cards that fit on real PDFs."""

from __future__ import annotations

import io
import logging
from dataclasses import replace

import pytest
from pypdf import PdfReader
from test_cards import A6, LONG_ID, build_content, flat, save, squashed, words_outside

from rumours import create_app
from rumours.printing import card_html, weasyprint_layout
from rumours.printing.card_content import make_card
from rumours.printing.cards import CardMaker
from rumours.printing.weasyprint_layout import AnchorReader, BoxReader, layout_reader

BASE = "rumours.example.org"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("layout")
    return create_app({"TESTING": True, "CONTENT_DIR": build_content(root),
                       "INSTANCE_DIR": root / "instance", "RESPONSE_CACHE": False,
                       "RATELIMIT_ENABLED": False})


@pytest.fixture(scope="module")
def makers():
    """A card maker for each reader (no disk cache): the boxes and the public anchors."""
    return {"boxes": CardMaker(reader=layout_reader()),
            "anchors": CardMaker(reader=layout_reader(version="0.1"))}


def test_the_reader_follows_the_weasyprint_version_and_says_which_once(caplog):
    low, high = weasyprint_layout.SUPPORTED
    assert isinstance(layout_reader(f"{low[0]}.{low[1]}"), BoxReader)
    assert isinstance(layout_reader("70.0"), BoxReader)
    for version in (f"{high[0]}.{high[1]}", "52.5", "100.0", "", "dev"):
        assert isinstance(layout_reader(version), AnchorReader), version
    assert isinstance(layout_reader(use_internals=False), AnchorReader)
    with caplog.at_level(logging.INFO, logger="rumours"):
        for _ in range(3):
            layout_reader("12.0")
    assert sum("12.0" in r.getMessage() for r in caplog.records) <= 1


def test_both_readers_measure_the_same_heights(app, makers):
    live = app.extensions["rumours"]
    with app.test_request_context("/en/"):
        library = live.library
        card = make_card(library, library.rumour("take-our-jobs"), "en")
        blocks = {"front": card_html.side_html(card, "front", 0, "mf"),
                  "back": card_html.side_html(card, "back", 0, "mb")}
        by_boxes = makers["boxes"].measure(blocks, 105, ["mf-foot", "mb-foot", "mb-fact0"])
        by_anchors = makers["anchors"].measure(blocks, 105, ["mf-foot", "mb-foot", "mb-fact0"])
    assert set(by_anchors) == {"front", "back", "mf-foot", "mb-foot"}  # marked ones only
    assert "mb-fact0" in by_boxes
    for name, height in by_anchors.items():
        assert height == pytest.approx(by_boxes[name], abs=0.01), name
    assert 40 < by_anchors["front"] < 200 and 5 < by_anchors["mb-foot"] < 40


@pytest.mark.parametrize("reader", ["boxes", "anchors"])
def test_an_overflowing_side_is_caught(app, makers, reader):
    """The long entry at its fullest levels does not fit: the final check says so; a short
    entry fits."""
    maker = makers[reader]

    def overflows(card, plan):
        document = maker.layout(card_html.card_document(library, card, {
            side: card_html.side_html(card, side, getattr(plan, side), f"c1-{side}",
                                      plan.flow_min_mm(side))
            for side in ("front", "back")}))
        return maker.reader.side_overflows(document, ["c1-front", "c1-back"])

    with app.test_request_context("/en/"):
        library = app.extensions["rumours"].library
        long_card = make_card(library, library.rumour(LONG_ID), "en")
        short_card = make_card(library, library.rumour("filler-1"), "en")
        long_plan, short_plan = maker.fitter.plans([long_card, short_card])
        assert (long_plan.front, long_plan.back) > (0, 0) == (short_plan.front,
                                                                short_plan.back)
        assert overflows(long_card, long_plan) == overflows(short_card, short_plan) == []
        fullest = replace(long_plan, front=0, back=0)
        assert overflows(long_card, fullest) == ["c1-front", "c1-back"]
        assert overflows(long_card, replace(long_plan, back=0)) == ["c1-back"]


def test_both_readers_choose_the_same_levels(app, makers):
    live = app.extensions["rumours"]
    with app.test_request_context("/en/"):
        library = live.library
        for lang in ("en", "ar"):
            cards = [make_card(library, rumour, lang, n)
                     for n, rumour in enumerate(library.rumours, 1)]
            plans = {name: maker.fitter.plans(cards) for name, maker in makers.items()}
            assert [(p.front, p.back) for p in plans["anchors"]] == [
                (p.front, p.back) for p in plans["boxes"]], lang
            assert any(p.back > 0 for p in plans["anchors"])  # some card was shortened


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_cards_made_with_the_public_reader_fit(app, makers, tmp_path, lang):
    """With the public API only, the longest entry and a deck still fit, on real PDFs."""
    app.extensions["cards"] = makers["anchors"]
    try:
        client = app.test_client()
        response = client.get(f"/{lang}/rumours/{LONG_ID}/card.pdf")
        deck = client.get(f"/{lang}/cards.pdf?ids={LONG_ID},take-our-jobs,filler-1")
    finally:
        del app.extensions["cards"]
    assert response.status_code == 200 and deck.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            A6, abs=0.1)
    pdf = save(tmp_path, response.data)
    for page in (1, 2):
        assert words_outside(pdf, page, A6[0], margin_mm=7) == []
    back = reader.pages[1].extract_text()
    assert f"{BASE}/{lang}/rumours/{LONG_ID}" in squashed(back)  # the footer is all there
    deck_reader = PdfReader(io.BytesIO(deck.data))
    assert len(deck_reader.pages) == 2 + 2  # index, instructions, one sheet on both sides
    assert "3" in flat(deck_reader.pages[0].extract_text())
