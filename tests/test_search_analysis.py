"""rumours.search.analysis: words, folding, spelling variants, stop words and stems per language."""

from __future__ import annotations

import pytest

from rumours.search.analysis import (
    arabic_variants,
    creole_spelling,
    fallback_terms,
    fold,
    is_stopword,
    text_terms,
    tokens,
    word_terms,
)


def same(lang: str, *written: str) -> bool:
    """Whether every form gives the same single term in `lang`."""
    found = {word_terms(lang, w) for w in written}
    return len(found) == 1 and len(next(iter(found))) == 1


# --------------------------------------------------------------------------- words


def test_apostrophes_and_hyphens_split_words_and_elided_articles_are_stop_words():
    assert [t for _s, _e, t in tokens("l'immigration d'Haïti qu'ils s'intègrent")] == [
        "l", "immigration", "d", "Haïti", "qu", "ils", "s", "intègrent"]
    assert text_terms("fr", "l'immigration qu'ils s'intègrent") == text_terms(
        "fr", "immigration intègrent")
    assert text_terms("ca", "l’escola d’adults") == text_terms("ca", "escola adults")
    assert text_terms("fr", "main-d'œuvre") == ["fr:main", "fr:oeuvr"]


def test_catalan_middle_dot_numbers_and_abbreviations_stay_whole():
    words = [t for _s, _e, t in tokens("il·legals il.legals 2.93 1.000 A&E U.S.")]
    assert words == ["il·legals", "il.legals", "2.93", "1.000", "A&E", "U", "S"]
    assert same("ca", "il·legals", "il.legals", "illegals", "IL·LEGALS")


def test_token_offsets_point_into_the_text():
    text = "Les «immigrés» coûtent-ils?"
    assert [text[s:e] for s, e, _t in tokens(text)] == ["Les", "immigrés", "coûtent", "ils"]


# ------------------------------------------------------------------------- folding


def test_capitals_and_missing_accents_never_matter():
    assert fold("INMIGRACIÓN ÉCOLE Haïtiens Straße") == "inmigracion ecole haitiens strasse"
    assert same("es", "inmigración", "inmigracion", "INMIGRACION")
    assert same("fr", "hôpitaux", "hopitaux", "HÔPITAL")
    assert same("ca", "immigració", "immigracio")


@pytest.mark.parametrize(("variant", "standard"), [
    ("أجانب", "اجانب"), ("إرهاب", "ارهاب"), ("آمن", "امن"),   # hamza and madda on alef
    ("مستشفى", "مستشفي"),                                        # alef maqsura
    ("لاجئين", "لاجيين"),                                        # hamza on yeh
    ("مساعدة", "مساعده"),                                        # teh marbuta
    ("مهـــاجرين", "مهاجرين"),                                  # tatweel
    ("مُهَاجِرِين", "مهاجرين"),                                   # vowel marks
    ("الحراگة", "الحراكة"),                                      # Maghrebi gaf
    ("٢٠٢٤", "2024"),                                           # Arabic-Indic digits
])
def test_arabic_spelling_variants_fold_alike(variant, standard):
    assert fold(variant) == fold(standard)
    assert word_terms("ar", variant) == word_terms("ar", standard)


# ------------------------------------------------------------------------ stemming


@pytest.mark.parametrize(("lang", "forms"), [
    ("en", ["benefits", "benefit"]), ("en", ["immigrants", "immigrant"]),
    ("es", ["ayudas", "ayuda"]), ("es", ["quitan", "quitar"]),
    ("ca", ["treballen", "treballadors"]), ("ca", ["ajudes", "ajuda"]),
    ("fr", ["immigrés", "immigré", "immigres"]), ("fr", ["allocations", "allocation"]),
    ("ar", ["المهاجرون", "المهاجرين", "بالمهاجرين", "والمهاجرين"]),
    ("ar", ["فيروس", "فيروسات", "الفيروسات"]),  # a first root letter is not "and"/"so"
])
def test_each_language_has_its_snowball_stemmer(lang, forms):
    assert same(lang, *forms)
    assert all(t.startswith(lang + ":") for t in word_terms(lang, forms[0]))


@pytest.mark.parametrize(("variant", "standard"), [
    ("ayisien", "ayisyen"), ("Ayisyen", "ayisyen"), ("manger", "manje"), ("mangé", "manje"),
    ("kòb", "kob"), ("tibèkiloz", "tibekiloz"), ("réfugié", "refijye"), ("travail", "travay"),
    ("qui", "ki"), ("moin", "mwen"), ("gouvènman", "gouvenman"), ("lekòl", "LEKOL"),
])
def test_haitian_creole_spelling_variants_meet(variant, standard):
    assert creole_spelling(fold(variant)) == creole_spelling(fold(standard))


def test_haitian_creole_pronouns_in_every_spelling_are_stop_words():
    for word in ("yo", "mwen", "moin", "ou", "w", "li", "nou", "ils", "ki", "ap"):
        assert is_stopword("ht", word), word
    assert text_terms("ht", "Yo pa vle aprann lang lan") == ["ht:vle", "ht:apran", "ht:lang"]


def test_stop_words_are_per_language():
    assert word_terms("en", "the") == () and word_terms("es", "los") == ()
    assert word_terms("es", "sale") and word_terms("fr", "sale")  # a verb, an adjective
    assert is_stopword("ar", "في") and is_stopword("ar", "وفي")  # also after "and"
    assert not is_stopword("en", "jobs")


# ----------------------------------------------------------------------- fallbacks


def test_arabic_clitics_dialect_prefixes_and_negation_come_off():
    assert "سبرينغفيلد" in arabic_variants(fold("لسبرينغفيلد"))
    assert "يخدمو" in arabic_variants(fold("كيخدمو"))  # Darija present
    assert "يشتغلوا" in arabic_variants(fold("بيشتغلوا"))  # Levantine present
    assert "عندهم" in arabic_variants(fold("ماعندهمش"))  # Maghrebi negation
    assert "يحترمو" in arabic_variants(fold("ومايحترموش"))


def test_a_word_the_library_lacks_falls_back_to_its_prefixes():
    assert fallback_terms("fr", "mangent")[:3] == ["fr:mangen", "fr:mange", "fr:mang"]
    assert fallback_terms("es", "invadiendo")[-1] == "es:invad"
    assert fallback_terms("en", "jobs") == []  # too short to guess
    assert fallback_terms("ar", fold("لسبرينغفيلد"))[0] == word_terms("ar", "سبرينغفيلد")[0]
