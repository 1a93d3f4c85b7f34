"""Unanswered-search counts in the database: add a batch, read the top queries and totals."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from functools import lru_cache

from sqlalchemy import bindparam, func, select

from rumours.reports.database import Database
from rumours.reports.models import Report, UnansweredSearch

BATCH_ROWS = 500

CountKey = tuple[str, str, dt.date]  # normalised query, language, day


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week holding `day`."""
    return day - dt.timedelta(days=day.weekday())


class SearchCounts:
    """How many searches per query, language and day found no answer."""

    def __init__(self, database: Database):
        self.database = database

    def add(self, counts: Mapping[CountKey, int]) -> None:
        """Add a batch of counts in one transaction (all or nothing)."""
        rows = [{"query": q, "lang": lang, "day": day, "count": n}
                for (q, lang, day), n in counts.items() if n > 0]
        if not rows:
            return
        with self.database.session() as session:
            dialect = session.get_bind().dialect.name
            for start in range(0, len(rows), BATCH_ROWS):
                batch = rows[start:start + BATCH_ROWS]
                if dialect in ("sqlite", "postgresql"):
                    session.execute(_upsert(dialect), batch)
                else:
                    _add_one_by_one(session, batch)

    def top(self, week: dt.date, limit: int = 20) -> dict[str, list[tuple[str, int]]]:
        """The most frequent unanswered queries per language in the week starting `week`."""
        start = week_start(week)
        total = func.sum(UnansweredSearch.count)
        query = (select(UnansweredSearch.lang, UnansweredSearch.query, total)
                 .where(UnansweredSearch.day >= start,
                        UnansweredSearch.day < start + dt.timedelta(days=7))
                 .group_by(UnansweredSearch.lang, UnansweredSearch.query)
                 .order_by(total.desc(), UnansweredSearch.query))
        top: dict[str, list[tuple[str, int]]] = defaultdict(list)
        with self.database.session() as session:
            for lang, text, count in session.execute(query):
                if len(top[lang]) < limit:
                    top[lang].append((text, int(count)))
        return dict(top)

    def weekly(self, weeks: int, today: dt.date | None = None) -> list[tuple[dt.date, int, int]]:
        """(week start, reports received, unanswered searches) for the last `weeks` weeks."""
        today = today or dt.date.today()
        first = week_start(today) - dt.timedelta(weeks=weeks - 1)
        starts = [first + dt.timedelta(weeks=n) for n in range(weeks)]
        searches = dict.fromkeys(starts, 0)
        reports = dict.fromkeys(starts, 0)
        by_day_searches = (select(UnansweredSearch.day, func.sum(UnansweredSearch.count))
                           .where(UnansweredSearch.day >= first)
                           .group_by(UnansweredSearch.day))
        by_day_reports = (select(Report.received_on, func.count())
                          .where(Report.received_on >= first).group_by(Report.received_on))
        with self.database.session() as session:
            for day, count in session.execute(by_day_searches):
                if week_start(day) in searches:
                    searches[week_start(day)] += int(count)
            for day, count in session.execute(by_day_reports):
                if week_start(day) in reports:
                    reports[week_start(day)] += int(count)
        return [(start, reports[start], searches[start]) for start in starts]


@lru_cache(maxsize=2)
def _upsert(dialect: str):
    """INSERT ... ON CONFLICT DO UPDATE count = count + the new count (SQLite, PostgreSQL):
    one statement, compiled once, run with many rows (executemany)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(UnansweredSearch).values(
        query=bindparam("query"), lang=bindparam("lang"), day=bindparam("day"),
        count=bindparam("count"))
    return statement.on_conflict_do_update(
        index_elements=["query", "lang", "day"],
        set_={"count": UnansweredSearch.count + statement.excluded["count"]})


def _add_one_by_one(session, rows: list[dict]) -> None:
    """For other databases: read, then update or insert, row by row."""
    for row in rows:
        existing = session.scalar(select(UnansweredSearch).where(
            UnansweredSearch.query == row["query"], UnansweredSearch.lang == row["lang"],
            UnansweredSearch.day == row["day"]).with_for_update())
        if existing is None:
            session.add(UnansweredSearch(**row))
        else:
            existing.count += row["count"]
