"""The baseline for bench/load.sh: a Flask app that returns a fixed page of a given size."""

import os

from flask import Flask, Response

SIZE = int(os.environ.get("MINIMAL_PAGE_BYTES", "20000"))
BODY = (b"<!doctype html><html lang=en><title>x</title><p>" + b"x" * SIZE)[:SIZE]

app = Flask(__name__)


@app.get("/page")
def page() -> Response:
    """The same bytes every time, as HTML."""
    return Response(BODY, mimetype="text/html")
