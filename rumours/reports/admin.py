"""The comms team's inbox at /admin/: sign in, new reports, unanswered searches, triage.

Every response is private and never stored by any cache; the inbox stays closed on a server
without RUMOURS_SECRET_KEY (outside the preview and the tests), since sessions signed with a
known key could be forged.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_date, gettext
from markupsafe import Markup, escape

from rumours import i18n
from rumours.reports import reports, secret_key_set, within_rate_limit
from rumours.reports.chart import weekly_chart
from rumours.reports.database import StorageUnavailable
from rumours.reports.exports import reports_csv
from rumours.reports.forms import (
    HEARD_WHERE_LABELS,
    STATUS_LABELS,
    LoginForm,
    LogoutForm,
    TriageForm,
)
from rumours.reports.models import STATUSES
from rumours.reports.search_counts import week_start
from rumours.reports.store import InvalidReport
from rumours.web.views.common import library

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50
WEEKS_SHOWN = 12
TOP_PER_LANGUAGE = 20
PUBLIC_ENDPOINTS = ("admin.login",)
# Embeddings, overrides, isolates and marks: they can make text read differently from how it
# was typed ("Trojan Source"), so the inbox shows them instead of applying them.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")


@bp.before_request
def guard():
    """Interface language, the secret-key rule, and sign-in for everything but the login."""
    site = library().site
    g.lang = i18n.negotiate(site.languages, site.default_language)
    app = current_app
    if not secret_key_set(app) and not (app.config.get("DEV") or app.config.get("TESTING")):
        return make_response(render_template("admin/closed.html"), 503)
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    account = reports().accounts.current(str(session.get("admin_name", "")),
                                         str(session.get("admin_key", "")),
                                         str(app.config["SECRET_KEY"]))
    if account is None:
        return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
    g.account = account
    return None


@bp.after_request
def private(response: Response) -> Response:
    """Never cached, never indexed, never framed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.vary.add("Cookie")
    return response


@bp.errorhandler(StorageUnavailable)
def storage_down(error: StorageUnavailable):
    current_app.logger.warning("inbox: the reports database is unavailable: %s", error)
    return render_template("admin/unavailable.html"), 503


@bp.app_template_filter("reveal_invisible")
def reveal_invisible(text: str) -> Markup:
    """A report's text, escaped, with every direction control shown as a visible marker
    (and so without effect): staff see the words in the order they were typed."""
    return Markup("").join(
        Markup('<span class="invisible-char">U+{:04X}</span>').format(ord(char))
        if char in BIDI_CONTROLS else escape(char) for char in text)


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: only somewhere inside the inbox."""
    if target and target.startswith("/admin/") and not target.startswith("/admin//"):
        return target
    return url_for("admin.inbox")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    problem = None
    status = 200
    if request.method == "POST":
        name = (form.name.data or "").strip()
        name_key = hashlib.sha256(name.casefold().encode()).hexdigest()[:24]
        config = current_app.config
        if not form.validate_on_submit():
            problem, status = gettext("Please sign in again (the form had expired)."), 400
        elif not (within_rate_limit("login", config["LOGIN_RATE_LIMIT"])
                  and within_rate_limit("login-name", config["LOGIN_NAME_RATE_LIMIT"],
                                        identity=name_key)):
            problem, status = gettext("Too many attempts. Please wait a few minutes."), 429
        else:
            account = reports().accounts.verify(name, form.password.data or "",
                                                str(config["SECRET_KEY"]))
            if account is not None:
                session.clear()
                session.permanent = True
                session["admin_name"], session["admin_key"] = account.name, account.key
                return redirect(_safe_next(request.args.get("next")), code=303)
            problem, status = gettext("That name and password do not match an account."), 400
    form.password.data = ""
    return render_template("admin/login.html", form=form, problem=problem), status


@bp.post("/logout")
def logout():
    if LogoutForm().validate_on_submit():
        session.clear()
    return redirect(url_for("admin.login"), code=303)


def _week_arg() -> dt.date:
    raw = request.args.get("week", "")
    if not raw:
        return week_start(dt.date.today())
    try:
        return week_start(dt.date.fromisoformat(raw))
    except ValueError:
        abort(400, description="week must be a date written YYYY-MM-DD")


def _choice_arg(name: str, choices, default: str | None) -> str | None:
    value = request.args.get(name, default)
    if value in (None, "", "all"):
        return None
    if value not in choices:
        abort(400, description=f"unknown {name}")
    return value


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 10_000:
        abort(400, description="page must be a whole number")
    return int(raw)


def week_label(day: dt.date) -> str:
    return format_date(day, "d MMM")


@bp.get("/")
def inbox():
    """New reports, the week's top unanswered searches per language, and the weekly chart."""
    site = library().site
    status = _choice_arg("status", STATUSES, "new")
    lang = _choice_arg("lang", site.languages, None)
    page = _page_arg()
    week = _week_arg()
    area = reports()
    rows = area.store.list(status=status, lang=lang, limit=PAGE_SIZE + 1,
                           offset=(page - 1) * PAGE_SIZE)
    weeks = area.searches.weekly(WEEKS_SHOWN)
    chart = weekly_chart(
        weeks, gettext("Reports and unanswered searches per week"),
        gettext("Bars for the last %(weeks)s weeks; the table below gives the figures.",
                weeks=WEEKS_SHOWN),
        week_label, gettext("Reports"), gettext("Unanswered searches"))
    this_week = week_start(dt.date.today())
    return render_template(
        "admin/inbox.html", reports=rows[:PAGE_SIZE], more=len(rows) > PAGE_SIZE, page=page,
        status=status, filter_lang=lang, counts=area.store.count_by_status(),
        statuses=STATUS_LABELS, places=HEARD_WHERE_LABELS,
        top=area.searches.top(week, TOP_PER_LANGUAGE), week=week,
        previous_week=week - dt.timedelta(weeks=1),
        next_week=week + dt.timedelta(weeks=1) if week < this_week else None,
        weeks=weeks, chart=chart, week_label=week_label, logout=LogoutForm(),
    )


def _rumour_choices() -> list[tuple[str, str]]:
    lib = library()
    entries = sorted(((r.text(g.lang).claim, r.id) for r in lib.rumours),
                     key=lambda pair: pair[0].casefold())
    return [("", gettext("(none)"))] + [(rid, f"{claim} ({rid})") for claim, rid in entries]


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
def report(report_id: int):
    """One report, shown as plain text, and the form to decide what to do with it."""
    area = reports()
    item = area.store.get(report_id)
    if item is None:
        abort(404)
    form = TriageForm()
    form.rumour_id.choices = _rumour_choices()
    problem, status = None, 200
    if request.method == "GET":
        form.status.data = item.status
        form.rumour_id.data = item.rumour_id or ""
        form.duplicate_of.data = item.duplicate_of
        form.note.data = item.note
    elif not form.validate_on_submit():
        problem, status = gettext("Please check the fields marked below."), 400
    elif form.rumour_id.data and library().rumour(form.rumour_id.data) is None:
        problem, status = gettext("There is no entry with that id."), 400
    else:
        try:
            area.store.triage(report_id, form.status.data, by=g.account.name,
                              note=form.note.data or "", rumour_id=form.rumour_id.data or None,
                              duplicate_of=form.duplicate_of.data)
        except InvalidReport as error:
            problem, status = _triage_problem(error.reason), 400
        else:
            flash(gettext("Report %(number)s: %(decision)s.", number=report_id,
                          decision=STATUS_LABELS[form.status.data]))
            return redirect(url_for("admin.inbox"), code=303)
    return render_template(
        "admin/report.html", report=item, form=form, problem=problem,
        statuses=STATUS_LABELS, places=HEARD_WHERE_LABELS, logout=LogoutForm(),
        rumour=library().rumour(item.rumour_id) if item.rumour_id else None,
        today=dt.date.today(),
    ), status


def _triage_problem(reason: str) -> str:
    if reason == "rumour":
        return gettext("Choose the entry that answers it.")
    if reason == "duplicate":
        return gettext("Give the number of another report that this one repeats.")
    return gettext("Please check the fields marked below.")


@bp.get("/reports.csv")
def export_csv():
    """Every report as CSV (for a spreadsheet)."""
    rows = list(reports().store.iter_all())  # read before the first byte is sent
    response = Response(reports_csv(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="reports-{dt.date.today().isoformat()}.csv"')
    return response
