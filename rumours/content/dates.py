"""Dates written the way each language writes them, for content rendered outside a request.

Babel's CLDR data has no Haitian Creole, so Creole dates use the months below. The phrase
"As of …" comes from the interface catalogs (translations/<lang>/LC_MESSAGES/messages.po),
read with polib, so content can be rendered once per language when the library loads.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path

import polib
from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CREOLE_MONTHS = ("janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out", "septanm",
                 "oktòb", "novanm", "desanm")


def _l(message: str) -> str:
    """Mark a message for extraction into messages.pot (translated later, per language)."""
    return message


AS_OF = _l("As of %(date)s")


def translations_dir() -> Path:
    return Path(os.environ.get("RUMOURS_TRANSLATIONS", PROJECT_ROOT / "translations"))


@lru_cache(maxsize=8192)  # a pure function, called for every dated fact of every file
def long_date(value: dt.date, lang: str) -> str:
    """`value` as a long date in `lang` ("10 July 2026", "10 de julio de 2026", "10 jiyè 2026")."""
    if lang == "ht":
        return f"{value.day} {CREOLE_MONTHS[value.month - 1]} {value.year}"
    try:
        return format_date(value, format="long", locale=Locale.parse(lang))
    except (UnknownLocaleError, ValueError):
        return value.isoformat()


@lru_cache(maxsize=64)
def _messages(po_file: Path, _mtime_ns: int) -> dict[str, str]:  # mtime: part of the key
    catalog = polib.pofile(str(po_file))
    return {e.msgid: e.msgstr for e in catalog if e.msgstr and not e.obsolete
            and "fuzzy" not in e.flags}


def translate(message: str, lang: str) -> str:
    """`message` from the interface catalog of `lang`, or itself when it has no translation."""
    po_file = translations_dir() / lang / "LC_MESSAGES" / "messages.po"
    try:
        mtime = po_file.stat().st_mtime_ns
    except OSError:
        return message
    return _messages(po_file, mtime).get(message, message)


def as_of_label(value: dt.date, lang: str) -> str:
    """"As of 10 July 2026" in `lang`."""
    return translate(AS_OF, lang) % {"date": long_date(value, lang)}
