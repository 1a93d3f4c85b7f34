"""rumours: an anti-rumour library for cities, served by Flask.

Where things are: `content/` reads and checks the Markdown library (no Flask),
`snapshot.py` holds the live version and its artefacts, `search/` indexes and answers,
`i18n/` the interface languages, `printing/` cards, decks and share images,
`publishing/` feeds, sitemap, structured data and the static export, `web/` the Flask
application, `reports/` what residents report, `cli.py` the `rumours` command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application (see rumours.web.app); importing `rumours` alone loads no Flask."""
    from rumours.web.app import create_app as build

    return build(test_config)
