"""rumours.printing.cards (with card_content, imposition, card_fitting) and its URLs, on real
PDFs: A6 cards, A4 decks, fit, QR codes, Arabic, errors.

Sample pages are written to test-artefacts/cards/ as PNGs for a person to look at.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from content_fixtures import ROOT, make_content, write
from PIL import Image
from pypdf import PdfReader

from rumours import create_app
from rumours.content.loading import load_library
from rumours.content.model import Fact
from rumours.content.text_units import sentences, shorten
from rumours.printing.card_content import BACK_LEVELS, key_facts
from rumours.printing.imposition import Slot, deck_sheets, sheet_grid

ARTEFACTS = ROOT / "test-artefacts" / "cards"
A6 = (297.64, 419.53)  # points
A4 = (595.28, 841.89)
MM = 72 / 25.4  # points per millimetre
BASE = "rumours.example.org"
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067"
                                       "\u2068\u2069"))

ARABIC_CLAIM = "يأخذون وظائفنا"
JOBS_AR = """\
---
claim: "يأخذون وظائفنا"
summary: >-
  تُظهر أبحاث امتدت لعقود أن تأثير الهجرة على وظائف السكان المقيمين هنا ضئيل جداً.
source_fingerprint: {fingerprint}
---

## الحقائق {{#facts}}

- على مدى عشر سنوات أو أكثر، يكون التأثير على أجور السكان المحليين صغيراً جداً. [^nas-2016]
- كان نحو 2.93 مليون عامل أجنبي يساهمون في الضمان الاجتماعي في إسبانيا، أي 13.7% من المجموع. [^mil21-2024]
- لا يوجد دليل يُذكر على أي تأثير على التوظيف العام للسكان المحليين. [^nas-2016]

## القلق الحقيقي {{#concern}}

يخشى الناس فقدان عملهم في الأوقات الصعبة.

## كيف نتحدث عن ذلك {{#talk}}

اسأل: من رأيت يفقد عمله، ولماذا؟ ثم تحدث عن المتاجر ودور الرعاية التي تحتاج إلى عاملين.
"""

KREYOL_CLAIM = "Yo pran travay nou"
JOBS_HT = """\
---
claim: "Yo pran travay nou"
summary: >-
  Plizyè deseni rechèch montre imigrasyon pa gen anpil efè sou travay moun ki deja ap viv
  isit la.
source_fingerprint: {fingerprint}
---

## Fè yo {{#facts}}

- Sou 10 an oswa plis, efè sou salè moun lokal yo piti anpil. [^nas-2016]
- Anviwon 2,93 milyon travayè etranje te peye kotizasyon nan Espay, 13,7% nan total la. [^mil21-2024]
- Pa gen anpil prèv ki montre yon efè sou travay an jeneral. [^nas-2016]

## Vrè enkyetid la {{#concern}}

Moun pè pèdi travay yo lè lavi a di.

## Kijan pou pale de sa {{#talk}}

Mande: kiyès ou te wè ki pèdi travay li, e poukisa? Apre sa, pale de magazen yo ak kay
retrèt yo ki bezwen travayè.
"""

LONG_ID = "an-extremely-long-rumour-identifier-that-goes-on"
LONG_CLAIM = ("They come here, take every job and every flat, get paid more in benefits than "
              "we earn in wages, never pay a cent of tax and send everything home")
LONG_FACT = ("In {year} the statistics office counted {n} thousand newcomers in work, "
             "{pct}% of all workers, paying {m} million in contributions; most of them work in "
             "care, cleaning, building and hotels, sectors where employers report thousands of "
             "unfilled posts every year, and their wages are close to those of local workers "
             "doing the same jobs. ")
LONG = """\
---
id: {id}
claim: "{claim}"
verdict: misleading
summary: >-
  {summary}
topics: [work, benefits, housing, taxes-economy]
places: [barcelona, spain]
sources:
  - id: stats-office
    publisher: The National Statistics Office of a Very Long Official Name, Department of Labour Market and Social Security Studies
    title: A report with a very long title about employment, contributions and benefits
    date: 2025-06-30
    url: https://example.org/stats/a/very/long/path/that/goes/on/and/on/report.pdf
    strength: A
  - id: think-tank
    publisher: An Independent Research Institute
    title: Another study
    date: 2024
    url: https://example.org/think-tank
    strength: B
published: 2026-01-01
reviewed: 2026-06-01
next_review: 2099-01-01
---

## The facts {{#facts}}

{facts}

## The real concern {{#concern}}

{concern}

## How to talk about it {{#talk}}

{talk}
"""
LONG_AR = """\
---
claim: "يأتون إلى هنا ويأخذون كل الوظائف وكل الشقق ويحصلون على إعانات أكثر مما نكسبه من أجور ولا يدفعون أي ضريبة ويرسلون كل شيء إلى بلدانهم"
summary: >-
  {summary}
source_fingerprint: {fingerprint}
---

## الحقائق {{#facts}}

{facts}

## القلق الحقيقي {{#concern}}

{concern}

## كيف نتحدث عن ذلك {{#talk}}

{talk}
"""
AR_SENTENCE = ("في عام 2025 أحصى مكتب الإحصاء 412 ألف قادم جديد يعملون، أي 13.7% من جميع العمال، "
               "ويعمل معظمهم في الرعاية والتنظيف والبناء والفنادق حيث تبقى آلاف الوظائف شاغرة. ")

FILLER = """\
---
id: filler-{n}
claim: "Filler rumour number {n} about housing"
verdict: unproven
summary: "Short summary number {n}, with one figure: {n}0%."
topics: [housing]
places: [springfield]
sources:
  - id: src
    publisher: Housing Office
    title: Housing report
    date: 2025
    url: https://example.org/housing
    strength: C
published: 2026-01-01
reviewed: 2026-02-0{n}
next_review: 2099-01-01
---

## The facts {{#facts}}

- Fact {n}: {n}00 homes were built. [^src]

## The real concern {{#concern}}

Rents.

## How to talk about it {{#talk}}

Ask about rents.
"""


def build_content(root: Path) -> Path:
    """The shared small library plus Arabic and Kreyòl translations, a very long entry and
    six short fillers (to fill two deck sheets)."""
    content = make_content(root)
    facts = "\n".join(
        "- " + (LONG_FACT * 2).format(year=2018 + i, n=100 + i, pct=10 + i, m=300 + i).strip()
        + (" [^stats-office]" if i % 2 == 0 else " [^think-tank]")
        for i in range(6)
    )
    long_text = {
        "id": LONG_ID, "claim": LONG_CLAIM, "facts": facts,
        "summary": ("Newcomers pay more in taxes and contributions than they receive in "
                    "benefits in every study we found; they work in sectors short of staff. ")
        * 4,  # near the loader's limit for a summary (700 characters)
        "concern": "People worry about rents and jobs. " * 20,
        "talk": ("Start by asking what they have seen themselves, then talk about the care "
                 "workers, cooks and builders they meet every day. ") * 12,
    }
    write(content / "rumours" / f"{LONG_ID}.md", LONG.format(**long_text))
    for n in range(1, 7):
        write(content / "rumours" / f"filler-{n}.md", FILLER.format(n=n))
    library = load_library(content)
    jobs = library.rumour("take-our-jobs").fingerprint
    write(content / "rumours" / "take-our-jobs.ar.md", JOBS_AR.format(fingerprint=jobs))
    write(content / "rumours" / "take-our-jobs.ht.md", JOBS_HT.format(fingerprint=jobs))
    ar_facts = "\n".join(f"- {AR_SENTENCE * 3}".strip() + " [^stats-office] [^think-tank]"
                         for _ in range(5))
    write(content / "rumours" / f"{LONG_ID}.ar.md", LONG_AR.format(
        summary=AR_SENTENCE * 4, facts=ar_facts, concern=AR_SENTENCE * 4,
        talk=AR_SENTENCE * 8, fingerprint=library.rumour(LONG_ID).fingerprint))
    return content


@pytest.fixture(scope="module")
def cards_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("cards")
    content = build_content(root)
    return create_app({"TESTING": True, "CONTENT_DIR": content, "INSTANCE_DIR": root / "instance",
                       "RESPONSE_CACHE": False})


@pytest.fixture(scope="module")
def cards_client(cards_app):
    return cards_app.test_client()


@pytest.fixture(scope="module")
def pdfs(cards_client):
    """Fetch a PDF once per module: url -> bytes (asserting a 200 PDF)."""
    fetched: dict[str, bytes] = {}

    def get(url: str) -> bytes:
        if url not in fetched:
            response = cards_client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            assert response.mimetype == "application/pdf"
            fetched[url] = response.data
        return fetched[url]

    return get


# --------------------------------------------------------------------------- helpers


def need(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        pytest.skip(f"{binary} is not installed (apt-get install poppler-utils zbar-tools)")
    return path


def save(tmp_path: Path, data: bytes, name: str = "card.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def pdftotext(pdf: Path, page: int | None = None, crop: tuple[float, ...] | None = None,
              bbox: bool = False, raw: bool = True) -> str:
    """A page's text, bidi marks removed (poppler). `raw` keeps hyphens at line ends (URLs);
    without it, right-to-left text comes out in logical order."""
    args = [need("pdftotext"), "-enc", "UTF-8"] + (["-raw"] if raw else [])
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    if crop is not None:  # x, y, width, height in points (at -r 72)
        args += ["-r", "72", "-x", str(int(crop[0])), "-y", str(int(crop[1])),
                 "-W", str(int(crop[2])), "-H", str(int(crop[3]))]
    if bbox:
        args = [a for a in args if a != "-raw"] + ["-bbox"]
    out = subprocess.run([*args, str(pdf), "-"], capture_output=True, check=True).stdout
    return out.decode("utf-8").translate(BIDI_CONTROLS)


def flat(text: str) -> str:
    """Text with every run of whitespace (line ends too) as one space."""
    return " ".join(text.split())


def squashed(text: str) -> str:
    """Text without any whitespace: a URL broken over lines becomes whole again."""
    return re.sub(r"\s+", "", text)


def render_png(pdf: Path, page: int, dpi: int, out: Path) -> Path:
    """One page as a PNG with pdftoppm."""
    stem = out.with_suffix("")
    subprocess.run([need("pdftoppm"), "-r", str(dpi), "-png", "-singlefile", "-f", str(page),
                    "-l", str(page), str(pdf), str(stem)], check=True, capture_output=True)
    return stem.with_suffix(".png")


def artefact(pdf: Path, page: int, name: str, dpi: int = 150) -> Path:
    """Keep a PNG of a page in test-artefacts/cards/ for a person to look at."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return render_png(pdf, page, dpi, ARTEFACTS / f"{name}.png")


def qr_codes(png: Path) -> list[str]:
    """The data of every QR code zbarimg finds in an image."""
    out = subprocess.run([need("zbarimg"), "--raw", "-q", str(png)], capture_output=True,
                         check=False).stdout.decode("utf-8")
    return [line for line in out.splitlines() if line]


def dark_box(png: Path, dpi: int, region_mm: tuple[float, float, float, float]):
    """The bounding box, in mm, of the dark pixels inside a region (x0, y0, x1, y1 in mm)."""
    image = Image.open(png).convert("L")
    px = [round(v / 25.4 * dpi) for v in region_mm]
    box = image.crop(px).point(lambda v: 255 if v < 80 else 0).getbbox()
    if box is None:
        return None
    return tuple(region_mm[i % 2] + v * 25.4 / dpi for i, v in enumerate(box))


def qr_side(png: Path) -> str:
    """Which half of a page ("left" or "right") holds the QR code, decoded from each half."""
    image = Image.open(png)
    width, height = image.size
    found = []
    for name, box in (("left", (0, 0, width // 2, height)),
                      ("right", (width // 2, 0, width, height))):
        half = png.with_name(f"{png.stem}-{name}.png")
        image.crop(box).save(half)
        if qr_codes(half):
            found.append(name)
    assert len(found) == 1, found
    return found[0]


def page_size(reader: PdfReader, index: int) -> tuple[float, float]:
    box = reader.pages[index].mediabox
    return float(box.width), float(box.height)


def text_sizes(reader: PdfReader, index: int) -> list[tuple[str, float]]:
    """(text run, effective font size in points) for every run drawn on a page."""
    runs: list[tuple[str, float]] = []

    def visit(text, cm, tm, _font_dict, font_size):
        if text.strip():
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            runs.append((text, font_size * scale))

    reader.pages[index].extract_text(visitor_text=visit)
    return runs


def words_outside(pdf: Path, page: int, width_pt: float, margin_mm: float) -> list[str]:
    """Words whose advance box reaches into the side margins (pdftotext -bbox, points)."""
    xml = pdftotext(pdf, page, bbox=True)
    low, high = margin_mm * MM - 0.5, width_pt - margin_mm * MM + 0.5
    return [word for x0, x1, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>', xml)
        if float(x0) < low or float(x1) > high]


def ink_near_edges(png: Path, dpi: int, margin_mm: float) -> int:
    """How many dark pixels lie within `margin_mm` of the page's edges."""
    image = Image.open(png).convert("L")
    band = round(margin_mm / 25.4 * dpi)
    width, height = image.size
    dark = 0
    for box in ((0, 0, width, band), (0, height - band, width, height), (0, 0, band, height),
                (width - band, 0, width, height)):
        dark += sum(image.crop(box).histogram()[:160])
    return dark


# --------------------------------------------------------------------------- content rules


def test_sentences_split_on_end_punctuation_not_on_abbreviations_or_numbers():
    text = ('Ask: "Is that a cost?" Most people say no. The U.S. figure was 2.93 million. '
            "اسأل: من رأيت؟ ثم تحدث.")
    assert sentences(text) == ['Ask: "Is that a cost?"', "Most people say no.",
                               "The U.S. figure was 2.93 million.", "اسأل: من رأيت؟",
                               "ثم تحدث."]


def test_shorten_keeps_whole_sentences_then_cuts_between_words():
    text = "First sentence here. Second sentence is longer than the first one."
    assert shorten(text, None) == text
    assert shorten(text, 200) == text
    assert shorten(text, 30) == "First sentence here."
    cut = shorten("One very long sentence without any full stop until the very end", 30)
    assert cut.endswith("…") and len(cut) <= 30 and " " not in cut[-2:]
    assert "One very long sentence".startswith(cut[:-1].rsplit(" ", 1)[0])


def test_key_facts_prefer_figures_and_keep_the_authors_order():
    facts = (Fact("No figure here.", ()), Fact("12% of them.", ()), Fact("Also none.", ()),
             Fact("In 2024, 3 million.", ()), Fact("About 40 people.", ()))
    assert key_facts(facts, 3) == (1, 3, 4)
    assert key_facts(facts, 1) == (1,)
    assert key_facts(facts[:2], 3) == (0, 1)


def test_back_levels_drop_whole_facts_before_cutting_any():
    first_cut = next(i for i, level in enumerate(BACK_LEVELS) if level.fact_chars)
    assert all(level.facts == 1 for level in BACK_LEVELS[first_cut:])
    assert [level.facts for level in BACK_LEVELS[:first_cut]] == sorted(
        (level.facts for level in BACK_LEVELS[:first_cut]), reverse=True)


def test_backs_are_mirrored_for_long_edge_duplex():
    sheets = deck_sheets(6)
    assert [[s.number for s in sheet] for sheet in sheets] == [[1, 2, 3, 4], [5, 6]]
    numbers = lambda grid: [[s.number if s else None for s in row] for row in grid]  # noqa: E731
    assert numbers(sheet_grid(sheets[0], "front")) == [[1, 2], [3, 4]]
    assert numbers(sheet_grid(sheets[0], "back")) == [[2, 1], [4, 3]]
    assert numbers(sheet_grid(sheets[1], "front")) == [[5, 6], [None, None]]
    assert numbers(sheet_grid(sheets[1], "back")) == [[6, 5], [None, None]]
    assert sheet_grid([Slot(9, 2)], "back") == [[None, None], [None, Slot(9, 2)]]


# --------------------------------------------------------------------------- single cards


def test_card_is_two_a6_pages_with_claim_verdict_summary_and_back(pdfs, tmp_path):
    pdf = save(tmp_path, pdfs("/en/rumours/take-our-jobs/card.pdf"))
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2
    for index in (0, 1):
        assert page_size(reader, index) == pytest.approx(A6, abs=0.1)
    front, back = flat(pdftotext(pdf, 1)), flat(pdftotext(pdf, 2))
    assert "They take our jobs" in front
    assert "Verdict: False" in front
    assert "very little effect of immigration" in front
    assert "The facts" in back and "How to talk about it" in back
    assert "2.93 million foreign workers" in back
    assert "Source: Spanish Social Security via mil21.es (2025)" in back
    assert f"{BASE}/en/rumours/take-our-jobs" in squashed(back)
    assert "Language: English" in back and "Reviewed October 1, 2026" in back
    artefact(pdf, 1, "card-en-front")
    artefact(pdf, 2, "card-en-back")


@pytest.mark.parametrize(("lang", "claim", "font"), [
    ("en", "They take our jobs", "Rumours-Sans"),
    ("ar", ARABIC_CLAIM, "Rumours-Arabic"),
])
def test_card_is_tagged_with_language_title_and_embedded_fonts(pdfs, tmp_path, lang, claim,
                                                                font):
    reader = PdfReader(save(tmp_path, pdfs(f"/{lang}/rumours/take-our-jobs/card.pdf")))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == lang
    assert claim in reader.metadata.title
    fonts = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            pdf_font = ref.get_object()
            descriptor = pdf_font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor  # embedded, not referenced
            fonts.add(str(pdf_font["/BaseFont"]).split("+")[-1])
    assert font in fonts
    assert fonts <= {"Rumours-Sans", "Rumours-Sans-Bold", "Rumours-Arabic",
                     "Rumours-Arabic-Bold"}, fonts


def test_body_text_is_at_least_12pt(pdfs):
    reader = PdfReader(io.BytesIO(pdfs("/en/rumours/take-our-jobs/card.pdf")))
    runs = text_sizes(reader, 0) + text_sizes(reader, 1)
    body = [(text, size) for text, size in runs
            if any(w in text for w in ("effect of immigration", "foreign workers",
                                       "who did you see", "take our jobs"))]
    assert body, runs
    assert min(size for _text, size in body) >= 12 - 0.01, body


def test_qr_code_opens_the_rumour_page_and_is_at_least_2cm(pdfs, tmp_path):
    pdf = save(tmp_path, pdfs("/en/rumours/take-our-jobs/card.pdf"))
    dpi = 200
    png = render_png(pdf, 2, dpi, tmp_path / "back.png")
    assert qr_codes(png) == [f"https://{BASE}/en/rumours/take-our-jobs"]
    # The code's modules (quiet zone excluded) in the bottom left corner, left of the text.
    x0, y0, x1, y1 = dark_box(png, dpi, (5, 116, 33, 143))
    assert x1 - x0 >= 20 and y1 - y0 >= 20
    assert abs((x1 - x0) - (y1 - y0)) < 0.5


def test_arabic_card_is_right_to_left_in_logical_order(pdfs, tmp_path):
    pdf = save(tmp_path, pdfs("/ar/rumours/take-our-jobs/card.pdf"))
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2 and reader.trailer["/Root"]["/Lang"] == "ar"
    front, back = flat(pdftotext(pdf, 1, raw=False)), flat(pdftotext(pdf, 2, raw=False))
    assert ARABIC_CLAIM in front  # logical order: the words read right to left
    assert " ".join(reversed(ARABIC_CLAIM.split())) not in front
    assert "أبحاث امتدت لعقود" in front
    assert "التوظيف العام للسكان" in back
    assert f"{BASE}/ar/rumours/take-our-jobs" in squashed(pdftotext(pdf, 2))
    # Mirrored: the QR code sits at the bottom right of an Arabic card, bottom left otherwise.
    dpi = 150
    assert qr_side(render_png(pdf, 2, dpi, tmp_path / "ar.png")) == "right"
    en = save(tmp_path, pdfs("/en/rumours/take-our-jobs/card.pdf"), "en.pdf")
    assert qr_side(render_png(en, 2, dpi, tmp_path / "en.png")) == "left"
    artefact(pdf, 1, "card-ar-front")
    artefact(pdf, 2, "card-ar-back")


def test_kreyol_card_uses_the_shipped_fonts(pdfs, tmp_path):
    pdf = save(tmp_path, pdfs("/ht/rumours/take-our-jobs/card.pdf"))
    text = flat(pdftotext(pdf))
    assert KREYOL_CLAIM in text
    assert "Plizyè deseni rechèch" in text and "prèv" in text
    assert unicodedata.normalize("NFC", text).count("è") >= 3
    artefact(pdf, 2, "card-ht-back")


def test_untranslated_card_has_the_readers_labels_and_says_which_language_its_text_is_in(
        pdfs, tmp_path):
    pdf = save(tmp_path, pdfs("/fr/rumours/springfield-pets-geese/card.pdf"))
    text = flat(pdftotext(pdf))
    assert "eating the pets" in text  # the text: the nearest language it exists in
    assert "Verdict : Faux" in text and "La rumeur :" in text  # every label in French
    assert "Texte en anglais : pas encore traduit en français." in text
    assert "Texte en anglais" in flat(pdftotext(pdf, 2)) and "Language" not in text
    # The QR code opens the page in the card's language (which shows the same fallback).
    assert f"{BASE}/fr/rumours/springfield-pets-geese" in squashed(text)
    codes = qr_codes(render_png(pdf, 2, 150, tmp_path / "back.png"))
    assert codes == [f"https://{BASE}/fr/rumours/springfield-pets-geese"]
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "fr"


def test_a_card_follows_the_languages_fallback_chain(cards_app, tmp_path):
    """Catalan falls back to Spanish before English (site.yml `fallbacks`)."""
    client = cards_app.test_client()
    pdf = save(tmp_path, client.get("/ca/rumours/take-our-jobs/card.pdf").data)
    text = flat(pdftotext(pdf))
    assert "Décadas de investigación" in text and "Veredicte:" in text
    assert "Text en castellà: encara no hi ha traducció en català." in text


def test_card_front_leads_with_the_verdict_and_the_answer(pdfs, tmp_path):
    pdf = save(tmp_path, pdfs("/en/rumours/take-our-jobs/card.pdf"))
    front = flat(pdftotext(pdf, 1))
    verdict, answer = front.index("Verdict: False"), front.index("Research over decades")
    rumour, claim = front.index("The rumour:"), front.index("They take our jobs")
    assert verdict < answer < rumour < claim


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_longest_entry_is_shortened_never_clipped(pdfs, tmp_path, lang):
    pdf = save(tmp_path, pdfs(f"/{lang}/rumours/{LONG_ID}/card.pdf"))
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2
    for page in (1, 2):
        # Nothing runs off the card or is cut: every word stays inside the 7 mm safe margin
        # sideways, and no ink at all lies within 6 mm of any edge.
        assert words_outside(pdf, page, A6[0], margin_mm=7) == []
        assert ink_near_edges(render_png(pdf, page, 100, tmp_path / f"{page}.png"), 100, 6) == 0
    back = flat(pdftotext(pdf, 2))
    assert f"{BASE}/{lang}/rumours/{LONG_ID}" in squashed(back)  # the footer is all there
    sources = back.count("Source") + back.count("المصدر")
    if lang == "en":
        assert 1 <= back.count("Source") <= 2  # fewer facts than the six written
        assert "2018" in back  # a fact with figures kept
        assert LONG_CLAIM[:40] in flat(pdftotext(pdf, 1))
    assert sources <= 3
    artefact(pdf, 1, f"card-long-{lang}-front")
    artefact(pdf, 2, f"card-long-{lang}-back")


def test_longest_bundled_entries_fit_in_every_language(bundled_app, bundled_library, tmp_path):
    """The bundled library's three longest entries in each language, as printed."""
    library = bundled_library
    client = bundled_app.test_client()

    def length(rumour, lang):
        text = rumour.text(lang)
        return len(text.claim) + len(text.summary) + len(text.talk_text) + sum(
            len(f.text) for f in text.facts)

    for lang in library.site.languages:
        longest = sorted(library.rumours, key=lambda r: -length(r, lang))[:3]
        for rumour in longest:
            response = client.get(f"/{lang}/rumours/{rumour.id}/card.pdf")
            assert response.status_code == 200, (lang, rumour.id)
            pdf = save(tmp_path, response.data, f"{lang}-{rumour.id}.pdf")
            assert len(PdfReader(pdf).pages) == 2, (lang, rumour.id)
            for page in (1, 2):
                assert words_outside(pdf, page, A6[0], margin_mm=7) == [], (lang, rumour.id)
                png = render_png(pdf, page, 60, tmp_path / f"{lang}-{rumour.id}-{page}.png")
                assert ink_near_edges(png, 60, 6) == 0, (lang, rumour.id, page)
            url = f"{BASE}/{rumour.text(lang).lang}/rumours/{rumour.id}"
            assert url in squashed(pdftotext(pdf, 2)), (lang, rumour.id)
        artefact(pdf, 2, f"bundled-longest-{lang}-back")


def test_every_card_of_the_fixture_fits_in_every_language(cards_app):
    """The fit check runs inside the renderer; here every card in every language renders."""
    client = cards_app.test_client()
    library = load_library(cards_app.config["CONTENT_DIR"])
    for lang in library.site.languages:
        for rumour in library.rumours:
            response = client.get(f"/{lang}/rumours/{rumour.id}/card.pdf")
            assert response.status_code == 200, (lang, rumour.id)
            assert len(PdfReader(io.BytesIO(response.data)).pages) == 2


# --------------------------------------------------------------------------- decks


DECK_IDS = ["take-our-jobs", "springfield-pets-geese", "filler-1", "filler-2", "filler-3",
            "filler-4"]


def library_order(app, ids: list[str]) -> list[str]:
    """Decks put their cards in library order, however the ids were listed."""
    position = {r.id: n for n, r in enumerate(app.extensions["rumours"].library.rumours)}
    return sorted(ids, key=position.__getitem__)


def test_deck_sheets_are_a4_with_an_index_and_backs_behind_fronts(pdfs, tmp_path, cards_app):
    pdf = save(tmp_path, pdfs("/en/cards.pdf?ids=" + ",".join(reversed(DECK_IDS))))
    deck_ids = library_order(cards_app, DECK_IDS)
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2 + 2 * 2  # index, instructions, two sheets on both sides
    assert all(page_size(reader, i) == pytest.approx(A4, abs=0.1) for i in range(6))
    index = pdftotext(pdf, 1)
    assert "Deck of 6 cards" in flat(index)
    titles = {"take-our-jobs": "They take our jobs",
              "springfield-pets-geese": "They're eating the pets",
              "filler-1": "Filler rumour number 1"}
    for number, rumour_id in enumerate(deck_ids, 1):
        if rumour_id in titles:
            assert re.search(rf"^{number} .*{re.escape(titles[rumour_id])}", index, re.M), index
    assert "sheet 1, top left" in flat(index) and "sheet 2, top right" in flat(index)
    assert "double-sided" in flat(pdftotext(pdf, 2))

    half_w, half_h = A4[0] / 2, A4[1] / 2
    quadrants = {"top left": (0, 0), "top right": (half_w, 0), "bottom left": (0, half_h),
                 "bottom right": (half_w, half_h)}

    def quadrant(page: int, where: str) -> str:
        x, y = quadrants[where]
        return flat(pdftotext(pdf, page, crop=(x, y, half_w, half_h)))

    claims = {"take-our-jobs": "They take our jobs", "springfield-pets-geese": "eating the pets",
              "filler-1": "number 1 about", "filler-2": "number 2 about",
              "filler-3": "number 3 about", "filler-4": "number 4 about"}
    front_order = ["top left", "top right", "bottom left", "bottom right"]
    back_order = ["top right", "top left", "bottom right", "bottom left"]  # long-edge flip
    for position, rumour_id in enumerate(deck_ids[:4]):
        assert claims[rumour_id] in quadrant(3, front_order[position])
        assert f"/en/rumours/{rumour_id}" in squashed(quadrant(4, back_order[position]))
    fifth, sixth = deck_ids[4], deck_ids[5]  # the second sheet: cards 5 and 6
    assert claims[fifth] in quadrant(5, "top left")
    assert claims[sixth] in quadrant(5, "top right")
    assert f"/en/rumours/{fifth}" in squashed(quadrant(6, "top right"))
    assert f"/en/rumours/{sixth}" in squashed(quadrant(6, "top left"))
    assert quadrant(5, "bottom left").strip() == quadrant(6, "bottom right").strip() == ""
    codes = qr_codes(render_png(pdf, 4, 150, tmp_path / "p4.png"))
    assert sorted(codes) == sorted(f"https://{BASE}/en/rumours/{i}" for i in deck_ids[:4])
    artefact(pdf, 1, "deck-index", dpi=80)
    artefact(pdf, 3, "deck-sheet1-front", dpi=80)
    artefact(pdf, 4, "deck-sheet1-back", dpi=80)


def test_deck_has_crop_marks_on_the_cut_lines(pdfs, tmp_path):
    pdf = save(tmp_path, pdfs("/en/cards.pdf?ids=" + ",".join(DECK_IDS)))
    dpi = 100
    for page in (3, 4):
        image = Image.open(render_png(pdf, page, dpi, tmp_path / f"marks{page}.png")).convert("L")
        px = lambda mm: round(mm / 25.4 * dpi)  # noqa: E731
        # Vertical cut at 105 mm: a dark mark near the top and bottom edges.
        for y_mm in (3, 294):
            assert min(image.getpixel((px(105) + dx, px(y_mm))) for dx in (-1, 0, 1)) < 80
        # Horizontal cut at 148.5 mm: a dark mark near the left and right edges.
        for x_mm in (3, 207):
            assert min(image.getpixel((px(x_mm), px(148.5) + dy)) for dy in (-1, 0, 1)) < 80
        # Away from the cut lines the margin is blank.
        assert image.getpixel((px(50), px(3))) > 250


def test_deck_by_topic_and_by_place(pdfs, cards_client, tmp_path):
    response = cards_client.get("/en/cards.pdf?topic=housing")
    assert response.headers["Content-Disposition"] == 'attachment; filename="cards-en-7.pdf"'
    pdf = save(tmp_path, pdfs("/en/cards.pdf?topic=housing"))
    index = flat(pdftotext(pdf, 1))
    assert "Deck of 7 cards" in index  # six fillers and the long entry
    assert "Filler rumour number 6" in index
    assert len(PdfReader(pdf).pages) == 2 + 2 * 2
    pdf = save(tmp_path, pdfs("/en/cards.pdf?place=springfield"), "place.pdf")
    assert "eating the pets" in flat(pdftotext(pdf, 1))


def test_arabic_deck_index_is_in_arabic_and_untranslated_cards_say_so(pdfs, tmp_path):
    pdf = save(tmp_path, pdfs("/ar/cards.pdf?ids=take-our-jobs,springfield-pets-geese"))
    reader = PdfReader(pdf)
    assert reader.trailer["/Root"]["/Lang"] == "ar"
    index = flat(pdftotext(pdf, 1, raw=False))
    assert ARABIC_CLAIM in index and "eating the pets" in index
    front = flat(pdftotext(pdf, 3, raw=False))
    assert ARABIC_CLAIM in front and "eating the pets" in front
    artefact(pdf, 1, "deck-ar-index", dpi=80)
    artefact(pdf, 3, "deck-ar-front", dpi=80)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_index_of_the_largest_deck_fits_on_one_page(cards_app, tmp_path, lang):
    """60 cards (the default limit), the long claim among them: the index stays one page."""
    from flask import g

    from rumours.printing import card_html
    from rumours.printing.card_content import make_card
    from rumours.printing.dimensions import SHEET_MM
    from rumours.web.views.cards import card_maker
    from rumours.web.views.common import library

    with cards_app.test_request_context(f"/{lang}/cards/"):
        g.lang = lang
        lib = library()
        maker = card_maker()
        rumours = lib.rumours
        cards = [make_card(lib, rumours[n % len(rumours)], lang, n + 1) for n in range(60)]
        sheets = deck_sheets(len(cards))
        level = maker.index_level(lib, cards, lang, sheets)
        assert level > 0  # it had to be made smaller than the first choice
        html = card_html.index_html(lib, cards, lang, sheets, level)
        document = maker.layout(f"<!doctype html><html lang='{lang}'><head><style>@page "
                                f"{{ size: {SHEET_MM[0]}mm {SHEET_MM[1]}mm; margin: 0 }}"
                                f"</style></head><body>{html}</body></html>")
        assert len(document.pages) == 1
        pdf = save(tmp_path, document.write_pdf(), "index.pdf")
    artefact(pdf, 1, f"deck-index-60-{lang}", dpi=80)
    text = flat(pdftotext(pdf, raw=False))
    assert "Deck of 60 cards" in text or lang == "ar"
    assert re.search(r"\b60\b", text) and re.search(r"\b15\b", text)
    assert len(card_html.INDEX_LEVELS) > level


def test_form_submission_with_repeated_ids_and_a_language_redirects(cards_client):
    response = cards_client.get("/en/cards.pdf?ids=take-our-jobs&ids=filler-1&language=ar")
    assert response.status_code == 302
    assert response.headers["Location"] in ("/ar/cards.pdf?ids=take-our-jobs,filler-1",
                                            "/ar/cards.pdf?ids=take-our-jobs%2Cfiller-1")
    response = cards_client.get("/en/cards.pdf?topic=housing&language=es")
    assert response.headers["Location"] == "/es/cards.pdf?topic=housing"
    response = cards_client.get("/en/cards.pdf?ids=take-our-jobs&ids=filler-1&ids=take-our-jobs")
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 4  # duplicates dropped


@pytest.mark.parametrize(("url", "status"), [
    ("/en/rumours/no-such-rumour/card.pdf", 404),
    ("/xx/rumours/take-our-jobs/card.pdf", 404),
    ("/en/rumours/secret-draft/card.pdf", 404),
    ("/en/cards.pdf?ids=take-our-jobs,no-such-rumour", 404),
    ("/en/cards.pdf?topic=traffic", 404),
    ("/en/cards.pdf?ids=../../etc/passwd", 400),
    ("/en/cards.pdf?ids=Take%20Our%20Jobs", 400),
    ("/en/cards.pdf?ids=" + "a" * 101, 400),
    ("/en/cards.pdf?ids=" + ",".join(f"r{i}" for i in range(61)), 400),
    ("/en/cards.pdf?ids=" + "x," * 20000, 400),
    ("/en/cards.pdf?topic=nonsense", 400),
    ("/en/cards.pdf?place=atlantis", 400),
    ("/en/cards.pdf?ids=take-our-jobs&topic=work", 400),
    ("/en/cards.pdf?ids=take-our-jobs&language=xx", 400),
    ("/en/cards.pdf?language=en", 400),
    ("/en/cards.pdf?ids=,,,", 400),
    ("/xx/cards/", 404),
])
def test_bad_requests_get_a_page_never_a_500(cards_client, url, status):
    response = cards_client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response.mimetype == "text/html"


def test_too_many_cards_explains_the_limit_on_the_builder(cards_app):
    cards_app.config["MAX_DECK_CARDS"] = 3
    try:
        response = cards_app.test_client().get(
            "/en/cards.pdf?ids=take-our-jobs,filler-1,filler-2,filler-3")
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "You picked 4 cards; a deck holds at most 3." in page
        assert 'value="filler-3" id="pick-housing-filler-3" checked' in page  # choice kept
        response = cards_app.test_client().get("/en/cards.pdf?topic=housing")
        assert response.status_code == 400 and "This set has 7 cards" in response.text
    finally:
        cards_app.config["MAX_DECK_CARDS"] = 60
    # The one-by-one form sent with nothing ticked: explained, not the whole library.
    response = cards_app.test_client().get("/en/cards.pdf?language=es")
    assert response.status_code == 400 and "Pick at least one card" in response.text
    assert '<option value="es" lang="es" selected>' in response.text


# --------------------------------------------------------------------------- the builder page


def test_deck_builder_works_without_javascript(cards_client):
    response = cards_client.get("/en/cards/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # One script, deferred, only to keep the count live: everything works without it.
    assert re.findall(r"<script[^>]*>", page) == [
        re.search(r'<script src="/static/js/deck-builder[^"]*\.js" defer>', page).group(0)]
    forms = re.findall(r'<form[^>]*method="get"[^>]*action="/en/cards.pdf"', page)
    assert len(forms) == 2
    # Each topic folds away (one tab stop when closed) and lists every card on the topic,
    # as the topic page does, so its count is the number of cards it shows.
    assert page.count('<details class="pick-group"') == 5
    assert re.search(r'<summary><span class="pick-topic">Housing</span> <span class="count">'
                     r"\(7 cards\)</span></summary>", page)
    for rumour_id, topic in (("take-our-jobs", "work"), ("springfield-pets-geese",
                                                          "public-space"),
                             ("filler-1", "housing"), (LONG_ID, "work"), (LONG_ID, "housing")):
        assert (f'<input type="checkbox" name="ids" value="{rumour_id}" '
                f'id="pick-{topic}-{rumour_id}"') in page
        assert f'<label for="pick-{topic}-{rumour_id}">' in page
    assert "secret-draft" not in page
    # "Select all" per topic: a submit button back to this page (no script needed).
    assert ('<button type="submit" class="select-all" name="select" value="housing" '
            'formaction="/en/cards/#pick-housing"') in page
    # The deck button comes first in the form: Enter makes the deck, never "select all".
    pick_form = page[page.index('id="deck-form"'):]
    assert pick_form.index("Make the deck (PDF)") < pick_form.index('class="select-all"')
    assert '<p class="selected-count" id="selected-count" role="status"' in page
    assert "0 cards selected" in page
    # Quick picks by topic and place, and the language, all labelled.
    for field in ("set-topic", "set-place", "set-language", "pick-language"):
        assert f'<label for="{field}">' in page and f'id="{field}"' in page
    assert '<option value="housing">Housing (7)</option>' in page
    assert '<option value="">All topics (9)</option>' in page
    assert '<option value="ar" lang="ar">' in page
    assert "Cards for agents" in page
    assert 'href="/en/cards/"' in page  # the navigation link appears


def test_select_all_in_a_topic_without_javascript_keeps_what_was_ticked(cards_client):
    page = cards_client.get("/en/cards/?language=es&ids=take-our-jobs&select=housing"
                            ).get_data(as_text=True)
    housing = [f"filler-{n}" for n in range(1, 7)] + [LONG_ID]
    for rumour_id in ["take-our-jobs", *housing]:
        assert re.search(rf'value="{rumour_id}" id="pick-[a-z-]+-{rumour_id}" checked', page)
    assert 'value="springfield-pets-geese" id="pick-public-space-springfield-pets-geese">' \
        in page
    assert "8 cards selected" in page  # unique cards, though one is listed under two topics
    assert '<details class="pick-group" id="pick-housing" open>' in page
    assert '<option value="es" lang="es" selected>' in page
    assert cards_client.get("/en/cards/?select=atlantis").status_code == 400


def test_the_whole_library_deck_comes_from_the_defaults(cards_client, tmp_path):
    """"Print a whole set" as it opens (all topics, all places) prints every card."""
    response = cards_client.get("/en/cards.pdf?topic=&place=&language=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert cards_client.get("/en/cards.pdf").data == response.data  # the same deck
    index = flat(pdftotext(save(tmp_path, response.data), 1))
    assert "Deck of 9 cards" in index
    spanish = cards_client.get("/en/cards.pdf?topic=&place=&language=es")
    assert spanish.status_code == 302 and spanish.headers["Location"] == "/es/cards.pdf"


def test_deck_builder_is_translated_and_mirrored_in_arabic(cards_client):
    page = cards_client.get("/ar/cards/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert ARABIC_CLAIM in page
    assert '<option value="ar" lang="ar" selected>' in page


def test_rumour_page_links_its_card(cards_client):
    page = cards_client.get("/en/rumours/take-our-jobs").get_data(as_text=True)
    assert 'href="/en/rumours/take-our-jobs/card.pdf"' in page


# --------------------------------------------------------------------------- caching


def test_pdfs_are_cached_per_content_version_and_revalidated(tmp_path):
    from rumours.printing.cards import PDF_CACHE, PLAN_CACHE

    content = make_content(tmp_path)
    app = create_app({"TESTING": True, "CONTENT_DIR": content,
                      "INSTANCE_DIR": tmp_path / "instance", "RESPONSE_CACHE": False})
    client = app.test_client()
    live = app.extensions["rumours"]
    url = "/en/rumours/take-our-jobs/card.pdf"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag
    assert "public" in first.headers["Cache-Control"]
    assert first.headers["Content-Disposition"] == 'inline; filename="card-take-our-jobs-en.pdf"'
    on_disk = list((tmp_path / "instance" / "cards").glob("*.pdf"))
    assert len(on_disk) == 1
    # Kept in the snapshot's memory too: served without the copy on disk.
    on_disk[0].unlink()
    assert client.get(url).data == first.data
    assert len(live.snapshot.cache(PDF_CACHE, 1)) == 1
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    # A second process (a fresh app on the same instance folder) reads the disk cache,
    # without laying anything out.
    pets_pdf = client.get("/en/rumours/springfield-pets-geese/card.pdf").data
    other = create_app({"TESTING": True, "CONTENT_DIR": content,
                        "INSTANCE_DIR": tmp_path / "instance", "RESPONSE_CACHE": False})
    pets = other.test_client().get("/en/rumours/springfield-pets-geese/card.pdf")
    assert pets.status_code == 200 and pets.data == pets_pdf
    assert len(other.extensions["rumours"].snapshot.cache(PLAN_CACHE, 1)) == 0
    # New content, new card; the artefacts of the old snapshot went with it.
    path = content / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace("They take our jobs", "They take all our jobs"))
    live.reload(force=True)
    assert len(live.snapshot.cache(PDF_CACHE, 1)) == 0
    second = client.get(url)
    assert second.headers["ETag"] != etag
    assert "They take all our jobs" in flat(PdfReader(io.BytesIO(second.data)).pages[0].extract_text())


# --------------------------------------------------------------------------- print stylesheet


def test_rumour_page_prints_cleanly(cards_client, tmp_path):
    """The rumour page's own print stylesheet: no navigation, the sources with their URLs."""
    from weasyprint import HTML

    html = cards_client.get("/en/rumours/take-our-jobs").get_data(as_text=True)
    static = ROOT / "static"
    html = re.sub(r'href="/static/css/site\.[0-9a-f]+\.css"|href="/static/css/site\.css"',
                  f'href="{(static / "css" / "site.css").as_uri()}"', html)
    pdf = save(tmp_path, HTML(string=html, base_url=str(static)).write_pdf(), "page.pdf")
    text = flat(pdftotext(pdf))
    assert "They take our jobs" in text and "Sources" in text
    assert "https://www.nationalacademies.org/example" in squashed(text)
    for hidden in ("Skip to content", "All rumours", "Download the pocket card"):
        assert hidden not in text
    artefact(pdf, 1, "rumour-page-print", dpi=60)
