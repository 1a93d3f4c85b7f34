"""rumours.search.thesaurus: content/synonyms.yml, checked like every content file (file:line: field)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from content_fixtures import write

from rumours.cli import main
from rumours.content.loading import check_content, load_library
from rumours.search.analysis import text_terms
from rumours.search.expansion import compile_thesaurus
from rumours.search.thesaurus import THESAURUS_CHECK, load_thesaurus, thesaurus_problems

BUNDLED_CONTENT = Path(__file__).resolve().parent.parent / "content"

GOOD = """\
# Words residents use for the same idea.
benefits:
  note: social aid in general
  en: [benefits, welfare, handouts]
  es: [ayudas, paguita]
  ar:
    - مساعدات
    - معاونات   # Darija
undeclared-work:
  fr: [au black, travail au noir]
  es: [en negro]
"""


@pytest.fixture
def site(content_dir):
    """The site of the test content, read before any synonyms.yml is written."""
    return load_library(content_dir).site


def problems(content: Path, site, text: str) -> list[str]:
    write(content / "synonyms.yml", text)
    return [str(p) for p in thesaurus_problems(content, site)]


def test_a_good_thesaurus_loads_with_its_concepts(content_dir):
    write(content_dir / "synonyms.yml", GOOD)
    library = load_library(content_dir)
    thesaurus = load_thesaurus(content_dir, library.site.languages)
    assert [c.id for c in thesaurus.concepts] == ["benefits", "undeclared-work"]
    benefits = thesaurus.concepts[0]
    assert benefits.phrases["ar"] == ("مساعدات", "معاونات") and benefits.line == 2
    assert benefits.note == "social aid in general"
    assert thesaurus_problems(content_dir, library.site) == []


def test_no_thesaurus_is_fine(content_dir):
    library = load_library(content_dir)
    assert load_thesaurus(content_dir, library.site.languages).concepts == ()


def test_the_fingerprint_follows_the_words_not_the_notes(content_dir):
    write(content_dir / "synonyms.yml", GOOD)
    languages = load_library(content_dir).site.languages
    first = load_thesaurus(content_dir, languages).fingerprint
    write(content_dir / "synonyms.yml", GOOD.replace("social aid in general", "aid"))
    assert load_thesaurus(content_dir, languages).fingerprint == first
    write(content_dir / "synonyms.yml", GOOD.replace("handouts", "handouts, dole"))
    assert load_thesaurus(content_dir, languages).fingerprint != first


@pytest.mark.parametrize(("text", "expected"), [
    ("- benefits\n- welfare\n",
     "synonyms.yml:1: synonyms.yml: must be a list of concepts"),
    ("Benefits!:\n  en: [a, b]\n",
     "synonyms.yml:1: concept: a concept name must be lowercase letters"),
    ("benefits:\n  en: [benefits, welfare]\nbenefits:\n  es: [ayudas, paguita]\n",
     "synonyms.yml:3: benefits: the concept 'benefits' is defined twice (also on line 1)"),
    ("benefits: [benefits, welfare]\n",
     "synonyms.yml:1: benefits: must list its words per language"),
    ("benefits:\n  en: [benefits, welfare]\n  xx: [foo, bar]\n",
     "synonyms.yml:3: benefits.'xx': unknown language 'xx'; use one of en, es, ca, fr, ar, ht"),
    ("benefits:\n  en: benefits\n  es: [ayudas, paguita]\n",
     "synonyms.yml:2: benefits.en: must be a list in brackets"),
    ("benefits:\n  en: [benefits, [welfare]]\n  es: [ayudas, paguita]\n",
     "synonyms.yml:2: benefits.en: each entry must be a word or a phrase, not a list"),
    ("benefits:\n  en: [benefits, '']\n  es: [ayudas]\n",
     "synonyms.yml:2: benefits.en: an entry is empty"),
    ("benefits:\n  en: [benefits, one two three four five six seven]\n  es: [ayudas]\n",
     "synonyms.yml:2: benefits.en: 'one two three four five six seven' is too long"),
    ("benefits:\n  en: [benefits\n", "synonyms.yml:3: synonyms.yml: YAML syntax error"),
    ("a: &x [benefits, welfare]\nb: *x\n",
     "synonyms.yml:1: synonyms.yml: YAML anchors and aliases"),
])
def test_errors_name_the_line_and_the_field(content_dir, site, text, expected):
    found = problems(content_dir, site, text)
    assert any(p.startswith("content/" + expected) for p in found), found
    assert not any(": warning:" in p for p in found if p.startswith("content/" + expected))


@pytest.mark.parametrize(("text", "expected"), [
    ("benefits:\n  en: [benefits, the]\n  es: [ayudas]\n",
     "synonyms.yml:2: benefits.en: warning: 'the' has only words search skips"),
    ("benefits:\n  en: [benefits, benefit]\n  es: [ayudas]\n",
     "synonyms.yml:2: benefits.en: warning: 'benefit' reads the same as 'benefits'"),
    ("benefits:\n  en: [benefits]\n",
     "synonyms.yml:1: benefits: warning: a concept needs at least two words or phrases"),
])
def test_warnings_for_what_search_cannot_use(content_dir, site, text, expected):
    found = problems(content_dir, site, text)
    assert any(p.startswith("content/" + expected) for p in found), found


def test_rumours_check_reports_the_thesaurus(content_dir):
    write(content_dir / "synonyms.yml", "benefits:\n  en: [benefits, welfare]\n  zz: [a, b]\n")
    result = CliRunner().invoke(main, ["check", "--json"],
                                env={"RUMOURS_CONTENT": str(content_dir)})
    assert result.exit_code == 1
    found = json.loads(result.output)
    problems_ = found["problems"] if isinstance(found, dict) else found
    assert {"path": "content/synonyms.yml", "line": 3, "field": "benefits.'zz'",
            "severity": "error"}.items() <= next(
        p for p in problems_ if p["path"].endswith("synonyms.yml")).items()


def test_a_broken_thesaurus_is_refused_but_search_keeps_its_good_concepts(content_dir, site):
    write(content_dir / "synonyms.yml",
          GOOD + "broken:\n  en: [scroungers, freeloaders]\n  qq: [nope, nada]\n")
    library, found = check_content(content_dir, checks=(THESAURUS_CHECK,))
    assert library is None  # the edit is refused: the last good library stays in service
    assert any(str(p).startswith("content/synonyms.yml:14: broken.'qq'") for p in found)
    thesaurus = load_thesaurus(content_dir, site.languages)
    assert [c.id for c in thesaurus.concepts] == ["benefits", "undeclared-work", "broken"]
    assert dict(thesaurus.concepts[2].phrases) == {"en": ("scroungers", "freeloaders")}


# ------------------------------------------------------------------ the bundled one


@pytest.fixture
def bundled(bundled_library):
    return bundled_library


def test_the_bundled_thesaurus_has_no_problems(bundled):
    library = bundled
    assert [str(p) for p in thesaurus_problems(BUNDLED_CONTENT, library.site)] == []


def test_the_bundled_thesaurus_covers_every_claim_in_every_language(bundled):
    """Each entry's claim, in each of the six languages, has a word of a concept that tells
    it apart (not only "immigrants" or a place)."""
    library = bundled
    languages = library.site.languages
    compiled = compile_thesaurus(load_thesaurus(BUNDLED_CONTENT, languages), languages)
    generic = {compiled.concepts.index(c)
               for c in ("immigrants", "haitians", "springfield", "locals", "arrive")}
    covered = {t for m in compiled.members if m.concept not in generic for t in m.terms}
    uncovered = [(r.id, lang) for r in library.rumours for lang, text in r.texts.items()
                 if not set(text_terms(lang, text.claim)) & covered]
    assert uncovered == []
    for lang in languages:
        assert sum(1 for m in compiled.members if m.lang == lang) >= 150, lang


def test_the_bundled_thesaurus_has_dialect_and_slang(bundled):
    library = bundled
    thesaurus = load_thesaurus(BUNDLED_CONTENT, library.site.languages)
    words = {(lang, p) for c in thesaurus.concepts for lang, ps in c.phrases.items() for p in ps}
    for expected in [("es", "paguita"), ("es", "curro"), ("es", "okupas"), ("es", "menas"),
                     ("fr", "HLM"), ("fr", "au black"), ("fr", "allocations"),
                     ("ar", "الحراكة"), ("ar", "البراني"), ("ar", "شغل"), ("ar", "مصاري"),
                     ("ht", "èd"), ("ht", "djòb"), ("ht", "lajan")]:
        assert expected in words, expected
