"""rumours.search.snippets: the answer with the matched words marked, in linear time."""

from __future__ import annotations

import re

from rumours.search.analysis import word_terms
from rumours.search.snippets import ANSWER_CHARS, SNIPPET_CHARS, answer_snippet, highlight


def plain(markup) -> str:
    return re.sub(r"<[^>]+>", "", str(markup))


def test_the_answer_marks_every_form_of_the_query_words():
    summary = "Immigrants paid more in taxes than they received; a tax study agrees."
    terms = set(word_terms("en", "tax")) | set(word_terms("en", "immigrant"))
    snippet = answer_snippet(summary, "en", terms)
    assert str(snippet) == ("<mark>Immigrants</mark> paid more in <mark>taxes</mark> than they "
                            "received; a <mark>tax</mark> study agrees.")


def test_the_answer_is_read_in_its_own_language():
    summary = "Los inmigrantes pagan impuestos."
    assert "<mark>impuestos</mark>" in answer_snippet(summary, "es", set(word_terms("es", "impuesto")))
    assert "<mark>" not in answer_snippet(summary, "en", set(word_terms("es", "impuesto")))
    arabic = answer_snippet("يدفع المهاجرون الضرائب", "ar", set(word_terms("ar", "مهاجرين")))
    assert "<mark>المهاجرون</mark>" in arabic


def test_text_around_the_marks_is_escaped():
    snippet = answer_snippet("<script>alert(1)</script> & taxes", "en", set(word_terms("en", "tax")))
    assert "<script>" not in snippet
    assert str(snippet) == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>taxes</mark>"


def test_a_short_answer_is_shown_whole_and_a_long_one_around_its_matches():
    short = "A short answer about taxes."
    assert plain(answer_snippet(short, "en", set(word_terms("en", "tax")))) == short
    long = "Start. " + "filler words here " * 60 + "the tuberculosis figure " + "tail " * 300
    snippet = answer_snippet(long, "en", set(word_terms("en", "tuberculosis")))
    assert "<mark>tuberculosis</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(plain(snippet)) <= ANSWER_CHARS + 2


def test_a_long_body_is_cut_around_the_densest_matches():
    text = ("jobs " + "x" * 300 + " ") + "filler " * 40 + "jobs work jobs " + "tail " * 60
    spans = [(m.start(), m.end(), "t") for m in re.finditer(r"jobs|work", text)]
    snippet = highlight(text, spans)
    assert plain(snippet).count("jobs") == 2 and "<mark>work</mark>" in snippet
    assert len(plain(snippet)) <= SNIPPET_CHARS + 2


def test_highlighting_is_linear_in_the_text_and_the_matches():
    # 4.8 MB with two hundred thousand matches: a quadratic pass would not finish.
    text = "tax " * 1_200_000
    spans = [(i * 24, i * 24 + 3, "en:tax") for i in range(200_000)]
    snippet = highlight(text, spans)
    assert plain(snippet).startswith("tax tax") and len(plain(snippet)) <= SNIPPET_CHARS + 2
    marked = answer_snippet(text, "en", {"en:tax"}, width=1_000)
    assert marked.count("<mark>") == 250
