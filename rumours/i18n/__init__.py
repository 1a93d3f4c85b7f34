"""Languages: URL prefixes, negotiation, the compiled interface catalogs, direction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, g, request
from flask_babel import Babel, format_date, get_locale, lazy_gettext
from werkzeug.http import dump_cookie, parse_cookie

from rumours.i18n import catalogs

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600  # a year: the choice outlives a browser session
CATALOGS = "rumours.catalogs"  # app.extensions: the stamp of the catalogs being served

# Language names in the reader's language, through the catalogs (Babel's data for some
# languages, Haitian Creole among them, falls back to French names).
LANGUAGE_LABELS = {
    # Translators: language names are used inside sentences ("...; showing English"):
    # write them as your language does there (often lowercase).
    "en": lazy_gettext("English"),
    "es": lazy_gettext("Spanish"),
    "ca": lazy_gettext("Catalan"),
    "fr": lazy_gettext("French"),
    "ar": lazy_gettext("Arabic"),
    "ht": lazy_gettext("Haitian Creole"),
}


def language_name(lang: str) -> str:
    """The language's own name for itself ("Español", "العربية")."""
    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (UnknownLocaleError, ValueError):
        return lang
    return name[:1].upper() + name[1:]


def language_label(lang: str) -> str:
    """A language's name in the reader's language ("inglés" on a Spanish page)."""
    if lang in LANGUAGE_LABELS:
        return str(LANGUAGE_LABELS[lang])
    try:
        name = Locale.parse(lang).get_display_name(current_lang()) or lang
    except (UnknownLocaleError, ValueError):
        return lang
    return name


# Dates in languages whose CLDR data has no month names (Babel shows "2026 M11 15"):
# written out here, in the language's usual order.
OWN_DATE_FORMATS = {
    "ht": {
        "months": ("janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out", "septanm",
                   "oktòb", "novanm", "desanm"),
        "long": "{day} {month} {year}",  # 15 novanm 2026
        "month": "{month} {year}",  # novanm 2026
    },
}


def date_text(value: dt.date, lang: str, kind: str = "long") -> str:
    """A date in `lang`: kind "long" (15 November 2026) or "month" (November 2026)."""
    own = OWN_DATE_FORMATS.get(lang)
    if own is not None:
        return own[kind].format(day=value.day, month=own["months"][value.month - 1],
                                year=value.year)
    from babel.dates import format_date as babel_format_date

    try:
        return babel_format_date(value, "long" if kind == "long" else "MMMM y", locale=lang)
    except (UnknownLocaleError, ValueError):
        return value.isoformat()


def request_date(value: dt.date, kind: str = "long") -> str:
    """A date in the language being rendered (Flask-Babel's locale, own formats first)."""
    locale = get_locale()
    lang = locale.language if locale is not None else current_lang()
    if lang in OWN_DATE_FORMATS:
        return date_text(value, lang, kind)
    return format_date(value, "long" if kind == "long" else "MMMM y")


def direction(lang: str) -> str:
    """"rtl" for right-to-left scripts, else "ltr"."""
    try:
        order = Locale.parse(lang).character_order
    except (UnknownLocaleError, ValueError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


def negotiate(languages: tuple[str, ...], default: str) -> str:
    """Pick a language for `/`: the cookie, then Accept-Language, then the default."""
    chosen = request.cookies.get(LANG_COOKIE, "")
    if chosen in languages:
        return chosen
    return accepted_language(request.accept_languages, languages) or default


def accepted_language(accepted: Iterable[tuple[str, float]],
                      languages: Iterable[str]) -> str | None:
    """The site language a reader asked for first, by quality, a region tag counting as its
    language: `ca-ES,es;q=0.8` -> ca, `ar-MA,fr` -> ar (never the second choice because the
    first carried a region)."""
    site = list(languages)
    ranked = sorted(((q, -i, value) for i, (value, q) in enumerate(accepted) if q > 0),
                    reverse=True)
    for _quality, _order, value in ranked:
        primary = value.replace("_", "-").split("-")[0].lower()
        if primary in site:
            return primary
    return None


def refresh_catalogs(app: Flask) -> bool:
    """Compile the catalogs whose .po changed (once for all processes) and, when a compiled
    catalog changed since this process loaded it, drop Flask-Babel's cached translations.
    True when the served catalogs changed. Cheap when nothing did: a stat per catalog."""
    folder = app.config["COMPILED_TRANSLATIONS_DIR"]
    catalogs.compile_catalogs(app.config["TRANSLATIONS_DIR"], folder)
    stamp = catalogs.compiled_stamp(folder)
    if stamp == app.extensions.get(CATALOGS):
        return False
    app.extensions[CATALOGS] = stamp
    babel = app.extensions.get("babel")
    if babel is not None:
        babel.instance.domain_instance.cache.clear()
    return True


def catalogs_version(app: Flask) -> str:
    """The version of the catalogs this process serves (part of every rendered page's key)."""
    return app.extensions.get(CATALOGS, "")


def current_lang() -> str:
    """The language of the current request (the URL prefix), or the site default."""
    lang = getattr(g, "lang", None)
    if lang:
        return lang
    return current_app.extensions["rumours"].library.site.default_language


class LanguageCookie:
    """WSGI middleware: remember the language of a /<lang>/ page in a cookie.

    So `/` sends the reader back to the language they last read, whether they chose it with
    the switcher or arrived on a link. It wraps the whole application, response cache
    included, so pages answered from a cache remember the choice too. Only successful HTML
    pages in a site language set it (not feeds, PDFs or errors), and only when it changes.
    """

    def __init__(self, app, languages: Callable[[], Iterable[str]]):
        self.app = app
        self.languages = languages

    def __getattr__(self, name: str):
        """Transparent: the wrapped app's attributes (a cache's counters) show through."""
        if name == "app":
            raise AttributeError(name)
        return getattr(self.app, name)

    def __call__(self, environ, start_response):
        lang = environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0]
        try:
            chosen = parse_cookie(environ).get(LANG_COOKIE)
        except UnicodeError:  # a Cookie header that is not Latin-1: treat it as absent
            chosen = None
        if not lang or chosen == lang or lang not in self.languages():
            return self.app(environ, start_response)

        def remember(status, headers, exc_info=None):
            content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
            if status.startswith("200") and content_type.startswith("text/html"):
                headers = [*headers, ("Set-Cookie", dump_cookie(
                    LANG_COOKIE, lang, max_age=LANG_COOKIE_MAX_AGE, path="/", samesite="Lax",
                    httponly=True, secure=environ.get("wsgi.url_scheme") == "https"))]
            return start_response(status, headers, exc_info)

        return self.app(environ, remember)


def init_app(app: Flask) -> None:
    """Set up Flask-Babel on the compiled catalogs (compiling only a missing or stale one).

    Outside the preview the content watcher also picks up an edited .po: the first process
    to see it compiles it, every process then reloads it.
    """
    compiled = catalogs.compiled_dir(app.config["TRANSLATIONS_DIR"],
                                     Path(app.config["INSTANCE_DIR"]) / "translations")
    app.config["COMPILED_TRANSLATIONS_DIR"] = compiled
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    refresh_catalogs(app)
    Babel(app, locale_selector=current_lang)
    live = app.extensions.get("rumours")
    if live is not None:
        live.add_maintainer(lambda _library: refresh_catalogs(app))
    app.jinja_env.globals["language_label"] = language_label
