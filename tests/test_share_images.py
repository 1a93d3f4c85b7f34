"""rumours.share_images and its URL: 1200x630 PNGs, Arabic shaped right-to-left, cached."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from content_fixtures import JOBS, write
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageStat

from rumours import create_app, share_images
from rumours.share_images import Fonts, ShareCard, merged_font_path, raqm_available, render

ARABIC_CLAIM = "يأخذون وظائفنا"
# "بيت" (house) shaped by hand: teh final, yeh medial, beh initial, in visual order.
BAYT = "بيت"
BAYT_VISUAL_FORMS = "\ufe96\ufef4\ufe91"


def card(**changes) -> ShareCard:
    base = ShareCard(
        lang="en", direction="ltr", site_name="Rumours", host="rumours.example.org",
        kicker="The rumour", claim="“They take our jobs”", claim_lang="en",
        claim_direction="ltr", verdict="false", verdict_text="Verdict: False",
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


def test_the_claim_on_an_arabic_image_is_shaped(tmp_path):
    arabic = card(lang="ar", direction="rtl", claim=BAYT, claim_lang="ar",
                  claim_direction="rtl")
    # The same letters already in their joined forms (presentation forms, logical order):
    # what the image must show if it shapes the plain letters.
    reference = card(lang="ar", direction="rtl", claim=BAYT_VISUAL_FORMS[::-1],
                     claim_lang="ar", claim_direction="rtl")
    band, width = share_images.BAND, share_images.WIDTH  # the verdict band is not text
    box = (band, share_images.CLAIM_BOX[0] - 10, width - band, share_images.CLAIM_BOX[1])
    drawn = ink(png(render(arabic, tmp_path)), box)
    expected = ink(png(render(reference, tmp_path)), box)
    assert difference(drawn, expected) < 0.01
    # Right-aligned: the claim ends at the right margin in a right-to-left layout.
    region = png(render(arabic, tmp_path)).crop(box).convert("L").point(
        lambda v: 255 if v < 128 else 0)
    assert region.getbbox()[2] + band > width - share_images.MARGIN - 10


def test_mixed_arabic_and_latin_text_has_a_glyph_for_every_character(tmp_path):
    mixed = "«يأخذون وظائفنا» في Springfield 2024"
    font = Fonts(tmp_path).get(mixed, "bold", 40)
    assert Path(font.path) == merged_font_path(tmp_path, "bold")
    with TTFont(font.path) as merged:
        cmap = merged.getBestCmap()
    assert all(ord(ch) in cmap for ch in mixed if not ch.isspace())
    latin = Fonts(tmp_path).get("They take our jobs", "bold", 40)
    assert Path(latin.path).name == "NotoSans-Bold.ttf"


def test_a_long_claim_is_fitted_into_four_lines_at_most(tmp_path):
    long = card(claim="“" + " ".join(["immigrants"] * 60) + "”")
    image = Image.new("RGB", (share_images.WIDTH, share_images.HEIGHT))
    draw = ImageDraw.Draw(image)
    width = share_images.WIDTH - 2 * share_images.MARGIN
    font, lines, _height = share_images._fit_claim(draw, long, Fonts(tmp_path), width)
    assert len(lines) <= share_images.MAX_CLAIM_LINES
    assert lines[-1].endswith("…")
    assert all(draw.textlength(line, font=font) <= width for line in lines)
    assert png(render(long, tmp_path)).size == (1200, 630)


def test_the_url_serves_a_1200_by_630_png_per_language(client, app):
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
