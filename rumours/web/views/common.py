"""What every view shares: the language-prefixed blueprint, the live library, error pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g
from werkzeug.routing import BaseConverter

from rumours.content.model import Library
from rumours.snapshot import LiveLibrary


def live() -> LiveLibrary:
    """The application's live snapshot holder."""
    return current_app.extensions["rumours"]


def library() -> Library:
    """The library snapshot this request reads (one request sees one snapshot)."""
    if "library" not in g:
        g.snapshot = live().snapshot
        g.library = g.snapshot.library
    return g.library


def artefact(name: str):
    """Something built beside the library in the same snapshot (e.g. the search index)."""
    library()
    return g.snapshot.artefacts[name]


class LanguageConverter(BaseConverter):
    """Matches what looks like a language code, so /about is a plain 404, not a redirect."""

    regex = r"[a-z]{2,3}"


def lang_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint whose URLs all start with a site language: /<lang>/..."""
    bp = Blueprint(name, import_name, url_prefix="/<lang:lang>")

    @bp.url_value_preprocessor
    def pull_lang(_endpoint, values):
        lang = (values or {}).pop("lang", None)
        if lang not in library().site.languages:
            abort(404)
        g.lang = lang

    @bp.url_defaults
    def add_lang(_endpoint, values):
        if "lang" not in values and getattr(g, "lang", None):
            values["lang"] = g.lang

    return bp


def require_choice(value: str | None, choices, what: str) -> str | None:
    """Return a filter value if it is one of `choices`; abort with 400 otherwise."""
    if value in (None, ""):
        return None
    if value not in choices:
        abort(400, description=f"Unknown {what}: {value[:60]!r}")
    return value
