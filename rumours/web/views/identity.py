"""The city's identity from site.yml: its colours as a stylesheet and its logo file."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, send_file

from rumours.content import site_identity
from rumours.web.views.common import library

bp = Blueprint("identity", __name__)

IDENTITY_CACHE_CONTROL = "public, max-age=3600"


def theme_css(colours) -> str:
    """CSS custom properties that override site.css's colours (checked by `rumours check`)."""
    lines = []
    if colours.get("brand"):
        lines += [f"  --brand: {colours['brand']};",
                  f"  --brand-dark: {site_identity.darker(colours['brand'])};"]
    if colours.get("text"):
        lines.append(f"  --ink: {colours['text']};")
    return "/* The city's colours, from site.yml. */\n:root {\n" + "\n".join(lines) + "\n}\n"


@bp.get("/site/theme.css")
def theme():
    response = Response(theme_css(library().site.colours), mimetype="text/css")
    response.add_etag()
    response.headers["Cache-Control"] = IDENTITY_CACHE_CONTROL
    return response.make_conditional(request)


@bp.get("/site/logo<suffix>")
def logo(suffix: str):
    site = library().site
    if not site.logo or Path(site.logo).suffix.lower() != suffix.lower():
        abort(404)
    path = Path(current_app.config["CONTENT_DIR"]) / site.logo
    mimetype = site_identity.LOGO_SUFFIXES.get(path.suffix.lower())
    if mimetype is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=mimetype, conditional=True, max_age=3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
