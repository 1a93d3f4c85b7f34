"""rumours.printing.share_images and its URL: 1200x630 PNGs, Arabic shaped right-to-left, cached."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from content_fixtures import JOBS, write
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageStat

from rumours import create_app
from rumours.printing import share_images
from rumours.printing.share_images import Fonts, ShareCard, merged_font_path, raqm_available, render

ARABIC_CLAIM = "يأخذون وظائفنا"
# "بيت" (house) shaped by hand: teh final, yeh medial, beh initial, in visual order.
BAYT = "بيت"
BAYT_VISUAL_FORMS = "\ufe96\ufef4\ufe91"


ANSWER = ("Research over decades finds very little effect of immigration on the jobs of "
          "people already living here.")


def card(**changes) -> ShareCard:
    base = ShareCard(
        lang="en", direction="ltr", site_name="Rumours", host="rumours.example.org",
        kicker="The rumour:", claim="“They take our jobs”", claim_lang="en",
        claim_direction="ltr", verdict="false", verdict_text="Verdict: False",
        answer=ANSWER, answer_lang="en", answer_direction="ltr",
    )
    return replace(base, **changes)


def png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def ink(image: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    """The dark pixels of a region, cropped to their bounding box."""
    region = image.crop(box).convert("L").point(lambda v: 255 if v < 128 else 0)
    return region.crop(region.getbbox())


def difference(a: Image.Image, b: Image.Image) -> float:
    """Share of differing pixels between two ink images (0 = identical)."""
    width, height = max(a.width, b.width), max(a.height, b.height)
    canvas_a, canvas_b = Image.new("L", (width, height)), Image.new("L", (width, height))
    canvas_a.paste(a)
    canvas_b.paste(b)
    return ImageStat.Stat(ImageChops.difference(canvas_a, canvas_b)).mean[0] / 255


def test_pillow_has_raqm_for_shaping_and_bidi():
    assert raqm_available(), "Pillow needs libraqm (and libfribidi) to draw Arabic"


def test_arabic_is_shaped_and_right_to_left_with_the_font_the_images_use(tmp_path):
    font_file = Fonts(tmp_path).get(BAYT, "bold", 80).path

    def draw(text: str, layout, **kwargs) -> Image.Image:
        font = ImageFont.truetype(font_file, 80, layout_engine=layout)
        image = Image.new("L", (600, 160), 255)
        ImageDraw.Draw(image).text((20, 20), text, font=font, fill=0, **kwargs)
        return ink(image, (0, 0, 600, 160))

    shaped = draw(BAYT, ImageFont.Layout.RAQM, direction="rtl", language="ar")
    by_hand = draw(BAYT_VISUAL_FORMS, ImageFont.Layout.BASIC)
    unshaped = draw(BAYT, ImageFont.Layout.BASIC)
    assert difference(shaped, by_hand) < 0.01  # joined forms, right to left
    assert difference(shaped, unshaped) > 0.1  # isolated letters, left to right
    assert shaped.width < unshaped.width


def test_the_answer_on_an_arabic_image_is_shaped_and_right_aligned(tmp_path):
    arabic = card(lang="ar", direction="rtl", answer=BAYT, answer_lang="ar",
                  answer_direction="rtl")
    # The same letters already in their joined forms (presentation forms, logical order):
    # what the image must show if it shapes the plain letters.
    reference = card(lang="ar", direction="rtl", answer=BAYT_VISUAL_FORMS[::-1],
                     answer_lang="ar", answer_direction="rtl")
    box = share_images.layout(arabic, Fonts(tmp_path))["answer"].box
    drawn = ink(png(render(arabic, tmp_path)), box)
    expected = ink(png(render(reference, tmp_path)), box)
    assert difference(drawn, expected) < 0.01
    # Right-aligned: the answer ends at the card's right padding in a right-to-left layout.
    region = png(render(arabic, tmp_path)).crop(box).convert("L").point(
        lambda v: 255 if v < 128 else 0)
    assert region.getbbox()[2] > (box[2] - box[0]) - 10


def test_the_answer_leads_and_a_square_crop_still_shows_the_verdict_and_the_answer(tmp_path):
    """Fact first: verdict, then the answer, largest; the rumour once, smaller, labelled.
    Apps that crop link previews to a square (the centre 630 x 630) keep all three."""
    blocks = share_images.layout(card(), Fonts(tmp_path))
    left, right = share_images.CROP
    assert (left, right) == (285, 915)
    for name in ("verdict", "answer", "kicker", "claim"):
        x0, y0, x1, y1 = blocks[name].box
        assert left <= x0 < x1 <= right and 0 <= y0 < y1 <= share_images.HEIGHT, name
    verdict, answer = blocks["verdict"], blocks["answer"]
    kicker, claim = blocks["kicker"], blocks["claim"]
    assert verdict.box[3] <= answer.box[1] < answer.box[3] <= kicker.box[1] < claim.box[1]
    assert answer.size >= 1.4 * claim.size
    assert " ".join(answer.lines) == ANSWER  # the whole answer, not a fragment
    image = png(render(card(), tmp_path)).convert("RGB")
    square = image.crop((left, 0, right, share_images.HEIGHT))
    colour = tuple(int(share_images.VERDICT_COLOURS["false"][i:i + 2], 16) for i in (1, 3, 5))
    pill = square.crop((verdict.box[0] - left, verdict.box[1], verdict.box[2] - left,
                        verdict.box[3]))
    assert pill.getcolors(1 << 16) and max(pill.getcolors(1 << 16))[1] == colour
    text_box = (answer.box[0] - left, answer.box[1], answer.box[2] - left, answer.box[3])
    assert ink(square, text_box).width > 0.6 * (text_box[2] - text_box[0])


def test_mixed_arabic_and_latin_text_has_a_glyph_for_every_character(tmp_path):
    mixed = "«يأخذون وظائفنا» في Springfield 2024"
    font = Fonts(tmp_path).get(mixed, "bold", 40)
    assert Path(font.path) == merged_font_path(tmp_path, "bold")
    with TTFont(font.path) as merged:
        cmap = merged.getBestCmap()
    assert all(ord(ch) in cmap for ch in mixed if not ch.isspace())
    latin = Fonts(tmp_path).get("They take our jobs", "bold", 40)
    assert Path(latin.path).name == "NotoSans-Bold.ttf"


def test_a_long_answer_keeps_whole_sentences_and_a_long_claim_is_cut(tmp_path):
    sentence = "Immigrants paid " + " ".join(["more"] * 14) + " taxes than they received. "
    long = card(answer=sentence * 8, claim="“" + " ".join(["immigrants"] * 60) + "”")
    blocks = share_images.layout(long, Fonts(tmp_path))
    answer = " ".join(blocks["answer"].lines)
    assert answer.endswith("received.") and answer in (sentence * 8).strip()
    assert blocks["answer"].size in share_images.ANSWER_SIZES
    assert len(answer) < len(sentence * 8)  # whole sentences left out, none cut
    assert len(blocks["claim"].lines) <= share_images.MAX_CLAIM_LINES
    assert blocks["claim"].lines[-1].endswith("…")
    assert blocks["answer"].box[3] <= blocks["kicker"].box[1]
    assert png(render(long, tmp_path)).size == (1200, 630)


def test_the_url_serves_a_1200_by_630_png_per_language(client):
    english = client.get("/en/rumours/take-our-jobs/share.png")
    assert english.status_code == 200 and english.mimetype == "image/png"
    assert png(english.data).size == (1200, 630)
    spanish = client.get("/es/rumours/take-our-jobs/share.png")
    arabic = client.get("/ar/rumours/take-our-jobs/share.png")
    assert png(spanish.data).size == png(arabic.data).size == (1200, 630)
    assert len({english.data, spanish.data, arabic.data}) == 3
    assert client.get("/en/rumours/no-such-rumour/share.png").status_code == 404
    assert client.get("/xx/rumours/take-our-jobs/share.png").status_code == 404


def test_images_are_cached_on_disk_and_by_etag(content_dir, tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance", "RELOAD_INTERVAL": 0})
    client = app.test_client()
    first = client.get("/en/rumours/take-our-jobs/share.png")
    etag = first.headers["ETag"].strip('"')
    assert "max-age" in first.headers["Cache-Control"]
    cached = Path(app.config["INSTANCE_DIR"]) / "share-images" / f"{etag}.png"
    assert cached.read_bytes() == first.data
    stamp = cached.stat().st_mtime_ns
    again = client.get("/en/rumours/take-our-jobs/share.png")
    assert again.data == first.data and cached.stat().st_mtime_ns == stamp
    not_modified = client.get("/en/rumours/take-our-jobs/share.png",
                              headers={"If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304 and not not_modified.data
    # Changing what the image shows changes the key, so no stale image is served.
    path = content_dir / "rumours" / "take-our-jobs.md"
    write(path, JOBS.replace('claim: "They take our jobs"',
                             "claim: " + json.dumps("They steal our jobs")))
    app.extensions["rumours"].refresh()  # what the background watcher does
    changed = client.get("/en/rumours/take-our-jobs/share.png")
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert changed.data != first.data


def test_rendering_is_deterministic(tmp_path):
    arabic = card(lang="ar", direction="rtl", claim=ARABIC_CLAIM, claim_lang="ar",
                  claim_direction="rtl", verdict_text="الحكم: خاطئ")
    assert render(arabic, tmp_path / "a") == render(arabic, tmp_path / "b")
    assert card().key() == card().key() != card(verdict="misleading").key()


@pytest.mark.parametrize("verdict", ["false", "misleading", "partly-true", "unproven"])
def test_the_verdict_colour_is_painted(tmp_path, verdict):
    image = png(render(card(verdict=verdict), tmp_path)).convert("RGB")
    expected = share_images.VERDICT_COLOURS[verdict]
    colour = tuple(int(expected[i:i + 2], 16) for i in (1, 3, 5))
    assert image.getpixel((5, 300)) == colour  # the band on the inline-start edge


def test_the_image_of_a_page_leads_with_its_answer_in_the_readers_language(app):
    from rumours.web.views.share_images import share_card

    with app.test_request_context("/es/rumours/take-our-jobs/share.png"):
        from flask import g

        g.lang = "es"
        library = app.extensions["rumours"].library
        shown = share_card(library.rumour("take-our-jobs"), "es")
    assert shown.answer.startswith("Décadas de investigación")
    assert shown.kicker == "El rumor:" and shown.claim == "«Nos quitan el trabajo»"
    assert shown.verdict_text == "Veredicto: Falso"
    assert shown.site_name == "Rumores: datos contra los rumores"  # translated name
