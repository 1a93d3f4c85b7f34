"""Error pages: 400, 404, 405 and 500 in the visitor's language, JSON under /api/."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("rumours")


def _render(error: HTTPException):
    if request.path.startswith("/api/"):
        response = jsonify({"error": error.description or error.name})
    else:
        response = make_response(render_template("error.html", error=error))
    response.status_code = error.code
    retry_after = getattr(error, "retry_after", None)  # 429 and 503 say when to come back
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def init_app(app: Flask) -> None:
    """Register handlers for every HTTP error and for unexpected exceptions."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400 or error.code in (304,):
            return error
        return _render(error)

    @app.errorhandler(Exception)
    def unexpected(_error: Exception):
        log.exception("unexpected error on %s", request.path)
        return _render(InternalServerError())
