"""rumours.content.text_units: shortening that keeps whole thoughts (cards and share images)."""

from __future__ import annotations

from content_fixtures import BUNDLED_CONTENT

from rumours.content.library import load_library
from rumours.content.text_units import section_units, whole_units
from rumours.printing.cards import BACK_LEVELS, tip_units

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


def test_no_card_tip_in_the_library_ends_on_half_a_thought():
    """"Imagine the café on your corner." alone was the tip once: a set-up with no story."""
    library = load_library(BUNDLED_CONTENT)
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
