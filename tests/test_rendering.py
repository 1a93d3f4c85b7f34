"""Bounded cost of public renders: normalised decks, a per-client limit, bounded waits."""

from __future__ import annotations

import threading

import pytest

from rumours import create_app


@pytest.fixture
def limited_app(content_dir, tmp_path):
    return create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                       "INSTANCE_DIR": tmp_path / "instance", "RESPONSE_CACHE": False,
                       "RATELIMIT_ENABLED": True, "RENDER_RATE_LIMIT": "2 per minute",
                       "RENDER_WAIT": 0.2})


def test_order_and_repeats_of_deck_ids_make_one_deck(limited_app):
    client = limited_app.test_client()
    first = client.get("/en/cards.pdf?ids=take-our-jobs,springfield-pets-geese")
    again = client.get("/en/cards.pdf?ids=springfield-pets-geese,take-our-jobs,take-our-jobs")
    assert first.status_code == again.status_code == 200
    assert first.headers["ETag"] == again.headers["ETag"]
    assert first.data == again.data


def test_new_renders_are_rate_limited_per_client_but_cached_ones_are_not(limited_app):
    client = limited_app.test_client()
    assert client.get("/en/rumours/take-our-jobs/card.pdf").status_code == 200
    assert client.get("/es/rumours/take-our-jobs/card.pdf").status_code == 200
    limited = client.get("/fr/rumours/take-our-jobs/card.pdf")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    # Already drawn: served from the cache whatever the limit says.
    assert client.get("/en/rumours/take-our-jobs/card.pdf").status_code == 200
    # Another address has its own allowance.
    other = client.get("/fr/rumours/take-our-jobs/card.pdf",
                       environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200


def test_a_busy_printer_answers_503_quickly_instead_of_queueing(limited_app):
    slots = limited_app.extensions["render_slots"]
    assert slots.acquire(timeout=1)  # another request is rendering
    try:
        response = limited_app.test_client().get("/en/rumours/take-our-jobs/share.png")
        assert response.status_code == 503
        assert response.headers["Retry-After"]
    finally:
        slots.release()
    assert limited_app.test_client().get(
        "/en/rumours/take-our-jobs/share.png").status_code == 200


def test_decks_and_share_images_are_drawn_ahead_after_a_new_library(content_dir, tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance", "PRERENDER": True})
    thread = next(t for t in threading.enumerate() if t.name == "rumours-prerender")
    thread.join(300)
    assert not thread.is_alive()
    share_images = list((tmp_path / "instance" / "share-images").glob("*.png"))
    library = app.extensions["rumours"].library
    assert len(share_images) == len(library.rumours) * len(library.site.languages)
    maker = app.extensions["cards"]
    order = [r.id for r in library.rumours]
    deck = sorted(library.filter(topic="work"), key=lambda r: order.index(r.id))
    with app.app_context():
        key = maker.key(library, "deck", "en", [r.id for r in deck])
    assert maker.cache.get(key) is not None, "the work deck was not drawn ahead"
