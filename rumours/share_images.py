"""Share images: a 1200x630 PNG per rumour and language (claim + verdict), cached on disk.

Text is laid out by Pillow with libraqm (HarfBuzz shaping, FriBiDi reordering), so Arabic
is joined and right-to-left. Noto Sans has no Arabic and Noto Sans Arabic no Latin
letters, so text that needs both is drawn with one font merged from the two (fontTools),
built once into the cache folder: a single font lets raqm apply the Unicode bidi
algorithm to the whole line ("«…» في Springfield").
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import threading
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import PIL
from PIL import Image, ImageDraw, ImageFont, features

log = logging.getLogger("rumours")

RENDERER_VERSION = "1"
WIDTH, HEIGHT = 1200, 630
FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
SYSTEM_FONT_DIR = Path("/usr/share/fonts/truetype/noto")
LATIN_FONTS = {"regular": "NotoSans-Regular.ttf", "bold": "NotoSans-Bold.ttf"}
ARABIC_FONTS = {"regular": "NotoSansArabic-Regular.ttf", "bold": "NotoSansArabic-Bold.ttf"}
VERDICT_COLOURS = {  # the same colours as the verdict badges in site.css (white text: AA)
    "false": "#a4161a", "misleading": "#8a4b00", "partly-true": "#5c4b00",
    "unproven": "#44475a",
}
DEFAULT_VERDICT_COLOUR = "#44475a"
INK, MUTED, BRAND, PAPER, TINT = "#1b1b1b", "#4a4a4a", "#1d4e89", "#ffffff", "#f3f5f8"
MARGIN = 72
BAND = 24
CLAIM_SIZES = (76, 68, 60, 54, 48, 42, 38)
CLAIM_BOX = (190, 452)  # top and bottom of the area the claim must fit in
MAX_CLAIM_LINES = 4

_font_lock = threading.Lock()
_merged_fonts: dict[str, Path] = {}  # merged fonts built by this process, by file name


class ShareImageError(RuntimeError):
    """The share image cannot be drawn correctly (e.g. Pillow built without raqm)."""


@dataclass(frozen=True)
class ShareCard:
    """Everything drawn on one share image, already translated."""

    lang: str  # the page's language: the side the layout starts from
    direction: str  # "ltr" or "rtl" for `lang`
    site_name: str
    host: str
    kicker: str  # "The rumour", translated
    claim: str  # with the quotation marks of the page's language
    claim_lang: str
    claim_direction: str
    verdict: str  # the verdict id, for the colour
    verdict_text: str  # "Verdict: False", translated

    def key(self) -> str:
        """A hash of what the image shows and how it is drawn: the cache key and ETag."""
        digest = hashlib.sha256()
        for value in (RENDERER_VERSION, PIL.__version__, features.version("raqm") or "",
                      _font_digest(), *asdict(self).values()):
            digest.update(str(value).encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()[:32]


def raqm_available() -> bool:
    """Whether Pillow can shape complex scripts and lay out right-to-left text."""
    return bool(features.check("raqm"))


def font_path(name: str) -> Path:
    """A font shipped in static/fonts (falling back to Debian's fonts-noto-core)."""
    for folder in (FONT_DIR, SYSTEM_FONT_DIR):
        if (folder / name).is_file():
            return folder / name
    raise ShareImageError(f"font {name} not found in {FONT_DIR}")


@lru_cache(maxsize=1)
def _font_digest() -> str:
    digest = hashlib.sha256()
    for name in (*LATIN_FONTS.values(), *ARABIC_FONTS.values()):
        digest.update(font_path(name).read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=8)
def _latin_cmap(weight: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(font_path(LATIN_FONTS[weight])) as font:
        return frozenset(font.getBestCmap())


def merged_font_path(cache_dir: Path, weight: str) -> Path:
    """Noto Sans and Noto Sans Arabic merged into one font, built once per font version."""
    import fontTools
    from fontTools.merge import Merger

    name = f"NotoSansLatinArabic-{weight}-{_font_digest()}-{fontTools.version}.ttf"
    target = Path(cache_dir) / "fonts" / name
    if target.is_file():
        return target
    known = _merged_fonts.get(name)
    if known is not None and known.is_file():  # built in this process for another folder
        return known
    with _font_lock:
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            merged = Merger().merge([str(font_path(LATIN_FONTS[weight])),
                                     str(font_path(ARABIC_FONTS[weight]))])
            tmp = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            merged.save(str(tmp))
            os.replace(tmp, target)
        _merged_fonts[name] = target
    return target


class Fonts:
    """Picks a font for a piece of text: Noto Sans when it covers it, else the merged font."""

    def __init__(self, cache_dir: Path):
        self.cache_dir = Path(cache_dir)
        self._cache: dict[tuple[str, str, int], ImageFont.FreeTypeFont] = {}

    def get(self, text: str, weight: str, size: int) -> ImageFont.FreeTypeFont:
        covered = all(ord(ch) in _latin_cmap(weight) or ch.isspace() for ch in text)
        kind = "latin" if covered else "merged"
        key = (kind, weight, size)
        if key not in self._cache:
            path = (font_path(LATIN_FONTS[weight]) if covered
                    else merged_font_path(self.cache_dir, weight))
            self._cache[key] = ImageFont.truetype(str(path), size,
                                                  layout_engine=ImageFont.Layout.RAQM)
        return self._cache[key]


def _text_kwargs(direction: str, lang: str) -> dict:
    return {"direction": direction, "language": lang}


def wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int,
         direction: str, lang: str) -> list[str]:
    """Break text into lines no wider than `width` (in logical order; raqm reorders)."""
    kwargs = _text_kwargs(direction, lang)
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if draw.textlength(candidate, font=font, **kwargs) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while draw.textlength(current, font=font, **kwargs) > width and len(current) > 1:
            cut = len(current) - 1
            while cut > 1 and draw.textlength(current[:cut], font=font, **kwargs) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines


def _fit_claim(draw: ImageDraw.ImageDraw, card: ShareCard, fonts: Fonts,
               width: int) -> tuple[ImageFont.FreeTypeFont, list[str], int]:
    """The largest claim size whose lines fit the claim box; the last line ellipsised."""
    height = CLAIM_BOX[1] - CLAIM_BOX[0]
    for size in CLAIM_SIZES:
        font = fonts.get(card.claim, "bold", size)
        lines = wrap(draw, card.claim, font, width, card.claim_direction, card.claim_lang)
        line_height = int(size * 1.25)
        if len(lines) <= MAX_CLAIM_LINES and len(lines) * line_height <= height:
            return font, lines, line_height
    size = CLAIM_SIZES[-1]
    font = fonts.get(card.claim + "…", "bold", size)
    line_height = int(size * 1.25)
    limit = min(MAX_CLAIM_LINES, height // line_height)
    lines = wrap(draw, card.claim, font, width, card.claim_direction, card.claim_lang)[:limit]
    kwargs = _text_kwargs(card.claim_direction, card.claim_lang)
    last = lines[-1]
    while last and draw.textlength(last + "…", font=font, **kwargs) > width:
        last = last[:-1]
    lines[-1] = last.rstrip() + "…"
    return font, lines, line_height


def render(card: ShareCard, cache_dir: Path) -> bytes:
    """Draw the share image and return it as PNG bytes."""
    if not raqm_available():
        raise ShareImageError("Pillow was built without libraqm: it cannot shape Arabic or "
                              "lay out right-to-left text (install libraqm / libfribidi)")
    fonts = Fonts(cache_dir)
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    rtl = card.direction == "rtl"
    colour = VERDICT_COLOURS.get(card.verdict, DEFAULT_VERDICT_COLOUR)
    start = WIDTH - MARGIN if rtl else MARGIN  # x of the inline-start edge of the text
    end = MARGIN if rtl else WIDTH - MARGIN
    side = "r" if rtl else "l"
    other = "l" if rtl else "r"
    page = _text_kwargs(card.direction, card.lang)

    # The verdict's colour as a band on the inline-start edge, a tinted footer.
    draw.rectangle((0, HEIGHT - 96, WIDTH, HEIGHT), fill=TINT)
    band = (WIDTH - BAND, 0, WIDTH, HEIGHT) if rtl else (0, 0, BAND, HEIGHT)
    draw.rectangle(band, fill=colour)

    site_font = fonts.get(card.site_name, "bold", 32)
    draw.text((start, 64), card.site_name, font=site_font, fill=BRAND, anchor=side + "t",
              **page)
    kicker_font = fonts.get(card.kicker, "regular", 30)
    draw.text((start, 140), card.kicker, font=kicker_font, fill=MUTED, anchor=side + "s",
              **page)

    claim_rtl = card.claim_direction == "rtl"
    claim_x = WIDTH - MARGIN if claim_rtl else MARGIN
    claim_anchor = ("r" if claim_rtl else "l") + "a"
    font, lines, line_height = _fit_claim(draw, card, fonts, WIDTH - 2 * MARGIN)
    y = CLAIM_BOX[0]
    for line in lines:
        draw.text((claim_x, y), line, font=font, fill=INK, anchor=claim_anchor,
                  **_text_kwargs(card.claim_direction, card.claim_lang))
        y += line_height

    verdict_font = fonts.get(card.verdict_text, "bold", 40)
    text_width = draw.textlength(card.verdict_text, font=verdict_font, **page)
    pad_x, top, bottom = 28, 478, 548
    left = start - text_width - 2 * pad_x if rtl else start
    draw.rounded_rectangle((left, top, left + text_width + 2 * pad_x, bottom), radius=10,
                           fill=colour)
    draw.text((left + pad_x + (text_width if rtl else 0), (top + bottom) // 2),
              card.verdict_text, font=verdict_font, fill=PAPER, anchor=side + "m", **page)

    host_font = fonts.get(card.host, "regular", 28)
    draw.text((end, HEIGHT - 48), card.host, font=host_font, fill=MUTED,
              anchor=other + "m", direction="ltr", language="en")

    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


class ShareImageCache:
    """Rendered PNGs on disk, one file per card key; written atomically."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path(self, card: ShareCard) -> Path:
        return self.folder / f"{card.key()}.png"

    def cached(self, card: ShareCard) -> bytes | None:
        """The PNG for `card` if it was drawn before, else None."""
        try:
            return self.path(card).read_bytes()
        except OSError:
            return None

    def get(self, card: ShareCard) -> bytes:
        """The PNG for `card`, drawn on first use. A full or read-only disk only loses the
        copy on disk: the image is still drawn and served."""
        data = self.cached(card)
        if data is not None:
            return data
        data = render(card, self.folder)
        path = self.path(card)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("could not keep a share image on disk: %s", exc)
            tmp.unlink(missing_ok=True)
        return data
