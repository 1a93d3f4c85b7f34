"""What each verdict and evidence strength means: /<lang>/verdicts, one anchor per verdict."""

from __future__ import annotations

from flask import render_template

from rumours.web.page_cache import cached_page
from rumours.web.views.common import lang_blueprint, library

bp = lang_blueprint("verdicts", __name__)


@bp.get("/verdicts")
@cached_page()
def verdicts():
    lib = library()
    counts = {verdict: len(lib.filter(verdict=verdict)) for verdict in lib.site.verdicts}
    return render_template("verdicts.html", counts=counts)
