"""The static export's search index: per language, folded words of every rumour, as JSON."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from flask_babel import gettext

from rumours.library import Library

WORD = re.compile(r"[^\W_]+")
# Arabic letters that are written several ways: fold them like the search box does.
ARABIC_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
BODY_WORDS = 400  # enough of the text for matching, small enough for a phone


def fold(text: str) -> str:
    """Lowercase, without accents or Arabic vowel marks (the same as offline-search.js)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))
    return unicodedata.normalize("NFC", bare).translate(ARABIC_FOLDS).lower()


def words(text: str) -> list[str]:
    """The folded words of a text, in order, each once."""
    return list(dict.fromkeys(WORD.findall(fold(text))))


def labels() -> dict[str, str]:
    """The script's interface strings in the current language."""
    return {
        "results": gettext("Results"),
        "none": gettext("No rumour in this copy matches those words. Try other words, "
                        "or browse the list of rumours."),
        "live": gettext("Search the live site"),
        "offline": gettext("This is an offline copy: the search looks through the rumours "
                           "saved in it."),
        "filtered": gettext("Rumours matching these filters"),
        "no_filter_match": gettext("No rumour matches these filters."),
        "verdict": gettext("Verdict:"),
    }


def search_index(library: Library, lang: str, page_file: Callable[[str], str],
                 verdict_label: Callable[[str], str]) -> dict:
    """What offline-search.js needs for `lang`: each rumour's words, link, claim and verdict.

    `page_file(rumour_id)` gives the rumour page's file, relative to the export's root.
    Call inside a request or `force_locale` for `lang` (labels are translated).
    """
    docs = []
    for rumour in library.rumours:
        text = rumour.text(lang)
        other_phrasings = [phrase for code, other in rumour.texts.items() if code != text.lang
                           for phrase in (other.claim, *other.aliases)]
        docs.append({
            "id": rumour.id,
            "url": page_file(rumour.id),
            "lang": text.lang,
            "claim": text.claim,
            "summary": text.summary,
            "verdict": rumour.verdict,
            "verdict_label": verdict_label(rumour.verdict),
            "topics": list(rumour.topics),
            "places": list(rumour.places),
            "words": {
                "claim": words(" ".join((text.claim, *text.aliases))),
                "other": words(" ".join(other_phrasings)),
                "summary": words(text.summary),
                "body": words(text.body_text)[:BODY_WORDS],
            },
        })
    return {"lang": lang, "labels": labels(), "docs": docs}
