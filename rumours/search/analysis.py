"""Text analysis per language: words, folding, spelling variants, stop words and stems.

One definition for the live search and the static export's offline search: the tables
below (folds, Haitian Creole spelling rules, stop words) are exported as data to
static/js/offline-search.js by rumours/publishing/offline_search.py, which also ships the stems of
every word the library and the thesaurus use.

A word is analysed in three steps:

1. **Tokens**: runs of letters, digits and combining marks; numbers keep their separators
   ("2.93"); apostrophes and hyphens split ("l'immigration" -> "l", "immigration"), the
   elided articles then being stop words; a Catalan "l·l" (also typed "l.l") stays inside.
2. **Folding**: lowercase, no accents or Arabic vowel marks, Arabic letter variants
   unified (أ إ آ ٱ -> ا, ى ئ -> ي, ؤ -> و, ة -> ه, tatweel dropped, Persian and Maghrebi
   letters, Arabic-Indic digits), ligatures spelled out. Capitals and missing accents
   therefore never matter.
3. **Terms**: in a given language, a stop word gives nothing; Haitian Creole words are
   rewritten to one standard spelling (French-influenced "moin", "qui", "ayisien" ->
   "mwen", "ki", "ayisyen"); then the Snowball stemmer of the language (English, Spanish,
   Catalan, French, Arabic). A term carries its language: "es:inmigr".
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterator

import snowballstemmer

from rumours.search.stopwords import stopwords_for

# Characters folded after accents and marks are removed (the same map in offline-search.js).
CHAR_FOLDS: dict[str, str] = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "ŀ": "l",
    # Arabic: letter variants people write interchangeably
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ئ": "ي", "ؤ": "و", "ة": "ه",
    "ـ": "", "ک": "ك", "ی": "ي", "ۍ": "ي", "ە": "ه", "ھ": "ه", "گ": "ك", "ڭ": "ك",
    "ڨ": "ق", "ڤ": "ف", "پ": "ب", "چ": "ج", "ژ": "ز",
    # digits
    **{chr(0x660 + n): str(n) for n in range(10)},
    **{chr(0x6F0 + n): str(n) for n in range(10)},
}
_FOLD_TABLE = str.maketrans(CHAR_FOLDS)

# Tokens: a number with separators, an abbreviation with "&" ("A&E"), or letters/digits/
# marks joined by "·" or "."; the joins are kept only between two l's ("il·legal").
WORD_PATTERN = (r"\d+(?:[.,]\d+)+|[^\W\d_]&[^\W\d_]\b"
                 r"|[^\W_](?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670"
                 r"\u06d6-\u06ed])*(?:[·.][^\W_](?:[^\W_]|[\u0300-\u036f\u064b-\u065f])*)*")
_TOKEN_RE = re.compile(WORD_PATTERN)
JOIN_PATTERN = r"[·.]"  # splits a token, except between two l's
NUMBER_PATTERN = r"\d+(?:[.,]\d+)*"  # a number is never split at its separators
_JOIN_RE = re.compile(JOIN_PATTERN)
_DIGITS_RE = re.compile(NUMBER_PATTERN)

# Haitian Creole: spellings rewritten, in order, to the standard orthography (folded).
# French-influenced spellings ("moin", "qui", "ayisien", "manger") and old ones ("ou" for
# /w/ before a vowel) meet the standard ones ("mwen", "ki", "ayisyen", "manje").
CREOLE_RULES: tuple[tuple[str, str], ...] = (
    (r"ch", "\x01"),           # keep "ch" while "c" is rewritten
    (r"oin", "wen"),           # moin, loin -> mwen, lwen
    (r"oi", "wa"),             # moi -> mwa
    (r"eau|au", "o"),
    (r"qu", "k"),              # qui -> ki
    (r"c(?=[eiy])", "s"),
    (r"c", "k"),               # kay, konpayi
    (r"\x01", "ch"),
    (r"ph", "f"),
    (r"th", "t"),
    (r"x", "ks"),              # taxe -> taks
    (r"ail(le)?$", "ay"),      # travail -> travay
    (r"ien", "yen"),           # ayisien -> ayisyen
    (r"ou(?=[aei])", "w"),     # oui, jouer -> wi, jwe
    (r"eu", "e"),
    (r"([^o])u", r"\1i"),     # tu, refugie -> ti, refigye
    (r"^u", "i"),
    (r"er$|ez$", "e"),         # manger, mangez -> manje
    (r"i(?=e)", "y"),          # papie -> papye
    (r"g(?=[eiy])", "j"),
    (r"([bcdfgjklmnprstvz])\1", r"\1"),  # doubled letters
)
_CREOLE_RES = tuple((re.compile(pattern), replacement) for pattern, replacement in CREOLE_RULES)

SNOWBALL = {"en": "english", "es": "spanish", "ca": "catalan", "fr": "french",
            "ar": "arabic"}
_stemmers = threading.local()
MIN_PREFIX = {"ar": 3}  # a stem guessed from a known prefix keeps this many letters (roots)
DEFAULT_MIN_PREFIX = 4
PREFIX_SLACK = 5  # ... and loses at most this many from the end of the word


def tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, token) for every word of `text`, in order (offsets into `text`)."""
    for match in _TOKEN_RE.finditer(text):
        token = match.group(0)
        start = match.start()
        if "·" not in token and "." not in token or _DIGITS_RE.fullmatch(token):
            yield start, match.end(), token
            continue
        piece_start = 0
        for join in _JOIN_RE.finditer(token):
            at = join.start()
            if token[at - 1:at].lower() == "l" and token[at + 1:at + 2].lower() == "l":
                continue  # il·legal: one word
            if at > piece_start:
                yield start + piece_start, start + at, token[piece_start:at]
            piece_start = at + 1
        if piece_start < len(token):
            yield start + piece_start, match.end(), token[piece_start:]


def token_texts(text: str) -> list[str]:
    """The words of `text`, as tokens() gives them, without their offsets (faster)."""
    found = _TOKEN_RE.findall(text)
    if "·" not in text and "." not in text:
        return found
    return [token for _s, _e, token in tokens(text)]


@functools.lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lowercase, no accents, marks or Arabic letter variants: "Inmigración" -> "inmigracion"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    bare = bare.replace("l·l", "ll").replace("l.l", "ll")
    return unicodedata.normalize("NFC", bare).translate(_FOLD_TABLE)


def words(text: str) -> list[str]:
    """The folded words of `text`, in order (repeats kept)."""
    return [fold(token) for _s, _e, token in tokens(text)]


def creole_spelling(word: str) -> str:
    """A folded Haitian Creole word in the standard spelling ("moin" -> "mwen")."""
    for pattern, replacement in _CREOLE_RES:
        word = pattern.sub(replacement, word)
    return word


def _stemmer(lang: str):
    cache = getattr(_stemmers, "by_lang", None)
    if cache is None:
        cache = _stemmers.by_lang = {}
    if lang not in cache:
        name = SNOWBALL.get(lang)
        cache[lang] = snowballstemmer.stemmer(name) if name else None
    return cache[lang]


@functools.lru_cache(maxsize=64)
def stopwords(lang: str) -> frozenset[str]:
    """A language's stop words, folded as query words are."""
    return frozenset(fold(word) for word in stopwords_for(lang))


def is_stopword(lang: str, word: str) -> bool:
    """Whether a folded word is a stop word in `lang` (Arabic: also after a leading "و")."""
    stop = stopwords(lang)
    if word in stop:
        return True
    return lang == "ar" and len(word) > 2 and word[0] in "وف" and word[1:] in stop


@functools.lru_cache(maxsize=300_000)
def stem(lang: str, word: str) -> str:
    """The stem of a folded, non-stop word in `lang` (without the language prefix)."""
    if lang == "ht":
        return creole_spelling(word)
    stemmer = _stemmer(lang)
    if stemmer is None:
        return word
    if lang == "ar":
        return _arabic_stem(stemmer, word)
    return stemmer.stemWord(word)


ARABIC_SUFFIXES = ("ات", "ين", "ون", "ان", "ه", "ا", "ي")  # left on by Snowball at times


def _arabic_stem(stemmer, word: str) -> str:
    """Snowball's Arabic stem, made consistent across the forms of a word.

    Snowball strips a leading و or ف as a conjunction, and س as the future prefix, unless
    the word has an article ("فيروس" -> "يروس", "سيارات" -> "يارا"), and it keeps some
    plural and feminine endings when there is no article ("مساعدات" -> "مساعدا", but
    "المساعدات" -> "مساعد"). So a real conjunction is taken off first ("والمهاجرين",
    "ويعملون"), other words starting with و, ف or س are stemmed as if they had the article,
    and one such ending left on the stem is removed."""
    conjunction = (word.startswith(("وال", "فال")) and len(word) > 4
                   or word.startswith("و") and len(word) > 3 and word[1] in "يتنا")
    if conjunction:
        word = word[1:]
    if word[:1] in ("و", "ف", "س") and not word.startswith("ال"):
        stem_ = stemmer.stemWord("ال" + word)
    else:
        stem_ = stemmer.stemWord(word)
    for suffix in ARABIC_SUFFIXES:
        if stem_.endswith(suffix) and len(stem_) - len(suffix) >= 3:
            return stem_[:-len(suffix)]
    return stem_


@functools.lru_cache(maxsize=300_000)
def term(lang: str, word: str) -> str | None:
    """The index term of a folded word in `lang` ("es:inmigr"), or None for a stop word."""
    if is_stopword(lang, word) or (len(word) < 2 and not word.isdigit()):
        return None
    return f"{lang}:{stem(lang, word)}"


@functools.lru_cache(maxsize=500_000)
def token_term(lang: str, token: str) -> tuple[str, str | None]:
    """A token as written: its folded word, and its term in `lang` (None: a stop word)."""
    word = fold(token)
    return word, term(lang, word)


def word_terms(lang: str, word: str) -> tuple[str, ...]:
    """The terms of one word as typed (folded here): one term, or none for a stop word."""
    found = term(lang, fold(word))
    return (found,) if found else ()


def text_terms(lang: str, text: str) -> list[str]:
    """The terms of a text in `lang`, in order, stop words left out."""
    found = []
    for word in words(text):
        analysed = term(lang, word)
        if analysed:
            found.append(analysed)
    return found


# Arabic: clitics written onto a word, and dialect verb prefixes (Darija "كي", "تي";
# Levantine and Egyptian "بي", "بت"), with what the verb starts with once they are off.
ARABIC_CLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
ARABIC_VERB_PREFIXES = (("كي", "ي"), ("تي", "ي"), ("بي", "ي"), ("كت", "ت"), ("بت", "ت"),
                        ("كن", "ن"), ("بن", "ن"))


def arabic_variants(word: str) -> list[str]:
    """A folded Arabic word without the clitics, dialect verb prefixes and Maghrebi
    negation ("ما...ش") the stemmer leaves on: "لسبرينغفيلد" -> "سبرينغفيلد",
    "كيخدمو" -> "يخدمو", "ماعندهمش" -> "عندهم"."""
    forms = [word[1:]] if word[:1] in "وف" and len(word) > 4 else []
    forms.append(word)
    for form in list(forms):
        if form.endswith("ش") and len(form) > 4:
            forms.insert(0, form[2:-1] if form.startswith("ما") else form[:-1])
    found: list[str] = []
    for form in forms:
        for clitic in ARABIC_CLITICS:
            if form.startswith(clitic) and len(form) - len(clitic) >= 3:
                found.append(form[len(clitic):])
                break
        for prefix, replacement in ARABIC_VERB_PREFIXES:
            if form.startswith(prefix) and len(form) - len(prefix) >= 3:
                found.append(replacement + form[len(prefix):])
                break
        found.append(form)
    return [f for f in dict.fromkeys(found) if f != word]


def prefix_candidates(lang: str, word: str) -> list[str]:
    """Terms a word not in the library may share a stem with: its own prefixes, longest
    first ("mangent" -> "fr:mangen", "fr:mange", "fr:mang"); for inflections no stemmer
    rule covers. The caller keeps the first one the index knows."""
    base = creole_spelling(word) if lang == "ht" else word
    shortest = max(MIN_PREFIX.get(lang, DEFAULT_MIN_PREFIX), len(base) - PREFIX_SLACK)
    return [f"{lang}:{base[:end]}" for end in range(len(base) - 1, shortest - 1, -1)]


_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")


def fallback_terms(lang: str, word: str) -> list[str]:
    """Terms to try, in order, for a word whose own term the library does not have: in
    Arabic the word without its clitics first, then the word's prefixes (only for a word
    in the language's script: a Latin word has no Arabic stem, nor an Arabic one a French)."""
    if (lang == "ar") != bool(_ARABIC_LETTER.search(word)):
        return []
    found: list[str] = []
    if lang == "ar":
        for variant in arabic_variants(word):
            analysed = term(lang, variant)
            if analysed:
                found.append(analysed)
    found.extend(prefix_candidates(lang, word))
    return found


def term_lang(term_text: str) -> str:
    """The language a term belongs to: "es:inmigr" -> "es"."""
    return term_text.partition(":")[0]
