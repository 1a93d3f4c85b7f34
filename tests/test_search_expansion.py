"""rumours.search.expansion: the thesaurus compiled for queries, and concepts found in them."""

from __future__ import annotations

from types import MappingProxyType

from rumours.search.analysis import fold, term, tokens
from rumours.search.expansion import (
    STOP_MARK,
    CompiledThesaurus,
    compile_thesaurus,
)
from rumours.search.thesaurus import Concept, Thesaurus

LANGUAGES = ("en", "es", "ca", "fr", "ar", "ht")


def concept(name: str, **phrases: list[str]) -> Concept:
    return Concept(name, MappingProxyType({k: tuple(v) for k, v in phrases.items()}))


THESAURUS = Thesaurus((
    concept("benefits", en=["benefits", "welfare"], es=["ayudas", "paguita"],
            fr=["allocations", "aides sociales"], ar=["مساعدات"], ht=["èd"]),
    concept("undeclared", fr=["au black"], es=["en negro"], en=["cash in hand"]),
    concept("invasion", en=["too many", "invasion"], es=["demasiados"]),
    concept("minors", es=["menas"], en=["unaccompanied minors"]),
    concept("elsewhere", xx=["ignored"], en=["abroad", "overseas"]),
))


def sequence(lang: str, query: str) -> list[tuple[int, str, str]]:
    """A query read in `lang` as the ranking reads it: terms, and small words marked."""
    found = []
    for position, (_s, _e, raw) in enumerate(tokens(query)):
        word = fold(raw)
        analysed = term(lang, word)
        found.append((position, analysed, word) if analysed else (-1, STOP_MARK + word, word))
    return found


def concepts(compiled: CompiledThesaurus, lang: str, query: str) -> set[str]:
    return {compiled.concepts[m.concept] for m in compiled.find(lang, sequence(lang, query))}


def test_a_word_of_a_concept_is_found_by_its_stem():
    compiled = compile_thesaurus(THESAURUS, LANGUAGES)
    assert concepts(compiled, "es", "les dan la paguitas") == {"benefits"}
    assert concepts(compiled, "fr", "les AIDES SOCIALES") == {"benefits"}
    assert concepts(compiled, "ar", "المساعدات") == {"benefits"}


def test_a_phrase_needs_its_small_words_in_order():
    compiled = compile_thesaurus(THESAURUS, LANGUAGES)
    assert concepts(compiled, "fr", "ils travaillent au black") == {"undeclared"}
    assert concepts(compiled, "fr", "le black et blanc") == set()
    assert concepts(compiled, "en", "too many migrants") == {"invasion"}
    assert concepts(compiled, "en", "many migrants") == set()
    match = compiled.find("fr", sequence("fr", "travail au black"))[0]
    assert match.positions == (2,)  # the content words it spans, for the slot


def test_a_short_stem_also_needs_the_word_to_start_alike():
    compiled = compile_thesaurus(THESAURUS, LANGUAGES)
    assert term("es", "menas") == term("es", "menos")  # Snowball gives both "men"
    assert concepts(compiled, "es", "los menas") == {"minors"}
    assert concepts(compiled, "es", "cobramos menos") == set()


def test_what_the_library_is_searched_for():
    compiled = compile_thesaurus(THESAURUS, LANGUAGES)
    searched = {(m.lang, m.terms) for members in
                (compiled.phrases_of(n) for n in range(len(compiled.concepts)))
                for m in members}
    assert ("en", ("en:benefit",)) in searched
    assert ("fr", ("fr:aid", "fr:social")) in searched  # two content words
    assert ("fr", ("fr:black",)) not in searched  # "au black" only recognises the concept
    assert ("es", (term("es", "menas"),)) not in searched  # "men" would be found everywhere
    assert all(m.lang in LANGUAGES for m in compiled.members)  # "xx" is not a site language


def test_the_compiled_thesaurus_survives_its_file():
    compiled = compile_thesaurus(THESAURUS, LANGUAGES)
    again = CompiledThesaurus.from_json(compiled.to_json())
    assert again.members == compiled.members and again.concepts == compiled.concepts
    assert again.fingerprint == THESAURUS.fingerprint
    assert "paguita" in again.words and "black" in again.words
    assert concepts(again, "fr", "travail au black") == {"undeclared"}
