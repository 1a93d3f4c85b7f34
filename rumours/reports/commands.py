"""The `rumours db`, `rumours reports` and `rumours users` commands: the inbox from a terminal."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import sys
import unicodedata
from pathlib import Path

import click

from rumours.config import default_config
from rumours.reports.accounts import AccountError, Accounts
from rumours.reports.database import Database, StorageUnavailable, database_url, safe_url
from rumours.reports.exports import reports_csv, reports_json
from rumours.reports.models import STATUSES
from rumours.reports.search_counts import SearchCounts, week_start
from rumours.reports.store import SEARCH_DAYS, InvalidReport, ReportStore, ReportView

PREVIEW_CHARS = 70


def open_database() -> Database:
    """The database the site uses (RUMOURS_DATABASE_URL, else the instance folder's)."""
    config = default_config()
    Path(config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)
    return Database(database_url(config))


def _store() -> ReportStore:
    return ReportStore(open_database())


def terminal_safe(text: str) -> str:
    """Text for a terminal: invisible formatting characters (bidi overrides among them)
    shown as <U+202E> so that no report can rearrange or hide what is printed."""
    return "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) in ("Cf", "Cc")
                   and c not in "\n\t" else c for c in text)


def _fail_on_outage(error: StorageUnavailable) -> click.ClickException:
    return click.ClickException(f"the reports database is unavailable: {error}")


# ------------------------------------------------------------------------------ rumours db

@click.group(help="The reports database (reports, unanswered searches, inbox accounts).")
def db() -> None:
    """The db command group."""


@db.command()
def upgrade() -> None:
    """Apply the database migrations (safe to run again: it does only what is missing)."""
    database = open_database()
    try:
        before, after = database.upgrade()
    except Exception as error:
        raise click.ClickException(f"cannot upgrade {safe_url(database.url)}: {error}") from error
    finally:
        database.dispose()
    state = "up to date" if before == after else f"upgraded from {before or 'nothing'}"
    click.echo(f"Database {safe_url(database.url)}: revision {after} ({state})")


def upgrade_or_warn() -> None:
    """What `rumours serve` does first: apply the migrations; if the database cannot be
    reached, say so and serve anyway (pages and search need no database)."""
    database = open_database()
    try:
        database.upgrade()
    except Exception as error:
        click.echo(f"warning: could not upgrade the reports database "
                   f"{safe_url(database.url)} ({error}); the site is served, but reports "
                   "cannot be saved until `rumours db upgrade` succeeds", err=True)
    finally:
        database.dispose()


# ------------------------------------------------------------------------------ rumours users

@click.group(help="Accounts of the comms team's inbox (/admin/).")
def users() -> None:
    """The users command group."""


@users.command("add")
@click.argument("name")
@click.option("--replace", is_flag=True, help="Give an existing account a new password.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (for scripts).")
def users_add(name: str, replace: bool, password_stdin: bool) -> None:
    """Create an inbox account; the password is asked for (twice) and stored hashed."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        Accounts(open_database()).add(name, password, replace=replace)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    except StorageUnavailable as error:
        raise _fail_on_outage(error) from error
    click.echo(f"{'Updated' if replace else 'Created'} the account {name!r}.")


@users.command("list")
def users_list() -> None:
    """List the inbox accounts."""
    try:
        names = Accounts(open_database()).names()
    except StorageUnavailable as error:
        raise _fail_on_outage(error) from error
    for name in names:
        click.echo(name)


@users.command("remove")
@click.argument("name")
def users_remove(name: str) -> None:
    """Delete an inbox account (its sessions end at once)."""
    try:
        removed = Accounts(open_database()).remove(name)
    except StorageUnavailable as error:
        raise _fail_on_outage(error) from error
    if not removed:
        raise click.ClickException(f"there is no account called {name!r}")
    click.echo(f"Removed the account {name!r}.")


# ------------------------------------------------------------------------------ rumours reports

@click.group(help="Residents' reports and unanswered searches: the inbox from the command line.")
def reports() -> None:
    """The reports command group."""


STATUS_CHOICE = click.Choice([*STATUSES, "all"])


def _line(report: ReportView) -> str:
    text = " ".join(report.text.split())
    if len(text) > PREVIEW_CHARS:
        text = text[:PREVIEW_CHARS - 1] + "…"
    return (f"#{report.id:<5} {report.received_on.isoformat()}  {report.lang:<3} "
            f"{(report.heard_where or '-'):<13} {report.status:<11} {terminal_safe(text)}")


@reports.command("list")
@click.option("--status", type=STATUS_CHOICE, default="new", show_default=True)
@click.option("--lang", help="Only reports in this language.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def reports_list(status: str, lang: str | None, limit: int, as_json: bool) -> None:
    """Reports, newest first."""
    try:
        rows = _store().list(status=None if status == "all" else status, lang=lang, limit=limit)
    except StorageUnavailable as error:
        raise _fail_on_outage(error) from error
    if as_json:
        click.echo(json.dumps({"reports": [r.as_dict() for r in rows]}, ensure_ascii=False,
                              indent=2))
        return
    for report in rows:
        click.echo(_line(report))
    if not rows:
        click.echo(f"No reports ({status}).", err=True)


@reports.command("show")
@click.argument("number", type=int)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def reports_show(number: int, as_json: bool) -> None:
    """One report in full."""
    report = _existing_report(number)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    fields = report.as_dict()
    for key in ("id", "received_on", "lang", "heard_where", "status", "rumour_id",
                "duplicate_of", "triaged_by", "triaged_at", "note", "contact_email",
                "contact_until"):
        if fields[key] not in (None, ""):
            click.echo(f"{key + ':':<14} {terminal_safe(str(fields[key]))}")
    click.echo("")
    click.echo(terminal_safe(report.text))


@reports.command("triage")
@click.argument("number", type=int)
@click.argument("status", type=click.Choice(STATUSES))
@click.option("--note", default="", help="Why, for the rest of the team.")
@click.option("--rumour", "rumour_id", help="The entry that answers it (status answered).")
@click.option("--duplicate-of", type=int, help="The report it repeats (status duplicate).")
@click.option("--by", default=None, help="Who decided (default: your login name).")
def reports_triage(number: int, status: str, note: str, rumour_id: str | None,
                   duplicate_of: int | None, by: str | None) -> None:
    """Record a decision: duplicate, answered, needs-entry, rejected (or back to new)."""
    if rumour_id:
        _check_rumour(rumour_id)
    try:
        report = _store().triage(number, status, by=by or _login_name(), note=note,
                                 rumour_id=rumour_id, duplicate_of=duplicate_of)
    except InvalidReport as error:
        raise click.ClickException(str(error)) from error
    except StorageUnavailable as error:
        raise _fail_on_outage(error) from error
    click.echo(f"Report {report.id}: {report.status}"
               + (f" ({report.rumour_id})" if report.rumour_id else "")
               + (f" (duplicate of {report.duplicate_of})" if report.duplicate_of else ""))


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "cli")


def _check_rumour(rumour_id: str) -> None:
    from rumours.content.loading import check_content

    library, _problems = check_content(default_config()["CONTENT_DIR"])
    if library is not None and library.rumour(rumour_id) is None:
        raise click.ClickException(f"there is no entry {rumour_id!r} in the content folder")


@reports.command("export")
@click.option("--csv", "fmt", flag_value="csv", default=True, help="CSV (the default).")
@click.option("--json", "fmt", flag_value="json", help="JSON.")
@click.option("--status", type=STATUS_CHOICE, default="all", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def reports_export(fmt: str, status: str, output: Path | None) -> None:
    """Every report, oldest first, as CSV or JSON."""
    store = _store()
    try:
        rows = list(store.iter_all(None if status == "all" else status))
    except StorageUnavailable as error:
        raise _fail_on_outage(error) from error
    chunks = reports_csv(rows) if fmt == "csv" else reports_json(rows)
    if output is None:
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    with output.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(chunks)
    click.echo(f"Wrote {len(rows)} reports to {output}", err=True)


@reports.command("searches")
@click.option("--week", type=click.DateTime(["%Y-%m-%d"]), help="Any day of the week "
              "(default: this week).")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def reports_searches(week: dt.datetime | None, limit: int, as_json: bool) -> None:
    """The week's most frequent searches that found no answer, per language."""
    start = week_start(week.date() if week else dt.date.today())
    try:
        top = SearchCounts(open_database()).top(start, limit)
    except StorageUnavailable as error:
        raise _fail_on_outage(error) from error
    if as_json:
        click.echo(json.dumps({"week": start.isoformat(), "languages": {
            lang: [{"query": q, "count": n} for q, n in rows] for lang, rows in top.items()}},
            ensure_ascii=False, indent=2))
        return
    click.echo(f"Unanswered searches, week of {start.isoformat()}:")
    for lang, rows in sorted(top.items()):
        click.echo(f"\n{lang}")
        for query, count in rows:
            click.echo(f"  {count:>6}  {terminal_safe(query)}")
    if not top:
        click.echo("  none")


@reports.command("purge")
@click.option("--days", type=click.IntRange(1, 3650), default=SEARCH_DAYS, show_default=True,
              help="Keep unanswered-search counts this many days.")
def reports_purge(days: int) -> None:
    """Delete what is past its retention: search counts, contact e-mails, two-year-old reports."""
    try:
        result = _store().purge(search_days=days)
    except StorageUnavailable as error:
        raise _fail_on_outage(error) from error
    click.echo(f"Deleted {result.searches} search counts older than {days} days, "
               f"{result.contacts} contact addresses past their date, {result.reports} "
               f"reports older than two years.")


def _existing_report(number: int) -> ReportView:
    """Report `number`, or a clear error when it does not exist or storage is down."""
    try:
        report = _store().get(number)
    except StorageUnavailable as error:
        raise _fail_on_outage(error) from error
    if report is None:
        raise click.ClickException(f"there is no report {number}")
    return report


def report_for_entry(number: int) -> tuple[str, str]:
    """(wording, language) of a report, for `rumours new --from-report`."""
    report = _existing_report(number)
    return " ".join(report.text.split()), report.lang


def mark_scaffolded(number: int, path: Path) -> None:
    """A new report that became an entry file is marked "needs a new entry"."""
    store = _store()
    report = store.get(number)
    if report is not None and report.status == "new":
        store.triage(number, "needs-entry", by=_login_name(), note=f"scaffolded {path.name}")


COMMANDS = (db, users, reports)
