"""Reports in the database: add one, read the inbox, triage, export, and purge old data."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from rumours.reports.database import Database
from rumours.reports.models import (
    HEARD_WHERE,
    MAX_EMAIL_CHARS,
    MAX_NOTE_CHARS,
    MAX_REPORT_CHARS,
    STATUSES,
    Report,
    UnansweredSearch,
)

CONTACT_DAYS = 90  # an e-mail address given with consent is deleted this many days later
SEARCH_DAYS = 180  # unanswered-search counts are kept this long
REPORT_DAYS = 730  # reports themselves are kept two years, then deleted
EMAIL = re.compile(r"^[^@\s<>\"'(),;:]+@[^@\s<>\"'(),;:]+\.[^@\s<>\"'(),;:.]{2,}$")
# Line breaks and tabs are kept; every other control character goes (a NUL cannot even be
# stored in PostgreSQL). Direction marks and isolates are kept: Arabic text needs them, and
# the inbox shows every report isolated from the page around it.
_KEPT_CONTROLS = {"\n", "\t"}


class InvalidReport(ValueError):
    """A report, or a triage decision, that cannot be stored as given; `reason` names the
    field at fault for forms ("text", "email", "status", "rumour", "duplicate", "note")."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ReportView:
    """A report as the inbox and the command line show it (detached from the database)."""

    id: int
    text: str
    heard_where: str | None
    lang: str
    received_on: dt.date
    contact_email: str | None
    contact_until: dt.date | None
    status: str
    rumour_id: str | None
    duplicate_of: int | None
    note: str
    triaged_by: str | None
    triaged_at: dt.datetime | None

    def as_dict(self) -> dict:
        """JSON-ready fields (dates as ISO strings)."""
        return {
            "id": self.id, "text": self.text, "heard_where": self.heard_where,
            "lang": self.lang, "received_on": self.received_on.isoformat(),
            "contact_email": self.contact_email,
            "contact_until": self.contact_until.isoformat() if self.contact_until else None,
            "status": self.status, "rumour_id": self.rumour_id,
            "duplicate_of": self.duplicate_of, "note": self.note,
            "triaged_by": self.triaged_by,
            "triaged_at": self.triaged_at.isoformat() if self.triaged_at else None,
        }


@dataclass(frozen=True)
class PurgeResult:
    """What a purge deleted."""

    searches: int
    contacts: int
    reports: int


def clean_text(text: str) -> str:
    """A report's text as it is stored: line breaks unified, control characters removed,
    surrounding space trimmed. Nothing else is changed: HTML stays text."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    kept = "".join(c for c in text
                   if c in _KEPT_CONTROLS or unicodedata.category(c) not in ("Cc", "Cs"))
    return kept.strip()


def check_email(address: str) -> str:
    """A contact address, trimmed; InvalidReport when it does not look like one."""
    address = address.strip()
    if len(address) > MAX_EMAIL_CHARS or not EMAIL.match(address):
        raise InvalidReport("not an e-mail address", "email")
    return address


def _view(report: Report) -> ReportView:
    return ReportView(
        id=report.id, text=report.text, heard_where=report.heard_where, lang=report.lang,
        received_on=report.received_on, contact_email=report.contact_email,
        contact_until=report.contact_until, status=report.status,
        rumour_id=report.rumour_id, duplicate_of=report.duplicate_of, note=report.note or "",
        triaged_by=report.triaged_by, triaged_at=report.triaged_at)


class ReportStore:
    """The residents' reports: what the form adds and what the inbox reads and decides."""

    def __init__(self, database: Database):
        self.database = database

    def add(self, text: str, lang: str, heard_where: str | None = None,
            contact_email: str | None = None, today: dt.date | None = None) -> int:
        """Store a report and return its number once it is committed.

        Raises InvalidReport for input the form should have refused, and StorageUnavailable
        when the database cannot take it (then nothing was stored).
        """
        text = clean_text(text)
        if not text:
            raise InvalidReport("the report is empty", "text")
        if len(text) > MAX_REPORT_CHARS:
            raise InvalidReport(f"the report is longer than {MAX_REPORT_CHARS} characters",
                                "text")
        if heard_where is not None and heard_where not in HEARD_WHERE:
            raise InvalidReport(f"unknown place {heard_where!r}", "where")
        today = today or dt.date.today()
        email = check_email(contact_email) if contact_email else None
        report = Report(text=text, heard_where=heard_where, lang=lang[:12], received_on=today,
                        contact_email=email,
                        contact_until=today + dt.timedelta(days=CONTACT_DAYS) if email else None,
                        status="new", note="")
        with self.database.session() as session:
            session.add(report)
            session.flush()
            return report.id

    def get(self, report_id: int) -> ReportView | None:
        with self.database.session() as session:
            report = session.get(Report, report_id)
            return _view(report) if report else None

    def list(self, status: str | None = None, lang: str | None = None, limit: int = 50,
             offset: int = 0) -> list[ReportView]:
        """Reports, newest first, optionally with one status and one language."""
        query = select(Report).order_by(Report.id.desc()).limit(limit).offset(offset)
        if status:
            query = query.where(Report.status == status)
        if lang:
            query = query.where(Report.lang == lang)
        with self.database.session() as session:
            return [_view(r) for r in session.scalars(query)]

    def iter_all(self, status: str | None = None) -> Iterator[ReportView]:
        """Every report, oldest first (for exports), read in pages."""
        last = 0
        while True:
            query = select(Report).where(Report.id > last).order_by(Report.id).limit(500)
            if status:
                query = query.where(Report.status == status)
            with self.database.session() as session:
                page = [_view(r) for r in session.scalars(query)]
            if not page:
                return
            yield from page
            last = page[-1].id

    def count_by_status(self) -> dict[str, int]:
        query = select(Report.status, func.count()).group_by(Report.status)
        with self.database.session() as session:
            counts = {status: int(n) for status, n in session.execute(query)}
        return {status: counts.get(status, 0) for status in STATUSES}

    def triage(self, report_id: int, status: str, by: str, note: str = "",
               rumour_id: str | None = None, duplicate_of: int | None = None) -> ReportView:
        """Record the team's decision about a report (checked here, whoever asks)."""
        if status not in STATUSES:
            raise InvalidReport(f"unknown status {status!r} (use one of {', '.join(STATUSES)})",
                                "status")
        note = clean_text(note)
        if len(note) > MAX_NOTE_CHARS:
            raise InvalidReport(f"the note is longer than {MAX_NOTE_CHARS} characters", "note")
        if status == "answered" and not rumour_id:
            raise InvalidReport("say which entry answers it", "rumour")
        if status == "duplicate" and not duplicate_of:
            raise InvalidReport("say which report it duplicates", "duplicate")
        if duplicate_of == report_id:
            raise InvalidReport("a report cannot duplicate itself", "duplicate")
        with self.database.session() as session:
            report = session.get(Report, report_id, with_for_update=True)
            if report is None:
                raise InvalidReport(f"there is no report {report_id}", "report")
            if status == "duplicate" and session.get(Report, duplicate_of) is None:
                raise InvalidReport(f"there is no report {duplicate_of}", "duplicate")
            report.status = status
            report.note = note
            report.rumour_id = rumour_id if status == "answered" else None
            report.duplicate_of = duplicate_of if status == "duplicate" else None
            report.triaged_by = by[:64]
            report.triaged_at = dt.datetime.now(dt.UTC)
            session.flush()
            return _view(report)

    def purge(self, today: dt.date | None = None, search_days: int = SEARCH_DAYS,
              report_days: int = REPORT_DAYS) -> PurgeResult:
        """Delete what is past its retention: search counts, contact addresses, old reports."""
        today = today or dt.date.today()
        with self.database.session() as session:
            searches = session.execute(delete(UnansweredSearch).where(
                UnansweredSearch.day < today - dt.timedelta(days=search_days))).rowcount
            contacts = session.execute(
                update(Report).where(Report.contact_until < today)
                .values(contact_email=None, contact_until=None)).rowcount
            old = today - dt.timedelta(days=report_days)
            session.execute(update(Report).where(Report.duplicate_of.in_(
                select(Report.id).where(Report.received_on < old))).values(duplicate_of=None))
            reports = session.execute(delete(Report).where(Report.received_on < old)).rowcount
        return PurgeResult(searches=searches, contacts=contacts, reports=reports)
