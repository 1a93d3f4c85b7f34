"""rumours.content.markup: Markdown renders, and nothing executable or styled reaches a page."""

from __future__ import annotations

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
