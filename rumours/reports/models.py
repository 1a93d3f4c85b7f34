"""The reports database's tables: residents' reports, unanswered searches, inbox accounts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

MAX_REPORT_CHARS = 1000
MAX_NOTE_CHARS = 2000
MAX_QUERY_CHARS = 200
MAX_EMAIL_CHARS = 254
MAX_NAME_CHARS = 64

# Where the reader heard the rumour (the form's "Where?"), in the form's order.
HEARD_WHERE = ("street", "social-media", "messaging-app", "school", "work", "other")
# What the comms team decided about a report; "new" until someone triages it.
STATUSES = ("new", "duplicate", "answered", "needs-entry", "rejected")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    """The declarative base of every table (Alembic compares against its metadata)."""


class Report(Base):
    """A resident's report of a rumour. No address, cookie, browser or time of day is kept:
    the day it arrived is enough to sort the inbox."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(_one_of("status", STATUSES), name="ck_reports_status"),
        CheckConstraint(f"length(text) BETWEEN 1 AND {MAX_REPORT_CHARS}",
                        name="ck_reports_text_length"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    heard_where: Mapped[str | None] = mapped_column(String(20))
    lang: Mapped[str] = mapped_column(String(12))
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    # Only with the reader's explicit consent, and deleted on `contact_until`.
    contact_email: Mapped[str | None] = mapped_column(String(MAX_EMAIL_CHARS))
    contact_until: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    rumour_id: Mapped[str | None] = mapped_column(String(100))  # answered by this entry
    duplicate_of: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    triaged_by: Mapped[str | None] = mapped_column(String(MAX_NAME_CHARS))
    triaged_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class UnansweredSearch(Base):
    """How many searches for one normalised query in one language on one day found no answer."""

    __tablename__ = "unanswered_searches"
    __table_args__ = (UniqueConstraint("query", "lang", "day", name="uq_unanswered_query_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query: Mapped[str] = mapped_column(String(MAX_QUERY_CHARS))
    lang: Mapped[str] = mapped_column(String(12))
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    """An account of the comms team's inbox (`rumours users add NAME`)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME_CHARS), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_on: Mapped[dt.date] = mapped_column(Date)
