"""The static copy's search engine in a real Chromium: the live search's analysis and ranking.

rumours/publishing/offline_search.py writes, from the live search's definitions, what
static/js/offline-search-engine.js needs; here the script runs every resident query of
bench/search_queries.tsv in the browser and is held to the live search's answers.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from flask_babel import force_locale

from rumours import create_app
from rumours.publishing import offline_search

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "static" / "js" / "offline-search-engine.js"


def harness():
    spec = importlib.util.spec_from_file_location("search_quality",
                                                  ROOT / "bench" / "search_quality.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """The bundled library's app, its offline indexes, and the live search's results."""
    app = create_app({"TESTING": True, "CONTENT_DIR": ROOT / "content",
                      "INSTANCE_DIR": tmp_path_factory.mktemp("instance")})
    library = app.extensions["rumours"].library
    indexes = {}
    with app.test_request_context():
        for lang in library.site.languages:
            with force_locale(lang):
                indexes[lang] = offline_search.search_index(library, lang, lambda rid: rid,
                                                            lambda verdict: verdict)
    cases = harness().read_cases()
    search = app.extensions["rumours"].snapshot.artefacts["search"]
    live = [search.search(c.query, c.lang, limit=3) for c in cases]
    return indexes, cases, live


def test_the_copy_answers_as_the_live_search_does(page, bundled):
    indexes, cases, live = bundled
    page.goto("about:blank")
    page.add_script_tag(content=ENGINE.read_text(encoding="utf-8"))
    offline = []
    for lang, index in indexes.items():
        queries = [c.query for c in cases if c.lang == lang]
        found = page.evaluate(
            """([index, queries, lang]) => queries.map(q => {
                 const r = window.RumoursOfflineSearch.search(index, q, lang);
                 return [r.answered, r.results.slice(0, 3).map(x => x.doc.id),
                         r.results.slice(0, 3).map(x => x.match)];
               })""", [index, queries, lang])
        offline.extend(zip([c for c in cases if c.lang == lang], found, strict=True))
    by_case = {id(c): result for c, result in offline}
    same_first = same_answer = 0
    inside = outside = right_in_three = no_answer = 0
    for case, results in zip(cases, live, strict=True):
        answered, ids, matches = by_case[id(case)]
        same_first += ids[:1] == [h.id for h in results.hits[:1]]
        same_answer += answered == results.answered
        assert answered == (matches[:1] == ["answer"])
        if case.in_library:
            inside += 1
            right_in_three += bool(set(ids) & case.expected)
        else:
            outside += 1
            no_answer += not answered
    assert same_first / len(cases) >= 0.9
    assert same_answer / len(cases) >= 0.9
    assert right_in_three / inside >= 0.92
    assert no_answer / outside >= 0.8


def test_the_copy_reads_variants_and_other_languages(page, bundled):
    indexes, _cases, _live = bundled
    page.goto("about:blank")
    page.add_script_tag(content=ENGINE.read_text(encoding="utf-8"))

    def first(lang: str, query: str) -> list:
        return page.evaluate(
            """([index, q, lang]) => {
                 const r = window.RumoursOfflineSearch.search(index, q, lang);
                 return [r.results.length ? r.results[0].doc.id : null, r.answered];
               }""", [indexes[lang], query, lang])

    assert first("fr", "ILS NOUS PIQUENT LE BOULOT") == ["take-our-jobs", True]  # slang, caps
    assert first("ar", "الأجانب ياخدو الخدمة ديالنا")[0] == "take-our-jobs"  # Darija
    assert first("ht", "yo di ayisien ap manger chat")[0] == "springfield-pets-geese"
    assert first("en", "les immigrés touchent les allocs")[0] in (
        "more-social-benefits", "allowance-for-being-immigrant")  # French on an English page
    assert first("en", "5g towers cause cancer")[1] is False
