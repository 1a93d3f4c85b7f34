"""Share images: a 1200x630 PNG per rumour and language, fact first, cached on disk (and in
the memory of the snapshot they were drawn for, when the caller gives one).

The image leads with the verdict and the answer (the entry's summary) on a white card in the
middle of the verdict's colour; the rumour comes once, smaller and labelled, under the
answer. The card fits the centre square (x 285-915), so a square crop of the preview (what
many apps show) still has the verdict and the whole answer.

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
import threading
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import PIL
from PIL import Image, ImageDraw, ImageFont, features

from rumours.content.text_units import cut_at_word, sentences
from rumours.files import atomic_write, atomic_writer

log = logging.getLogger("rumours")

RENDERER_VERSION = "2"
WIDTH, HEIGHT = 1200, 630
FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"
SYSTEM_FONT_DIR = Path("/usr/share/fonts/truetype/noto")
LATIN_FONTS = {"regular": "NotoSans-Regular.ttf", "bold": "NotoSans-Bold.ttf"}
ARABIC_FONTS = {"regular": "NotoSansArabic-Regular.ttf", "bold": "NotoSansArabic-Bold.ttf"}
VERDICT_COLOURS = {  # the same colours as the verdict badges in site.css (white text: AA)
    "false": "#a4161a", "misleading": "#8a4b00", "partly-true": "#5c4b00",
    "unproven": "#44475a",
}
DEFAULT_VERDICT_COLOUR = "#44475a"
INK, MUTED, BRAND, PAPER, TINT = "#1b1b1b", "#4a4a4a", "#1d4e89", "#ffffff", "#f3f5f8"
CROP = ((WIDTH - HEIGHT) // 2, (WIDTH + HEIGHT) // 2)  # the centre square's left and right
CARD = (CROP[0] + 15, 20, CROP[1] - 15, HEIGHT - 20)  # the white card, inside the square
PAD = 34  # inside the card
VERDICT_SIZE = 34
ANSWER_SIZES = (46, 42, 38, 35, 32, 30, 28, 26, 24)
CLAIM_SIZE = 24  # the rumour: always smaller than the smallest answer
MAX_CLAIM_LINES = 2
LINE = 1.28  # line height, in font sizes
LINE_RTL = 1.5  # Arabic needs room for its marks above and below


def _line(size: int, direction: str) -> int:
    return int(size * (LINE_RTL if direction == "rtl" else LINE))

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
    kicker: str  # "The rumour:", translated
    claim: str  # with the quotation marks of the page's language
    claim_lang: str
    claim_direction: str
    verdict: str  # the verdict id, for the colour
    verdict_text: str  # "Verdict: False", translated
    answer: str = ""  # the entry's summary: the fact, first
    answer_lang: str = ""
    answer_direction: str = "ltr"

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
            with atomic_writer(target, durable=False) as handle:
                merged.save(handle)
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


@lru_cache(maxsize=8)
def fonts_for(cache_dir: Path) -> Fonts:
    """The fonts of a cache folder, loaded once per process."""
    return Fonts(cache_dir)


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
            # A word wider than the box: find the longest prefix that fits by bisection, so
            # a very long word costs O(n log n) measurements, not O(n²).
            low, high = 1, len(current) - 1
            while low < high:
                middle = (low + high + 1) // 2
                if draw.textlength(current[:middle], font=font, **kwargs) <= width:
                    low = middle
                else:
                    high = middle - 1
            lines.append(current[:low])
            current = current[low:]
    if current:
        lines.append(current)
    return lines


@dataclass(frozen=True)
class Block:
    """A piece of text placed on the image: its lines, font size and box (x0, y0, x1, y1)."""

    lines: tuple[str, ...]
    size: int
    box: tuple[int, int, int, int]
    line: int = 0  # line height in pixels


def _sentence_prefixes(text: str) -> list[str]:
    """The text, then shorter versions made of its first whole sentences (never a fragment)."""
    parts = sentences(text)
    return [" ".join(parts[:n]) for n in range(len(parts), 0, -1)]


def _fit(draw: ImageDraw.ImageDraw, text: str, fonts: Fonts, weight: str, sizes: tuple[int, ...],
         width: int, height: int, direction: str, lang: str,
         max_lines: int | None = None) -> tuple[int, list[str]]:
    """The largest size at which the whole text fits the box; failing that, the longest run of
    whole sentences that fits at the smallest size; failing that, lines cut with '…'."""
    for candidate in _sentence_prefixes(text) or [text]:
        for size in sizes:
            font = fonts.get(candidate, weight, size)
            lines = wrap(draw, candidate, font, width, direction, lang)
            if (max_lines is None or len(lines) <= max_lines) and \
                    len(lines) * _line(size, direction) <= height:
                return size, lines
        if max_lines is not None:
            break  # short texts (the rumour) are cut, not dropped to a first sentence
    size = sizes[-1]
    font = fonts.get(text + "…", weight, size)
    limit = max(1, min(max_lines or 99, height // _line(size, direction)))
    lines = wrap(draw, text, font, width, direction, lang)
    kwargs = _text_kwargs(direction, lang)
    # The last line that fits holds the start of everything left, cut between words.
    rest = " ".join(lines[limit - 1:])
    lines[limit - 1:] = [cut_at_word(
        rest, width, lambda part: draw.textlength(part, font=font, **kwargs))]
    return size, lines


def layout(card: ShareCard, fonts: Fonts) -> dict[str, Block]:
    """Where each part goes: site, verdict, answer, kicker, claim, host (boxes in pixels)."""
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    left, top, right, bottom = CARD
    inner = (left + PAD, right - PAD)
    width = inner[1] - inner[0]
    page = _text_kwargs(card.direction, card.lang)
    blocks: dict[str, Block] = {}
    y = top + 26
    blocks["site"] = Block((card.site_name,), 22, (inner[0], y, inner[1], y + 30))
    y += 44
    verdict_font = fonts.get(card.verdict_text, "bold", VERDICT_SIZE)
    text_width = int(draw.textlength(card.verdict_text, font=verdict_font, **page))
    pill_width = min(text_width + 48, width)
    x0 = inner[1] - pill_width if card.direction == "rtl" else inner[0]
    blocks["verdict"] = Block((card.verdict_text,), VERDICT_SIZE, (x0, y, x0 + pill_width, y + 64))
    y += 64 + 22
    # The rumour and the address take the bottom; the answer gets everything between.
    host_top = bottom - 26 - 26
    claim_lines_height = MAX_CLAIM_LINES * _line(CLAIM_SIZE, card.claim_direction)
    claim_top = host_top - 18 - claim_lines_height
    kicker_top = claim_top - int(CLAIM_SIZE * LINE)
    answer_bottom = kicker_top - 20
    answer = card.answer or card.claim
    answer_lang = card.answer_lang or card.claim_lang
    answer_dir = card.answer_direction if card.answer else card.claim_direction
    size, lines = _fit(draw, answer, fonts, "bold", ANSWER_SIZES, width, answer_bottom - y,
                       answer_dir, answer_lang)
    line = _line(size, answer_dir)
    blocks["answer"] = Block(tuple(lines), size, (inner[0], y, inner[1], y + len(lines) * line),
                             line)
    blocks["kicker"] = Block((card.kicker,), CLAIM_SIZE,
                             (inner[0], kicker_top, inner[1], kicker_top + int(CLAIM_SIZE * LINE)))
    c_size, c_lines = _fit(draw, card.claim, fonts, "regular", (CLAIM_SIZE,), width,
                           claim_lines_height, card.claim_direction, card.claim_lang,
                           MAX_CLAIM_LINES)
    line = _line(c_size, card.claim_direction)
    blocks["claim"] = Block(tuple(c_lines), c_size,
                            (inner[0], claim_top, inner[1], claim_top + len(c_lines) * line), line)
    blocks["host"] = Block((card.host,), 20, (inner[0], host_top, inner[1], host_top + 26))
    return blocks


def _draw_lines(draw: ImageDraw.ImageDraw, block: Block, fonts: Fonts, weight: str, fill: str,
                direction: str, lang: str) -> None:
    rtl = direction == "rtl"
    x = block.box[2] if rtl else block.box[0]
    anchor = ("r" if rtl else "l") + "a"
    y = block.box[1]
    for line in block.lines:
        font = fonts.get(line, weight, block.size)
        draw.text((x, y), line, font=font, fill=fill, anchor=anchor,
                  **_text_kwargs(direction, lang))
        y += block.line or _line(block.size, direction)


def render(card: ShareCard, cache_dir: Path) -> bytes:
    """Draw the share image and return it as PNG bytes."""
    if not raqm_available():
        raise ShareImageError("Pillow was built without libraqm: it cannot shape Arabic or "
                              "lay out right-to-left text (install libraqm / libfribidi)")
    fonts = fonts_for(Path(cache_dir))
    colour = VERDICT_COLOURS.get(card.verdict, DEFAULT_VERDICT_COLOUR)
    image = Image.new("RGB", (WIDTH, HEIGHT), colour)
    draw = ImageDraw.Draw(image)
    blocks = layout(card, fonts)
    draw.rounded_rectangle(CARD, radius=18, fill=PAPER)
    page_dir, page_lang = card.direction, card.lang
    _draw_lines(draw, blocks["site"], fonts, "bold", BRAND, page_dir, page_lang)
    pill = blocks["verdict"]
    draw.rounded_rectangle(pill.box, radius=10, fill=colour)
    font = fonts.get(card.verdict_text, "bold", pill.size)
    draw.text(((pill.box[0] + pill.box[2]) // 2, (pill.box[1] + pill.box[3]) // 2),
              card.verdict_text, font=font, fill=PAPER, anchor="mm",
              **_text_kwargs(page_dir, page_lang))
    answer_dir = card.answer_direction if card.answer else card.claim_direction
    _draw_lines(draw, blocks["answer"], fonts, "bold", INK, answer_dir,
                card.answer_lang or card.claim_lang)
    rule_y = blocks["kicker"].box[1] - 12
    draw.line((CARD[0] + PAD, rule_y, CARD[2] - PAD, rule_y), fill=TINT, width=3)
    _draw_lines(draw, blocks["kicker"], fonts, "bold", MUTED, page_dir, page_lang)
    _draw_lines(draw, blocks["claim"], fonts, "regular", MUTED, card.claim_direction,
                card.claim_lang)
    host = blocks["host"]
    font = fonts.get(card.host, "regular", host.size)
    draw.text((host.box[0] if page_dir == "rtl" else host.box[2], host.box[1]), card.host,
              font=font, fill=MUTED, anchor=("l" if page_dir == "rtl" else "r") + "a",
              direction="ltr", language="en")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


class Memory(Protocol):
    """Where drawn images are also kept in memory (e.g. a snapshot's cache)."""

    def get(self, key: str, default: bytes | None = None) -> bytes | None: ...

    def set(self, key: str, value: bytes) -> None: ...


class ShareImageCache:
    """Rendered PNGs on disk, one file per card key, written atomically; and in `memory`
    (the cache of the content snapshot they show) when given."""

    def __init__(self, folder: Path, memory: Memory | None = None):
        self.folder = Path(folder)
        self.memory = memory

    def path(self, card: ShareCard) -> Path:
        return self.folder / f"{card.key()}.png"

    def cached(self, card: ShareCard) -> bytes | None:
        """The PNG for `card` if it was drawn before, else None."""
        key = card.key()
        data = self.memory.get(key) if self.memory is not None else None
        if data is None:
            try:
                data = self.path(card).read_bytes()
            except OSError:
                return None
            if self.memory is not None:
                self.memory.set(key, data)
        return data

    def get(self, card: ShareCard) -> bytes:
        """The PNG for `card`, drawn on first use. A full or read-only disk only loses the
        copy on disk: the image is still drawn and served."""
        data = self.cached(card)
        if data is not None:
            return data
        data = render(card, self.folder)
        if self.memory is not None:
            self.memory.set(card.key(), data)
        path = self.path(card)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data, durable=False)
        except OSError as exc:
            log.warning("could not keep a share image on disk: %s", exc)
        return data
