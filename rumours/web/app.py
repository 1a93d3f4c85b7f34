"""The application factory: one live library, its search index, the blueprints and the
WSGI layers around them."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from rumours import config, i18n, reports, search
from rumours.search.thesaurus import THESAURUS_CHECK
from rumours.snapshot import LiveLibrary
from rumours.web import http_caching, page_cache, prerender, rendering, security, templating

log = logging.getLogger("rumours")

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"


def heal_index(live: LiveLibrary, library) -> None:
    """Rebuild the search index when it does not match the served library (a build that
    failed on a full disk is retried here until it succeeds)."""
    live.artefact("search").heal(library)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: load the library once, register the blueprints."""
    # Named after the package, which holds the templates.
    app = Flask("rumours", static_folder=str(STATIC_DIR), static_url_path="/static")
    app.config.update(config.default_config())
    if test_config:
        app.config.update(test_config)
        if app.config.get("TESTING"):
            # Tests render many cards from one address and must not wait for pre-renders;
            # the tests of those features switch them on.
            app.config.setdefault("RATELIMIT_ENABLED", False)
            app.config["PRERENDER"] = test_config.get("PRERENDER", False)
    for key in ("CONTENT_DIR", "INSTANCE_DIR", "TRANSLATIONS_DIR"):
        app.config[key] = Path(app.config[key]).resolve()
    app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    live = LiveLibrary(app.config["CONTENT_DIR"], include_drafts=app.config["DEV"],
                       instance_dir=app.config["INSTANCE_DIR"], checks=(THESAURUS_CHECK,))
    app.extensions["rumours"] = live
    # The search index is built (when missing or stale) and opened with every new snapshot.
    index_root = app.config["INSTANCE_DIR"] / "index"
    live.add_builder("search", search.index_builder(index_root, app.config["CONTENT_DIR"]))
    live.add_maintainer(lambda library: heal_index(live, library))

    i18n.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    http_caching.init_app(app)
    page_cache.init_app(app)  # the response cache: the innermost WSGI layer
    rendering.init_app(app)
    reports.init_app(app)

    from rumours.web.views import register_blueprints
    from rumours.web.views.common import LanguageConverter

    app.url_map.converters["lang"] = LanguageConverter

    register_blueprints(app)
    live.reload(force=True)
    prerender.init_app(app)
    if app.config["DEV"]:
        # The preview reloads as soon as a file is saved (watchfiles, a background thread):
        # requests never wait for a reload; open pages reload themselves (views/dev.py).
        live.watch_changes({app.config["TRANSLATIONS_DIR"]: lambda: i18n.refresh_catalogs(app)})
    else:
        # Outside the preview a background thread checks for edits: requests never reload.
        live.watch(app.config["RELOAD_INTERVAL"])

    # Counts unanswered searches, those answered from the response cache included.
    app.wsgi_app = reports.UnansweredCounter(app.wsgi_app, app.extensions["unanswered_searches"])
    # Outermost, so pages answered from the response cache also remember the language.
    app.wsgi_app = i18n.LanguageCookie(app.wsgi_app, lambda: live.snapshot.library.site.languages)
    if app.config.get("PROXY_HOPS"):  # the client's address as the proxies saw it
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_HOPS"]))
    return app
