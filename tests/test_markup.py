"""rumours.content.markup: Markdown renders, and nothing executable or styled reaches a page."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from content_fixtures import JOBS, write

from rumours.content import markup

pytestmark = pytest.mark.smoke

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<iframe src="https://evil.example"></iframe>',
    "<svg onload=alert(1)></svg>",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    "<object data='x'></object>",
    '<div onclick="alert(1)">x</div>',
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_dangerous_html_is_removed(attack):
    html = str(markup.render(f"Text before.\n\n{attack}\n\nText after."))
    lowered = html.lower()
    for needle in ("<script", "onerror", "onload", "onclick", "javascript:", "style=",
                   "<iframe", "<svg", "<object"):
        assert needle not in lowered, html
    assert "Text after." in html


def test_footnotes_tables_and_heading_ids_survive():
    html = str(markup.render(
        "## The facts {#facts}\n\nA fact.[^a]\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^a]: Source"
    ))
    assert '<h2 id="facts">' in html
    assert 'href="#fn:a"' in html and 'id="fnref:a"' in html
    assert 'id="fn:a"' in html
    assert "<table>" in html


def test_plain_text_drops_markup_and_footnote_markers():
    assert markup.plain_text("**Bold** [link](https://x.org) fact.[^a]") == "Bold link fact."


def test_xss_in_content_never_reaches_the_rumour_page(content_dir, tmp_path):
    from rumours import create_app

    body = JOBS.replace(
        "People worry about losing work when times are hard.",
        'People worry. <script>alert("x")</script> <img src=x onerror=alert(1)> '
        '[bad](javascript:alert(1)) <span style="color:red">red</span>',
    )
    write(content_dir / "rumours" / "take-our-jobs.md", body)
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance"})
    page = app.test_client().get("/en/rumours/take-our-jobs").get_data(as_text=True)
    assert "People worry." in page
    for needle in ('alert("x")', "onerror", "javascript:alert", 'style="color'):
        assert needle not in page
    # footnote anchors still link the text to the sources list
    assert 'href="#fn:nas-2016"' in page and 'id="fn:nas-2016"' in page


BODY = """\

## The facts {#facts}

- Wages barely move. [^nas] {as_of=2025-07-01}
- **13.7%** of workers [^mil] [^nas] and {as_of=2024-01-01} later {as_of=2025-02-03}.
    - a nested point [^nas]

A paragraph after the list, not a fact.

## The real concern {#concern}

People <abbr title="are">really</abbr> worry &amp; fret.

## How to talk about it {#talk}

Ask `a<b` first.
"""


def convert_body(**kwargs):
    return markup.convert(BODY, "en", first_line=20, **kwargs)


def test_one_conversion_yields_sections_with_titles_text_and_lines():
    result = convert_body()
    assert [(s.id, s.title, s.line) for s in result.sections] == [
        ("facts", "The facts", 21), ("concern", "The real concern", 29),
        ("talk", "How to talk about it", 33)]
    assert result.section("concern").text == "People really worry & fret."
    assert result.section("talk").text == "Ask a<b first."
    assert result.section("missing") is None
    assert result.text.startswith("The facts Wages barely move. 13.7% of workers and later .")
    assert "As of" not in result.text and "[^" not in result.text


def test_facts_are_the_list_items_with_citations_dates_and_lines():
    facts = convert_body().facts
    assert [f.text for f in facts] == ["Wages barely move.",
                                       "13.7% of workers and later . a nested point"]
    assert [f.citations for f in facts] == [("nas",), ("mil", "nas")]
    assert [f.as_of for f in facts] == [dt.date(2025, 7, 1), dt.date(2025, 2, 3)]
    assert [f.line for f in facts] == [23, 24]


def test_markers_keep_their_lines():
    result = convert_body()
    assert result.citations == ("nas", "mil")
    assert [(m.value, m.line) for m in result.references] == [
        ("nas", 23), ("mil", 24), ("nas", 24), ("nas", 25)]
    assert [(m.value, m.line) for m in result.dated] == [
        ("2025-07-01", 23), ("2024-01-01", 24), ("2025-02-03", 24)]
    written = markup.convert("Text.[^a]\n\n[^a]: Mine.", first_line=5).written_notes
    assert [(m.value, m.line) for m in written] == [("a", 7)]


def test_notes_become_footnotes_in_citing_order_and_their_list_is_left_out():
    html = str(convert_body(notes={"mil": "Mil21, *Workers*.", "nas": "NAS, *Study*.",
                                   "unused": "Never cited."}).html)
    assert 'href="#fn:nas"' in html and 'href="#fn:mil"' in html
    assert '<a class="footnote-ref" href="#fn:nas" rel="noopener noreferrer">1</a>' in html
    assert 'class="footnote"' not in html and "Never cited" not in html
    assert '<time class="as-of" datetime="2025-07-01">' in html
    own = str(markup.convert("A page.[^a]\n\n[^a]: Its own note.").html)
    assert 'class="footnote"' in own and "Its own note." in own


def test_only_headings_with_an_id_written_start_sections():
    result = markup.convert("Intro.\n\n## Plain heading\n\nText.\n\n## Named {#talk}\n\nTalk.")
    assert [s.id for s in result.sections] == ["talk"]
    assert '<h2 id="plain-heading">' in str(result.html)
    assert result.text == "Intro. Plain heading Text. Named Talk."


def test_the_result_is_immutable():
    result = convert_body()
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "changed"
    assert isinstance(result.sections, tuple) and isinstance(result.facts, tuple)


def test_bad_dates_stay_out_of_text_and_dates():
    result = markup.convert("## F {#facts}\n\n- A fact {as_of=2025-13-40} here.")
    assert result.facts[0].text == "A fact here." and result.facts[0].as_of is None
    assert [m.value for m in result.dated] == ["2025-13-40"]


def test_every_bundled_body_converts_to_text_sections_and_html():
    from content_fixtures import BUNDLED_CONTENT

    for path in sorted(BUNDLED_CONTENT.glob("rumours/*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        result = markup.convert(body)
        assert [s.id for s in result.sections] == ["facts", "concern", "talk"], path
        assert result.facts and all(f.citations for f in result.facts), path
        assert result.text and "<" not in result.text.replace("a<b", ""), path
