"""rumours.search and rumours.web.views.search: a real Whoosh index of a small real library."""

from __future__ import annotations

import json
import re
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from live_server import bump, wait_for

from rumours import create_app, search
from rumours.cli import main as cli
from rumours.content.loading import load_library
from rumours.search.thesaurus import load_thesaurus

# ------------------------------------------------------------------ a small library

BUNDLED_CONTENT = Path(__file__).resolve().parent.parent / "content"


def write(path: Path, text: str) -> Path:
    """Write a file, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def rumour(rumour_id: str, claim: str, summary: str, facts: list[str], *,
           aliases: dict[str, list[str]] | None = None, topics=("work",), places=("spain",),
           verdict: str = "false", draft: bool = False) -> str:
    """A valid rumour source file (every value written as JSON, which YAML reads)."""
    lines = [
        "---", f"id: {rumour_id}", f"claim: {json.dumps(claim)}",
        f"aliases: {json.dumps(aliases or {}, ensure_ascii=False)}",
        f"verdict: {json.dumps(verdict)}", f"summary: {json.dumps(summary, ensure_ascii=False)}",
        f"topics: {json.dumps(list(topics))}", f"places: {json.dumps(list(places))}",
        "sources:", "  - id: src", "    publisher: A Statistics Office",
        "    title: Figures", "    date: 2025-01-01", "    url: https://example.org/figures",
        "    strength: A",
        "published: 2026-01-10", "reviewed: 2026-10-01", "next_review: 2099-04-01",
    ]
    if draft:
        lines.append("draft: true")
    lines += ["---", "", "## The facts {#facts}", ""]
    lines += [f"- {fact} [^src]" for fact in facts]
    lines += ["", "## The real concern {#concern}", "", "People worry.", "",
              "## How to talk about it {#talk}", "", "Ask what they saw.", ""]
    return "\n".join(lines)


def translation(claim: str, summary: str, facts: list[str], aliases=(),
                fingerprint: str = "0") -> str:
    lines = ["---", f"claim: {json.dumps(claim, ensure_ascii=False)}",
             f"aliases: {json.dumps(list(aliases), ensure_ascii=False)}",
             f"summary: {json.dumps(summary, ensure_ascii=False)}",
             f"source_fingerprint: {json.dumps(fingerprint)}", "---", "",
             "## 1 {#facts}", ""]
    lines += [f"- {fact} [^src]" for fact in facts]
    lines += ["", "## 2 {#concern}", "", "…", "", "## 3 {#talk}", "", "…", ""]
    return "\n".join(lines)


SOURCES = {
    "take-our-jobs": rumour(
        "take-our-jobs", "They take our jobs",
        "Research finds little effect of immigration on the employment of people here.",
        ["Decades of studies find no fall in employment for people born here."],
        aliases={"en": ["immigrants steal our jobs"], "es": ["nos quitan el curro"],
                 "ht": ["yo pran travay nou"]}),
    "health-abuse": rumour(
        "health-abuse", "They abuse our health system",
        "Immigrants use hospitals less than people born here.",
        ["Hospital visits are lower among newcomers.",
         "Nurses who arrived from abroad keep many jobs in the wards filled."],
        topics=("health",), places=("barcelona",), verdict="misleading"),
    "bring-diseases": rumour(
        "bring-diseases", "They bring diseases",
        "There is no sign of new epidemics linked to arrivals.",
        ["No new viruses spread because of arrivals; tuberculosis rates kept falling."],
        topics=("health",), places=("springfield",), verdict="unproven"),
    "dirty-streets": rumour(
        "dirty-streets", "They make the streets dirty",
        "Figures <script>alert(1)</script> & cleaning data show no change by neighbourhood.",
        ["Cleaning complaints did not rise where newcomers settled."],
        topics=("public-space",), places=("barcelona",)),
    "draft-secret": rumour(
        "draft-secret", "Zanzibar quokkas are a secret", "Not ready.", ["Nothing yet."],
        draft=True),
}
# Twelve rumours sharing a word, for pagination.
for number in range(1, 13):
    SOURCES[f"noise-{number:02d}"] = rumour(
        f"noise-{number:02d}", f"Neighbours complain about loud music, case {number}",
        "Noise complaints follow the season, not who lives next door.",
        [f"Complaints in district {number} rose in summer."],
        topics=("public-space",), places=("catalonia",), verdict="partly-true")

TRANSLATIONS = {
    ("take-our-jobs", "es"): translation(
        "Nos quitan el trabajo",
        "La investigación no encuentra efecto de la inmigración sobre el empleo.",
        ["Décadas de estudios no muestran caída del empleo."]),
    ("health-abuse", "ca"): translation(
        "Abusen del nostre sistema sanitari",
        "Els treballadors immigrants fan servir menys els hospitals.",
        ["Hi ha menys visites il·legals als hospitals."]),
    ("bring-diseases", "ar"): translation(
        "يجلبون الأمراض", "لا توجد علامات على أوبئة جديدة مرتبطة بالمهاجرين.",
        ["لم تنتشر فيروسات جديدة."]),
}


SYNONYMS = """\
jobs:
  en: [jobs, work, employment]
  es: [trabajo, empleo, curro]
  ht: [travay, djòb]
health:
  en: [hospitals, health system, A&E]
  fr: [hôpitaux, urgences]
"""


def make_search_content(root: Path) -> Path:
    """A content folder with the rumours above (the bundled site.yml) and a thesaurus."""
    content = root / "content"
    (content / "rumours").mkdir(parents=True)
    shutil.copy(BUNDLED_CONTENT / "site.yml", content / "site.yml")
    for asset in BUNDLED_CONTENT.glob("*.svg"):  # the logo site.yml names
        shutil.copy(asset, content / asset.name)
    for rumour_id, text in SOURCES.items():
        write(content / "rumours" / f"{rumour_id}.md", text)
    write(content / "synonyms.yml", SYNONYMS)
    library = load_library(content, include_drafts=True)
    for (rumour_id, lang), text in TRANSLATIONS.items():
        fingerprint = library.rumour(rumour_id).fingerprint
        text = text.replace('source_fingerprint: "0"', f'source_fingerprint: "{fingerprint}"')
        write(content / "rumours" / f"{rumour_id}.{lang}.md", text)
    return content


@pytest.fixture(scope="module")
def search_content(tmp_path_factory) -> Path:
    return make_search_content(tmp_path_factory.mktemp("search"))


@pytest.fixture(scope="module")
def library(search_content):
    return load_library(search_content)


@pytest.fixture(scope="module")
def thesaurus(search_content, library):
    return load_thesaurus(search_content, library.site.languages)


@pytest.fixture(scope="module")
def index(library, thesaurus, tmp_path_factory) -> search.SearchIndex:
    root = tmp_path_factory.mktemp("index")
    search.build_index(library, root, thesaurus)
    return search.SearchIndex(root)


@pytest.fixture(scope="module")
def search_app(search_content, tmp_path_factory):
    return create_app({"TESTING": True, "CONTENT_DIR": search_content,
                       "INSTANCE_DIR": tmp_path_factory.mktemp("instance")})


@pytest.fixture(scope="module")
def search_client(search_app):
    return search_app.test_client()


def ids(results) -> list[str]:
    return [hit.id for hit in results.hits]


# ----------------------------------------------------------------------- analyzers


def test_accents_and_case_are_folded_both_ways():
    assert search.fold("Inmigración ÉCOLE Haïtiens") == "inmigracion ecole haitiens"
    accented = set(search.word_terms("es", "inmigración"))
    assert accented & set(search.word_terms("es", "inmigracion"))
    assert search.word_terms("fr", "hôpitaux") == search.word_terms("fr", "hopital")
    assert search.word_terms("ht", "tibèkiloz") == search.word_terms("ht", "tibekiloz")


def test_each_language_has_its_own_stemmer():
    assert search.word_terms("en", "viruses") == search.word_terms("en", "virus")
    assert search.word_terms("es", "ayudas") == search.word_terms("es", "ayuda")
    # Catalan comes from snowballstemmer (Whoosh has none): a verb and a noun share a stem.
    assert search.word_terms("ca", "treballen") == search.word_terms("ca", "treballadors")
    assert search.word_terms("ca", "il·legals") == search.word_terms("ca", "il.legal")
    assert search.word_terms("ar", "المهاجرون") == search.word_terms("ar", "المهاجرين")
    # Haitian Creole is only folded and tokenised.
    assert search.word_terms("ht", "manje") == ("ht:manje",)
    # Stop words are not terms; every term says its language.
    assert search.word_terms("en", "the") == () and search.word_terms("es", "los") == ()
    assert all(t.startswith("es:") for t in search.word_terms("es", "trabajo"))


def test_the_catalan_stemmer_survives_pickling_in_the_schema(library, tmp_path):
    search.build_index(library, tmp_path)
    reopened = search.SearchIndex(tmp_path)
    assert "health-abuse" in ids(reopened.search("treballen", "ca"))


@pytest.mark.parametrize(("query", "lang", "expected"), [
    ("inmigracion", "es", "take-our-jobs"),        # no accent finds "inmigración"
    ("décadas", "es", "take-our-jobs"),            # an accent finds it too
    ("DECADAS", "es", "take-our-jobs"),
    ("treballen", "ca", "health-abuse"),           # Catalan stem of "treballadors"
    ("illegals", "ca", "health-abuse"),            # "il·legals" typed without the dot
    ("virus", "en", "bring-diseases"),             # porter2: "viruses"
    ("المهاجرين", "ar", "bring-diseases"),          # "بالمهاجرين"
    ("فيروس", "ar", "bring-diseases"),
])
def test_queries_match_across_forms(index, query, lang, expected):
    assert expected in ids(index.search(query, lang))


# --------------------------------------------------------------------------- ranking


def test_claim_and_aliases_outrank_a_mention_in_the_body(index):
    results = index.search("jobs", "en")
    assert ids(results)[:2] == ["take-our-jobs", "health-abuse"]
    assert results.hits[0].score > results.hits[1].score
    assert ids(index.search("steal", "en"))[0] == "take-our-jobs"  # an alias


def test_a_query_in_any_language_finds_the_rumour(index):
    assert ids(index.search("nos quitan el curro", "en"))[0] == "take-our-jobs"
    assert ids(index.search("yo pran travay nou", "en"))[0] == "take-our-jobs"
    assert ids(index.search("يجلبون الأمراض", "en"))[0] == "bring-diseases"


def test_hits_are_shown_in_the_readers_language_or_the_fallback(index):
    spanish = index.search("trabajo", "es").hits[0]
    assert (spanish.id, spanish.lang, spanish.claim) == (
        "take-our-jobs", "es", "Nos quitan el trabajo")
    # No Haitian Creole translation: matched by its ht aliases, shown in English.
    creole = index.search("pran travay", "ht").hits[0]
    assert (creole.id, creole.lang, creole.claim) == ("take-our-jobs", "en", "They take our jobs")
    # A match in Spanish, read by an English reader, is shown in English.
    english = index.search("quitan", "en").hits[0]
    assert (english.id, english.lang) == ("take-our-jobs", "en")


def test_one_result_per_rumour(index):
    results = index.search("jobs trabajo employment empleo", "es")
    assert len(ids(results)) == len(set(ids(results))) == results.total


def test_drafts_are_not_indexed_for_the_public(index):
    assert index.search("zanzibar quokkas", "en").total == 0


def test_a_thesaurus_word_finds_the_claim_in_any_language(index):
    results = index.search("djòb", "ht")  # Creole for "job": the claim says "jobs"
    assert ids(results)[0] == "take-our-jobs" and results.answered
    assert results.hits[0].match == "answer"
    assert ids(index.search("URGENCES", "fr"))[0] == "health-abuse"  # fr word, en claim


def test_words_of_a_concept_weigh_less_than_the_words_typed(index):
    exact = index.search("jobs", "en").hits[0]
    synonym = index.search("employment", "en").hits[0]
    assert exact.id == synonym.id == "take-our-jobs"
    assert synonym.score < exact.score


def test_words_no_rumour_has_leave_the_query_unanswered(index):
    assert index.search("they steal our jobs", "en").answered
    results = index.search("jobs zeppelin lottery", "en")
    assert not results.answered and ids(results)[0] == "take-our-jobs"
    assert {hit.match for hit in results.hits} == {"related"}
    assert not index.search("the", "en").answered


def test_a_word_only_in_a_body_is_related_not_an_answer(index):
    results = index.search("nurses", "en")  # only in health-abuse's facts
    assert ids(results) == ["health-abuse"] and not results.answered


# ---------------------------------------------------------------- snippets, typos


def test_snippets_highlight_the_matched_words(index):
    hit = index.search("hospitals", "en").hits[0]
    assert hit.id == "health-abuse"
    assert "<mark>hospitals</mark>" in hit.snippet
    spanish = index.search("empleo", "es").hits[0]
    assert "<mark>empleo</mark>" in spanish.snippet


def test_snippets_escape_the_text_around_the_marks(index):
    hit = index.search("cleaning", "en").hits[0]
    assert hit.id == "dirty-streets"
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet and "&amp;" in hit.snippet
    assert "<mark>cleaning</mark>" in hit.snippet.lower()


def test_a_long_body_is_cut_around_the_match():
    text = "Start. " + "filler words here " * 40 + "the tuberculosis figure " + "tail " * 60
    start = text.index("tuberculosis")
    snippet = search.highlight(text, [(start, start + 12, "en:tubercul")])
    assert "<mark>tuberculosis</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(re.sub(r"<[^>]+>", "", snippet)) <= search.SNIPPET_CHARS + 2


def test_did_you_mean_when_a_query_finds_little(index):
    results = index.search("tuberculossis", "en")
    assert results.suggestion == "tuberculosis"
    assert index.search("xqzvw", "en").suggestion is None
    assert index.search("jobs", "en").suggestion is None


def test_longer_words_match_close_spellings(index):
    # One letter short: both rumours that say "immigrants".
    assert set(ids(index.search("imigrants", "en"))) == {"health-abuse", "take-our-jobs"}
    assert "health-abuse" in ids(index.search("hsopitals", "en"))  # two letters swapped
    assert ids(index.search("jbos", "en"))[0] == "take-our-jobs"  # a short word: only a swap
    assert index.search("jbo", "en").total == 0  # shorter words are not guessed


# --------------------------------------------------------------------------- filters


def test_filters_by_topic_place_and_verdict(index):
    assert set(ids(index.search("hospitals diseases jobs", "en", topic="health"))) == {
        "health-abuse", "bring-diseases"}
    assert ids(index.search("hospitals diseases jobs", "en", place="springfield")) == [
        "bring-diseases"]
    assert ids(index.search("hospitals diseases jobs", "en", verdict="misleading")) == [
        "health-abuse"]
    assert index.search("jobs", "en", topic="housing").total == 0


def test_pages_of_results(index):
    first = index.search("neighbours", "en", limit=10)
    second = index.search("neighbours", "en", limit=10, offset=10)
    assert first.total == second.total == 12
    assert len(first.hits) == 10 and len(second.hits) == 2
    assert not set(ids(first)) & set(ids(second))


# ------------------------------------------------------------------------ JSON API


def test_api_search_contract(search_client):
    response = search_client.get("/api/search?q=quitan+el+empleo&lang=es&limit=5")
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["query", "lang", "total", "suggestion", "answered", "results"]
    assert body["query"] == "quitan el empleo" and body["lang"] == "es"
    assert body["answered"] is True
    first = body["results"][0]
    assert list(first) == ["id", "lang", "claim", "verdict", "url", "snippet", "score", "match"]
    assert first == {**first, "id": "take-our-jobs", "lang": "es",
                     "claim": "Nos quitan el trabajo", "verdict": "false",
                     "url": "/es/rumours/take-our-jobs", "match": "answer"}
    # The snippet is the answer (the summary) in the shown language, matched words marked.
    assert first["snippet"] == ("La investigación no encuentra efecto de la inmigración sobre "
                                "el <mark>empleo</mark>.")
    assert isinstance(first["score"], float)
    assert body["total"] >= len(body["results"])
    assert {r["match"] for r in body["results"]} <= {"answer", "related"}


def test_api_says_when_nothing_answers(search_client):
    # "hospitals" is only in a body here; "lottery" is in no rumour at all.
    body = search_client.get("/api/search?q=hospital+lottery+winners&lang=en").get_json()
    assert body["answered"] is False and body["total"] >= 1
    assert {r["match"] for r in body["results"]} == {"related"}
    empty = search_client.get("/api/search?q=&lang=en").get_json()
    assert empty["answered"] is False and empty["results"] == []


def test_api_results_lang_is_the_fallback_when_untranslated(search_client):
    body = search_client.get("/api/search?q=hospitals&lang=fr").get_json()
    first = body["results"][0]
    assert (first["id"], first["lang"], first["url"]) == (
        "health-abuse", "en", "/fr/rumours/health-abuse")
    catalan = search_client.get("/api/search?q=hospitals&lang=ca").get_json()["results"][0]
    assert (catalan["lang"], catalan["claim"]) == ("ca", "Abusen del nostre sistema sanitari")


@pytest.mark.parametrize("query", [
    "lang=xx", "lang=EN", "limit=0", "limit=51", "limit=abc", "limit=-1", "limit=1.5",
    "limit=%EF%BC%91", "page=0", "page=101", "page=x", "topic=nope", "place=mars",
    "verdict=true", "topic=%00",
])
def test_api_bad_parameters_are_a_400_json_error(search_client, query):
    response = search_client.get(f"/api/search?q=jobs&{query}")
    assert response.status_code == 400
    assert response.is_json and set(response.get_json()) == {"error"}


@pytest.mark.parametrize("query", ["", "   ", "!!!", "((( *** )))", "\u200f\u202e", "the"])
def test_api_empty_or_unparseable_query_is_a_200_without_results(search_client, query):
    response = search_client.get("/api/search", query_string={"q": query})
    assert response.status_code == 200
    assert response.get_json()["results"] == [] and response.get_json()["total"] == 0
    assert response.get_json()["answered"] is False


def test_api_long_queries_are_cut_not_refused(search_client):
    query = "jobs " + "x" * 10_000
    body = search_client.get("/api/search", query_string={"q": query}).get_json()
    assert len(body["query"]) <= search.MAX_QUERY_CHARS
    assert body["results"][0]["id"] == "take-our-jobs"


def test_api_query_syntax_is_just_text(search_client):
    for query in ['jobs AND NOT "steal', "claim:jobs", "jobs~2", "jobs*", "(jobs", "jobs OR"]:
        body = search_client.get("/api/search", query_string={"q": query}).get_json()
        assert body["results"][0]["id"] == "take-our-jobs", query


def test_api_filters(search_client):
    body = search_client.get("/api/search?q=hospitals+diseases&topic=health&place=springfield"
                             "&verdict=unproven").get_json()
    assert [r["id"] for r in body["results"]] == ["bring-diseases"]


# ----------------------------------------------------------------------- HTML page


def test_search_page_shows_claim_verdict_and_snippet(search_client):
    page = search_client.get("/en/search?q=hospitals").get_data(as_text=True)
    item = page.split('class="rumour-item result-answer"')[1].split("</li>")[0]
    # Fact first: the verdict, then the answer (the summary, matched words marked, not a
    # passage of the body) as the link, then the rumour itself.
    assert item.index("verdict-misleading") < item.index("Immigrants use") < item.index(
        "They abuse our health system")
    assert ('<a class="rumour-link" href="/en/rumours/health-abuse">Immigrants use '
            "<mark>hospitals</mark> less than people born here.</a>") in item
    assert "<q>They abuse our health system</q>" in item
    assert "Hospital visits are lower" not in page
    assert 'role="search"' in page and 'value="hospitals"' in page
    assert "<script" not in page.split("</main>")[0].split("<main")[1]


def test_search_page_lists_answers_then_related_rumours(search_client):
    page = search_client.get("/en/search?q=steal+our+jobs").get_data(as_text=True)
    answers = page.split('id="answers-title"')[1].split("</ol>")[0]
    assert 'href="/en/rumours/take-our-jobs"' in answers and "result-answer" in answers
    assert "No answer yet" not in page
    if 'id="related-title"' in page:  # other rumours that share a word come after
        related = page.split('id="related-title"')[1].split("</ol>")[0]
        assert "take-our-jobs" not in related and "result-related" in related


def test_search_page_says_plainly_when_the_library_has_no_answer(search_client):
    page = search_client.get("/en/search?q=hospital+lottery+winners").get_data(as_text=True)
    no_answer = page.split('class="no-answer"')[1].split('id="related-title"')[0]
    assert "No answer yet" in no_answer
    assert "The library has no answer to “hospital lottery winners” yet." in no_answer
    # Residents can report the rumour (the form gets the query), or use the contact line.
    assert 'href="/en/report?q=hospital+lottery+winners"' in no_answer
    assert "Tell us about a rumour you heard" in no_answer  # site.yml contact
    # What shares some of its words is listed under its own heading, not as an answer.
    related = page.split('id="related-title"')[1].split("</ol>")[0]
    assert 'href="/en/rumours/health-abuse"' in related and "result-answer" not in page
    assert 'id="answers-title"' not in page


def test_search_page_marks_fallback_text_with_its_language(search_client):
    page = search_client.get("/fr/search?q=hospitals").get_data(as_text=True)
    assert 'href="/fr/rumours/health-abuse" lang="en" dir="ltr"' in page


def test_search_page_has_filters_and_keeps_them(search_client):
    page = search_client.get("/en/search?q=neighbours&topic=public-space&place=catalonia"
                             "&verdict=partly-true").get_data(as_text=True)
    for name, value in (("topic", "public-space"), ("place", "catalonia"),
                        ("verdict", "partly-true")):
        assert re.search(rf'<select id="s-{name}" name="{name}">.*?<option value="{value}" '
                         r"selected>", page, re.S), name
    assert len(re.findall(r'class="rumour-item result-', page)) == 10
    assert "topic=public-space" in page and "page=2" in page  # the next page keeps filters


def test_search_page_paginates(search_client):
    first = search_client.get("/en/search?q=neighbours").get_data(as_text=True)
    second = search_client.get("/en/search?q=neighbours&page=2").get_data(as_text=True)
    assert len(re.findall(r'class="rumour-item result-', first)) == 10
    assert len(re.findall(r'class="rumour-item result-', second)) == 2
    assert 'aria-current="page"' in second and 'rel="prev"' in second
    assert 'rel="next"' in first and 'rel="next"' not in second
    assert '<ol class="rumour-list search-results" start="11"' in second


def test_search_page_empty_state_helps(search_client):
    page = search_client.get("/en/search?q=xqzvw").get_data(as_text=True)
    assert "No rumour matches “xqzvw” yet." in page
    assert 'href="/en/topics/health"' in page  # topics to browse
    assert "Tell us about a rumour you heard" in page  # site.contact
    blank = search_client.get("/en/search").get_data(as_text=True)
    assert "How to search" in blank and 'href="/en/topics/work"' in blank


def test_search_page_suggests_a_spelling(search_client):
    page = search_client.get("/en/search?q=tuberculossis").get_data(as_text=True)
    assert 'Did you mean: <a href="/en/search?q=tuberculosis"><bdi>tuberculosis</bdi></a>' in page


def test_search_page_in_other_languages(search_client):
    page = search_client.get("/es/search?q=trabajo").get_data(as_text=True)
    assert '<html lang="es"' in page and "Nos quitan el trabajo" in page
    page = search_client.get("/ar/search?q=الأمراض").get_data(as_text=True)
    assert 'dir="rtl"' in page and "يجلبون الأمراض" in page


@pytest.mark.parametrize("query", ["page=0", "page=x", "topic=nope", "verdict=%FF"])
def test_search_page_bad_parameters_are_a_400_page(search_client, query):
    response = search_client.get(f"/en/search?q=jobs&{query}")
    assert response.status_code == 400 and response.mimetype == "text/html"


def test_a_page_past_the_last_is_a_404(search_client):
    assert search_client.get("/en/search?q=neighbours&page=2").status_code == 200
    assert search_client.get("/en/search?q=neighbours&page=3").status_code == 404


def test_unknown_language_is_a_404(search_client):
    assert search_client.get("/xx/search?q=jobs").status_code == 404


def test_home_search_box_goes_to_the_search_page(search_client):
    page = search_client.get("/en/").get_data(as_text=True)
    assert '<form class="search-form" role="search" action="/en/search"' in page


# ------------------------------------------------------------------ robustness


ARBITRARY = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",)),  # anything a URL can carry
        st.sampled_from(list('"\'()[]{}:*?~^+-!&|\\/<>%\u200e\u200f\u202a\u202e\u2066\u2069'
                             "\ufeff\x00\x1b\x1e\x1f\x1d😀👩‍👩‍👧🇭🇹")),
    ),
    max_size=300,
)
WHOOSH_SYNTAX = st.sampled_from(['"unbalanced', "a AND", "NOT", "field:", "*", "?", "~3",
                                 "[a TO", "{", "^2", "(((", "\\", "OR OR", "'"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=st.one_of(ARBITRARY, st.lists(st.one_of(ARBITRARY, WHOOSH_SYNTAX)).map(" ".join)),
       lang=st.one_of(st.sampled_from(["en", "es", "ar", "ht", ""]), ARBITRARY),
       limit=st.one_of(st.none(), st.integers(-5, 80).map(str), ARBITRARY),
       topic=st.one_of(st.none(), st.sampled_from(["work", "health"]), ARBITRARY))
def test_arbitrary_input_never_breaks_the_api(search_client, q, lang, limit, topic):
    params = {"q": q, "lang": lang}
    if limit is not None:
        params["limit"] = limit
    if topic is not None:
        params["topic"] = topic
    response = search_client.get("/api/search", query_string=params)
    assert response.status_code in (200, 400), response.status_code
    body = response.get_json()
    assert ("results" in body) if response.status_code == 200 else (set(body) == {"error"})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=st.one_of(ARBITRARY, st.lists(st.one_of(ARBITRARY, WHOOSH_SYNTAX)).map(" ".join)),
       lang=st.sampled_from(["en", "es", "ca", "fr", "ar", "ht"]),
       page=st.one_of(st.none(), ARBITRARY, st.integers(-3, 120).map(str)))
def test_arbitrary_input_never_breaks_the_page(search_client, q, lang, page):
    params = {"q": q} if page is None else {"q": q, "page": page}
    response = search_client.get(f"/{lang}/search", query_string=params)
    assert response.status_code in (200, 400, 404), response.status_code  # 404: past the end
    assert response.mimetype == "text/html"


@pytest.mark.parametrize("query", [
    "a" * 10_240, "😀" * 5_000, '"(' * 5_000, "\u202e" * 10_000, "jobs " * 2_000,
    "\x00\x01\x02" * 3_000, "ب" * 10_240,
])
def test_ten_kilobyte_queries(search_client, query):
    for url in ("/api/search", "/en/search", "/ar/search"):
        response = search_client.get(url, query_string={"q": query})
        assert response.status_code == 200, url


def test_invalid_utf8_in_the_query_string(search_client):
    assert search_client.get("/api/search?q=%FF%FE%C3").status_code == 200
    assert search_client.get("/en/search?q=%FF%FE%C3&topic=%C3").status_code == 400


# ------------------------------------------------------------------ index lifecycle


def test_build_swaps_a_symlink_to_a_new_directory(library, tmp_path):
    first = search.build_index(library, tmp_path)
    link = tmp_path / search.CURRENT_LINK
    assert link.is_symlink() and link.resolve() == first.resolve()
    second = search.build_index(library, tmp_path)
    assert second != first and link.resolve() == second.resolve()
    assert first.exists()  # kept for processes that may still have it open
    assert not list(tmp_path.glob(".current-*"))  # no temporary link left behind
    assert search.current_stamp(tmp_path) == search.index_stamp(library)


def test_one_searcher_per_process_reopened_only_after_a_swap(library, tmp_path):
    search.build_index(library, tmp_path)
    index = search.SearchIndex(tmp_path)
    index.search("jobs", "en")
    opened, thesaurus = index.opened, index.thesaurus  # loaded once per opening
    for _ in range(5):
        index.search("hospitals", "en")
        assert index.opened == opened and index.thesaurus is thesaurus
    rebuilt = search.build_index(library, tmp_path)
    assert index.search("jobs", "en").total
    assert index.opened == str(rebuilt) != opened and index.thesaurus is not thesaurus


def test_searches_during_rebuilds_all_succeed(search_content, tmp_path):
    library = load_library(search_content)
    root = tmp_path / "index"
    search.build_index(library, root)
    index = search.SearchIndex(root)
    failures: list[str] = []
    done = threading.Event()
    counts = []

    def searcher():
        count = 0
        while not done.is_set():
            try:
                results = index.search("jobs hospitals", "en")
                if ids(results)[:1] != ["take-our-jobs"]:
                    failures.append(f"unexpected results {ids(results)}")
            except Exception as exc:  # noqa: BLE001 - every failure is counted
                failures.append(repr(exc))
            count += 1
        counts.append(count)

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        targets = {search.build_index(library, root) for _ in range(6)}
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert failures == []
    assert len(targets) == 6 and sum(counts) > 20
    newest = (root / search.CURRENT_LINK).resolve()
    assert newest in targets and index.search("jobs", "en").total
    assert index.opened == str(newest)


def test_a_missing_or_corrupt_index_is_rebuilt(library, tmp_path):
    assert search.ensure_index(library, tmp_path) is True  # missing
    assert search.ensure_index(library, tmp_path) is False  # fresh
    current = (tmp_path / search.CURRENT_LINK).resolve()
    for segment in current.glob("*.seg"):
        segment.write_bytes(b"broken")
    assert search.ensure_index(library, tmp_path) is True
    assert search.SearchIndex(tmp_path).search("jobs", "en").total


def test_a_broken_new_index_leaves_the_open_one_in_service(library, tmp_path):
    good = search.build_index(library, tmp_path)
    index = search.SearchIndex(tmp_path)
    assert index.search("jobs", "en").total
    broken = tmp_path / "build-broken"
    shutil.copytree(good, broken)
    for segment in broken.glob("*.seg"):
        segment.write_bytes(b"broken")
    (tmp_path / "next").symlink_to(broken.name)
    (tmp_path / "next").replace(tmp_path / search.CURRENT_LINK)
    assert [hit.id for hit in index.search("jobs", "en").hits][:1] == ["take-our-jobs"]
    assert index.opened == str(good)
    assert search.SearchIndex(tmp_path).available
    with pytest.raises(search.IndexUnavailable):
        search.SearchIndex(tmp_path).search("jobs", "en")  # nothing good was ever open


def zero_segments(index_root: Path) -> None:
    """Overwrite the current build's segment files with zeros (a disk gone bad)."""
    for segment in (index_root / search.CURRENT_LINK).resolve().glob("*.seg"):
        segment.write_bytes(b"\0" * segment.stat().st_size)


@pytest.mark.parametrize("when", ["while it is open", "before it is opened"])
def test_an_index_found_broken_while_searching_is_reported_and_rebuilt(library, thesaurus,
                                                                        tmp_path, when):
    search.build_index(library, tmp_path, thesaurus)
    index = search.SearchIndex(tmp_path, library, thesaurus)
    if when == "while it is open":
        assert index.search("jobs", "en").total and index.available
    zero_segments(tmp_path)
    with pytest.raises(search.IndexUnavailable):
        index.search("hospitals", "en")  # never a quiet "nothing found"
    assert not index.available and "broken" in index.problem
    index.wait_for_repair(120)
    assert index.available and index.problem is None
    assert ids(index.search("hospitals", "en"))[0] == "health-abuse"


def test_the_app_reports_a_broken_index_on_healthz_and_heals(search_content, tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": search_content, "INSTANCE_DIR": tmp_path})
    client = app.test_client()
    assert client.get("/api/search?q=jobs").get_json()["total"]
    assert client.get("/healthz").get_json()["status"] == "ok"
    zero_segments(tmp_path / "index")
    assert client.get("/api/search?q=hospitals").status_code == 503
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded"
    assert any(p.startswith("search: the search index") and "broken" in p
               for p in health["problems"]), health
    app.extensions["rumours"].artefact("search").wait_for_repair(120)
    body = client.get("/api/search?q=steal+jobs").get_json()
    assert body["results"][0]["id"] == "take-our-jobs"
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_the_app_builds_the_index_at_start_only_when_stale(search_content, tmp_path):
    config = {"TESTING": True, "CONTENT_DIR": search_content, "INSTANCE_DIR": tmp_path}
    create_app(config)
    link = tmp_path / "index" / search.CURRENT_LINK
    first = link.resolve()
    app = create_app(config)
    assert link.resolve() == first  # up to date: not rebuilt
    assert app.test_client().get("/api/search?q=jobs").get_json()["total"]
    (link / search.STAMP_FILE).write_text("older content\n")
    create_app(config)
    assert link.resolve() != first


def test_an_edited_file_is_searchable_once_live_in_dev(dev_app, content_dir):
    client = dev_app.test_client()
    assert client.get("/api/search?q=zanahoria").get_json()["total"] == 0
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace('"they work for less"',
                                             '"they work for less", "zanahoria"'))
    assert wait_for(lambda: client.get("/api/search?q=zanahoria").get_json()["total"])
    body = client.get("/api/search?q=zanahoria").get_json()
    assert [r["id"] for r in body["results"]] == ["take-our-jobs"]



def test_drafts_are_searchable_in_dev(dev_app):
    body = dev_app.test_client().get("/api/search?q=draft+claim").get_json()
    assert "secret-draft" in [r["id"] for r in body["results"]]


def test_rumours_index_command(search_content, tmp_path, monkeypatch):
    monkeypatch.setenv("RUMOURS_CONTENT", str(search_content))
    monkeypatch.setenv("RUMOURS_INSTANCE", str(tmp_path))
    runner = CliRunner()
    built = runner.invoke(cli, ["index"])
    assert built.exit_code == 0, built.output
    assert "Indexed 16 rumours" in built.output
    link = tmp_path / "index" / search.CURRENT_LINK
    first = link.resolve()
    stale = runner.invoke(cli, ["index", "--if-stale"])
    assert stale.exit_code == 0 and "up to date" in stale.output and link.resolve() == first
    again = runner.invoke(cli, ["index"])
    assert again.exit_code == 0 and link.resolve() != first
    assert search.SearchIndex(tmp_path / "index").search("jobs", "en").total


def test_rumours_index_refuses_broken_content(tmp_path, monkeypatch):
    content = make_search_content(tmp_path)
    (content / "rumours" / "dirty-streets.md").write_text("---\nid: [broken\n---\n")
    monkeypatch.setenv("RUMOURS_CONTENT", str(content))
    monkeypatch.setenv("RUMOURS_INSTANCE", str(tmp_path / "instance"))
    result = CliRunner().invoke(cli, ["index"])
    assert result.exit_code == 1
    assert "dirty-streets.md" in result.output and "content has errors" in result.output
    assert not (tmp_path / "instance" / "index" / search.CURRENT_LINK).exists()


def test_an_edit_to_the_thesaurus_reaches_the_live_index(tmp_path):
    # The index builder keeps the thesaurus between libraries; an edit to synonyms.yml
    # must still be read again (and an edit to a rumour alone must not lose it).
    content = make_search_content(tmp_path)
    app = create_app({"TESTING": True, "CONTENT_DIR": content,
                      "INSTANCE_DIR": tmp_path / "instance"})
    live = app.extensions["rumours"]
    client = app.test_client()

    def first(query: str) -> str | None:
        results = client.get(f"/api/search?q={query}&lang=en").get_json()["results"]
        return results[0]["id"] if results else None

    before = client.get("/api/search?q=gigs&lang=en").get_json()
    assert before["total"] == 0
    synonyms = content / "synonyms.yml"
    bump(synonyms, SYNONYMS.replace("[jobs, work, employment]", "[jobs, work, employment, gigs]"))
    assert live.refresh()
    assert first("gigs") == "take-our-jobs"
    rumour_file = content / "rumours" / "dirty-streets.md"
    bump(rumour_file, rumour_file.read_text(encoding="utf-8") + "\n")
    assert live.refresh()
    assert first("gigs") == "take-our-jobs"
