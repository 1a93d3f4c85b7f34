"""Blueprints: one module per area of the site."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every area of the site to the app."""
    from rumours.web.views import api, errors, pages, root

    app.register_blueprint(root.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    errors.init_app(app)

    from rumours.web.views import feeds, identity, publishing, share_images, verdicts

    app.register_blueprint(verdicts.bp)
    app.register_blueprint(identity.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(share_images.bp)
    app.register_blueprint(publishing.bp)
    if app.config["DEV"]:
        from rumours.web.views import dev

        app.register_blueprint(dev.bp)

    from rumours.web.views import cards

    app.register_blueprint(cards.bp)

    from rumours.web.views import search

    app.register_blueprint(search.bp)
    app.register_blueprint(search.api_bp)

    from rumours.reports import admin, public

    app.register_blueprint(public.bp)
    app.register_blueprint(admin.bp)
