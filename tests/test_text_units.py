"""rumours.content.text_units: shortening that keeps whole thoughts (cards, share images, search
snippets, structured data), and the one cut between words with an ellipsis."""

from __future__ import annotations

from rumours.content.text_units import cut_at_word, section_units, shorten, whole_units
from rumours.printing.card_content import BACK_LEVELS, tip_units

BODY = """<h2 id="facts">The facts</h2>
<ul><li>A fact. <sup id="fnref:a"><a class="footnote-ref" href="#fn:a">1</a></sup></li></ul>
<h2 id="talk">How to talk about it</h2>
<p>Ask: &quot;Which jobs?&quot;</p>
<p>Then share a picture. Imagine the café on your corner. It stays open late.</p>
<ul><li>A bullet to end on.</li></ul>
<h2 id="concern">After</h2><p>Not this.</p>"""


def test_a_section_is_cut_into_its_paragraphs_and_bullets():
    assert section_units(BODY, "talk") == [
        'Ask: "Which jobs?"',
        "Then share a picture. Imagine the café on your corner. It stays open late.",
        "A bullet to end on."]
    assert section_units(BODY, "facts") == ["A fact."]  # footnote numbers left out
    assert section_units(BODY, "missing") == []


def test_whole_units_drops_units_whole_and_never_cuts_one():
    units = section_units(BODY, "talk")
    assert whole_units(units, None) == units
    assert whole_units(units, 40) == ['Ask: "Which jobs?"', "A bullet to end on."]
    assert whole_units(units, 10) == []


def test_no_card_tip_in_the_library_ends_on_half_a_thought(bundled_library):
    """"Imagine the café on your corner." alone was the tip once: a set-up with no story."""
    library = bundled_library
    checked = 0
    for rumour in library.rumours:
        for text in rumour.texts.values():
            paragraphs = section_units(text.body_html, "talk")
            assert paragraphs, (rumour.id, text.lang)
            for level in BACK_LEVELS:
                tip = tip_units(text, level.tip_chars)
                assert all(unit in paragraphs for unit in tip), (rumour.id, text.lang)
                assert sum(map(len, tip)) <= level.tip_chars
                checked += 1
            # The fullest tip always has at least one whole paragraph.
            assert tip_units(text, BACK_LEVELS[0].tip_chars), (rumour.id, text.lang)
    assert checked >= 36 * 6 * len(BACK_LEVELS)


def test_cut_at_word_cuts_between_words_and_adds_one_ellipsis():
    text = "They come here, take every job and every flat"
    assert cut_at_word(text, 100) == text
    assert cut_at_word(f"  {text} ", len(text)) == text
    assert cut_at_word(text, 20) == "They come here…"  # no comma before the ellipsis
    assert cut_at_word(text, 30) == "They come here, take every…"
    assert cut_at_word("x" * 100, 74) == "x" * 73 + "…"  # no space: cut inside the word
    assert cut_at_word("a " + "x" * 100, 20) == "a " + "x" * 17 + "…"  # a space too early
    assert cut_at_word(text, 0) == "…"


def test_cut_at_word_measures_in_any_unit():
    """Share images measure in pixels of a font: here every letter is 10 wide, a space 4."""
    def width(part: str) -> float:
        return sum(4 if ch == " " else 10 for ch in part)

    text = "one two three four five"
    cut = cut_at_word(text, 150, width)
    assert cut == "one two three…" and width(cut) <= 150 < width("one two three four…")
    assert cut_at_word(text, width(text), width) == text


def test_shorten_keeps_whole_sentences_before_cutting_at_a_word():
    text = "Short one. A much longer second sentence follows here."
    assert shorten(text, 20) == "Short one."
    assert shorten("No full stop in this long sentence at all", 20) == cut_at_word(
        "No full stop in this long sentence at all", 20)
