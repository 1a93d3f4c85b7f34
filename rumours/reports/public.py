"""The report form at /<lang>/report: what a resident heard, where, and (by choice) an e-mail.

"Thank you" is shown only after the report is committed. When the report cannot be stored
(the database is down, too many reports from one connection, an expired form), the form
comes back with the reason and the text exactly as typed.
"""

from __future__ import annotations

import logging

from flask import (
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_number, gettext

from rumours.reports import reports, within_rate_limit
from rumours.reports.database import StorageUnavailable
from rumours.reports.forms import HEARD_WHERE_LABELS, ReportForm
from rumours.reports.models import MAX_REPORT_CHARS
from rumours.reports.store import CONTACT_DAYS, InvalidReport
from rumours.search import clean_query
from rumours.web.views.common import lang_blueprint, library

log = logging.getLogger("rumours.reports")

bp = lang_blueprint("reports", __name__)

MAX_BODY_BYTES = 256 * 1024  # room for 10,000 characters of any script, no more
SENT_KEY = "report_sent"
NO_STORE = "no-store"


@bp.after_request
def never_stored(response):
    """The form holds a CSRF token and the reader's text: no cache may keep it."""
    response.headers["Cache-Control"] = NO_STORE
    return response


def _render(form: ReportForm, status: int = 200, problem: str | None = None):
    """The form page; `problem` explains what stopped the report (the text stays in it)."""
    privacy = library().page("privacy")
    response = make_response(render_template(
        "report.html", form=form, problem=problem, places=HEARD_WHERE_LABELS,
        max_chars=MAX_REPORT_CHARS, max_chars_label=format_number(MAX_REPORT_CHARS),
        contact_days=format_number(CONTACT_DAYS), privacy=privacy,
    ), status)
    return response


@bp.route("/report", methods=["GET", "POST"])
def report():
    """Show the form (prefilled from `?q=`), or store a report and go to the thank-you page."""
    if current_app.config.get("EXPORTING"):
        return render_template("report_unavailable.html")
    request.max_content_length = MAX_BODY_BYTES
    form = ReportForm()
    if request.method == "GET":
        form.text.data = clean_query(request.args.get("q"))
        return _render(form)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            return _render(form, 400, gettext(
                "This form was open too long, or your browser did not send back its "
                "cookie. Your text is still below: please send it again."))
        return _render(form, 400, gettext("Please check the fields marked below."))
    if form.website.data:
        return _render(form, 400, gettext(
            "Please leave the last field (for robots) empty and send the form again."))
    if not within_rate_limit("report", current_app.config["REPORT_RATE_LIMIT"]):
        return _render(form, 429, gettext(
            "Many reports came from your connection in a short time. Your text is still "
            "below: please send it again in a few minutes."))
    try:
        number = reports().store.add(
            form.text.data, g.lang, heard_where=form.heard_where.data or None,
            contact_email=(form.contact_email.data or None) if form.contact_consent.data
            else None)
    except InvalidReport:
        return _render(form, 400, gettext("Please check the fields marked below."))
    except StorageUnavailable as error:
        log.warning("a report could not be stored: %s", error)
        return _render(form, 503, gettext(
            "Your report could not be saved: our database cannot be reached right now, so "
            "nothing was sent. Your text is still below: please try again in a few minutes, "
            "or copy it and send it later."))
    reports().unanswered.wake()
    session[SENT_KEY] = number
    return redirect(url_for("reports.sent", lang=g.lang), code=303)


@bp.get("/report/sent")
def sent():
    """Thank you, with the report's number; only right after a report was committed."""
    number = session.pop(SENT_KEY, None)
    if not isinstance(number, int):
        return redirect(url_for("reports.report", lang=g.lang), code=303)
    return render_template("report_sent.html", number=number)
